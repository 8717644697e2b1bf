// The engine's one table of Key Vault's algorithms and curves: for each algorithm its family, the
// operations it serves and its parameters (digest length, curve, AES size and mode, RSA padding);
// for each curve its name, sizes, ECDSA algorithm and core id. The engine's families, the JWK layer
// and the vault all read it from here; the ids and sizes that the core defines come from the
// generated ABI (./generated/abi.ts). Sources: DESIGN.md "Algorithms"; the Key Vault REST reference
// (JsonWebKeyEncryptionAlgorithm, JsonWebKeySignatureAlgorithm, JsonWebKeyCurveName); RFC 7518.
import { type AesMode, CurveId, type CurveName, curveBits, type HashName, hashLength, type RsaPadding } from "./abi.js";

/** The key family of a Key Vault kty, without the "-HSM" suffix. */
export type Family = "RSA" | "EC" | "oct";
export type CryptoOp = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey" | "sign" | "verify";
export type AesBits = 128 | 192 | 256;
export type EcdsaAlgorithmName = "ES256" | "ES256K" | "ES384" | "ES512";

export interface AlgorithmInfo {
  readonly name: string;
  readonly family: Family;
  readonly ops: readonly CryptoOp[];
  /** Signatures: the hash whose digest is signed. RSA-OAEP: the OAEP and MGF1 hash. */
  readonly hash?: HashName;
  /** Signatures: the length of the digest that sign and verify take (Key Vault signs digests). */
  readonly digestLength?: number;
  /** ECDSA: the one curve the algorithm works on. */
  readonly curve?: CurveName;
  /** AES: the key size the algorithm needs, and the core's mode. */
  readonly aesBits?: AesBits;
  readonly aesMode?: keyof typeof AesMode;
  /** RSA: the core's padding (encryption) or scheme (signature). */
  readonly rsaPadding?: keyof typeof RsaPadding;
  /** PSS: the salt length, the hash length as Key Vault uses it. */
  readonly saltLength?: number;
}

export interface CurveInfo {
  readonly crv: CurveName;
  /** The core's curve id (assembly/ec/ids.ts). */
  readonly id: number;
  readonly bits: number;
  /** Bytes of a coordinate or private scalar in a JWK (RFC 7518 §6.2.1.2, §6.2.2.1). */
  readonly size: number;
  /** The ECDSA algorithm that goes with the curve. */
  readonly alg: EcdsaAlgorithmName;
}

const CIPHER: readonly CryptoOp[] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
const SIGN: readonly CryptoOp[] = ["sign", "verify"];
const WRAP: readonly CryptoOp[] = ["wrapKey", "unwrapKey"];
const ENCRYPT: readonly CryptoOp[] = ["encrypt", "decrypt"];

function rsaSignature(name: string, hash: HashName, pss: boolean): AlgorithmInfo {
  const digestLength = hashLength[hash];
  return {
    name,
    family: "RSA",
    ops: SIGN,
    hash,
    digestLength,
    rsaPadding: pss ? "OAEP_PSS" : "PKCS1",
    ...(pss ? { saltLength: digestLength } : {}),
  };
}

function ecdsa(name: EcdsaAlgorithmName, curve: CurveName, hash: HashName): AlgorithmInfo {
  return { name, family: "EC", ops: SIGN, hash, digestLength: hashLength[hash], curve };
}

function aes(bits: AesBits, suffix: string, aesMode: keyof typeof AesMode): AlgorithmInfo {
  return { name: `A${bits}${suffix}`, family: "oct", ops: aesMode === "KW" ? WRAP : ENCRYPT, aesBits: bits, aesMode };
}

const LIST: AlgorithmInfo[] = [
  { name: "RSA1_5", family: "RSA", ops: CIPHER, rsaPadding: "PKCS1" },
  { name: "RSA-OAEP", family: "RSA", ops: CIPHER, rsaPadding: "OAEP_PSS", hash: "SHA-1" },
  { name: "RSA-OAEP-256", family: "RSA", ops: CIPHER, rsaPadding: "OAEP_PSS", hash: "SHA-256" },
  rsaSignature("RS256", "SHA-256", false),
  rsaSignature("RS384", "SHA-384", false),
  rsaSignature("RS512", "SHA-512", false),
  rsaSignature("PS256", "SHA-256", true),
  rsaSignature("PS384", "SHA-384", true),
  rsaSignature("PS512", "SHA-512", true),
  ecdsa("ES256", "P-256", "SHA-256"),
  ecdsa("ES256K", "P-256K", "SHA-256"),
  ecdsa("ES384", "P-384", "SHA-384"),
  ecdsa("ES512", "P-521", "SHA-512"),
  ...([128, 192, 256] as const).flatMap((bits) => [
    aes(bits, "KW", "KW"),
    aes(bits, "GCM", "GCM"),
    aes(bits, "CBC", "CBC"),
    aes(bits, "CBCPAD", "CBC_PKCS7"),
  ]),
];

/** Every Key Vault algorithm this engine serves, by name. */
export const ALGORITHMS: Readonly<Record<string, AlgorithmInfo>> = Object.fromEntries(LIST.map((a) => [a.name, a]));

/** The algorithm's entry, or undefined for a name that is not one (own properties only). */
export function algorithmInfo(name: unknown): AlgorithmInfo | undefined {
  return typeof name === "string" && Object.hasOwn(ALGORITHMS, name) ? ALGORITHMS[name] : undefined;
}

/** Key sizes Key Vault creates and imports: RSA modulus bits, AES key bits. EC sizes are the curves'. */
export const RSA_SIZES = [2048, 3072, 4096] as const;
export const OCT_SIZES = [128, 192, 256] as const;

/** Key Vault's curves, by name; ids and sizes from the core. */
export const CURVES: Readonly<Record<CurveName, CurveInfo>> = Object.fromEntries(
  (Object.keys(CurveId) as CurveName[]).map((crv) => {
    const alg = LIST.find((a) => a.curve === crv)!.name as EcdsaAlgorithmName;
    const bits = curveBits[crv];
    return [crv, { crv, id: CurveId[crv], bits, size: Math.ceil(bits / 8), alg }];
  }),
) as Record<CurveName, CurveInfo>;

export const CURVE_NAMES = Object.keys(CURVES) as CurveName[];

/** The curve's entry, or undefined for a name that is not a Key Vault curve. */
export function curveInfo(crv: unknown): CurveInfo | undefined {
  return typeof crv === "string" && Object.hasOwn(CURVES, crv) ? CURVES[crv as CurveName] : undefined;
}

// ---- views the vault uses (kept under the names it had in src/vault/algorithms.ts) ----------------

/** The algorithms of a family that serve an operation. */
export function algorithmsFor(family: Family, op: CryptoOp): string[] {
  return LIST.filter((a) => a.family === family && a.ops.includes(op)).map((a) => a.name);
}

export const ALL_ALGORITHMS: ReadonlySet<string> = new Set(LIST.map((a) => a.name));

/** Digest length for each signature algorithm: sign and verify take a digest, not a message. */
export const DIGEST_LENGTH: Readonly<Record<string, number>> = Object.fromEntries(
  LIST.filter((a) => a.digestLength !== undefined).map((a) => [a.name, a.digestLength!]),
);

/** The curve each ECDSA algorithm requires. */
export const CURVE_OF_ALG: Readonly<Record<string, CurveName>> = Object.fromEntries(
  LIST.filter((a) => a.curve !== undefined).map((a) => [a.name, a.curve!]),
);

/** AES key size required by each AES algorithm name (A128KW -> 128). */
export function aesBitsOf(alg: string): number | undefined {
  return algorithmInfo(alg)?.aesBits;
}

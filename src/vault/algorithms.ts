// Which algorithms each key type serves, for which operations, as data (Key Vault's tables).
// Source: DESIGN.md "Algorithms", and the Key Vault REST reference (JsonWebKeyEncryptionAlgorithm,
// JsonWebKeySignatureAlgorithm).

export type Family = "RSA" | "EC" | "oct";
export type CryptoOp = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey" | "sign" | "verify";

const RSA_ENCRYPTION = ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"];
const RSA_SIGNATURE = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
const AES_KW = ["A128KW", "A192KW", "A256KW"];
const AES_ENCRYPTION = ["A128GCM", "A192GCM", "A256GCM", "A128CBC", "A192CBC", "A256CBC", "A128CBCPAD", "A192CBCPAD", "A256CBCPAD"];

const BY_FAMILY: Record<Family, Partial<Record<CryptoOp, string[]>>> = {
  RSA: {
    encrypt: RSA_ENCRYPTION,
    decrypt: RSA_ENCRYPTION,
    wrapKey: RSA_ENCRYPTION,
    unwrapKey: RSA_ENCRYPTION,
    sign: RSA_SIGNATURE,
    verify: RSA_SIGNATURE,
  },
  EC: { sign: ["ES256", "ES256K", "ES384", "ES512"], verify: ["ES256", "ES256K", "ES384", "ES512"] },
  oct: { encrypt: AES_ENCRYPTION, decrypt: AES_ENCRYPTION, wrapKey: AES_KW, unwrapKey: AES_KW },
};

/** Digest length for each signature algorithm: sign and verify take a digest, not a message. */
export const DIGEST_LENGTH: Record<string, number> = {
  RS256: 32,
  RS384: 48,
  RS512: 64,
  PS256: 32,
  PS384: 48,
  PS512: 64,
  ES256: 32,
  ES256K: 32,
  ES384: 48,
  ES512: 64,
};

/** The curve each ECDSA algorithm requires. */
export const CURVE_OF_ALG: Record<string, string> = { ES256: "P-256", ES256K: "P-256K", ES384: "P-384", ES512: "P-521" };

/** AES key size required by each AES algorithm name (A128KW -> 128). */
export function aesBitsOf(alg: string): number | undefined {
  const m = /^A(128|192|256)(KW|GCM|CBC|CBCPAD)$/.exec(alg);
  return m ? Number(m[1]) : undefined;
}

export function algorithmsFor(family: Family, op: CryptoOp): string[] {
  return BY_FAMILY[family][op] ?? [];
}

export const ALL_ALGORITHMS = new Set(Object.values(BY_FAMILY).flatMap((ops) => Object.values(ops).flat()));

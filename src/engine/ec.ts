// EC keys and ECDSA, with Key Vault's names: curves P-256, P-256K (secp256k1), P-384, P-521 and
// algorithms ES256, ES256K, ES384, ES512. Signatures are raw r || s (IEEE P1363), as Key Vault's.
// Sign and verify take a digest; Key Vault requires its length to match the algorithm, which is
// checked here. The core itself accepts any digest length (bits2int, RFC 6979 §2.3.2), reachable
// through ecdsaSignDigest / ecdsaVerifyDigest.
import type { Core } from "./core.js";
import type { AlgorithmFamily } from "./family.js";
import { HashId, hashLength, type HashName } from "./abi.js";
import { HsmError } from "./status.js";

export type EcCurve = "P-256" | "P-256K" | "P-384" | "P-521";

interface CurveInfo {
  /** The core's curve id (assembly/ec/ids.ts). */
  readonly id: number;
  readonly bits: number;
  /** Bytes of a coordinate or private scalar in a JWK (RFC 7518 §6.2.1.2, §6.2.2.1). */
  readonly length: number;
}

export const EC_CURVES: Readonly<Record<EcCurve, CurveInfo>> = {
  "P-256": { id: 1, bits: 256, length: 32 },
  "P-256K": { id: 2, bits: 256, length: 32 },
  "P-384": { id: 3, bits: 384, length: 48 },
  "P-521": { id: 4, bits: 521, length: 66 },
};

interface EcdsaAlgorithm {
  readonly curve: EcCurve;
  readonly hash: HashName;
}

/** Key Vault's ECDSA algorithms: each names one curve and one hash, whose length the digest must have. */
export const ECDSA_ALGORITHMS: Readonly<Record<string, EcdsaAlgorithm>> = {
  ES256: { curve: "P-256", hash: "SHA-256" },
  ES256K: { curve: "P-256K", hash: "SHA-256" },
  ES384: { curve: "P-384", hash: "SHA-384" },
  ES512: { curve: "P-521", hash: "SHA-512" },
};

/** An EC JWK as Key Vault takes it (RFC 7518 §6.2): d is present for a private key. */
export interface EcJwk {
  kty?: string;
  crv: string;
  x: string;
  y: string;
  d?: string;
}

export interface EcPublicJwk {
  kty: "EC";
  crv: EcCurve;
  x: string;
  y: string;
}

const curveNames = Object.keys(EC_CURVES) as EcCurve[];

export function curveInfo(crv: unknown, context: string): CurveInfo {
  if (typeof crv !== "string" || !Object.hasOwn(EC_CURVES, crv)) {
    throw new HsmError("BAD_PARAMETER", `${context}: unknown curve ${JSON.stringify(crv)} (expected ${curveNames.join(", ")})`);
  }
  return EC_CURVES[crv as EcCurve];
}

function curveById(id: number, context: string): EcCurve {
  const name = curveNames.find((c) => EC_CURVES[c].id === id);
  if (!name) throw new HsmError("UNKNOWN_STATUS", `${context}: the core reported unknown curve id ${id}`);
  return name;
}

// --- base64url (RFC 4648 §5, unpadded as in JOSE), for Node and browsers alike ---

const B64URL = /^[A-Za-z0-9_-]*$/;

function fromBase64url(s: unknown, what: string, context: string): Uint8Array {
  if (typeof s !== "string" || !B64URL.test(s) || s.length % 4 === 1) {
    throw new HsmError("BAD_PARAMETER", `${context}: ${what} must be an unpadded base64url string`);
  }
  const binary = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - (s.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function toBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function coordinate(jwk: EcJwk, member: "x" | "y" | "d", curve: CurveInfo, crv: string, context: string): Uint8Array {
  const bytes = fromBase64url(jwk[member], `JWK member ${member}`, context);
  if (bytes.length !== curve.length) {
    throw new HsmError(
      "BAD_PARAMETER",
      `${context}: JWK member ${member} must be ${curve.length} bytes for ${crv} (RFC 7518 §6.2), got ${bytes.length}`,
    );
  }
  return bytes;
}

function checkJwkShape(jwk: EcJwk, context: string): CurveInfo {
  if (typeof jwk !== "object" || jwk === null) throw new HsmError("BAD_PARAMETER", `${context}: the JWK must be an object`);
  if (jwk.kty !== undefined && jwk.kty !== "EC" && jwk.kty !== "EC-HSM") {
    throw new HsmError("BAD_PARAMETER", `${context}: kty must be EC or EC-HSM, got ${JSON.stringify(jwk.kty)}`);
  }
  return curveInfo(jwk.crv, context);
}

// --- key management ---

/** A new key pair: d uniform in [1, n - 1] from the core's DRBG. */
export function ecGenerate(core: Core, crv: EcCurve): number {
  const curve = curveInfo(crv, "generateEc");
  core.reseedNow();
  return core.call("ec_generate", "generateEc", curve.id);
}

/** Imports a private JWK (crv, x, y, d); the core checks the point, the range of d, and d G = (x, y). */
export function ecImport(core: Core, jwk: EcJwk): number {
  const context = "importEc";
  const curve = checkJwkShape(jwk, context);
  if (jwk.d === undefined) throw new HsmError("BAD_PARAMETER", `${context}: the JWK has no d; use importEcPublic for a public key`);
  const x = coordinate(jwk, "x", curve, jwk.crv, context);
  const y = coordinate(jwk, "y", curve, jwk.crv, context);
  const d = coordinate(jwk, "d", curve, jwk.crv, context);
  try {
    core.writeAll(x, y, d);
    return core.call("ec_import_private", context, curve.id, 3 * curve.length);
  } catch (e) {
    throw rename(e, context, "the private key is not valid: the point is not on the curve, d is out of range, or d G != (x, y)");
  } finally {
    d.fill(0);
    core.write(new Uint8Array(3 * curve.length)); // the private scalar passed through IN
  }
}

/** Imports a public key (crv, x, y): the point must be on the curve. */
export function ecImportPublic(core: Core, jwk: EcJwk): number {
  const context = "importEcPublic";
  const curve = checkJwkShape(jwk, context);
  const x = coordinate(jwk, "x", curve, jwk.crv, context);
  const y = coordinate(jwk, "y", curve, jwk.crv, context);
  core.writeAll(x, y);
  try {
    return core.call("ec_import_public", context, curve.id, 2 * curve.length);
  } catch (e) {
    throw rename(e, context, "the public key is not a point on the curve");
  }
}

function rename(e: unknown, context: string, message: string): unknown {
  if (e instanceof HsmError && e.code === "INVALID_KEY") return new HsmError("INVALID_KEY", `${context}: ${message}`, e.status);
  return e;
}

export function ecCurveOf(core: Core, handle: number, context = "ecCurve"): EcCurve {
  return curveById(core.call("ec_key_curve", context, handle), context);
}

/** The public JWK of an EC key (private or public). */
export function ecPublicJwk(core: Core, handle: number): EcPublicJwk {
  const crv = ecCurveOf(core, handle, "publicJwk");
  const len = EC_CURVES[crv].length;
  const xy = core.read(core.call("ec_public", "publicJwk", handle));
  return { kty: "EC", crv, x: toBase64url(xy.subarray(0, len)), y: toBase64url(xy.subarray(len, 2 * len)) };
}

// --- ECDSA ---

/**
 * ECDSA over a digest of any length (bits2int truncates it to the order's size); the RFC 6979
 * nonce derivation is keyed with `hash`. Key Vault's sign() is stricter: see ecFamily.
 */
export function ecdsaSignDigest(core: Core, handle: number, hash: HashName, digest: Uint8Array, context = "ecdsaSignDigest"): Uint8Array {
  const id = HashId[hash];
  if (id === undefined) throw new HsmError("BAD_ALGORITHM", `${context}: unknown hash ${String(hash)}`);
  if (!(digest instanceof Uint8Array) || digest.length === 0) {
    throw new HsmError("BAD_DIGEST_LENGTH", `${context}: the digest must be a non-empty Uint8Array`);
  }
  core.reseed(); // it passes its entropy through IN: before the digest goes there
  core.write(digest);
  const n = core.call("ec_sign", context, handle, id, digest.length);
  return core.read(n);
}

/** Verifies a raw r || s over a digest of any length. A malformed signature is simply invalid. */
export function ecdsaVerifyDigest(
  core: Core,
  handle: number,
  digest: Uint8Array,
  signature: Uint8Array,
  context = "ecdsaVerifyDigest",
): boolean {
  if (!(digest instanceof Uint8Array) || digest.length === 0) {
    throw new HsmError("BAD_DIGEST_LENGTH", `${context}: the digest must be a non-empty Uint8Array`);
  }
  if (!(signature instanceof Uint8Array)) throw new HsmError("BAD_PARAMETER", `${context}: the signature must be a Uint8Array`);
  core.writeAll(digest, signature);
  return core.call("ec_verify", context, handle, digest.length, signature.length) === 1;
}

/** Checks Key Vault's pairing of algorithm, curve and digest length. */
function checkAlgorithm(core: Core, handle: number, alg: string, digest: Uint8Array, context: string): EcdsaAlgorithm {
  const algorithm = ECDSA_ALGORITHMS[alg]!;
  const crv = ecCurveOf(core, handle, context);
  if (crv !== algorithm.curve) {
    throw new HsmError("BAD_ALGORITHM", `${context}: ${alg} needs a ${algorithm.curve} key; this key is ${crv}`);
  }
  const expected = hashLength[algorithm.hash];
  if (!(digest instanceof Uint8Array) || digest.length !== expected) {
    const got = digest instanceof Uint8Array ? String(digest.length) : "no Uint8Array";
    throw new HsmError("BAD_DIGEST_LENGTH", `${context}: digest for ${alg} must be ${expected} bytes, got ${got}`);
  }
  return algorithm;
}

export const ecFamily: AlgorithmFamily = {
  algorithms: Object.keys(ECDSA_ALGORITHMS),
  sign(core, handle, alg, digest) {
    const algorithm = checkAlgorithm(core, handle, alg, digest, "sign");
    return ecdsaSignDigest(core, handle, algorithm.hash, digest, "sign");
  },
  verify(core, handle, alg, digest, signature) {
    checkAlgorithm(core, handle, alg, digest, "verify");
    return ecdsaVerifyDigest(core, handle, digest, signature, "verify");
  },
};

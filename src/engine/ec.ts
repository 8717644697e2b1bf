// EC keys and ECDSA, with Key Vault's names: curves P-256, P-256K (secp256k1), P-384, P-521 and
// algorithms ES256, ES256K, ES384, ES512. Signatures are raw r || s (IEEE P1363), as Key Vault's.
// Sign and verify take a digest; Key Vault requires its length to match the algorithm, which is
// checked here. The core itself accepts any digest length (bits2int, RFC 6979 §2.3.2), reachable
// through ecdsaSignDigest / ecdsaVerifyDigest.
import type { Core } from "./core.js";
import type { AlgorithmFamily } from "./family.js";
import { type CurveName, HashId, type HashName, hashLength } from "./abi.js";
import { HsmError } from "./status.js";
import { ALGORITHMS, CURVE_NAMES, CURVES, type CurveInfo, curveInfo as registryCurve } from "./registry.js";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.js";

export type EcCurve = CurveName;

interface EcdsaAlgorithm {
  readonly curve: EcCurve;
  readonly hash: HashName;
}

/** Key Vault's ECDSA algorithms (from the registry): each names one curve and one hash, whose length the digest must have. */
export const ECDSA_ALGORITHMS: Readonly<Record<string, EcdsaAlgorithm>> = Object.fromEntries(
  Object.values(ALGORITHMS)
    .filter((a) => a.family === "EC")
    .map((a) => [a.name, { curve: a.curve!, hash: a.hash! }]),
);

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

export function curveInfo(crv: unknown, context: string): CurveInfo {
  const info = registryCurve(crv);
  if (!info) throw new HsmError("BAD_PARAMETER", `${context}: unknown curve ${JSON.stringify(crv)} (expected ${CURVE_NAMES.join(", ")})`);
  return info;
}

function curveById(id: number, context: string): EcCurve {
  const name = CURVE_NAMES.find((c) => CURVES[c].id === id);
  if (!name) throw new HsmError("UNKNOWN_STATUS", `${context}: the core reported unknown curve id ${id}`);
  return name;
}

/** A JWK member as bytes: unpadded base64url only (RFC 7515 §2). */
function fromBase64url(s: unknown, what: string, context: string): Uint8Array {
  const bytes = typeof s === "string" ? decodeBase64url(s, { strict: true }) : undefined;
  if (!bytes) throw new HsmError("BAD_PARAMETER", `${context}: ${what} must be an unpadded base64url string`);
  return bytes;
}

function coordinate(jwk: EcJwk, member: "x" | "y" | "d", curve: CurveInfo, crv: string, context: string): Uint8Array {
  const bytes = fromBase64url(jwk[member], `JWK member ${member}`, context);
  if (bytes.length !== curve.size) {
    throw new HsmError(
      "BAD_PARAMETER",
      `${context}: JWK member ${member} must be ${curve.size} bytes for ${crv} (RFC 7518 §6.2), got ${bytes.length}`,
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

/**
 * Imports a private JWK (crv, x, y, d). The core checks the point, the range of d and d G = (x, y),
 * and a refusal says which failed (INVALID_KEY, reason EC_POINT, EC_D_RANGE or EC_D_MISMATCH).
 */
export function ecImport(core: Core, jwk: EcJwk): number {
  const context = "importEc";
  const curve = checkJwkShape(jwk, context);
  if (jwk.d === undefined) throw new HsmError("BAD_PARAMETER", `${context}: the JWK has no d; use importEcPublic for a public key`);
  const x = coordinate(jwk, "x", curve, jwk.crv, context);
  const y = coordinate(jwk, "y", curve, jwk.crv, context);
  const d = coordinate(jwk, "d", curve, jwk.crv, context);
  try {
    core.writeAll(x, y, d);
    return core.callImport("ec_import_private", context, curve.id, 3 * curve.size);
  } finally {
    d.fill(0);
    core.write(new Uint8Array(3 * curve.size)); // the private scalar passed through IN (the core wipes it too)
  }
}

/**
 * The public point d G of a private scalar (a PKCS#8 EC key may leave its public key out, RFC 5915):
 * the core imports d alone, computes the point, and the key is destroyed at once.
 */
export function ecPublicPoint(core: Core, crv: string, dB64: string): { x: string; y: string } {
  const context = "ecPublicPoint";
  const curve = curveInfo(crv, context);
  const d = coordinate({ crv, d: dB64 } as EcJwk, "d", curve, crv, context);
  let handle: number;
  try {
    core.write(d);
    handle = core.callImport("ec_import_private", context, curve.id, curve.size);
  } finally {
    d.fill(0);
    core.write(new Uint8Array(curve.size));
  }
  try {
    const pub = ecPublicJwk(core, handle);
    return { x: pub.x, y: pub.y };
  } finally {
    core.call("key_destroy", context, handle);
  }
}

/** Imports a public key (crv, x, y): the point must be on the curve (INVALID_KEY, reason EC_POINT). */
export function ecImportPublic(core: Core, jwk: EcJwk): number {
  const context = "importEcPublic";
  const curve = checkJwkShape(jwk, context);
  const x = coordinate(jwk, "x", curve, jwk.crv, context);
  const y = coordinate(jwk, "y", curve, jwk.crv, context);
  core.writeAll(x, y);
  return core.callImport("ec_import_public", context, curve.id, 2 * curve.size);
}

export function ecCurveOf(core: Core, handle: number, context = "ecCurve"): EcCurve {
  return curveById(core.call("ec_key_curve", context, handle), context);
}

/** The public JWK of an EC key (private or public). */
export function ecPublicJwk(core: Core, handle: number): EcPublicJwk {
  const crv = ecCurveOf(core, handle, "publicJwk");
  const len = CURVES[crv].size;
  const xy = core.read(core.call("ec_public", "publicJwk", handle));
  return { kty: "EC", crv, x: encodeBase64url(xy.subarray(0, len)), y: encodeBase64url(xy.subarray(len, 2 * len)) };
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

// The checks every cryptographic operation makes before the engine is called: key_ops, enabled,
// the nbf/exp window, and the algorithm against the key's type, size and curve.
import { aesBitsOf, ALL_ALGORITHMS, algorithmsFor, CURVE_OF_ALG, type CryptoOp, DIGEST_LENGTH } from "../../engine/index.js";
import { baseKty } from "../../jwk/parse.js";
import { decodeBase64url } from "../../encoding/base64url.js";
import { badParameter, forbidden, operationForbidden } from "../errors.js";
import type { KeyVersion } from "./views.js";

/** Refuses an operation the version does not allow now, or an algorithm that does not suit it. */
export function checkOperation(op: CryptoOp, v: KeyVersion, alg: string, now: number): void {
  if (!v.props.keyOps.includes(op)) throw operationForbidden(op);
  if (v.attributes.enabled === false) throw forbidden(`Operation ${op} is not allowed on a disabled key.`);
  // Outside nbf/exp a key still decrypts, unwraps and verifies, so that old data stays readable.
  // Only a number is a date: an old bug stored an overflowing expiry as null (issue 15, defect 2),
  // and `now >= null` is true in JavaScript.
  if (op === "encrypt" || op === "wrapKey" || op === "sign") {
    const { nbf, exp } = v.attributes;
    if (typeof nbf === "number" && now < nbf) throw forbidden(`Operation ${op} is not allowed before the key's activation date (nbf).`);
    if (typeof exp === "number" && now >= exp) throw forbidden(`Operation ${op} is not allowed on an expired key.`);
  }
  const family = baseKty(v.props.kty)!;
  if (!ALL_ALGORITHMS.has(alg)) throw badParameter(`Unknown algorithm ${JSON.stringify(alg)}.`);
  if (!algorithmsFor(family, op).includes(alg))
    throw badParameter(`Algorithm ${alg} is not supported for ${op} with a key of type ${v.props.kty}.`);
  if (family === "oct" && aesBitsOf(alg) !== v.props.keySize) {
    throw badParameter(`Algorithm ${alg} needs a ${aesBitsOf(alg)}-bit key; this key has ${v.props.keySize} bits.`);
  }
  if (family === "EC" && CURVE_OF_ALG[alg] !== v.props.publicJwk.crv) {
    throw badParameter(`Algorithm ${alg} needs a key on ${CURVE_OF_ALG[alg]}; this key is on ${v.props.publicJwk.crv}.`);
  }
}

export function checkAlgName(alg: unknown): asserts alg is string {
  if (typeof alg !== "string" || alg === "") throw badParameter("The request must name the algorithm in 'alg'.");
}

export function checkDigest(alg: string, digest: Uint8Array): void {
  const expected = DIGEST_LENGTH[alg];
  if (expected !== undefined && digest.length !== expected) {
    throw badParameter(`The digest for ${alg} must be ${expected} bytes; got ${digest.length}.`);
  }
}

export function requireBytes(value: unknown, name: string): Uint8Array {
  if (typeof value !== "string") throw badParameter(`'${name}' must be a base64url string.`);
  const bytes = decodeBase64url(value);
  if (!bytes) throw badParameter(`'${name}' is not valid base64url.`);
  return bytes;
}

export function optionalBytes(value: unknown, name: string): Uint8Array | undefined {
  return value === undefined || value === null ? undefined : requireBytes(value, name);
}

// The shape of private JWKs for import (RFC 7517, RFC 7518 §6), one function per kty: the members
// present, base64url, of the sizes the JWK format fixes. Whether the key itself is valid (sizes,
// ranges, the parts agreeing) is the core's to say: see ./import.ts. Every refusal here is a
// BadParameter that names the member and what is wrong with it. No arithmetic on key material.
import { decodeBase64url } from "../encoding/base64url.js";
import { bitLengthVartime, stripLeadingZeros } from "../encoding/bytes.js";
import { OCT_SIZES, RSA_SIZES, curveInfo, type CurveInfo } from "../engine/index.js";
import { jwkError } from "./errors.js";
import type { JsonWebKey } from "../model/index.js";

export { OCT_SIZES, RSA_SIZES };

export interface RsaPrivateJwk {
  kty: "RSA";
  bits: number;
  n: Uint8Array;
  e: Uint8Array;
  d: Uint8Array;
  p: Uint8Array;
  q: Uint8Array;
  dp: Uint8Array;
  dq: Uint8Array;
  qi: Uint8Array;
}

export interface EcPrivateJwk {
  kty: "EC";
  curve: CurveInfo;
  x: Uint8Array;
  y: Uint8Array;
  d: Uint8Array;
}

export interface OctJwk {
  kty: "oct";
  bits: number;
  k: Uint8Array;
}

export type PrivateJwk = RsaPrivateJwk | EcPrivateJwk | OctJwk;

/** The key family of a Key Vault kty: "RSA-HSM" -> "RSA". */
export function baseKty(kty: unknown): "RSA" | "EC" | "oct" | undefined {
  if (kty === "RSA" || kty === "RSA-HSM") return "RSA";
  if (kty === "EC" || kty === "EC-HSM") return "EC";
  if (kty === "oct" || kty === "oct-HSM") return "oct";
  return undefined;
}

function member(jwk: JsonWebKey, name: keyof JsonWebKey): Uint8Array {
  const value = jwk[name];
  if (value === undefined || value === null || value === "") throw jwkError(`missing member '${name}'`);
  if (typeof value !== "string") throw jwkError(`member '${name}' must be a base64url string`);
  const bytes = decodeBase64url(value);
  if (!bytes) throw jwkError(`member '${name}' is not valid base64url`);
  return bytes;
}

export function parsePrivateJwk(jwk: unknown): PrivateJwk {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) throw jwkError("the key must be a JSON object");
  const key = jwk as JsonWebKey;
  if (key.kty === undefined || key.kty === null || key.kty === "") throw jwkError("missing member 'kty'");
  const family = baseKty(key.kty);
  if (!family) throw jwkError(`unsupported kty ${JSON.stringify(key.kty)}; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM`);
  if (family === "RSA") return parseRsa(key);
  if (family === "EC") return parseEc(key);
  return parseOct(key);
}

function parseRsa(jwk: JsonWebKey): RsaPrivateJwk {
  const n = stripLeadingZeros(member(jwk, "n"));
  const e = stripLeadingZeros(member(jwk, "e"));
  if (jwk.d === undefined) throw jwkError("an RSA key for import must be private: missing member 'd'");
  const d = member(jwk, "d");
  const p = member(jwk, "p");
  const q = member(jwk, "q");
  const dp = member(jwk, "dp");
  const dq = member(jwk, "dq");
  const qi = member(jwk, "qi");
  return { kty: "RSA", bits: bitLengthVartime(n), n, e, d, p, q, dp, dq, qi };
}

function parseEc(jwk: JsonWebKey): EcPrivateJwk {
  if (jwk.crv === undefined || jwk.crv === null || jwk.crv === "") throw jwkError("missing member 'crv'");
  const curve = curveInfo(jwk.crv);
  if (!curve) throw jwkError(`unsupported crv ${JSON.stringify(jwk.crv)}; use P-256, P-256K, P-384 or P-521`);
  const x = member(jwk, "x");
  const y = member(jwk, "y");
  if (jwk.d === undefined) throw jwkError("an EC key for import must be private: missing member 'd'");
  const d = member(jwk, "d");
  // RFC 7518 §6.2.1.2, §6.2.2.1: coordinates and d are encoded on the full size of the field.
  for (const [name, value] of [
    ["x", x],
    ["y", y],
    ["d", d],
  ] as const) {
    if (value.length !== curve.size) throw jwkError(`'${name}' must be ${curve.size} bytes for ${curve.crv}, got ${value.length}`);
  }
  return { kty: "EC", curve, x, y, d };
}

function parseOct(jwk: JsonWebKey): OctJwk {
  const k = member(jwk, "k");
  const bits = k.length * 8;
  if (!(OCT_SIZES as readonly number[]).includes(bits)) {
    throw jwkError(`an oct key of ${bits} bits is not supported; use 128, 192 or 256 bits`);
  }
  return { kty: "oct", bits, k };
}

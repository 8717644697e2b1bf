// Validation of private JWKs for import (RFC 7517, RFC 7518 §6), one function per kty.
// Every refusal is a BadParameter that names the member and what is wrong with it.
import { bytesToBigInt, decodeBase64url, stripLeadingZeros } from "./base64url.js";
import { curveInfo, type CurveInfo } from "./curves.js";
import { jwkError } from "./errors.js";
import type { JsonWebKey } from "../model/index.js";

export const RSA_SIZES = [2048, 3072, 4096] as const;
export const OCT_SIZES = [128, 192, 256] as const;

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

  const N = bytesToBigInt(n);
  const bits = N.toString(2).length;
  if (!(RSA_SIZES as readonly number[]).includes(bits)) {
    throw jwkError(`RSA modulus of ${bits} bits is not supported; Key Vault accepts 2048, 3072 or 4096 bits`);
  }
  const E = bytesToBigInt(e);
  if (E < 3n || E % 2n === 0n || e.length > 4) throw jwkError("'e' must be an odd public exponent from 3 to 2^32-1");
  const [D, P, Q, DP, DQ, QI] = [d, p, q, dp, dq, qi].map(bytesToBigInt) as [bigint, bigint, bigint, bigint, bigint, bigint];
  if (P < 3n || Q < 3n) throw jwkError("'p' and 'q' must be primes greater than 2");
  if (P * Q !== N) throw jwkError("'p' times 'q' does not equal 'n'");
  const pBits = P.toString(2).length;
  const qBits = Q.toString(2).length;
  if (pBits !== bits / 2 || qBits !== bits / 2) throw jwkError(`'p' and 'q' must each have ${bits / 2} bits`);
  if (D <= 0n || D >= N) throw jwkError("'d' is out of range");
  const lambda = lcm(P - 1n, Q - 1n);
  if ((D * E) % lambda !== 1n) throw jwkError("'d' is not the inverse of 'e' modulo lcm(p-1, q-1)");
  if (DP !== D % (P - 1n)) throw jwkError("'dp' does not equal d mod (p-1)");
  if (DQ !== D % (Q - 1n)) throw jwkError("'dq' does not equal d mod (q-1)");
  if (QI <= 0n || QI >= P || (QI * Q) % P !== 1n) throw jwkError("'qi' is not the inverse of q modulo p");
  return { kty: "RSA", bits, n, e, d, p, q, dp, dq, qi };
}

function parseEc(jwk: JsonWebKey): EcPrivateJwk {
  if (jwk.crv === undefined || jwk.crv === null || jwk.crv === "") throw jwkError("missing member 'crv'");
  const curve = curveInfo(jwk.crv);
  if (!curve) throw jwkError(`unsupported crv ${JSON.stringify(jwk.crv)}; use P-256, P-256K, P-384 or P-521`);
  const x = member(jwk, "x");
  const y = member(jwk, "y");
  if (jwk.d === undefined) throw jwkError("an EC key for import must be private: missing member 'd'");
  const d = member(jwk, "d");
  for (const [name, value] of [
    ["x", x],
    ["y", y],
    ["d", d],
  ] as const) {
    if (value.length !== curve.size) throw jwkError(`'${name}' must be ${curve.size} bytes for ${curve.crv}, got ${value.length}`);
  }
  if (!curve.isOnCurve(bytesToBigInt(x), bytesToBigInt(y))) throw jwkError(`the point (x, y) is not on ${curve.crv}`);
  const D = bytesToBigInt(d);
  if (D < 1n || D >= curve.order) throw jwkError(`'d' is out of range for ${curve.crv}`);
  const P = curve.publicPoint(D);
  if (P.x !== bytesToBigInt(x) || P.y !== bytesToBigInt(y)) throw jwkError("'d' does not match the public point (x, y)");
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

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

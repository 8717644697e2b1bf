// Shared by the EC tests: the four Key Vault curves with their references (@noble/curves,
// node:crypto names), and conversions between bytes, bigints, base64url and JWKs.
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { EcCurve } from "../../src/engine/index.js";

export interface CurveCase {
  crv: EcCurve;
  id: number; // the core's curve id
  len: number; // coordinate bytes
  alg: "ES256" | "ES256K" | "ES384" | "ES512";
  hash: "SHA-256" | "SHA-384" | "SHA-512";
  nodeHash: "sha256" | "sha384" | "sha512";
  nodeCurve: string; // node:crypto namedCurve
  nodeJwkCrv: string; // crv in node's JWK export
  noble: typeof p256;
  p: bigint;
  n: bigint;
}

function curve(c: Omit<CurveCase, "p" | "n">): CurveCase {
  const params = c.noble.Point.CURVE();
  return { ...c, p: params.p, n: params.n };
}

export const CURVES: CurveCase[] = [
  curve({
    crv: "P-256",
    id: 1,
    len: 32,
    alg: "ES256",
    hash: "SHA-256",
    nodeHash: "sha256",
    nodeCurve: "prime256v1",
    nodeJwkCrv: "P-256",
    noble: p256,
  }),
  curve({
    crv: "P-256K",
    id: 2,
    len: 32,
    alg: "ES256K",
    hash: "SHA-256",
    nodeHash: "sha256",
    nodeCurve: "secp256k1",
    nodeJwkCrv: "secp256k1",
    noble: secp256k1,
  }),
  curve({
    crv: "P-384",
    id: 3,
    len: 48,
    alg: "ES384",
    hash: "SHA-384",
    nodeHash: "sha384",
    nodeCurve: "secp384r1",
    nodeJwkCrv: "P-384",
    noble: p384,
  }),
  curve({
    crv: "P-521",
    id: 4,
    len: 66,
    alg: "ES512",
    hash: "SHA-512",
    nodeHash: "sha512",
    nodeCurve: "secp521r1",
    nodeJwkCrv: "P-521",
    noble: p521,
  }),
];

export const b64url = (b: Uint8Array): string => Buffer.from(b).toString("base64url");
export const fromB64url = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "base64url"));

export function bigToBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new Error("value does not fit");
  return out;
}

export const bytesToBig = (b: Uint8Array): bigint => b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);

export const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

export function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b = mod(b, m);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/** The uncompressed SEC 1 encoding 04 || x || y of a public JWK, for @noble/curves. */
export function sec1FromJwk(jwk: { x: string; y: string }): Uint8Array {
  return new Uint8Array([4, ...fromB64url(jwk.x), ...fromB64url(jwk.y)]);
}

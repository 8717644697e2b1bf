// node:crypto-made keys as Key Vault JWKs, shared by the jwk and vault tests.
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import type { JsonWebKey } from "../../../src/model/index.js";

export const NODE_CURVE: Record<string, string> = { "P-256": "P-256", "P-256K": "secp256k1", "P-384": "P-384", "P-521": "P-521" };

export interface NodeKey {
  jwk: JsonWebKey;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function rsaKey(bits = 2048, publicExponent = 65537): NodeKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent });
  const jwk = privateKey.export({ format: "jwk" }) as JsonWebKey;
  return { jwk: { ...jwk, kty: "RSA" }, privateKey, publicKey };
}

export function ecKey(crv: "P-256" | "P-256K" | "P-384" | "P-521"): NodeKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: NODE_CURVE[crv]! });
  const jwk = privateKey.export({ format: "jwk" }) as JsonWebKey;
  return { jwk: { ...jwk, kty: "EC", crv }, privateKey, publicKey };
}

export function octKey(bits: number): { jwk: JsonWebKey; k: Buffer } {
  const k = randomBytes(bits / 8);
  return { jwk: { kty: "oct", k: k.toString("base64url") }, k };
}

/** The JWK with members removed or replaced (undefined removes). */
export function withMembers(jwk: JsonWebKey, changes: Record<string, unknown>): JsonWebKey {
  const out: Record<string, unknown> = { ...jwk };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out as JsonWebKey;
}

export const bigOf = (b64: string): bigint => BigInt(`0x${Buffer.from(b64, "base64url").toString("hex") || "0"}`);
export const b64OfBig = (v: bigint, length?: number): string => {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let buf = Buffer.from(hex, "hex");
  if (length !== undefined && buf.length < length) buf = Buffer.concat([Buffer.alloc(length - buf.length), buf]);
  return buf.toString("base64url");
};

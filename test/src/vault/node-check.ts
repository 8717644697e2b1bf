// node:crypto counterparts of the vault's operations, to check its results against OpenSSL.
import * as nc from "node:crypto";
import type { JsonWebKey } from "../../../src/vault/index.js";

export const HASH_OF: Record<string, string> = {
  RS256: "sha256",
  RS384: "sha384",
  RS512: "sha512",
  PS256: "sha256",
  PS384: "sha384",
  PS512: "sha512",
  ES256: "sha256",
  ES256K: "sha256",
  ES384: "sha384",
  ES512: "sha512",
};
export const DIGEST_LEN: Record<string, number> = {
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

/** A node KeyObject for the public JWK that getKey returned. */
export function nodePublicKey(jwk: JsonWebKey): nc.KeyObject {
  const { kid: _kid, key_ops: _ops, ...rest } = jwk;
  const kty = rest.kty!.replace(/-HSM$/, "");
  const crv = rest.crv === "P-256K" ? "secp256k1" : rest.crv;
  return nc.createPublicKey({ key: { ...rest, kty, ...(crv ? { crv } : {}) } as nc.JsonWebKey, format: "jwk" });
}

/** Node's sign/verify options for a Key Vault signature algorithm (PSS salt = hash length). */
export function signOptions(alg: string, key: nc.KeyObject): nc.SignKeyObjectInput | nc.VerifyKeyObjectInput {
  if (alg.startsWith("PS")) return { key, padding: nc.constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_LEN[alg]! };
  if (alg.startsWith("ES")) return { key, dsaEncoding: "ieee-p1363" };
  return { key };
}

export function nodeEncrypt(alg: string, key: nc.KeyObject, data: Uint8Array): Buffer {
  if (alg === "RSA1_5") return nc.publicEncrypt({ key, padding: nc.constants.RSA_PKCS1_PADDING }, data);
  return nc.publicEncrypt({ key, padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === "RSA-OAEP" ? "sha1" : "sha256" }, data);
}

/** Node refuses PKCS#1 v1.5 private decryption (CVE-2023-46809), so RSA1_5 is unpadded here (RFC 8017 §7.2.2). */
export function nodeDecrypt(alg: string, key: nc.KeyObject, data: Uint8Array): Buffer {
  if (alg !== "RSA1_5")
    return nc.privateDecrypt({ key, padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === "RSA-OAEP" ? "sha1" : "sha256" }, data);
  const em = nc.privateDecrypt({ key, padding: nc.constants.RSA_NO_PADDING }, data);
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new Error("bad PKCS#1 v1.5 padding");
  return em.subarray(sep + 1);
}

export function aesKw(key: Buffer, data: Uint8Array): Buffer {
  const c = nc.createCipheriv(`id-aes${key.length * 8}-wrap`, key, Buffer.from("a6a6a6a6a6a6a6a6", "hex"));
  return Buffer.concat([c.update(data), c.final()]);
}

export function aesKwUnwrap(key: Buffer, data: Uint8Array): Buffer {
  const d = nc.createDecipheriv(`id-aes${key.length * 8}-wrap`, key, Buffer.from("a6a6a6a6a6a6a6a6", "hex"));
  return Buffer.concat([d.update(data), d.final()]);
}

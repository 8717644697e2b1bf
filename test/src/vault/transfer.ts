// BYOK transfer blobs made with node:crypto alone (DESIGN.md "BYOK import"): RSA-OAEP-SHA1 of an ephemeral
// AES-256 key, followed by AES-KWP (RFC 5649) of the target (PKCS#8 DER for RSA and EC, raw bytes for oct).
import * as nc from "node:crypto";

export interface TransferOptions {
  kid: string;
  kekPublic: nc.KeyObject;
  target: Uint8Array;
  /** Overrides of the blob's JSON, for malformed-blob tests. */
  header?: Record<string, unknown>;
  mutate?: (ciphertext: Buffer) => Buffer;
  aesKey?: Uint8Array;
}

export function transferCiphertext(kekPublic: nc.KeyObject, target: Uint8Array, aesKey: Uint8Array = nc.randomBytes(32)): Buffer {
  const kwp = nc.createCipheriv("id-aes256-wrap-pad", aesKey, Buffer.from("a65959a6", "hex"));
  const wrapped = Buffer.concat([kwp.update(target), kwp.final()]);
  const rsaPart = nc.publicEncrypt({ key: kekPublic, padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, aesKey);
  return Buffer.concat([rsaPart, wrapped]);
}

export function transferBlob(o: TransferOptions): Record<string, unknown> {
  let ct = transferCiphertext(o.kekPublic, o.target, o.aesKey);
  if (o.mutate) ct = o.mutate(ct);
  return {
    schema_version: "1.0.0",
    header: { kid: o.kid, alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP", ...(o.header ?? {}) },
    ciphertext: ct.toString("base64url"),
  };
}

export const keyHsm = (blob: unknown): string => Buffer.from(JSON.stringify(blob)).toString("base64url");

export const pkcs8 = (key: nc.KeyObject): Buffer => key.export({ format: "der", type: "pkcs8" }) as Buffer;

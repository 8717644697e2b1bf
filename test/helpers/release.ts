// The target's side of a Key Vault key release, done with node:crypto alone: RSA-OAEP unwrap of the
// ephemeral AES key, then AES key wrap with padding (RFC 5649, OpenSSL's id-aes256-wrap-pad).
import { constants, createDecipheriv, createPrivateKey, privateDecrypt, type KeyObject } from "node:crypto";

const OAEP_HASH: Record<string, string> = {
  CKM_RSA_AES_KEY_WRAP: "sha1",
  RSA_AES_KEY_WRAP_256: "sha256",
  RSA_AES_KEY_WRAP_384: "sha384",
};

/** The released key's bytes (PKCS#8 DER for RSA and EC, raw for oct). */
export function unwrapRelease(ciphertext: Uint8Array, target: KeyObject, enc = "CKM_RSA_AES_KEY_WRAP"): Buffer {
  const k = (target.asymmetricKeyDetails!.modulusLength! + 7) >> 3;
  const ct = Buffer.from(ciphertext);
  const aesKey = privateDecrypt({ key: target, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[enc] }, ct.subarray(0, k));
  const cipher = `id-aes${aesKey.length * 8}-wrap-pad`;
  const d = createDecipheriv(cipher, aesKey, Buffer.from("A65959A6", "hex"));
  return Buffer.concat([d.update(ct.subarray(k)), d.final()]);
}

/** A PKCS#8 DER private key as a node KeyObject. */
export const pkcs8Key = (der: Buffer): KeyObject => createPrivateKey({ key: der, format: "der", type: "pkcs8" });

const big = (b64u: string) => BigInt(`0x${Buffer.from(b64u, "base64url").toString("hex") || "0"}`);

/** Checks the RSA private JWK's parts agree (PKCS#1 §3.2): n = p q, e d = 1 mod p-1 and q-1, dp, dq, qi. */
export function rsaPartsAgree(jwk: {
  n?: string;
  e?: string;
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}): boolean {
  const [n, e, d, p, q, dp, dq, qi] = [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map((x) => big(x!));
  return (
    n === p * q &&
    (e * d) % (p - 1n) === 1n &&
    (e * d) % (q - 1n) === 1n &&
    d % (p - 1n) === dp &&
    d % (q - 1n) === dq &&
    (qi * q) % p === 1n &&
    d > 0n &&
    d < n
  );
}

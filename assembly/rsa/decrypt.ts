// RSA decryption (RFC 8017 §7.1.2 RSAES-OAEP-DECRYPT, §7.2.2 RSAES-PKCS1-V1_5-DECRYPT) of a
// ciphertext of exactly k bytes. Used by the rsa_decrypt export and by BYOK's key transport.
import { ERR_DECRYPT, OK } from "../status";
import { MAX_LIMBS, fromBytes, toBytes, zero } from "../bn/limbs";
import { keyK, keyLn } from "./key";
import { belowModulusVartime, privateOp } from "./private";
import { oaepDecode } from "./oaep";
import { pkcs1DecryptDecode } from "./pkcs1";
import { wipe } from "../mem";
import { RSA_PAD_PKCS1 } from "./paddings";


const C = memory.data(MAX_LIMBS * 4, 16);
const M = memory.data(MAX_LIMBS * 4, 16);
const EM = memory.data(512, 16);

/**
 * Decrypts the k-byte ciphertext at ct into out; returns the message length, or ERR_DECRYPT for
 * every bad ciphertext (c >= n, or any padding failure), with no way to tell them apart.
 * The caller has checked the padding and hash ids, and that ct is exactly k bytes.
 */
export function rsaDecrypt(key: usize, ct: usize, padding: u32, hash: i32, mgfHash: i32, label: usize, labelLen: i32, out: usize): i32 {
  const k = keyK(key);
  const Ln = keyLn(key);
  fromBytes(C, Ln, ct, k);
  if (!belowModulusVartime(key, C)) return ERR_DECRYPT; // c >= n (public data)
  const st = privateOp(key, M, C);
  zero(C, Ln);
  if (st != OK) return st;
  toBytes(EM, k, M, Ln);
  zero(M, Ln);
  const result = padding == RSA_PAD_PKCS1 ? pkcs1DecryptDecode(EM, k, out) : oaepDecode(EM, k, hash, mgfHash, label, labelLen, out);
  wipe(EM, 512);
  return result;
}

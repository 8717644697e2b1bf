// RSAES-OAEP encoding and decoding (RFC 8017 §7.1), with separate hashes for the
// label and for MGF1 (Key Vault uses SHA-1/SHA-1 for RSA-OAEP and SHA-256/SHA-256
// for RSA-OAEP-256; other pairs exist in the wild and in Wycheproof).
import { drbgGenerate } from "../rand/drbg";
import { hashOnce } from "../hash/hash";
import { hashLength } from "../hash/ids";
import { OK, ERR_DECRYPT, ERR_TOO_LONG } from "../status";
import { ctEqual, ctIsZeroMask, ctEqMask, wipe } from "../mem";
import { mgf1Xor } from "./mgf";

const lHash = memory.data(64, 16);

/** Largest message for a k-byte modulus: k - 2 hLen - 2 (§7.1.1 step 1.b); negative if none. */
export function oaepMaxMessage(k: i32, hash: i32): i32 {
  return k - 2 * hashLength(hash) - 2;
}

/** EM (k bytes) = EME-OAEP encoding of msg (§7.1.1 step 2). */
export function oaepEncode(em: usize, k: i32, hash: i32, mgfHash: i32, msg: usize, mLen: i32, label: usize, lLen: i32): i32 {
  const hLen = hashLength(hash);
  if (mLen > oaepMaxMessage(k, hash)) return ERR_TOO_LONG;
  const seed = em + 1;
  const db = em + 1 + <usize>hLen;
  const dbLen = k - hLen - 1;
  store<u8>(em, 0);
  // DB = lHash || PS || 0x01 || M
  hashOnce(hash, label, <usize>lLen, db);
  memory.fill(db + <usize>hLen, 0, <usize>(dbLen - hLen - mLen - 1));
  store<u8>(db + <usize>(dbLen - mLen - 1), 1);
  memory.copy(db + <usize>(dbLen - mLen), msg, <usize>mLen);
  const st = drbgGenerate(seed, <usize>hLen);
  if (st != OK) return st;
  mgf1Xor(mgfHash, seed, <usize>hLen, db, <usize>dbLen);
  mgf1Xor(mgfHash, db, <usize>dbLen, seed, <usize>hLen);
  return OK;
}

/**
 * Decodes EM (k bytes, destroyed) into out; returns the message length or ERR_DECRYPT.
 * Every check runs on every byte and is folded into one mask (§7.1.2 note: the
 * caller must not be able to tell which check failed, Manger 2001); the only
 * branch is on the final verdict.
 */
export function oaepDecode(em: usize, k: i32, hash: i32, mgfHash: i32, label: usize, lLen: i32, out: usize): i32 {
  const hLen = hashLength(hash);
  if (k < 2 * hLen + 2) return ERR_DECRYPT;
  const seed = em + 1;
  const db = em + 1 + <usize>hLen;
  const dbLen = k - hLen - 1;
  hashOnce(hash, label, <usize>lLen, lHash);
  mgf1Xor(mgfHash, db, <usize>dbLen, seed, <usize>hLen);
  mgf1Xor(mgfHash, seed, <usize>hLen, db, <usize>dbLen);
  let good: u32 = ctIsZeroMask(<u32>load<u8>(em));
  good &= 0 - <u32>ctEqual(db, lHash, <usize>hLen);
  // After lHash: zero or more 0x00, then 0x01, then the message.
  let found: u32 = 0;
  let bad: u32 = 0;
  let index: u32 = 0;
  for (let i = hLen; i < dbLen; i++) {
    const b = <u32>load<u8>(db + <usize>i);
    const isZero = ctIsZeroMask(b);
    const isOne = ctEqMask(b, 1);
    const first = ~found & ~isZero; // the first nonzero byte
    index |= <u32>i & first & isOne;
    bad |= first & ~isOne;
    found |= ~isZero;
  }
  good &= found & ~bad;
  const mLen = <u32>dbLen - index - 1;
  if (good == 0) {
    wipe(em, <usize>k);
    return ERR_DECRYPT;
  }
  memory.copy(out, db + <usize>index + 1, <usize>mLen);
  wipe(em, <usize>k);
  return <i32>mLen;
}

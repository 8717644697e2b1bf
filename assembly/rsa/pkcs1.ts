// RSAES-PKCS1-v1_5 (RFC 8017 §7.2) and EMSA-PKCS1-v1_5 (§9.2).
import { drbgGenerate } from "../rand/drbg";
import { OK, ERR_DECRYPT, ERR_TOO_LONG } from "../status";
import { ctIsZeroMask, ctEqMask, wipe } from "../mem";
import { digestInfoPrefix, digestInfoPrefixLength } from "../hash/digestinfo";
import { hashLength } from "../hash/ids";

const POOL_SIZE: usize = 64;
const pool = memory.data(<i32>POOL_SIZE, 16);

/** EM (k bytes) = 0x00 || 0x02 || PS (nonzero random, >= 8 bytes) || 0x00 || M (§7.2.1 step 2). */
export function pkcs1EncryptEncode(em: usize, k: i32, msg: usize, mLen: i32): i32 {
  if (mLen > k - 11) return ERR_TOO_LONG;
  const psLen = k - mLen - 3;
  store<u8>(em, 0);
  store<u8>(em + 1, 2);
  const ps = em + 2;
  let st = drbgGenerate(ps, <usize>psLen);
  if (st != OK) return st;
  // Replace zero bytes with nonzero ones from a pool of fresh random bytes.
  let used = POOL_SIZE;
  for (let i = 0; i < psLen; i++) {
    while (load<u8>(ps + <usize>i) == 0) {
      if (used == POOL_SIZE) {
        st = drbgGenerate(pool, POOL_SIZE);
        if (st != OK) return st;
        used = 0;
      }
      store<u8>(ps + <usize>i, load<u8>(pool + used));
      used++;
    }
  }
  wipe(pool, POOL_SIZE);
  store<u8>(em + <usize>(k - mLen - 1), 0);
  memory.copy(em + <usize>(k - mLen), msg, <usize>mLen);
  return OK;
}

/**
 * Decodes EM (k bytes, wiped afterwards) into out; returns the message length or
 * ERR_DECRYPT. Constant time up to the final verdict (Bleichenbacher 1998): the
 * checks of the first two bytes, the search for the separator and the length of
 * PS are all masks over every byte.
 */
export function pkcs1DecryptDecode(em: usize, k: i32, out: usize): i32 {
  let good = ctIsZeroMask(<u32>load<u8>(em)) & ctEqMask(<u32>load<u8>(em + 1), 2);
  let found: u32 = 0;
  let index: u32 = 0;
  for (let i = 2; i < k; i++) {
    const isZero = ctIsZeroMask(<u32>load<u8>(em + <usize>i));
    index |= <u32>i & isZero & ~found;
    found |= isZero;
  }
  // PS is at least 8 bytes: the separator is at index 10 or later.
  good &= found & ~<u32>(<i32>(index - 10) >> 31);
  const mLen = <u32>k - index - 1;
  if (good == 0) {
    wipe(em, <usize>k);
    return ERR_DECRYPT;
  }
  memory.copy(out, em + <usize>index + 1, <usize>mLen);
  wipe(em, <usize>k);
  return <i32>mLen;
}

/** EM (k bytes) = 0x00 || 0x01 || 0xFF.. || 0x00 || DigestInfo(hash, digest) (§9.2). Returns OK or ERR_TOO_LONG. */
export function emsaPkcs1Encode(em: usize, k: i32, hash: i32, digest: usize): i32 {
  const prefixLen = digestInfoPrefixLength(hash);
  const hLen = hashLength(hash);
  const tLen = prefixLen + hLen;
  if (k < tLen + 11) return ERR_TOO_LONG;
  store<u8>(em, 0);
  store<u8>(em + 1, 1);
  memory.fill(em + 2, 0xff, <usize>(k - tLen - 3));
  store<u8>(em + <usize>(k - tLen - 1), 0);
  memory.copy(em + <usize>(k - tLen), digestInfoPrefix(hash), <usize>prefixLen);
  memory.copy(em + <usize>(k - hLen), digest, <usize>hLen);
  return OK;
}

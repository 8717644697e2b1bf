// EMSA-PSS (RFC 8017 §9.1) with MGF1 over the same hash as the message.
import { drbgGenerate } from "../rand/drbg";
import { HASH_CTX_SIZE, hashFinal, hashInit, hashUpdate } from "../hash/hash";
import { hashLength } from "../hash/ids";
import { OK, ERR_PARAM } from "../status";
import { ctEqual } from "../mem";
import { mgf1Xor } from "./mgf";

const ctx = memory.data(<i32>HASH_CTX_SIZE, 16);
const zeros = memory.data(8, 16);
const hPrime = memory.data(64, 16);

/** H = Hash(0x00 x 8 || mHash || salt) (§9.1.1 steps 5-6). */
function hashMPrime(hash: i32, mHash: usize, salt: usize, sLen: i32, out: usize): void {
  hashInit(ctx, hash);
  hashUpdate(ctx, zeros, 8);
  hashUpdate(ctx, mHash, <usize>hashLength(hash));
  hashUpdate(ctx, salt, <usize>sLen);
  hashFinal(ctx, out);
}

/** Largest salt for a modulus of modBits bits: emLen - hLen - 2. */
export function pssMaxSalt(modBits: i32, hash: i32): i32 {
  const emLen = (modBits - 1 + 7) >> 3;
  return emLen - hashLength(hash) - 2;
}

/**
 * Writes the k-byte big-endian integer whose low emLen bytes are EM = EMSA-PSS-ENCODE(mHash)
 * with emBits = modBits - 1 (§8.1.1 step 1, §9.1.1). The salt is sLen random bytes.
 */
export function pssEncode(out: usize, k: i32, modBits: i32, hash: i32, mHash: usize, sLen: i32): i32 {
  const hLen = hashLength(hash);
  const emBits = modBits - 1;
  const emLen = (emBits + 7) >> 3;
  if (emLen < hLen + sLen + 2) return ERR_PARAM;
  memory.fill(out, 0, <usize>(k - emLen));
  const em = out + <usize>(k - emLen);
  const dbLen = emLen - hLen - 1;
  const db = em;
  const h = em + <usize>dbLen;
  // DB = PS || 0x01 || salt, the salt drawn in place.
  memory.fill(db, 0, <usize>(dbLen - sLen - 1));
  store<u8>(db + <usize>(dbLen - sLen - 1), 1);
  const salt = db + <usize>(dbLen - sLen);
  const st = drbgGenerate(salt, <usize>sLen);
  if (st != OK) return st;
  hashMPrime(hash, mHash, salt, sLen, h);
  mgf1Xor(hash, h, <usize>hLen, db, <usize>dbLen);
  store<u8>(db, load<u8>(db) & <u8>(<u32>0xff >> <u32>(8 * emLen - emBits)));
  store<u8>(em + <usize>(emLen - 1), 0xbc);
  return OK;
}

/**
 * EMSA-PSS-VERIFY (§9.1.2) of the k-byte integer representative `m` (destroyed),
 * emBits = modBits - 1. Returns 1 if consistent, else 0. Public data only.
 */
export function pssVerify(m: usize, k: i32, modBits: i32, hash: i32, mHash: usize, sLen: i32): i32 {
  const hLen = hashLength(hash);
  const emBits = modBits - 1;
  const emLen = (emBits + 7) >> 3;
  // I2OSP(m, emLen) fails if the bytes above emLen are not zero (§8.1.2 step 2.c).
  for (let i = 0; i < k - emLen; i++) if (load<u8>(m + <usize>i) != 0) return 0;
  const em = m + <usize>(k - emLen);
  if (emLen < hLen + sLen + 2) return 0;
  if (load<u8>(em + <usize>(emLen - 1)) != 0xbc) return 0;
  const dbLen = emLen - hLen - 1;
  const db = em;
  const h = em + <usize>dbLen;
  const topMask = <u8>(<u32>0xff >> <u32>(8 * emLen - emBits));
  if ((load<u8>(db) & ~topMask) != 0) return 0;
  mgf1Xor(hash, h, <usize>hLen, db, <usize>dbLen);
  store<u8>(db, load<u8>(db) & topMask);
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (load<u8>(db + <usize>i) != 0) return 0;
  if (load<u8>(db + <usize>psLen) != 1) return 0;
  hashMPrime(hash, mHash, db + <usize>(dbLen - sLen), sLen, hPrime);
  return ctEqual(h, hPrime, <usize>hLen);
}

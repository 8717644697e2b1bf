// Import of a private RSA key from its parts (RFC 8017 §3.2, second representation), big-endian.
// Used by the rsa_import export (parts from the host) and by BYOK (parts parsed from PKCS#8 inside
// the core). d is not needed: the CRT parts are checked by one private operation verified with e.
import { ERR_FAULT, ERR_KEYGEN, ERR_KEY_INVALID, OK } from "../status";
import { KIND_RSA } from "../keys/kinds";
import { slotAlloc, slotDestroy, slotIndex, slotMaterial } from "../keys/slots";
import { wipe } from "../mem";
import { MAX_LIMBS, bitLengthVartime, fromBytes, isZeroMask, limb, limbsFor, ltMask, zero } from "../bn/limbs";
import { privateKeySize, setupPublic } from "./key";
import { setupPrivate } from "./private";
import { pairwiseTest } from "./keygen";

export const MAX_PART: u32 = 512; // bytes of the largest number (4096 bits)

const N = memory.data(MAX_LIMBS * 4, 16);
const PARTS = memory.data(MAX_LIMBS * 4 * 5, 16); // p, q, dp, dq, qi

/** Parses a public exponent of eLen bytes at p: odd, 3 <= e < 2^32; else 0. */
export function readExponent(p: usize, eLen: u32): u32 {
  let e: u64 = 0;
  for (let i: u32 = 0; i < eLen; i++) {
    e = (e << 8) | <u64>load<u8>(p + <usize>i);
    if (e > 0xffffffff) return 0;
  }
  if (e < 3 || (e & 1) == 0) return 0;
  return <u32>e;
}

/**
 * Imports n, e, p, q, dp, dq, qi (each 1..MAX_PART bytes, e at most 8: the caller checks).
 * n must have 2048, 3072 or 4096 bits; p and q at least 512 bits each (they may differ in size);
 * 0 < dp < p, 0 < dq < q, 0 < qi < p. The parts are then checked together: n = p q, qi q = 1 mod p,
 * and a private operation verified with e (which catches a wrong dp or dq). Returns a handle.
 */
export function rsaImportParts(
  n: usize, nLen: u32, eP: usize, eLen: u32, pP: usize, pLen: u32, qP: usize, qLen: u32,
  dpP: usize, dpLen: u32, dqP: usize, dqLen: u32, qiP: usize, qiLen: u32,
): i32 {
  const nMax = limbsFor(<i32>MAX_PART * 8);
  fromBytes(N, nMax, n, <i32>nLen);
  const nBits = bitLengthVartime(N, nMax);
  if (nBits != 2048 && nBits != 3072 && nBits != 4096) return ERR_KEY_INVALID;
  if ((limb(N, 0) & 1) == 0) return ERR_KEY_INVALID;
  const e = readExponent(eP, eLen);
  if (e == 0) return ERR_KEY_INVALID;
  const stride = <usize>MAX_LIMBS << 2;
  const p = PARTS, q = PARTS + stride, dp = PARTS + 2 * stride, dq = PARTS + 3 * stride, qi = PARTS + 4 * stride;
  fromBytes(p, nMax, pP, <i32>pLen);
  fromBytes(q, nMax, qP, <i32>qLen);
  fromBytes(dp, nMax, dpP, <i32>dpLen);
  fromBytes(dq, nMax, dqP, <i32>dqLen);
  fromBytes(qi, nMax, qiP, <i32>qiLen);
  // p and q: odd, at least 512 bits each (their sizes are public). A p q that is not n is refused later.
  const pBitsP = bitLengthVartime(p, nMax), pBitsQ = bitLengthVartime(q, nMax);
  const pBits = max(pBitsP, pBitsQ);
  let ok = pBitsP >= 512 && pBitsQ >= 512 && pBitsP + pBitsQ <= nBits + 1;
  ok = ok && (limb(p, 0) & 1) == 1 && (limb(q, 0) & 1) == 1;
  // 0 < dp < p, 0 < dq < q, 0 < qi < p, in constant time (these are secrets).
  let m: u32 = ltMask(dp, p, nMax) & ltMask(dq, q, nMax) & ltMask(qi, p, nMax);
  m &= ~isZeroMask(dp, nMax) & ~isZeroMask(dq, nMax) & ~isZeroMask(qi, nMax);
  let st: i32 = ok && m != 0 ? OK : ERR_KEY_INVALID;
  let handle: i32 = 0;
  if (st == OK) {
    handle = slotAlloc(KIND_RSA, <u32>nBits, privateKeySize(nBits, pBits));
    if (handle < 0) st = handle;
  }
  if (st == OK) {
    const key = slotMaterial(slotIndex(handle));
    setupPublic(key, N, nBits, e);
    st = setupPrivate(key, p, q, dp, dq, qi, pBits);
    if (st == OK) st = pairwiseTest(key);
    if (st != OK) {
      slotDestroy(handle);
      if (st == ERR_KEYGEN || st == ERR_FAULT) st = ERR_KEY_INVALID;
    }
  }
  wipe(PARTS, 5 * stride);
  zero(N, nMax);
  if (st != OK) return st;
  return handle;
}

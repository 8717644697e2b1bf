// Import of a private RSA key from its parts (RFC 8017 §3.2, both representations), big-endian:
// n e d p q dp dq qi, the order of RSAPrivateKey (RFC 8017 §A.1.2). Used by the rsa_import export
// (parts from the host) and by BYOK (parts parsed from PKCS#8 inside the core). The core is the
// authority on what makes a key valid: every check is here, and a refusal says why (keys/refusals.ts).
//
// What is accepted:
//   n of 2048, 3072 or 4096 bits (Key Vault's RSA sizes), odd; e odd, 3 <= e < 2^32;
//   p and q odd, each of at least ceil(nBits / 3) bits (683, 1024, 1366), their sizes free otherwise:
//     keys with primes of unequal size exist (Wycheproof's sig_gen keys have a 684-bit prime in a
//     2048-bit n, a 1025-bit one in 3072), and a prime of a third of n is still far beyond the reach
//     of ECM (whose record factor has 274 bits), while a smaller one would make the key weaker than
//     its size says. Keys that this core generates have primes of exactly nBits / 2 bits.
//   n = p q; 0 < d < n; e d = 1 mod (p-1) and mod (q-1) (that is, mod lcm(p-1, q-1));
//   dp = d mod (p-1), dq = d mod (q-1); 0 < qi < p and qi q = 1 mod p;
//   and one private operation, through the CRT, verified with e.
// Sizes and parities are public; the relations between secret parts are computed in constant time,
// and the reason is chosen only once they all have been.
import { ERR_FAULT, ERR_KEYGEN, OK } from "../status";
import { KIND_RSA } from "../keys/kinds";
import { slotAlloc, slotDestroy, slotIndex, slotMaterial } from "../keys/slots";
import {
  REFUSED_RSA_D_INVERSE, REFUSED_RSA_D_RANGE, REFUSED_RSA_DP, REFUSED_RSA_DQ, REFUSED_RSA_E, REFUSED_RSA_N_EVEN, REFUSED_RSA_N_NOT_PQ,
  REFUSED_RSA_N_SIZE, REFUSED_RSA_PRIME_EVEN, REFUSED_RSA_PRIME_SIZE, REFUSED_RSA_PRIVATE_OP, REFUSED_RSA_QI, refuse,
} from "../keys/refusals";
import { wipe } from "../mem";
import {
  MASK, MAX_LIMBS, W, bit, bitLengthVartime, condCopy, copy, eqMask, fromBytes, isZeroMask, limb, limbsFor, ltMask, mul, mulSmall,
  setLimb, sub, zero,
} from "../bn/limbs";
import { privateKeySize, setupPublic } from "./key";
import { setupPrivate } from "./private";
import { pairwiseTest } from "./keygen";

/** RSA_MAX_PART_BYTES: bytes of the largest number rsa_import takes (a 4096-bit n); longer is ERR_LENGTH */
export const RSA_MAX_PART_BYTES: u32 = 512;

const S = <usize>MAX_LIMBS << 2;
const N = memory.data(<i32>S, 16);
const PARTS = memory.data(<i32>S * 6, 16); // d, p, q, dp, dq, qi
const PQ = memory.data(<i32>S * 2, 16); // p q
const M1 = memory.data(<i32>S, 16); // p - 1, then q - 1
const R = memory.data(<i32>S, 16); // d mod (p-1), then d mod (q-1)
const T = memory.data(<i32>S, 16); // e (d mod (p-1)), ...
const U = memory.data(<i32>S, 16); // scratch of modReduceCt
const V = memory.data(<i32>S, 16); // scratch of modReduceCt

/** Bits of the big-endian number of len bytes at p (public data). */
export function bitLengthOfBytesVartime(p: usize, len: u32): i32 {
  for (let i: u32 = 0; i < len; i++) {
    const b = <u32>load<u8>(p + <usize>i);
    if (b != 0) return <i32>((len - i - 1) * 8 + (32 - clz<u32>(b)));
  }
  return 0;
}

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
 * out = x mod m (mLimbs + 1 limbs written, the top one zero), for x of xLimbs limbs and m > 0 of
 * mLimbs limbs, by shift and conditional subtraction over every bit of x: constant time in the
 * values of x and m. U and V are scratch.
 */
function modReduceCt(out: usize, x: usize, xLimbs: i32, m: usize, mLimbs: i32): void {
  const L = mLimbs + 1;
  zero(out, L);
  zero(U, L);
  copy(U, m, mLimbs);
  for (let i = xLimbs * <i32>W - 1; i >= 0; i--) {
    // out = 2 out + bit i of x: below 2m, so that it fits in L limbs.
    let carry = bit(x, i);
    for (let j = 0; j < L; j++) {
      const v = limb(out, j);
      setLimb(out, j, ((v << 1) & MASK) | carry);
      carry = v >>> (W - 1);
    }
    const br = sub(V, out, U, L);
    condCopy(out, V, L, br - 1); // no borrow: out >= m, take out - m
  }
  zero(U, L);
  zero(V, L);
}

/**
 * All ones if e (d mod m) = 1 mod m and dx = d mod m, in two masks; m = prime - 1 (mLimbs limbs).
 * Leaves d mod m in R.
 */
function checkHalf(d: usize, nMax: i32, m: usize, mLimbs: i32, e: u32, dx: usize): u64 {
  modReduceCt(R, d, nMax, m, mLimbs);
  // T = e (d mod m): mLimbs + 2 limbs (e < 2^32 may carry past one limb).
  zero(T, MAX_LIMBS);
  const c = mulSmall(T, R, mLimbs + 1, e);
  setLimb(T, mLimbs + 1, <u32>(c & <u64>MASK));
  const inverse = checkOne(T, mLimbs + 2, m, mLimbs);
  zero(R + (<usize>(mLimbs + 1) << 2), nMax - mLimbs - 1);
  const same = eqMask(dx, R, nMax);
  return (<u64>inverse << 32) | <u64>same;
}

/** All ones if x mod m = 1. Uses V (through modReduceCt) and T. */
function checkOne(x: usize, xLimbs: i32, m: usize, mLimbs: i32): u32 {
  modReduceCt(PQ, x, xLimbs, m, mLimbs);
  const one = limb(PQ, 0) ^ 1;
  setLimb(PQ, 0, one);
  const ok = isZeroMask(PQ, mLimbs + 1);
  zero(PQ, mLimbs + 1);
  return ok;
}

/**
 * Imports n, e, d, p, q, dp, dq, qi (each 1..RSA_MAX_PART_BYTES bytes: the caller checks).
 * Returns a handle, or ERR_KEY_INVALID with the reason recorded (keys/refusals.ts), or another
 * status (ERR_CAPACITY, ERR_NOT_SEEDED).
 */
export function rsaImportParts(
  n: usize, nLen: u32, eP: usize, eLen: u32, dP: usize, dLen: u32, pP: usize, pLen: u32, qP: usize, qLen: u32,
  dpP: usize, dpLen: u32, dqP: usize, dqLen: u32, qiP: usize, qiLen: u32,
): i32 {
  const nMax = limbsFor(<i32>RSA_MAX_PART_BYTES * 8);
  const nBits = bitLengthOfBytesVartime(n, nLen);
  if (nBits != 2048 && nBits != 3072 && nBits != 4096) return refuse(REFUSED_RSA_N_SIZE, <u32>nBits);
  if ((load<u8>(n + <usize>nLen - 1) & 1) == 0) return refuse(REFUSED_RSA_N_EVEN);
  const e = readExponent(eP, eLen);
  if (e == 0) return refuse(REFUSED_RSA_E);
  const d = PARTS, p = PARTS + S, q = PARTS + 2 * S, dp = PARTS + 3 * S, dq = PARTS + 4 * S, qi = PARTS + 5 * S;
  fromBytes(N, nMax, n, <i32>nLen);
  fromBytes(d, nMax, dP, <i32>dLen);
  fromBytes(p, nMax, pP, <i32>pLen);
  fromBytes(q, nMax, qP, <i32>qLen);
  fromBytes(dp, nMax, dpP, <i32>dpLen);
  fromBytes(dq, nMax, dqP, <i32>dqLen);
  fromBytes(qi, nMax, qiP, <i32>qiLen);
  const st = checkAndStore(nMax, nBits, e, d, p, q, dp, dq, qi);
  wipe(PARTS, 6 * S);
  wipe(PQ, 2 * S);
  wipe(M1, S);
  wipe(R, S);
  wipe(T, S);
  zero(N, nMax);
  return st;
}

function checkAndStore(nMax: i32, nBits: i32, e: u32, d: usize, p: usize, q: usize, dp: usize, dq: usize, qi: usize): i32 {
  // The sizes and parities of p and q are public.
  const pBitsP = bitLengthVartime(p, nMax), pBitsQ = bitLengthVartime(q, nMax);
  const minPrime = (nBits + 2) / 3;
  if (pBitsP < minPrime || pBitsQ < minPrime) return refuse(REFUSED_RSA_PRIME_SIZE, <u32>minPrime);
  if (pBitsP + pBitsQ > nBits + 1 || pBitsP + pBitsQ < nBits) return refuse(REFUSED_RSA_N_NOT_PQ);
  if ((limb(p, 0) & 1) == 0 || (limb(q, 0) & 1) == 0) return refuse(REFUSED_RSA_PRIME_EVEN);
  const pBits = max(pBitsP, pBitsQ);
  const Lp = limbsFor(pBits);
  const Ln = limbsFor(nBits);
  // The relations between secret parts, each as a mask, in constant time.
  mul(PQ, p, Lp, q, Lp);
  const pqOk = eqMask(PQ, N, Ln) & isZeroMask(PQ + (<usize>Ln << 2), 2 * Lp - Ln);
  zero(PQ, 2 * Lp);
  const dRange = ~isZeroMask(d, nMax) & ltMask(d, N, nMax);
  copy(M1, p, Lp);
  setLimb(M1, 0, limb(M1, 0) & ~1); // p - 1 (p is odd)
  const hp = checkHalf(d, nMax, M1, Lp, e, dp);
  copy(M1, q, Lp);
  setLimb(M1, 0, limb(M1, 0) & ~1);
  const hq = checkHalf(d, nMax, M1, Lp, e, dq);
  const dInverse = <u32>(hp >> 32) & <u32>(hq >> 32);
  const qiRange = ltMask(qi, p, nMax) & ~isZeroMask(qi, nMax);
  let reason = 0;
  if (pqOk == 0) reason = REFUSED_RSA_N_NOT_PQ;
  else if (dRange == 0) reason = REFUSED_RSA_D_RANGE;
  else if (dInverse == 0) reason = REFUSED_RSA_D_INVERSE;
  else if (<u32>hp == 0) reason = REFUSED_RSA_DP;
  else if (<u32>hq == 0) reason = REFUSED_RSA_DQ;
  else if (qiRange == 0) reason = REFUSED_RSA_QI;
  if (reason != 0) return refuse(reason);
  const handle = slotAlloc(KIND_RSA, <u32>nBits, privateKeySize(nBits, pBits));
  if (handle < 0) return handle;
  const key = slotMaterial(slotIndex(handle));
  setupPublic(key, N, nBits, e);
  let st = setupPrivate(key, p, q, dp, dq, qi, pBits); // refuses qi q != 1 mod p (REFUSED_RSA_QI)
  if (st == OK) {
    st = pairwiseTest(key);
    if (st == ERR_KEYGEN || st == ERR_FAULT) st = refuse(REFUSED_RSA_PRIVATE_OP);
  }
  if (st != OK) {
    slotDestroy(handle);
    return st;
  }
  return handle;
}

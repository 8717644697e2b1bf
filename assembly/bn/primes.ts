// Probable-prime generation for RSA (FIPS 186-5 Appendix A.1.3 and B.3):
// random candidates, trial division by the first SMALL_PRIMES odd primes, the
// gcd(e, p - 1) = 1 condition, then Miller-Rabin with random bases.
import { drbgGenerate } from "../rand/drbg";
import { OK, ERR_KEYGEN } from "../status";
import { MAX_LIMBS, W, MASK, bit, copy, eqMask, fromBytes, limb, limbsFor, reduceOnce, setLimb, sub, subSmall, zero } from "./limbs";
import { ctxM, ctxOne, montCtxInit, montSqr, toMont } from "./mont";
import { modexpCt } from "./modexp";
import { invSmall, modSmall, mod64, reciprocal64 } from "./small";

// ---- the table of small primes -------------------------------------------------

export const SMALL_PRIMES: i32 = 2048; // odd primes 3 .. 17863
const SIEVE_LIMIT: i32 = 17900;
// Per prime: p, floor(2^32 / p), 2^W mod p (u32 each).
const PRIMES = memory.data(SMALL_PRIMES * 12, 16);
const SIEVE = memory.data(SIEVE_LIMIT, 16);
let primesReady = false;

function initPrimes(): void {
  memory.fill(SIEVE, 0, SIEVE_LIMIT);
  let count = 0;
  for (let i = 3; i < SIEVE_LIMIT && count < SMALL_PRIMES; i += 2) {
    if (load<u8>(SIEVE + <usize>i) != 0) continue;
    for (let j = i * i; j < SIEVE_LIMIT; j += 2 * i) store<u8>(SIEVE + <usize>j, 1);
    const e = PRIMES + <usize>count * 12;
    store<u32>(e, <u32>i);
    store<u32>(e, <u32>(<u64>0x100000000 / <u64>i), 4);
    store<u32>(e, <u32>((<u64>1 << W) % <u64>i), 8);
    count++;
  }
  primesReady = true;
}

/**
 * True if the candidate (L limbs) has a factor among the small primes.
 *
 * Vartime: it returns at the first factor found, so its duration tells how early
 * a candidate was rejected. That is acceptable because a rejected candidate is
 * thrown away and is independent of every later one; a candidate that passes
 * has always gone through every prime with the same sequence of instructions.
 * Each remainder is computed with multiplications only (Barrett, HAC 14.42):
 * x = r (2^W mod p) + limb < 2^31, q = x floor(2^32/p) >> 32 is floor(x/p) or one less.
 */
export function hasSmallFactorVartime(c: usize, L: i32): bool {
  if (!primesReady) initPrimes();
  for (let j = 0; j < SMALL_PRIMES; j++) {
    const e = PRIMES + <usize>j * 12;
    const p = <u64>load<u32>(e);
    const mu = <u64>load<u32>(e, 4);
    const c28 = <u64>load<u32>(e, 8);
    let r: u64 = 0;
    for (let i = L - 1; i >= 0; i--) {
      const x = r * c28 + <u64>limb(c, i);
      r = x - ((x * mu) >> 32) * p;
      r -= p & (((r - p) >> 63) - 1);
    }
    if (r == 0) return true;
  }
  return false;
}

// ---- Miller-Rabin (FIPS 186-5 B.3.1) -------------------------------------------

/**
 * Rounds of Miller-Rabin for a prime factor of `bits` bits: FIPS 186-5 Table B.1
 * ("M-R tests only" column): 5 for 1024-bit p and q (error 2^-112), 4 for 1536
 * bits (2^-128) and 4 for 2048 bits (2^-144).
 */
export function millerRabinRounds(bits: i32): i32 {
  if (bits <= 1024) return 5;
  return 4;
}

const MR_M = memory.data(MAX_LIMBS * 4, 16);    // (w - 1) / 2^s
const MR_B = memory.data(MAX_LIMBS * 4, 16);    // base, then y
const MR_Y = memory.data(MAX_LIMBS * 4, 16);
const MR_NEG1 = memory.data(MAX_LIMBS * 4, 16); // -1 in Montgomery form
const MR_ONE = memory.data(MAX_LIMBS * 4, 16);
const MR_T = memory.data(MAX_LIMBS * 4, 16);
const RAND = memory.data(MAX_LIMBS * 4, 16);

/** Fills dst (n >= limbsFor(bits) limbs) with a number of `bits` uniformly random bits. */
export function randomBits(dst: usize, n: i32, bits: i32): i32 {
  const L = limbsFor(bits);
  const len = (bits + 7) >> 3;
  zero(dst, n);
  const st = drbgGenerate(RAND, <usize>len);
  if (st != OK) return st;
  fromBytes(dst, L, RAND, len);
  memory.fill(RAND, 0, <usize>len);
  // Clear the bits above `bits` (at most 7 of them, in the top byte).
  const topLimb = (bits - 1) / <i32>W;
  const keep = <u32>((bits - 1) % <i32>W) + 1;
  setLimb(dst, topLimb, limb(dst, topLimb) & ((<u32>1 << keep) - 1));
  for (let i = topLimb + 1; i < L; i++) setLimb(dst, i, 0);
  return OK;
}

/**
 * Miller-Rabin with `rounds` random bases on the odd w (`bits` bits) whose
 * Montgomery context is ctx. Returns 1 (probably prime), 0 (composite) or a
 * negative status.
 *
 * For a w that is kept, every round runs to its end, with the same instructions
 * whatever the values: the exponentiation is the constant-time one, and the
 * "y = 1 / y = w - 1" checks are masks. Two things vary: the function returns
 * at the first failing round (the candidate is then discarded), and the number
 * of squarings per round is s, the number of trailing zero bits of w - 1. s is
 * about 2 bits of information on a 1024-bit secret; common libraries accept the
 * same (the alternative, a full-length loop, would double the cost of keygen).
 */
export function millerRabin(ctx: usize, bits: i32, rounds: i32): i32 {
  const L = limbsFor(bits);
  const w = ctxM(ctx);
  // w - 1 = 2^s m with m odd.
  subSmall(MR_T, w, L, 1);
  let s = 1;
  while (bit(MR_T, s) == 0) s++;
  shiftRight(MR_M, MR_T, L, s);
  // 1 and -1 in Montgomery form, fully reduced.
  copy(MR_ONE, ctxOne(ctx), L);
  sub(MR_NEG1, w, MR_ONE, L);
  for (let round = 0; round < rounds; round++) {
    // A base in [2, w - 2]: bits - 1 random bits are below w - 1; 0 and 1 are redrawn.
    do {
      const st = randomBits(MR_B, L, bits - 1);
      if (st != OK) return st;
    } while (isSmallVartime(MR_B, L));
    toMont(ctx, MR_B, MR_B);
    modexpCt(ctx, MR_Y, MR_B, MR_M, L, bits);
    reduceOnce(MR_Y, w, MR_T, L);
    let ok = eqMask(MR_Y, MR_ONE, L) | eqMask(MR_Y, MR_NEG1, L);
    for (let j = 1; j < s; j++) {
      montSqr(ctx, MR_Y, MR_Y);
      reduceOnce(MR_Y, w, MR_T, L);
      // Once y = 1 without having been -1, it stays 1 and never reaches -1: ok stays 0.
      ok |= eqMask(MR_Y, MR_NEG1, L);
    }
    if (ok == 0) return 0;
  }
  zero(MR_Y, L);
  zero(MR_B, L);
  zero(MR_M, L);
  return 1;
}

/** True if the random base is 0 or 1 (public: the base is discarded if so). */
function isSmallVartime(b: usize, L: i32): bool {
  for (let i = L - 1; i >= 1; i--) if (limb(b, i) != 0) return false;
  return limb(b, 0) < 2;
}

/** dst = a >> s (s public, 0 < s < W L). */
function shiftRight(dst: usize, a: usize, L: i32, s: i32): void {
  const ls = s / <i32>W;
  const bs = <u32>(s % <i32>W);
  for (let i = 0; i < L; i++) {
    const lo: u32 = i + ls < L ? limb(a, i + ls) : 0;
    const hi: u32 = i + ls + 1 < L ? limb(a, i + ls + 1) : 0;
    setLimb(dst, i, bs == 0 ? lo : ((lo >>> bs) | (hi << (W - bs))) & MASK);
  }
}

// ---- prime generation ----------------------------------------------------------

const CAND_CTX = memory.data(16 + MAX_LIMBS * 16, 16); // montCtxSize(MAX_LIMBS)

/**
 * Generates a probable prime p of exactly `bits` bits into out (limbsFor(bits)
 * limbs) with p >= sqrt(2) 2^(bits-1) (the two top bits are set: 1.5 > sqrt(2)),
 * gcd(e, p - 1) = 1 (FIPS 186-5 A.1.3 step 4.5), and `rounds` rounds of
 * Miller-Rabin. Each candidate is fresh random, so the prime found does not
 * depend on how many candidates were rejected before it.
 */
export function generatePrime(out: usize, bits: i32, e: u32, rounds: i32): i32 {
  const L = limbsFor(bits);
  const mu = reciprocal64(e);
  const maxAttempts = 64 * bits; // each attempt succeeds with probability about 2 / (bits ln 2)
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const st = randomBits(out, L, bits);
    if (st != OK) return st;
    const top = (bits - 1) / <i32>W, topBit = <u32>((bits - 1) % <i32>W);
    setLimb(out, top, limb(out, top) | (<u32>1 << topBit));
    const next = bits - 2;
    setLimb(out, next / <i32>W, limb(out, next / <i32>W) | (<u32>1 << <u32>(next % <i32>W)));
    setLimb(out, 0, limb(out, 0) | 1);
    if (hasSmallFactorVartime(out, L)) continue;
    // gcd(e, p - 1) = 1: (p - 1) mod e = (p mod e) - 1, then a constant-time inverse.
    let r = modSmall(out, L, e, mu);
    r = mod64(<u64>r + <u64>e - 1, e, mu);
    if (invSmall(r, e) == 0xffffffff) continue; // candidate discarded
    montCtxInit(CAND_CTX, out, bits);
    const mr = millerRabin(CAND_CTX, bits, rounds);
    if (mr < 0) return mr;
    if (mr == 1) {
      memory.fill(CAND_CTX, 0, 16 + (<usize>L << 4));
      return OK;
    }
  }
  zero(out, L);
  return ERR_KEYGEN;
}

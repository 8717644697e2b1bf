// Probable-prime generation for RSA (FIPS 186-5 Appendix A.1.3 and B.3):
// random candidates, trial division by the first SMALL_PRIMES odd primes, the
// gcd(e, p - 1) = 1 condition, then Miller-Rabin with random bases.
import { drbgGenerate } from "../rand/drbg";
import { OK, ERR_KEYGEN } from "../status";
import { MAX_LIMBS, W, MASK, bit, copy, eqMask, fromBytes, limb, limbsFor, reduceOnce, setLimb, sub, subSmall, zero } from "./limbs";
import { ctxM, ctxOne, montCtxInit, montSqr, toMont } from "./mont";
import { MAX_PAIR_CTX_SIZE, deinterleave, interleave, montPairCtxInit } from "./mont-pair";
import { modexpCtPair } from "./modexp-pair";
import { invSmall, modSmall, mod64, reciprocal64 } from "./small";

// ---- the table of small primes -------------------------------------------------

export const SMALL_PRIMES: i32 = 2048; // the odd primes 3 .. 17881
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

const S = MAX_LIMBS * 4;
const MR_MA = memory.data(S, 16);   // (w - 1) / 2^s, lane A
const MR_MB = memory.data(S, 16);   // lane B
const MR_YA = memory.data(S, 16);
const MR_YB = memory.data(S, 16);
const MR_T = memory.data(S, 16);
const MR_NEG1 = memory.data(S, 16);
const MR_B2 = memory.data(MAX_LIMBS * 8 + 16, 16); // bases, paired
const MR_CTX2 = memory.data(MAX_PAIR_CTX_SIZE, 16);
const RAND = memory.data(S, 16);

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

/** s with w - 1 = 2^s m, m odd (m into mOut). s is public, see millerRabin. */
function splitWMinus1(mOut: usize, w: usize, L: i32): i32 {
  subSmall(MR_T, w, L, 1);
  let s = 1;
  while (bit(MR_T, s) == 0) s++;
  shiftRight(mOut, MR_T, L, s);
  return s;
}

/** A random base in [2, w - 2], in Montgomery form: bits - 1 random bits are below w - 1; 0 and 1 are redrawn. */
function randomBase(ctx: usize, dst: usize, bits: i32): i32 {
  const L = limbsFor(bits);
  do {
    const st = randomBits(dst, L, bits - 1);
    if (st != OK) return st;
  } while (isSmallVartime(dst, L));
  toMont(ctx, dst, dst);
  return OK;
}

/** The end of one round on y = base^m (Montgomery form): y = 1 or y = -1, or -1 within s - 1 squarings. */
function roundResult(ctx: usize, y: usize, s: i32, L: i32): u32 {
  const w = ctxM(ctx);
  sub(MR_NEG1, w, ctxOne(ctx), L); // -1 in Montgomery form
  reduceOnce(y, w, MR_T, L);
  let ok = eqMask(y, ctxOne(ctx), L) | eqMask(y, MR_NEG1, L);
  for (let j = 1; j < s; j++) {
    montSqr(ctx, y, y);
    reduceOnce(y, w, MR_T, L);
    // Once y = 1 without having been -1, it stays 1 and never reaches -1: ok stays 0.
    ok |= eqMask(y, MR_NEG1, L);
  }
  zero(y, L);
  zero(MR_NEG1, L);
  return ok & 1;
}

/**
 * One Miller-Rabin round on each of two odd numbers of `bits` bits at once (lane A
 * with context ctxA, lane B with ctxB; they may be the same number, tested with two
 * different random bases). The two exponentiations run in the lanes of
 * modexpCtPair. Returns bit 0 set if A passed, bit 1 if B passed, or a negative status.
 *
 * For a w that is kept, every round runs to its end with the same instructions
 * whatever the values: the exponentiation is constant-time and the "y = 1 or
 * w - 1" checks are masks. What varies: a candidate is dropped at its first failed
 * round (it is then discarded), and each round does s - 1 squarings, s being the
 * number of trailing zero bits of w - 1: about 2 bits of information about a
 * secret prime. Common libraries accept the same; hiding s would mean a loop of
 * the full length, doubling the cost of key generation.
 */
function millerRabinPair(ctxA: usize, ctxB: usize, bits: i32): i32 {
  const L = limbsFor(bits);
  const sA = splitWMinus1(MR_MA, ctxM(ctxA), L);
  const sB = splitWMinus1(MR_MB, ctxM(ctxB), L);
  let st = randomBase(ctxA, MR_YA, bits);
  if (st != OK) return st;
  st = randomBase(ctxB, MR_YB, bits);
  if (st != OK) return st;
  interleave(MR_B2, MR_YA, MR_YB, L);
  montPairCtxInit(MR_CTX2, ctxA, ctxB);
  modexpCtPair(MR_CTX2, MR_B2, MR_B2, MR_MA, MR_MB, L, bits);
  deinterleave(MR_YA, MR_YB, MR_B2, L);
  memory.fill(MR_B2, 0, <usize>L << 3);
  const r = roundResult(ctxA, MR_YA, sA, L) | (roundResult(ctxB, MR_YB, sB, L) << 1);
  zero(MR_MA, L);
  zero(MR_MB, L);
  return <i32>r;
}

/**
 * Miller-Rabin with `rounds` random bases on the odd w (`bits` bits) whose
 * Montgomery context is ctx, two rounds at a time. Returns 1 (probably prime),
 * 0 (composite) or a negative status.
 */
export function millerRabin(ctx: usize, bits: i32, rounds: i32): i32 {
  for (let done = 0; done < rounds; done += 2) {
    const r = millerRabinPair(ctx, ctx, bits);
    if (r < 0) return r;
    const need = rounds - done >= 2 ? 3 : 1; // an odd last round uses only lane A
    if ((r & need) != need) return 0;
  }
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

const CAND = memory.data(2 * S, 16);                          // two candidates
const CAND_CTX = memory.data(2 * (16 + MAX_LIMBS * 16), 16);  // and their contexts

/**
 * A fresh random candidate of `bits` bits with its two top bits and its low bit set
 * (so p >= 1.5 2^(bits-1) > sqrt(2) 2^(bits-1), FIPS 186-5 A.1.3 step 4.4), that has
 * no small factor and with gcd(e, p - 1) = 1 (step 4.5). Returns OK, or a status.
 */
function nextCandidate(c: usize, bits: i32, e: u32, mu: u64): i32 {
  const L = limbsFor(bits);
  for (;;) {
    const st = randomBits(c, L, bits);
    if (st != OK) return st;
    const top = (bits - 1) / <i32>W, topBit = <u32>((bits - 1) % <i32>W);
    setLimb(c, top, limb(c, top) | (<u32>1 << topBit));
    const next = bits - 2;
    setLimb(c, next / <i32>W, limb(c, next / <i32>W) | (<u32>1 << <u32>(next % <i32>W)));
    setLimb(c, 0, limb(c, 0) | 1);
    if (hasSmallFactorVartime(c, L)) continue;
    // gcd(e, p - 1) = 1: (p - 1) mod e = (p mod e) - 1, then a constant-time inverse.
    let r = modSmall(c, L, e, mu);
    r = mod64(<u64>r + <u64>e - 1, e, mu);
    if (invSmall(r, e) == 0xffffffff) continue; // candidate discarded
    return OK;
  }
}

/**
 * Generates a probable prime p of exactly `bits` bits into out (limbsFor(bits)
 * limbs): fresh random candidates (so the prime found does not depend on how many
 * were rejected before it), trial division, gcd(e, p - 1) = 1, and `rounds` rounds
 * of Miller-Rabin. Candidates take their first round two at a time.
 */
export function generatePrime(out: usize, bits: i32, e: u32, rounds: i32): i32 {
  const L = limbsFor(bits);
  const mu = reciprocal64(e);
  const ctxSize: usize = 16 + (<usize>MAX_LIMBS << 4);
  // Each candidate is prime with probability about 2 / (bits ln 2) after the sieve's
  // bias; the bound only stops a broken DRBG from looping forever.
  const maxPairs = 32 * bits;
  for (let attempt = 0; attempt < maxPairs; attempt++) {
    for (let i = 0; i < 2; i++) {
      const c = CAND + <usize>i * S;
      const st = nextCandidate(c, bits, e, mu);
      if (st != OK) return st;
      montCtxInit(CAND_CTX + <usize>i * ctxSize, c, bits);
    }
    const first = millerRabinPair(CAND_CTX, CAND_CTX + ctxSize, bits);
    if (first < 0) return first;
    for (let i = 0; i < 2; i++) {
      if ((first & (1 << i)) == 0) continue; // composite: discarded
      const ctx = CAND_CTX + <usize>i * ctxSize;
      const mr = millerRabin(ctx, bits, rounds - 1);
      if (mr < 0) return mr;
      if (mr == 1) {
        copy(out, CAND + <usize>i * S, L);
        memory.fill(CAND, 0, 2 * S);
        memory.fill(CAND_CTX, 0, 2 * ctxSize);
        return OK;
      }
    }
  }
  memory.fill(CAND, 0, 2 * S);
  memory.fill(CAND_CTX, 0, 2 * ctxSize);
  zero(out, L);
  return ERR_KEYGEN;
}

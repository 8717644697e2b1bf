// RSA key generation (FIPS 186-5 Appendix A.1.3, random probable primes, in spirit):
// p and q of nBits/2 bits with p, q >= sqrt(2) 2^(nBits/2 - 1), gcd(e, p-1) = gcd(e, q-1) = 1,
// |p - q| > 2^(nBits/2 - 100), Miller-Rabin rounds of Table B.1. The private key is kept in
// CRT form: dp = e^-1 mod (p-1), dq = e^-1 mod (q-1), qi = q^-1 mod p. These equal
// d mod (p-1), d mod (q-1) for the d = e^-1 mod lcm(p-1, q-1) of A.1.1, which is
// therefore never computed.
import { OK, ERR_KEYGEN, ERR_FAULT } from "../status";
import { MAX_LIMBS, MASK, W, condCopy, copy, isZeroMask, limb, limbsFor, mul, mulSmall, setLimb, sub, subSmall, addSmall, zero } from "../bn/limbs";
import { fromMont, montCtxInit, toMontWide } from "../bn/mont";
import { modexpCt } from "../bn/modexp";
import { generatePrime, millerRabinRounds, randomBits } from "../bn/primes";
import { divExactSmall, invSmall, modSmall, reciprocal64 } from "../bn/small";
import { setupPublic, keyLn, keyNBits } from "./key";
import { privateOp, setupPrivate } from "./private";

const S = MAX_LIMBS * 4;
const P = memory.data(S, 16);
const Q = memory.data(S, 16);
const N = memory.data(2 * S, 16);
const DP = memory.data(S, 16);
const DQ = memory.data(S, 16);
const QI = memory.data(S, 16);
const T = memory.data(S, 16);
const T2 = memory.data(S, 16);
const CTX = memory.data(16 + MAX_LIMBS * 16, 16);
const WIDE = memory.data(2 * S, 16);

/**
 * out (L + 1 limbs) = e^-1 mod (p - 1), for a prime p (L limbs) with gcd(e, p - 1) = 1.
 * With v = (p - 1)^-1 mod e: 1 + (p - 1)(e - v) is divisible by e, and the quotient
 * times e is 1 mod (p - 1). Constant time in p.
 */
function crtExponent(out: usize, p: usize, L: i32, e: u32): void {
  subSmall(T, p, L, 1);
  const r = modSmall(T, L, e, reciprocal64(e));
  const v = invSmall(r, e);
  const c = mulSmall(T, T, L, e - v);
  setLimb(T, L, <u32>(c & <u64>MASK));
  setLimb(T, L + 1, <u32>(c >> W));
  addSmall(T, T, L + 2, 1);
  divExactSmall(out, T, L + 2, e);
  setLimb(out, L, 0);
  zero(T, L + 2);
}

/** True if |p - q| > 2^(bits - 100) (FIPS 186-5 A.1.3 step 5.4). */
function farEnough(p: usize, q: usize, L: i32, bits: i32): bool {
  const br = sub(T, p, q, L);
  sub(T2, q, p, L);
  condCopy(T, T2, L, 0 - br);
  const pos = bits - 100;
  const li = pos / <i32>W;
  setLimb(T, li, limb(T, li) >>> <u32>(pos % <i32>W));
  const far = isZeroMask(T + (<usize>li << 2), L - li) == 0;
  zero(T, L);
  zero(T2, L);
  return far;
}

/** Generates a key of nBits bits (2048, 3072 or 4096) with public exponent e into the slot at key. */
export function generateKey(key: usize, nBits: i32, e: u32): i32 {
  const half = nBits >> 1;
  const L = limbsFor(half);
  const rounds = millerRabinRounds(half);
  let st = generatePrime(P, half, e, rounds);
  if (st != OK) return st;
  let tries = 0;
  do {
    st = ++tries > 8 ? ERR_KEYGEN : generatePrime(Q, half, e, rounds);
    if (st != OK) {
      zero(P, L); // the first prime must not outlive a failed generation
      zero(Q, L);
      return st;
    }
  } while (!farEnough(P, Q, L, half));
  mul(N, P, L, Q, L);
  crtExponent(DP, P, L, e);
  crtExponent(DQ, Q, L, e);
  // qi = q^(p-2) mod p (Fermat; p is prime).
  montCtxInit(CTX, P, half);
  toMontWide(CTX, QI, Q, L, WIDE);
  zero(T, L + 1);
  subSmall(T, P, L, 2);
  modexpCt(CTX, QI, QI, T, L + 1, half);
  fromMont(CTX, QI, QI);
  zero(T, L + 1);
  memory.fill(CTX, 0, 16 + (<usize>L << 4));
  setupPublic(key, N, nBits, e);
  st = setupPrivate(key, P, Q, DP, DQ, QI, half);
  zero(P, L);
  zero(Q, L);
  zero(DP, L + 1);
  zero(DQ, L + 1);
  zero(QI, L);
  zero(WIDE, 2 * L);
  if (st != OK) return st == ERR_FAULT ? ERR_KEYGEN : st;
  return pairwiseTest(key);
}

/** FIPS 140-3 pairwise consistency: one private operation (which checks itself with e) on a random value. */
export function pairwiseTest(key: usize): i32 {
  const Ln = keyLn(key);
  const st = randomBits(T, Ln, keyNBits(key) - 1);
  if (st != OK) return st;
  const r = privateOp(key, T2, T);
  zero(T, Ln);
  zero(T2, Ln);
  return r == ERR_FAULT ? ERR_KEYGEN : r;
}

// The two exponentiations of the CRT (private.ts) on the f64 kernel (bn/mont-f64.ts,
// bn/modexp-f64.ts), for primes of up to 1412 bits (f64LimbsFor(pBits) <= F64_MAX_L): RSA-2048's
// private operation (and unbalanced 2048-bit keys, whose larger prime has up to 1365 bits), about
// 10% faster than on the i64x2 kernel of mont-pair.ts (bn/NOTES.md, third pass).
//
// The kernel works modulo M = m k, a multiple of each prime, with R_f = 2^(24 Lf): a result
// modulo M is one modulo m, so the base and R_f need only be right modulo m, and the result comes
// back to the 28-bit limbs of mont.ts (R = 2^(28 Lp)) at the end. M and every other f64 form are
// derived from the key's contexts at each use and wiped after it: the layout of the key material
// (rsa/key.ts) does not change, and sealed keys of any age open as before.
import { MAX_LIMBS, setLimb, zero } from "../bn/limbs";
import { ctxL, montMul, reduceWide, toMontWide } from "../bn/mont";
import { modexpCtF64 } from "../bn/modexp-f64";
import { F64_MAX_L, F64_PAD, MAX_F64_CTX_SIZE, MAX_F64_STRIDE, f64LimbsFor, fromF64Lane, montF64CtxInit, montMulF64, toF64Lane } from "../bn/mont-f64";

const CTXF = memory.data(MAX_F64_CTX_SIZE, 16);
const BASEF = memory.data(MAX_F64_STRIDE, 16);
const ONEF = memory.data(MAX_F64_STRIDE, 16);
const UNIT = memory.data(MAX_F64_STRIDE, 16); // the number 1 in both lanes
const POW = memory.data(MAX_LIMBS * 4, 16); // 2^(24 Lf), in 28-bit limbs
const RF = memory.data(MAX_LIMBS * 4, 16); // R_f mod m
const T = memory.data(MAX_LIMBS * 4, 16);

/** Limb 0 of a padded f64 number in the buffer at p. */
@inline
function num(p: usize): usize {
  return p + (<usize>F64_PAD << 4);
}

/**
 * True if primes of pBits bits (the larger of the two) take the f64 kernel: up to 1412 bits
 * (F64_MAX_L), and from 128 bits, above which 2^(24 Lf) has fewer than 2 Lp limbs and is below
 * m R, as reduceWide requires (every RSA key the core accepts has primes of 683 bits or more).
 */
export function crtF64Fits(pBits: i32): bool {
  return pBits >= 128 && f64LimbsFor(pBits) <= F64_MAX_L;
}

/**
 * xp = x^expP R mod p in [0, 2p) (the Montgomery form of mont.ts) and mq = x^expQ mod q fully
 * reduced, for x of xLimbs limbs below p R and q R (x < 2n). cp and cq are the contexts of p and
 * q (Lp limbs each), pBits the larger bit length (public), expP and expQ of Lp + 1 limbs; wide is
 * scratch of 2 Lp limbs. Constant time in x, p, q and the exponents.
 */
export function crtHalvesF64(cp: usize, cq: usize, pBits: i32, x: usize, xLimbs: i32, expP: usize, expQ: usize, xp: usize, mq: usize, wide: usize): void {
  const Lp = ctxL(cp);
  const Lf = f64LimbsFor(pBits);
  const bytes = <usize>Lf << 4;
  montF64CtxInit(CTXF, cp, cq, Lf);
  // Per lane: the kernel's one, R_f mod m (2^(24 Lf) < m R: one REDC and one product), and its
  // base, x R_f mod m = (x R) R_f / R, in [0, 2m).
  zero(POW, 2 * Lp);
  setLimb(POW, (24 * Lf) / 28, 1 << <u32>((24 * Lf) % 28));
  for (let lane = 0; lane < 2; lane++) {
    const c = lane == 0 ? cp : cq;
    reduceWide(c, RF, POW, 2 * Lp, wide);
    toF64Lane(num(ONEF), lane, RF, Lp, Lf);
    toMontWide(c, T, x, xLimbs, wide);
    montMul(c, T, T, RF);
    toF64Lane(num(BASEF), lane, T, Lp, Lf);
  }
  modexpCtF64(CTXF, num(BASEF), num(BASEF), num(ONEF), expP, expQ, Lp + 1, pBits);
  // Out of the kernel's Montgomery form (times 1), then v + M, in (0, 2M), to 28-bit limbs.
  v128.store(num(UNIT), f64x2.splat(1.0));
  montMulF64(CTXF, num(BASEF), num(BASEF), num(UNIT));
  fromF64Lane(T, Lp + 1, CTXF, num(BASEF), 0);
  toMontWide(cp, xp, T, Lp + 1, wide);
  fromF64Lane(T, Lp + 1, CTXF, num(BASEF), 1);
  reduceWide(cq, mq, T, Lp + 1, wide);
  memory.fill(CTXF, 0, 16 + (<usize>(Lf + 2 * F64_PAD) << 4));
  memory.fill(num(BASEF), 0, bytes);
  memory.fill(num(ONEF), 0, bytes);
  zero(RF, Lp);
  zero(T, Lp + 1);
}

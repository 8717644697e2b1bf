// Two Montgomery products at once in the f64x2 lanes (lane 0 modulo p, lane 1 modulo q, the CRT
// halves of an RSA private operation), for moduli of up to 1412 bits: the kernel of RSA-2048's
// private operation. mont-pair.ts does the same with i64x2.extmul; on V8 each extmul costs two
// unpack shuffles besides its multiply (four uops per product pair), an f64x2.mul and f64x2.add
// two, which pays for the 1.4 times more products of the smaller limbs (assembly/bn/NOTES.md).
//
// Limbs are balanced (signed) 24-bit integers held exactly in f64: |limb| <= 2^23 (the q digits
// too). A product is at most 2^46 in magnitude; a column has at most L products of the operands and
// L of q M (a square's doubled cross products count as two), 2L in all, and a carry below 2^30. So
// for L <= F64_MAX_L = 60 every partial sum of a column is an integer of magnitude below
// 120 2^46 + 2^30 < 2^53: exact, in any order. (At 64 limbs the bound would reach 2^53 itself.)
//
// Modulus. Each lane works modulo M = m k, k = -m^-1 mod 2^24, so that M = -1 mod 2^24 (M_0 = -1
// in balanced form). The q digit of a column is then t mod 2^24 itself (balanced) and the carry
// (t + q M_0) / 2^24 = (t - q) / 2^24 is t rounded to a multiple of 2^24, over 2^24: no multiply
// on the chain from one column to the next. The rounding is (t + 1.5 2^76) - 1.5 2^76, exact for
// |t| < 2^75: the doubles near 1.5 2^76 are 2^24 apart, and the sum rounds to the nearest (a tie
// gives q = +-2^23, still a balanced digit). M is a multiple of m, so a result modulo M is one
// modulo m: the caller reduces modulo m at the end. R = 2^(24 L) > 16 M (f64LimbsFor).
//
// Range. For |a|, |b| < M: |a b + q M| / R < M^2 / R + M / 2 (|q| < R / 2 for balanced digits)
// < M, so values stay in (-M, M) through a whole exponentiation, and every limb of a result is
// balanced (|result| < 2^(24 L - 1)).
//
// Timing. Every value here is an integer multiple of 2^-24 below 2^77 in magnitude, or zero: no
// subnormal number arises, and the x86-64 instructions V8 emits for f64x2 mul, add and sub
// (mulpd, addpd, subpd) take the same time for all normal operands and zero (only subnormals take
// a slow path); on ARM64 (fmul, fadd) likewise. No branch or address depends on a value.
//
// Layout. A paired f64 number: limb i of both lanes as one f64x2 at 16 i. Operands are read up to
// F64_PAD limbs below limb 0 and above limb L - 1, which must be zero (f64Stride). Context:
//   0  L (i32)      16 + 16 (F64_PAD + i)  limb i of M, paired (zero below 0 and above L - 1)
// The products go by groups of four columns that share one range of i (quad): each x and y limb
// is loaded once for four products, and the terms a group's later columns do not own read zeros.
import { MASK64, W, limb, setLimb } from "./limbs";
import { ctxL, ctxM } from "./mont";

export const F64_PAD: i32 = 4;
export const F64_MAX_L: i32 = 60;
const B: i32 = 24;
const INV24: f64 = 1.0 / 16777216.0;
const ROUND24: f64 = 113336795588871485128704.0; // 1.5 * 2^76

/** Limbs for a modulus m of `bits` bits: M = m k < 2^(bits + 24), R = 2^(24 L) > 16 M, L a multiple of 4. */
export function f64LimbsFor(bits: i32): i32 {
  return (((bits + 28 + B - 1) / B + 3) >> 2) << 2;
}

/** Bytes of a padded paired f64 number of L limbs; the number itself starts F64_PAD limbs in. */
export function f64Stride(L: i32): usize {
  return <usize>(L + 2 * F64_PAD) << 4;
}

/** Bytes of a context for L limbs. */
export function f64CtxSize(L: i32): usize {
  return 16 + f64Stride(L);
}

export const MAX_F64_STRIDE: i32 = (F64_MAX_L + 2 * F64_PAD) << 4;
export const MAX_F64_CTX_SIZE: i32 = 16 + MAX_F64_STRIDE;

@inline
export function f64CtxL(ctx: usize): i32 {
  return load<i32>(ctx);
}

@inline
function ctxMF(ctx: usize): usize {
  return ctx + 16 + (<usize>F64_PAD << 4);
}

@inline
function ld(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 4));
}

/**
 * Writes the number of n 28-bit limbs at src (non-negative, below 2^(24 L - 1)) into lane `lane`
 * of the paired f64 number dst (L limbs), in balanced 24-bit limbs. Constant time in the value.
 */
export function toF64Lane(dst: usize, lane: i32, src: usize, n: i32, L: i32): void {
  let acc: i64 = 0;
  let bits: i32 = 0;
  let j = 0;
  const o = dst + (<usize>lane << 3);
  for (let i = 0; i < L; i++) {
    while ((bits < B || i == L - 1) && j < n) {
      acc += <i64>limb(src, j) << bits;
      bits += <i32>W;
      j++;
    }
    // d = acc mod 2^24 in [-2^23, 2^23); the rest is carried (an exact arithmetic shift).
    const d: i64 = i == L - 1 ? acc : ((acc + (1 << 23)) & ((1 << B) - 1)) - (1 << 23);
    store<f64>(o + (<usize>i << 4), <f64>d);
    acc = (acc - d) >> B;
    bits -= B;
  }
}

/**
 * dst (n 28-bit limbs) = v + M for the lane `lane` of the paired f64 number v (|v| < M), which is
 * in (0, 2M) and so a non-negative number congruent to v modulo m. Constant time.
 */
export function fromF64Lane(dst: usize, n: i32, ctx: usize, v: usize, lane: i32): void {
  const L = f64CtxL(ctx);
  const m = ctxMF(ctx) + (<usize>lane << 3);
  const x = v + (<usize>lane << 3);
  let acc: i64 = 0;
  let bits: i32 = 0;
  let j = 0;
  for (let i = 0; i < L; i++) {
    acc += (<i64>(load<f64>(x + (<usize>i << 4)) + load<f64>(m + (<usize>i << 4)))) << bits;
    bits += B;
    while (bits >= <i32>W && j < n) {
      setLimb(dst, j, <u32>(acc & <i64>MASK64));
      acc >>= W;
      bits -= <i32>W;
      j++;
    }
  }
  for (; j < n; j++) {
    setLimb(dst, j, <u32>(acc & <i64>MASK64));
    acc >>= W;
  }
}

const MK = memory.data(((F64_MAX_L * B) / W + 2) * 4, 16); // m k in 28-bit limbs

/**
 * Builds the context from the scalar contexts of p and q (mont.ts): M = m k per lane, where
 * k = m' mod 2^24 (m' = -m^-1 mod 2^28 from the context). L = f64LimbsFor of the larger modulus.
 */
export function montF64CtxInit(ctx: usize, ctxP: usize, ctxQ: usize, L: i32): void {
  store<i32>(ctx, L);
  memory.fill(ctx + 16, 0, f64Stride(L));
  for (let lane = 0; lane < 2; lane++) {
    const c = lane == 0 ? ctxP : ctxQ;
    const Lm = ctxL(c);
    const k = <u64>(load<u32>(c, 8) & ((1 << B) - 1));
    const m = ctxM(c);
    let carry: u64 = 0;
    for (let i = 0; i < Lm; i++) {
      const t = <u64>limb(m, i) * k + carry;
      setLimb(MK, i, <u32>(t & MASK64));
      carry = t >> W;
    }
    setLimb(MK, Lm, <u32>carry);
    toF64Lane(ctxMF(ctx), lane, MK, Lm + 1, L);
  }
  memory.fill(MK, 0, ((F64_MAX_L * B) / W + 2) * 4);
}

const SUM4 = memory.data(64, 16);
const QF = memory.data(F64_MAX_L * 16, 16); // q digits, paired

/** Wipes the scratch of the products (q digits and column sums: secret-derived). */
export function montF64Wipe(): void {
  memory.fill(QF, 0, F64_MAX_L * 16);
  memory.fill(SUM4, 0, 64);
}

/**
 * SUM4 + 16 j = sum over i in [i0, i1) of x_i y_(c+j-i), j = 0..3: four columns at once, each x
 * and y limb loaded once. y is read from limb c + 3 - i0 down to c - i1 + 1.
 */
@inline
function quad(x: usize, y: usize, i0: i32, i1: i32, c: i32): void {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let px = x + (<usize>i0 << 4);
  let py = y + (<usize>(c - i0) << 4);
  let y1 = v128.load(py, 16), y2 = v128.load(py, 32), y3 = v128.load(py, 48);
  const end = x + (<usize>i1 << 4);
  // Two values of i per pass (four loads, eight products); more spilled (NOTES.md).
  while (px + 32 <= end) {
    const x0 = v128.load(px), x1 = v128.load(px, 16);
    const y0 = v128.load(py), ym = v128.load(py - 16);
    s0 = f64x2.add(s0, f64x2.add(f64x2.mul(x0, y0), f64x2.mul(x1, ym)));
    s1 = f64x2.add(s1, f64x2.add(f64x2.mul(x0, y1), f64x2.mul(x1, y0)));
    s2 = f64x2.add(s2, f64x2.add(f64x2.mul(x0, y2), f64x2.mul(x1, y1)));
    s3 = f64x2.add(s3, f64x2.add(f64x2.mul(x0, y3), f64x2.mul(x1, y2)));
    y3 = y1;
    y2 = y0;
    y1 = ym;
    px += 32;
    py -= 32;
  }
  if (px < end) {
    const x0 = v128.load(px), y0 = v128.load(py);
    s0 = f64x2.add(s0, f64x2.mul(x0, y0));
    s1 = f64x2.add(s1, f64x2.mul(x0, y1));
    s2 = f64x2.add(s2, f64x2.mul(x0, y2));
    s3 = f64x2.add(s3, f64x2.mul(x0, y3));
  }
  v128.store(SUM4, s0);
  v128.store(SUM4, s1, 16);
  v128.store(SUM4, s2, 32);
  v128.store(SUM4, s3, 48);
}

@inline
function sum4(j: i32): v128 {
  return v128.load(SUM4 + (<usize>j << 4));
}

/**
 * out = a b / R per lane (mod M_p in lane 0, mod M_q in lane 1), |out| < M for |a|, |b| < M.
 * a and b are padded (zero limbs below 0 and above L - 1); out may alias a or b: limbs c - L..
 * c - L + 3 are written after the group's last read of them.
 */
export function montMulF64(ctx: usize, out: usize, a: usize, b: usize): void {
  product(ctx, out, a, b, false);
}

/** out = a^2 / R per lane, |out| < M for |a| < M; a padded; out may alias a. */
export function montSqrF64(ctx: usize, out: usize, a: usize): void {
  product(ctx, out, a, a, true);
}

/**
 * The product by groups of four columns c..c+3. For a square, each cross product a_i a_(c-i)
 * (i < c - i) is computed once and doubled: the group's common range of i stops below h = c / 2,
 * and the terms of i = h, h + 1 and the squares are added after. For c < L the q M sums stop
 * before q_(c-1): its terms, and those of the digits resolved in the group, are added from
 * registers, so that a digit is used as soon as it is known; q_c..q_(c+3) are stored. For c >= L
 * the group stores result limbs c - L..c - L + 3.
 */
@inline
function product(ctx: usize, out: usize, a: usize, b: usize, square: bool): void {
  const L = f64CtxL(ctx);
  const m = ctxMF(ctx);
  const M1 = ld(m, 1), M2 = ld(m, 2), M3 = ld(m, 3), M4 = ld(m, 4);
  const rc = f64x2.splat(ROUND24), inv = f64x2.splat(INV24);
  let carry = f64x2.splat(0), qa = f64x2.splat(0);
  for (let c = 0; c < 2 * L; c += 4) {
    let s0: v128, s1: v128, s2: v128, s3: v128;
    if (square) {
      const h = c >> 1;
      quad(a, a, c < L ? 0 : c - L + 1, h, c);
      const a0 = ld(a, h), a1 = ld(a, h + 1), a2 = ld(a, h + 2);
      s0 = sum4(0);
      s1 = f64x2.add(sum4(1), f64x2.mul(a0, a1));
      s2 = f64x2.add(sum4(2), f64x2.mul(a0, a2));
      s3 = f64x2.add(sum4(3), f64x2.add(f64x2.mul(a0, ld(a, h + 3)), f64x2.mul(a1, a2)));
      s0 = f64x2.add(f64x2.add(s0, s0), f64x2.mul(a0, a0));
      s1 = f64x2.add(s1, s1);
      s2 = f64x2.add(f64x2.add(s2, s2), f64x2.mul(a1, a1));
      s3 = f64x2.add(s3, s3);
    } else {
      quad(a, b, c < L ? 0 : c - L + 1, c < L ? c + 4 : L, c);
      s0 = sum4(0);
      s1 = sum4(1);
      s2 = sum4(2);
      s3 = sum4(3);
    }
    if (c < L) {
      quad(QF, m, 0, c - 1, c);
      s0 = f64x2.add(s0, sum4(0));
      s1 = f64x2.add(f64x2.add(s1, sum4(1)), f64x2.mul(qa, M2));
      s2 = f64x2.add(f64x2.add(s2, sum4(2)), f64x2.mul(qa, M3));
      s3 = f64x2.add(f64x2.add(s3, sum4(3)), f64x2.mul(qa, M4));
      let t = f64x2.add(f64x2.add(s0, f64x2.mul(qa, M1)), carry);
      let hi = f64x2.sub(f64x2.add(t, rc), rc);
      const q0 = f64x2.sub(t, hi);
      t = f64x2.add(f64x2.add(s1, f64x2.mul(hi, inv)), f64x2.mul(q0, M1));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      const q1 = f64x2.sub(t, hi);
      t = f64x2.add(f64x2.add(f64x2.add(s2, f64x2.mul(q0, M2)), f64x2.mul(hi, inv)), f64x2.mul(q1, M1));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      const q2 = f64x2.sub(t, hi);
      s3 = f64x2.add(s3, f64x2.add(f64x2.mul(q0, M3), f64x2.mul(q1, M2)));
      t = f64x2.add(f64x2.add(s3, f64x2.mul(hi, inv)), f64x2.mul(q2, M1));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      qa = f64x2.sub(t, hi);
      carry = f64x2.mul(hi, inv);
      const pq = QF + (<usize>c << 4);
      v128.store(pq, q0);
      v128.store(pq, q1, 16);
      v128.store(pq, q2, 32);
      v128.store(pq, qa, 48);
    } else {
      quad(QF, m, c - L + 1, L, c);
      const po = out + (<usize>(c - L) << 4);
      let t = f64x2.add(f64x2.add(s0, sum4(0)), carry);
      let hi = f64x2.sub(f64x2.add(t, rc), rc);
      v128.store(po, f64x2.sub(t, hi));
      t = f64x2.add(f64x2.add(s1, sum4(1)), f64x2.mul(hi, inv));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      v128.store(po, f64x2.sub(t, hi), 16);
      t = f64x2.add(f64x2.add(s2, sum4(2)), f64x2.mul(hi, inv));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      v128.store(po, f64x2.sub(t, hi), 32);
      t = f64x2.add(f64x2.add(s3, sum4(3)), f64x2.mul(hi, inv));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      v128.store(po, f64x2.sub(t, hi), 48);
      carry = f64x2.mul(hi, inv);
    }
  }
}

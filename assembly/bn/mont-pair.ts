// Two Montgomery multiplications at once, one in each 64-bit lane of a v128:
// lane 0 works modulo p and lane 1 modulo q, the two halves of an RSA CRT
// private operation. Both moduli use the same limb count L (mont.ts's
// montCtxInitL), so the two lanes run the same instruction sequence.
//
// WebAssembly's only 32 x 32 -> 64-bit vector multiply is i64x2.extmul_*_i32x4_u;
// limbs are stored interleaved ("paired"): index i holds (p-limb, q-limb) as two
// u32 in 8 bytes, so one 16-byte load brings limbs i and i+1 of both numbers,
// and extmul_low / extmul_high multiply them lane by lane. The second operand is
// first copied in reverse limb order, so that in column k the limbs a_i, a_(i+1)
// and b_(k-i), b_(k-i-1) lie at ascending addresses in both arrays: no shuffle is
// needed in the inner loop. Measured on V8 (node 20, x86-64): 2.4 times faster
// than two calls of the scalar montMul.
//
// Same mathematics as mont.ts: product scanning with lazy carries, results in [0, 2m).
//
// Paired context layout (bytes), for L limbs:
//   0  L (i32)          16  m' pair as i32x4 (m'_p, m'_q, 0, 0)
//   32 m reversed, paired (8 L)      32 + 8L   R mod m, paired (8 L)
import { MASK64, W, MAX_LIMBS } from "./limbs";
import { ctxL, ctxM, ctxOne } from "./mont";

export function montPairCtxSize(L: i32): usize {
  return 32 + (<usize>L << 4);
}

/** montPairCtxSize(MAX_LIMBS), as a constant for static buffers. */
export const MAX_PAIR_CTX_SIZE: i32 = 32 + (MAX_LIMBS << 4);

@inline
export function pairCtxL(pctx: usize): i32 {
  return load<i32>(pctx);
}

export function pairCtxOne(pctx: usize): usize {
  return pctx + 32 + (<usize>load<i32>(pctx) << 3);
}

/** Interleaves two L-limb numbers into the paired layout: dst[i] = (p[i], q[i]). */
export function interleave(dst: usize, p: usize, q: usize, L: i32): void {
  for (let i = 0; i < L; i++) {
    const o = <usize>i;
    store<u32>(dst + (o << 3), load<u32>(p + (o << 2)));
    store<u32>(dst + (o << 3), load<u32>(q + (o << 2)), 4);
  }
}

/** Splits a paired number into its two halves. */
export function deinterleave(p: usize, q: usize, src: usize, L: i32): void {
  for (let i = 0; i < L; i++) {
    const o = <usize>i;
    store<u32>(p + (o << 2), load<u32>(src + (o << 3)));
    store<u32>(q + (o << 2), load<u32>(src + (o << 3), 4));
  }
}

/** Builds the paired context from two scalar contexts with the same L. */
export function montPairCtxInit(pctx: usize, ctxP: usize, ctxQ: usize): void {
  const L = ctxL(ctxP);
  store<i32>(pctx, L);
  v128.store(pctx + 16, i32x4(load<i32>(ctxP, 8), load<i32>(ctxQ, 8), 0, 0));
  const mp = ctxM(ctxP), mq = ctxM(ctxQ);
  const mr = pctx + 32;
  for (let i = 0; i < L; i++) {
    const d = mr + (<usize>(L - 1 - i) << 3);
    store<u32>(d, load<u32>(mp + (<usize>i << 2)));
    store<u32>(d, load<u32>(mq + (<usize>i << 2)), 4);
  }
  interleave(pairCtxOne(pctx), ctxOne(ctxP), ctxOne(ctxQ), L);
}

const Q2 = memory.data(MAX_LIMBS * 8 + 16, 16); // q digits, paired
const REV = memory.data(MAX_LIMBS * 8 + 16, 16); // reversed copy of an operand

/** Wipes the scratch of montMulPair / montSqrPair (an operand copy and q digits: secret-derived). */
export function montPairWipe(): void {
  memory.fill(REV, 0, MAX_LIMBS * 8 + 16);
  memory.fill(Q2, 0, MAX_LIMBS * 8 + 16);
}

/** dst[L-1-i] = src[i] (paired). */
function reverse(dst: usize, src: usize, L: i32): void {
  for (let i = 0; i < L; i++) {
    store<u64>(dst + (<usize>(L - 1 - i) << 3), load<u64>(src + (<usize>i << 3)));
  }
}

/** The 28-bit low parts of the two u64 lanes of t, as a pair of i32 in lanes 0 and 1. */
@inline
function lowPair(t: v128): v128 {
  const lo = v128.and(t, i64x2.splat(<i64>MASK64));
  return i32x4.shuffle(lo, lo, 0, 2, 0, 2);
}

/**
 * q = lo(t) m' mod 2^W per lane, as an i32 pair in lanes 0 and 1 (lanes 2 and 3 zero): the low
 * 32 bits of the product of t's low 32 bits and m' (i32x4.mul), of which the low W bits depend
 * only on the low W bits of each factor. Fewer steps than a widening multiply and a shuffle back:
 * this is on the path from one column's digit to the next.
 */
@inline
function qDigits(t: v128, minv: v128): v128 {
  return v128.and(i32x4.mul(i32x4.shuffle(t, t, 0, 2, 0, 2), minv), i32x4(<i32>MASK64, <i32>MASK64, 0, 0));
}

/** x_i y_j + x_(i+1) y_(j+1) for the 16-byte chunks at x and y, both paired: two terms of a column. */
@inline
function chunkDot(x: usize, y: usize): v128 {
  const a = v128.load(x), b = v128.load(y);
  return i64x2.add(i64x2.extmul_low_i32x4_u(a, b), i64x2.extmul_high_i32x4_u(a, b));
}

// How a column is finished. Its two sums s1 (the a b or a^2 terms) and s2 (the q m terms) are
// each below L 2^56 < 2^64 (the doubled cross products of a squaring too). For L <= ONE_SUM_MAX_L
// they are added to the carry in one u64 per lane: 2 L + 2 terms below 2^57, plus the carry,
// stay below 2^64. That covers every balanced key (L <= 74: 2048-bit primes of RSA-4096); the
// unbalanced primes that import allows (up to 3585 bits, L = 129) take the split form, in which
// the low and high W bits of each sum are added separately, as lo + 2^W hi.
//
// For k < L the q digit q_k = lo m' mod 2^W is resolved, and the carry is hi + (lo + q_k m_0) / 2^W.
// The newest digit q_(k-1) meets m_1 in column k: that term is added from a register, so the
// chain from one digit to the next does not go through memory, and q_(k-1) is stored only at
// the end of column k, as part of an aligned 16-byte chunk (a later 16-byte load of that chunk
// is then forwarded from one store, not stalled behind two narrower ones).
const ONE_SUM_MAX_L: i32 = 120;

/** lo of (carry + s1 + s2 + extra) = lo + 2^W hi; extra is below 2^58. */
@inline
function columnLo(carry: v128, s1: v128, s2: v128, extra: v128, split: bool): v128 {
  if (!split) return i64x2.add(i64x2.add(extra, i64x2.add(s1, s2)), carry); // the carry last: it is the latest
  const mask = i64x2.splat(<i64>MASK64);
  const lo = i64x2.add(i64x2.add(v128.and(s1, mask), v128.and(s2, mask)), v128.and(carry, mask));
  return i64x2.add(lo, extra);
}

/** hi of (carry + s1 + s2 + extra) = lo + 2^W hi (see columnLo). */
@inline
function columnHi(carry: v128, s1: v128, s2: v128, split: bool): v128 {
  if (!split) return i64x2.splat(0);
  return i64x2.add(i64x2.add(i64x2.shr_u(s1, W), i64x2.shr_u(s2, W)), i64x2.shr_u(carry, W));
}

/** The carry into the next column: columnHi + c, with no add of a zero in the one-sum form. */
@inline
function carryOut(carry: v128, s1: v128, s2: v128, c: v128, split: bool): v128 {
  return split ? i64x2.add(columnHi(carry, s1, s2, split), c) : c;
}

/** storeDigit for an even i: the chunk (q_i, 0) (its second half comes with q_(i+1)). */
@inline
function storeDigitEven(i: i32, q: v128): void {
  v128.store(Q2 + (<usize>i << 3), i32x4.shuffle(q, i32x4.splat(0), 0, 1, 4, 5));
}

/** storeDigit for an odd i: the chunk (q_(i-1), q_i). */
@inline
function storeDigitOdd(i: i32, q: v128, qBefore: v128): void {
  v128.store(Q2 + (<usize>(i - 1) << 3), i32x4.shuffle(qBefore, q, 0, 1, 4, 5));
}

/** Stores the aligned 16-byte chunk of Q2 that holds q_i (i >= 0), given q_i and q_(i-1). */
@inline
function storeDigit(i: i32, q: v128, qBefore: v128): void {
  if ((i & 1) == 0) v128.store(Q2 + (<usize>i << 3), i32x4.shuffle(q, i32x4.splat(0), 0, 1, 4, 5));
  else v128.store(Q2 + (<usize>(i - 1) << 3), i32x4.shuffle(qBefore, q, 0, 1, 4, 5));
}

/**
 * Sum over i in [i0, i1) of x_i y_(rev, j0 + i), both paired: the dot product along one column,
 * two terms at a time and the odd one alone. x and yRev are byte addresses of index 0; j0 may be
 * negative as long as j0 + i0 >= 0.
 */
@inline
function columnSum(x: usize, yRev: usize, i0: i32, i1: i32, j0: i32): v128 {
  let acc = i64x2.splat(0);
  let px = x + (<usize>i0 << 3);
  let py = yRev + (<usize>(j0 + i0) << 3);
  const end = x + (<usize>i1 << 3);
  while (px + 32 <= end) {
    acc = i64x2.add(acc, i64x2.add(chunkDot(px, py), chunkDot(px + 16, py + 16)));
    px += 32;
    py += 32;
  }
  if (px + 16 <= end) {
    acc = i64x2.add(acc, chunkDot(px, py));
    px += 16;
    py += 16;
  }
  if (px < end) acc = i64x2.add(acc, i64x2.extmul_low_i32x4_u(v128.load64_zero(px), v128.load64_zero(py)));
  return acc;
}

/**
 * Stores limb i of a result (lanes 0 and 1 of v) into out and into REV[L-1-i], so that REV holds
 * the result reversed for a next squaring (montSqrPairNext). Limb i is written at the end of
 * column k = L + i, and REV[L-1-i] = REV[2L-1-k] lies past every index of REV that column k or a
 * later one reads (at most 2L-2-k for a product, L-2-floor(k/2) for a square): the operand's
 * reversed copy stays intact for as long as it is read.
 */
@inline
function storeLimb(out: usize, L: i32, i: i32, v: v128): void {
  v128.store64_lane(out + (<usize>i << 3), v, 0);
  v128.store64_lane(REV + (<usize>(L - 1 - i) << 3), v, 0);
}

/**
 * out = a b / R per lane (mod p in lane 0, mod q in lane 1), results in [0, 2m). out may alias a
 * or b: limb k - L of the result is written only after every read of a_(k-L) and b_(k-L).
 * Column k sums a_i b_(k-i) = a_i REV[L-1-k+i] and q_i m_(k-i) = q_i mr[L-1-k+i]; for k < L the
 * q m terms stop before q_(k-1), which is added from a register (stored at the end of column k).
 */
export function montMulPair(pctx: usize, out: usize, a: usize, b: usize): void {
  const L = pairCtxL(pctx);
  const minv = v128.load(pctx + 16);
  const mr = pctx + 32;
  const m0 = v128.load64_zero(mr + (<usize>(L - 1) << 3));
  const m1 = v128.load64_zero(mr + (<usize>(L - 2) << 3));
  const split = L > ONE_SUM_MAX_L;
  reverse(REV, b, L);
  let carry = i64x2.splat(0);
  let qPrev = i64x2.splat(0), qPrev2 = i64x2.splat(0);
  // Columns 0 to L - 1 by pairs, even then odd, so that the parity of the digit stored is known
  // where the code is written (as in sqrPair).
  for (let k = 0; k < L; k += 2) {
    let s1 = columnSum(a, REV, 0, k + 1, L - 1 - k);
    let s2 = k > 1 ? columnSum(Q2, mr, 0, k - 1, L - 1 - k) : i64x2.splat(0);
    let lo = columnLo(carry, s1, s2, i64x2.extmul_low_i32x4_u(qPrev, m1), split);
    let q = qDigits(lo, minv);
    carry = carryOut(carry, s1, s2, i64x2.shr_u(i64x2.add(lo, i64x2.extmul_low_i32x4_u(q, m0)), W), split);
    if (k > 0) storeDigitOdd(k - 1, qPrev, qPrev2);
    qPrev2 = qPrev;
    qPrev = q;
    if (k + 1 == L) break;
    const c = k + 1;
    s1 = columnSum(a, REV, 0, c + 1, L - 1 - c);
    s2 = columnSum(Q2, mr, 0, c - 1, L - 1 - c);
    lo = columnLo(carry, s1, s2, i64x2.extmul_low_i32x4_u(qPrev, m1), split);
    q = qDigits(lo, minv);
    carry = carryOut(carry, s1, s2, i64x2.shr_u(i64x2.add(lo, i64x2.extmul_low_i32x4_u(q, m0)), W), split);
    storeDigitEven(c - 1, qPrev);
    qPrev2 = qPrev;
    qPrev = q;
  }
  storeDigit(L - 1, qPrev, qPrev2);
  for (let k = L; k < 2 * L - 1; k++) {
    const i0 = k - L + 1;
    const s1 = columnSum(a, REV, i0, L, L - 1 - k);
    const s2 = columnSum(Q2, mr, i0, L, L - 1 - k);
    const lo = columnLo(carry, s1, s2, i64x2.splat(0), split);
    storeLimb(out, L, k - L, lowPair(lo));
    carry = carryOut(carry, s1, s2, i64x2.shr_u(lo, W), split);
  }
  storeLimb(out, L, L - 1, lowPair(carry));
}

/**
 * out = a^2 / R per lane, results in [0, 2m). out may alias a. Each cross product a_i a_(k-i)
 * (i < k - i) is computed once and doubled. For k < L the q m terms stop before q_(k-1), which
 * is added from a register (q_(k-1) is stored at the end of column k).
 */
export function montSqrPair(pctx: usize, out: usize, a: usize): void {
  reverse(REV, a, pairCtxL(pctx));
  sqrPair(pctx, out, a);
}

/**
 * montSqrPair for an a that is the result of the previous montMulPair or montSqrPair, unchanged
 * since: its reversed copy is then already in REV (storeLimb), which saves the copy.
 */
export function montSqrPairNext(pctx: usize, out: usize, a: usize): void {
  sqrPair(pctx, out, a);
}

/** montSqrPair with REV = a reversed. */
@inline
function sqrPair(pctx: usize, out: usize, a: usize): void {
  const L = pairCtxL(pctx);
  const minv = v128.load(pctx + 16);
  const mr = pctx + 32;
  const m0 = v128.load64_zero(mr + (<usize>(L - 1) << 3));
  const m1 = v128.load64_zero(mr + (<usize>(L - 2) << 3));
  const split = L > ONE_SUM_MAX_L;
  let carry = i64x2.splat(0);
  let qPrev = i64x2.splat(0), qPrev2 = i64x2.splat(0);
  // Columns 0 to L - 1 by pairs: an even column (with the diagonal term a_(k/2)^2), then an odd
  // one (none). Unrolled so that the parity is known where the code is written: a branch on it
  // in every column cost 3% (assembly/bn/NOTES.md).
  for (let k = 0; k < L; k += 2) {
    let s1 = i64x2.shl(columnSum(a, REV, 0, k >> 1, L - 1 - k), 1);
    const d = v128.load64_zero(a + (<usize>(k >> 1) << 3));
    let extra = i64x2.add(i64x2.extmul_low_i32x4_u(qPrev, m1), i64x2.extmul_low_i32x4_u(d, d));
    let s2 = k > 1 ? columnSum(Q2, mr, 0, k - 1, L - 1 - k) : i64x2.splat(0);
    let lo = columnLo(carry, s1, s2, extra, split);
    let q = qDigits(lo, minv);
    carry = carryOut(carry, s1, s2, i64x2.shr_u(i64x2.add(lo, i64x2.extmul_low_i32x4_u(q, m0)), W), split);
    if (k > 0) storeDigitOdd(k - 1, qPrev, qPrev2);
    qPrev2 = qPrev;
    qPrev = q;
    if (k + 1 == L) break;
    const c = k + 1;
    s1 = i64x2.shl(columnSum(a, REV, 0, (c + 1) >> 1, L - 1 - c), 1);
    extra = i64x2.extmul_low_i32x4_u(qPrev, m1);
    s2 = columnSum(Q2, mr, 0, c - 1, L - 1 - c);
    lo = columnLo(carry, s1, s2, extra, split);
    q = qDigits(lo, minv);
    carry = carryOut(carry, s1, s2, i64x2.shr_u(i64x2.add(lo, i64x2.extmul_low_i32x4_u(q, m0)), W), split);
    storeDigitEven(c - 1, qPrev);
    qPrev2 = qPrev;
    qPrev = q;
  }
  storeDigit(L - 1, qPrev, qPrev2);
  // Columns L to 2L - 2, by pairs from an even one (an odd L starts with column L alone).
  let k = L;
  if ((L & 1) != 0 && L > 1) {
    const s1 = i64x2.shl(columnSum(a, REV, 1, (k + 1) >> 1, L - 1 - k), 1);
    const s2 = columnSum(Q2, mr, 1, L, L - 1 - k);
    const lo = columnLo(carry, s1, s2, i64x2.splat(0), split);
    storeLimb(out, L, 0, lowPair(lo));
    carry = carryOut(carry, s1, s2, i64x2.shr_u(lo, W), split);
    k++;
  }
  for (; k < 2 * L - 1; k += 2) {
    let i0 = k - L + 1;
    let s1 = i64x2.shl(columnSum(a, REV, i0, k >> 1, L - 1 - k), 1);
    const d = v128.load64_zero(a + (<usize>(k >> 1) << 3));
    let s2 = columnSum(Q2, mr, i0, L, L - 1 - k);
    let lo = columnLo(carry, s1, s2, i64x2.extmul_low_i32x4_u(d, d), split);
    storeLimb(out, L, k - L, lowPair(lo));
    carry = carryOut(carry, s1, s2, i64x2.shr_u(lo, W), split);
    if (k + 1 == 2 * L - 1) break;
    const c = k + 1;
    i0 = c - L + 1;
    s1 = i64x2.shl(columnSum(a, REV, i0, (c + 1) >> 1, L - 1 - c), 1);
    s2 = columnSum(Q2, mr, i0, L, L - 1 - c);
    lo = columnLo(carry, s1, s2, i64x2.splat(0), split);
    storeLimb(out, L, c - L, lowPair(lo));
    carry = carryOut(carry, s1, s2, i64x2.shr_u(lo, W), split);
  }
  storeLimb(out, L, L - 1, lowPair(carry));
}

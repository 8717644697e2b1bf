// Montgomery arithmetic modulo an odd m (Montgomery 1985; the product-scanning
// order is "FIPS" in Koç, Acar, Kaliski, "Analyzing and comparing Montgomery
// multiplication algorithms", IEEE Micro 1996).
//
// R = 2^(W L) with 16 m < R (limbsFor). montMul(a, b) = a b / R mod m, with a
// result in [0, 2m) whenever a b < 8 m R, e.g. a < 4m and b < 2m: (a b + Q m) / R
// < a b / R + m. Values therefore stay in [0, 2m) through a whole exponentiation
// and the usual final "if t >= m then t -= m" is not needed at all (Walter,
// "Montgomery exponentiation needs no final subtractions", Electronics Letters
// 1999); the one reduction at the end (fromMont) is masked, not branched.
//
// Context layout (bytes), for a modulus of L limbs:
//   0  L (i32)        4  bits of m (i32)     8  m' = -m^-1 mod 2^W (u32)    12  unused
//   16 m              16+4L  R^2 mod m       16+8L  R^3 mod m               16+12L  R mod m
import { MASK, MASK64, W, copy, limb, limbsFor, reduceOnce, setLimb, zero, MAX_LIMBS, add, sub, condCopy } from "./limbs";

export function montCtxSize(L: i32): usize {
  return 16 + (<usize>L << 4);
}

@inline
export function ctxL(ctx: usize): i32 {
  return load<i32>(ctx);
}
@inline
export function ctxBits(ctx: usize): i32 {
  return load<i32>(ctx, 4);
}
@inline
export function ctxM(ctx: usize): usize {
  return ctx + 16;
}
@inline
export function ctxR2(ctx: usize): usize {
  return ctx + 16 + (<usize>load<i32>(ctx) << 2);
}
@inline
export function ctxR3(ctx: usize): usize {
  return ctx + 16 + (<usize>load<i32>(ctx) << 3);
}
@inline
export function ctxOne(ctx: usize): usize {
  return ctx + 16 + <usize>load<i32>(ctx) * 12;
}

const Q = memory.data(MAX_LIMBS * 4, 16);
const T1 = memory.data(MAX_LIMBS * 4, 16);
const T2 = memory.data(MAX_LIMBS * 4, 16);

/**
 * Builds the context for the odd modulus m (L = limbsFor(bits) limbs at mLimbs,
 * bits its exact bit length, both public). Constant time in the value of m.
 */
export function montCtxInit(ctx: usize, mLimbs: usize, bits: i32): void {
  montCtxInitL(ctx, mLimbs, bits, limbsFor(bits));
}

/** As montCtxInit, with more limbs than m needs (L >= limbsFor(bits)), so that two moduli can share one L. */
export function montCtxInitL(ctx: usize, mLimbs: usize, bits: i32, L: i32): void {
  store<i32>(ctx, L);
  store<i32>(ctx, bits, 4);
  const m = ctxM(ctx);
  copy(m, mLimbs, L);
  // m' by Newton's iteration: x = m0 is right to 3 bits (m0 odd), each step doubles that.
  const m0 = limb(m, 0);
  let x: u32 = m0;
  for (let i = 0; i < 4; i++) x = x * (2 - m0 * x);
  store<u32>(ctx, (0 - x) & MASK, 8);

  // R mod m: start at 2^(bits-1) < m and double up to 2^(W L).
  const one = ctxOne(ctx);
  zero(one, L);
  setLimb(one, (bits - 1) / <i32>W, <u32>1 << <u32>((bits - 1) % <i32>W));
  for (let i = bits - 1; i < L * <i32>W; i++) modDouble(one, m, L);

  // R^2 mod m = (2^(W L)) in Montgomery form: square-and-double from the top bit of W L.
  const r2 = ctxR2(ctx);
  copy(r2, one, L);
  const e = L * <i32>W;
  const top = 31 - <i32>clz<u32>(<u32>e);
  for (let i = top; i >= 0; i--) {
    montSqr(ctx, r2, r2);
    reduceOnce(r2, m, T1, L);
    if (((e >> i) & 1) != 0) modDouble(r2, m, L); // e is public
  }
  const r3 = ctxR3(ctx);
  montMul(ctx, r3, r2, r2);
  reduceOnce(r3, m, T1, L);
}

/** Wipes the scratch of this module (q digits and temporaries: secret-derived after a private operation). */
export function montWipe(): void {
  memory.fill(Q, 0, MAX_LIMBS * 4);
  memory.fill(T1, 0, MAX_LIMBS * 4);
  memory.fill(T2, 0, MAX_LIMBS * 4);
}

/** a = 2a mod m for a in [0, m), constant time. */
function modDouble(a: usize, m: usize, L: i32): void {
  add(a, a, a, L);
  reduceOnce(a, m, T2, L);
}

/**
 * out = a b / R mod m, in [0, 2m) (see the bound above). out may alias a or b:
 * limb k-L of the result is written only after every read of a[k-L] and b[k-L].
 *
 * Product scanning: column k sums every a_i b_(k-i) and q_i m_(k-i) into two u64
 * accumulators (at most L < 256 products of < 2^56 each: no overflow), and the
 * carries are resolved once per column, not once per product.
 */
export function montMul(ctx: usize, out: usize, a: usize, b: usize): void {
  const L = ctxL(ctx);
  const m = ctxM(ctx);
  const minv = <u64>load<u32>(ctx, 8);
  const m0 = <u64>load<u32>(m);
  let carry: u64 = 0;
  for (let k = 0; k < L; k++) {
    const kk = <usize>k << 2;
    // a_k b_0, then pairs (a_i b_(k-i), q_i m_(k-i)) for i < k.
    let s1: u64 = <u64>load<u32>(a + kk) * <u64>load<u32>(b);
    let s2: u64 = 0;
    let pa = a, pb = b + kk, pq = Q, pm = m + kk;
    const end = a + kk;
    while (pa + 8 <= end) {
      s1 += <u64>load<u32>(pa) * <u64>load<u32>(pb) + <u64>load<u32>(pa, 4) * <u64>load<u32>(pb - 4);
      s2 += <u64>load<u32>(pq) * <u64>load<u32>(pm) + <u64>load<u32>(pq, 4) * <u64>load<u32>(pm - 4);
      pa += 8; pb -= 8; pq += 8; pm -= 8;
    }
    if (pa < end) {
      s1 += <u64>load<u32>(pa) * <u64>load<u32>(pb);
      s2 += <u64>load<u32>(pq) * <u64>load<u32>(pm);
    }
    let lo = (s1 & MASK64) + (s2 & MASK64) + (carry & MASK64);
    const hi = (s1 >> W) + (s2 >> W) + (carry >> W);
    const q = ((lo & MASK64) * minv) & MASK64;
    store<u32>(Q + kk, <u32>q);
    lo += q * m0;
    carry = hi + (lo >> W);
  }
  for (let k = L; k < 2 * L - 1; k++) {
    let s1: u64 = 0;
    let s2: u64 = 0;
    const i0 = <usize>(k - L + 1) << 2;
    const top = <usize>(k) << 2;
    let pa = a + i0, pb = b + top - i0, pq = Q + i0, pm = m + top - i0;
    const end = a + (<usize>L << 2);
    while (pa + 8 <= end) {
      s1 += <u64>load<u32>(pa) * <u64>load<u32>(pb) + <u64>load<u32>(pa, 4) * <u64>load<u32>(pb - 4);
      s2 += <u64>load<u32>(pq) * <u64>load<u32>(pm) + <u64>load<u32>(pq, 4) * <u64>load<u32>(pm - 4);
      pa += 8; pb -= 8; pq += 8; pm -= 8;
    }
    if (pa < end) {
      s1 += <u64>load<u32>(pa) * <u64>load<u32>(pb);
      s2 += <u64>load<u32>(pq) * <u64>load<u32>(pm);
    }
    const lo = (s1 & MASK64) + (s2 & MASK64) + (carry & MASK64);
    carry = (s1 >> W) + (s2 >> W) + (carry >> W) + (lo >> W);
    store<u32>(out + (<usize>(k - L) << 2), <u32>(lo & MASK64));
  }
  store<u32>(out + (<usize>(L - 1) << 2), <u32>carry);
}

/**
 * out = a^2 / R mod m, in [0, 2m) for a < 2m (a < 4m also works, see above). out may alias a.
 * Each cross product a_i a_j (i < j) is computed once and doubled per column:
 * L^2/2 + L^2 products instead of 2 L^2.
 */
export function montSqr(ctx: usize, out: usize, a: usize): void {
  const L = ctxL(ctx);
  const m = ctxM(ctx);
  const minv = <u64>load<u32>(ctx, 8);
  const m0 = <u64>load<u32>(m);
  let carry: u64 = 0;
  for (let k = 0; k < 2 * L - 1; k++) {
    const i0 = k < L ? 0 : k - L + 1;
    // Cross products a_i a_(k-i) for i0 <= i < k - i.
    let sx: u64 = 0;
    let pi = a + (<usize>i0 << 2);
    let pj = a + (<usize>(k - i0) << 2);
    while (pi + 8 < pj) {
      sx += <u64>load<u32>(pi) * <u64>load<u32>(pj) + <u64>load<u32>(pi, 4) * <u64>load<u32>(pj - 4);
      pi += 8; pj -= 8;
    }
    if (pi < pj) sx += <u64>load<u32>(pi) * <u64>load<u32>(pj);
    let s1 = sx << 1;
    if ((k & 1) == 0) {
      const d = <u64>load<u32>(a + (<usize>(k >> 1) << 2));
      s1 += d * d;
    }
    // q_i m_(k-i) for i0 <= i < min(k, L).
    let s2: u64 = 0;
    const iEnd = k < L ? k : L;
    let pq = Q + (<usize>i0 << 2);
    let pm = m + (<usize>(k - i0) << 2);
    const end = Q + (<usize>iEnd << 2);
    while (pq + 8 <= end) {
      s2 += <u64>load<u32>(pq) * <u64>load<u32>(pm) + <u64>load<u32>(pq, 4) * <u64>load<u32>(pm - 4);
      pq += 8; pm -= 8;
    }
    if (pq < end) s2 += <u64>load<u32>(pq) * <u64>load<u32>(pm);
    let lo = (s1 & MASK64) + (s2 & MASK64) + (carry & MASK64);
    const hi = (s1 >> W) + (s2 >> W) + (carry >> W);
    if (k < L) {
      const q = ((lo & MASK64) * minv) & MASK64;
      store<u32>(Q + (<usize>k << 2), <u32>q);
      lo += q * m0;
      carry = hi + (lo >> W);
    } else {
      store<u32>(out + (<usize>(k - L) << 2), <u32>(lo & MASK64));
      carry = hi + (lo >> W);
    }
  }
  store<u32>(out + (<usize>(L - 1) << 2), <u32>carry);
}

/**
 * out (L limbs) = t / R mod m for t of 2L limbs with t < m R; result in [0, 2m).
 * Used to reduce numbers longer than m (e.g. a ciphertext mod p).
 */
export function redc(ctx: usize, out: usize, t: usize): void {
  const L = ctxL(ctx);
  const m = ctxM(ctx);
  const minv = <u64>load<u32>(ctx, 8);
  const m0 = <u64>limb(m, 0);
  let carry: u64 = 0;
  for (let k = 0; k < L; k++) {
    let s2: u64 = 0;
    for (let i = 0; i < k; i++) s2 += <u64>limb(Q, i) * <u64>limb(m, k - i);
    let lo = <u64>limb(t, k) + (s2 & MASK64) + (carry & MASK64);
    const hi = (s2 >> W) + (carry >> W);
    const q = ((lo & MASK64) * minv) & MASK64;
    setLimb(Q, k, <u32>q);
    lo += q * m0;
    carry = hi + (lo >> W);
  }
  for (let k = L; k < 2 * L; k++) {
    let s2: u64 = 0;
    for (let i = k - L + 1; i < L; i++) s2 += <u64>limb(Q, i) * <u64>limb(m, k - i);
    const lo = <u64>limb(t, k) + (s2 & MASK64) + (carry & MASK64);
    carry = (s2 >> W) + (carry >> W) + (lo >> W);
    setLimb(out, k - L, <u32>(lo & MASK64));
  }
}

/** out = a R mod m (Montgomery form), for a < 2^(W L); result in [0, 2m). */
export function toMont(ctx: usize, out: usize, a: usize): void {
  montMul(ctx, out, a, ctxR2(ctx));
}

/** out = a / R mod m, fully reduced into [0, m), for a < 2m. Constant time. */
export function fromMont(ctx: usize, out: usize, a: usize): void {
  const L = ctxL(ctx);
  zero(T1, L);
  setLimb(T1, 0, 1);
  montMul(ctx, out, a, T1);
  reduceOnce(out, ctxM(ctx), T1, L);
}

/**
 * out = x mod m, fully reduced, for x of up to 2L limbs (x < m R; missing high
 * limbs are zero). Constant time: x / R by REDC, then times R^2 / R.
 */
export function reduceWide(ctx: usize, out: usize, x: usize, xLimbs: i32, scratch2L: usize): void {
  const L = ctxL(ctx);
  zero(scratch2L, 2 * L);
  copy(scratch2L, x, xLimbs);
  redc(ctx, out, scratch2L); // x / R
  montMul(ctx, out, out, ctxR2(ctx)); // x
  reduceOnce(out, ctxM(ctx), T1, L);
}

/** out = x R mod m (Montgomery form, in [0, 2m)) for x of up to 2L limbs, x < m R. */
export function toMontWide(ctx: usize, out: usize, x: usize, xLimbs: i32, scratch2L: usize): void {
  const L = ctxL(ctx);
  zero(scratch2L, 2 * L);
  copy(scratch2L, x, xLimbs);
  redc(ctx, out, scratch2L); // x / R
  montMul(ctx, out, out, ctxR3(ctx)); // x R
}

/** out = a - b mod m for a, b in [0, 2m) (e.g. in Montgomery form); result in [0, 2m). out may alias a or b. */
export function modSubLazy(ctx: usize, out: usize, a: usize, b: usize): void {
  const L = ctxL(ctx);
  const m = ctxM(ctx);
  // a + 2m - b is in (0, 4m); one masked subtraction of 2m brings it to [0, 2m).
  add(T1, m, m, L);
  add(T2, a, T1, L);
  sub(T2, T2, b, L);
  const br = sub(out, T2, T1, L);
  condCopy(out, T2, L, 0 - br);
}

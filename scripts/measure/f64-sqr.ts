// A prototype, measured and dropped (assembly/bn/NOTES.md, "Tried and dropped", third pass): the
// paired Montgomery squaring of mont-pair.ts in f64x2 lanes instead of i64x2.extmul, kept here so
// that `node scripts/measure-bn.mjs --f64` can reproduce the figure. Not part of the core.
//
// Limbs are balanced (signed) 24-bit integers held exactly in f64: |limb| <= 2^23 except the top
// one, so a product is below 2^46 in magnitude and a column of at most 2L - 1 products plus the
// carry stays below 2^53 for L <= 64: every partial sum is an exact integer, in any order.
// The modulus is M = m k with k = -m^-1 mod 2^24, so M = -1 mod 2^24 (M_0 = -1 in balanced form):
// the q digit is then t mod 2^24 itself (balanced) and (t + q M_0) / 2^24 = (t - q) / 2^24, the
// carry, is t rounded to a multiple of 2^24, over 2^24: no multiply on the chain from one column
// to the next. Working modulo M is working modulo m too (m divides M); L = 44 for a 1024-bit m
// (M < 2^1048, R = 2^1056 > 16 M). The rounding is (t + 1.5 2^76) - 1.5 2^76, exact for
// |t| < 2^75 (the spacing of doubles there is 2^24, round to nearest); f64x2.nearest was 7% slower.
// Timing: every value is an integer multiple of 2^-24 below 2^77 in magnitude, or zero, so no
// subnormal arises, and x86-64's mulpd / addpd / subpd take the same time for all normal operands.
//
// Context: 0 L (i32); 16 M paired (limb i of both moduli as an f64x2 at 16 + 16 i), L limbs.
// out = a^2 / 2^(24 L) mod M per lane, |out| < M for |a| < M; L even; out may alias a.
const SUM = memory.data(32, 16);
const QF = memory.data(160 * 16 + 32, 16);

const INV24: f64 = 1.0 / 16777216.0;
const ROUND24: f64 = 113336795588871485128704.0; // 1.5 * 2^76

/** Sums x_i y_(c-i) into SUM and x_i y_(c+1-i) into SUM + 16, over i in [i0, i1), both paired f64. */
@inline
function dual(x: usize, y: usize, i0: i32, i1: i32, c: i32): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), b0 = f64x2.splat(0), b1 = f64x2.splat(0);
  let px = x + (<usize>i0 << 4);
  let py = y + (<usize>(c - i0) << 4);
  let yp = v128.load(py, 16);
  const end = x + (<usize>i1 << 4);
  while (px + 64 <= end) {
    const x0 = v128.load(px), y0 = v128.load(py);
    const x1 = v128.load(px, 16), y1 = v128.load(py - 16);
    const x2 = v128.load(px, 32), y2 = v128.load(py - 32);
    const x3 = v128.load(px, 48), y3 = v128.load(py - 48);
    a0 = f64x2.add(a0, f64x2.add(f64x2.mul(x0, y0), f64x2.mul(x1, y1)));
    b0 = f64x2.add(b0, f64x2.add(f64x2.mul(x0, yp), f64x2.mul(x1, y0)));
    a1 = f64x2.add(a1, f64x2.add(f64x2.mul(x2, y2), f64x2.mul(x3, y3)));
    b1 = f64x2.add(b1, f64x2.add(f64x2.mul(x2, y1), f64x2.mul(x3, y2)));
    yp = y3;
    px += 64;
    py -= 64;
  }
  if (px + 32 <= end) {
    const x0 = v128.load(px), y0 = v128.load(py);
    const x1 = v128.load(px, 16), y1 = v128.load(py - 16);
    a0 = f64x2.add(a0, f64x2.mul(x0, y0));
    b0 = f64x2.add(b0, f64x2.mul(x0, yp));
    a1 = f64x2.add(a1, f64x2.mul(x1, y1));
    b1 = f64x2.add(b1, f64x2.mul(x1, y0));
    yp = y1;
    px += 32;
    py -= 32;
  }
  if (px < end) {
    const x0 = v128.load(px), y0 = v128.load(py);
    a0 = f64x2.add(a0, f64x2.mul(x0, y0));
    b0 = f64x2.add(b0, f64x2.mul(x0, yp));
  }
  v128.store(SUM, f64x2.add(a0, a1));
  v128.store(SUM, f64x2.add(b0, b1), 16);
}

@inline
function ld(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 4));
}

export function montSqrF64(ctx: usize, out: usize, a: usize): void {
  const L = load<i32>(ctx);
  const m = ctx + 16;
  const M1 = ld(m, 1), M2 = ld(m, 2);
  const inv = f64x2.splat(INV24), rc = f64x2.splat(ROUND24);
  let carry = f64x2.splat(0), qPrev = f64x2.splat(0);
  for (let k = 0; k < L; k += 2) {
    const h = k >> 1;
    dual(a, a, 0, h, k);
    const ah = ld(a, h);
    let s0 = v128.load(SUM), s1 = v128.load(SUM, 16);
    s0 = f64x2.add(f64x2.add(s0, s0), f64x2.mul(ah, ah));
    s1 = f64x2.add(s1, f64x2.mul(ah, ld(a, h + 1)));
    s1 = f64x2.add(s1, s1);
    dual(QF, m, 0, k - 1, k);
    const r0 = v128.load(SUM), r1 = v128.load(SUM, 16);
    let t = f64x2.add(f64x2.add(f64x2.add(s0, r0), f64x2.mul(qPrev, M1)), carry);
    let hi = f64x2.sub(f64x2.add(t, rc), rc);
    let q = f64x2.sub(t, hi);
    carry = f64x2.mul(hi, inv);
    v128.store(QF + (<usize>k << 4), q);
    t = f64x2.add(f64x2.add(f64x2.add(s1, r1), f64x2.add(f64x2.mul(qPrev, M2), f64x2.mul(q, M1))), carry);
    hi = f64x2.sub(f64x2.add(t, rc), rc);
    qPrev = f64x2.sub(t, hi);
    carry = f64x2.mul(hi, inv);
    v128.store(QF + (<usize>(k + 1) << 4), qPrev);
  }
  let k = L;
  for (; k < 2 * L - 2; k += 2) {
    const h = k >> 1;
    dual(a, a, k - L + 2, h, k);
    const ah = ld(a, h);
    let s0 = v128.load(SUM), s1 = v128.load(SUM, 16);
    s0 = f64x2.add(s0, f64x2.mul(ld(a, k - L + 1), ld(a, L - 1)));
    s0 = f64x2.add(f64x2.add(s0, s0), f64x2.mul(ah, ah));
    s1 = f64x2.add(s1, f64x2.mul(ah, ld(a, h + 1)));
    s1 = f64x2.add(s1, s1);
    dual(QF, m, k - L + 2, L, k);
    let r0 = v128.load(SUM);
    const r1 = v128.load(SUM, 16);
    r0 = f64x2.add(r0, f64x2.mul(ld(QF, k - L + 1), ld(m, L - 1)));
    let t = f64x2.add(f64x2.add(s0, r0), carry);
    let hi = f64x2.sub(f64x2.add(t, rc), rc);
    v128.store(out + (<usize>(k - L) << 4), f64x2.sub(t, hi));
    carry = f64x2.mul(hi, inv);
    t = f64x2.add(f64x2.add(s1, r1), carry);
    hi = f64x2.sub(f64x2.add(t, rc), rc);
    v128.store(out + (<usize>(k + 1 - L) << 4), f64x2.sub(t, hi));
    carry = f64x2.mul(hi, inv);
  }
  // column 2L - 2: a_(L-1)^2 + q_(L-1) M_(L-1)
  const al = ld(a, L - 1);
  const t = f64x2.add(f64x2.add(f64x2.mul(al, al), f64x2.mul(ld(QF, L - 1), ld(m, L - 1))), carry);
  const hi = f64x2.sub(f64x2.add(t, rc), rc);
  v128.store(out + (<usize>(L - 2) << 4), f64x2.sub(t, hi));
  v128.store(out + (<usize>(L - 1) << 4), f64x2.mul(hi, inv));
}

const SUM4 = memory.data(64, 16);

/**
 * SUM4 + 16 j = sum over i in [i0, i1) of x_i y_(c+j-i), j = 0..3 (four columns): each x and y
 * chunk is loaded once for four products. y is read from index c + 3 - i0 down to c - i1 + 1.
 */
@inline
function quad(x: usize, y: usize, i0: i32, i1: i32, c: i32): void {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let px = x + (<usize>i0 << 4);
  let py = y + (<usize>(c - i0) << 4);
  let y1 = v128.load(py, 16), y2 = v128.load(py, 32), y3 = v128.load(py, 48);
  const end = x + (<usize>i1 << 4);
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

/**
 * montSqrF64 by groups of four columns (quad). L a multiple of 4; a and M zero above limb L - 1
 * (four zero limbs: the columns of a group share one range of i, and the terms a group's later
 * columns do not own read those zeros).
 */
export function montSqrF64x4(ctx: usize, out: usize, a: usize): void {
  const L = load<i32>(ctx);
  const m = ctx + 16;
  const M1 = ld(m, 1), M2 = ld(m, 2), M3 = ld(m, 3), M4 = ld(m, 4);
  const inv = f64x2.splat(INV24), rc = f64x2.splat(ROUND24);
  let carry = f64x2.splat(0), qa = f64x2.splat(0);
  for (let c = 0; c < 2 * L; c += 4) {
    const h = c >> 1;
    quad(a, a, c < L ? 0 : c - L + 1, h, c);
    const a0 = ld(a, h), a1 = ld(a, h + 1);
    let s0 = v128.load(SUM4), s1 = v128.load(SUM4, 16), s2 = v128.load(SUM4, 32), s3 = v128.load(SUM4, 48);
    s0 = f64x2.add(f64x2.add(s0, s0), f64x2.mul(a0, a0));
    s1 = f64x2.add(s1, f64x2.mul(a0, a1));
    s1 = f64x2.add(s1, s1);
    s2 = f64x2.add(s2, f64x2.mul(a0, ld(a, h + 2)));
    s2 = f64x2.add(f64x2.add(s2, s2), f64x2.mul(a1, a1));
    s3 = f64x2.add(s3, f64x2.add(f64x2.mul(a0, ld(a, h + 3)), f64x2.mul(a1, ld(a, h + 2))));
    s3 = f64x2.add(s3, s3);
    if (c < L) {
      quad(QF, m, 0, c - 1, c);
      s0 = f64x2.add(s0, v128.load(SUM4));
      s1 = f64x2.add(f64x2.add(s1, v128.load(SUM4, 16)), f64x2.mul(qa, M2));
      s2 = f64x2.add(f64x2.add(s2, v128.load(SUM4, 32)), f64x2.mul(qa, M3));
      s3 = f64x2.add(f64x2.add(s3, v128.load(SUM4, 48)), f64x2.mul(qa, M4));
      let t = f64x2.add(f64x2.add(s0, f64x2.mul(qa, M1)), carry);
      let hi = f64x2.sub(f64x2.add(t, rc), rc);
      const q0 = f64x2.sub(t, hi);
      carry = f64x2.mul(hi, inv);
      t = f64x2.add(f64x2.add(s1, carry), f64x2.mul(q0, M1));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      const q1 = f64x2.sub(t, hi);
      carry = f64x2.mul(hi, inv);
      t = f64x2.add(f64x2.add(f64x2.add(s2, f64x2.mul(q0, M2)), carry), f64x2.mul(q1, M1));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      const q2 = f64x2.sub(t, hi);
      carry = f64x2.mul(hi, inv);
      t = f64x2.add(f64x2.add(f64x2.add(s3, f64x2.add(f64x2.mul(q0, M3), f64x2.mul(q1, M2))), carry), f64x2.mul(q2, M1));
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
      let t = f64x2.add(f64x2.add(s0, v128.load(SUM4)), carry);
      let hi = f64x2.sub(f64x2.add(t, rc), rc);
      v128.store(po, f64x2.sub(t, hi));
      t = f64x2.add(f64x2.add(s1, v128.load(SUM4, 16)), f64x2.mul(hi, inv));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      v128.store(po, f64x2.sub(t, hi), 16);
      t = f64x2.add(f64x2.add(s2, v128.load(SUM4, 32)), f64x2.mul(hi, inv));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      v128.store(po, f64x2.sub(t, hi), 32);
      t = f64x2.add(f64x2.add(s3, v128.load(SUM4, 48)), f64x2.mul(hi, inv));
      hi = f64x2.sub(f64x2.add(t, rc), rc);
      v128.store(po, f64x2.sub(t, hi), 48);
      carry = f64x2.mul(hi, inv);
    }
  }
}

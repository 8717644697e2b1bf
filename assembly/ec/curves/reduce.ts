// Special-form reductions of double-width products, inlined into the generated multiplications
// (../gen/*.ts) so that the product never goes through memory. Chosen over Montgomery
// reduction by measurement: see ../NOTES.md.
const M: u64 = 0xffffffff;

/**
 * o = c mod p for the 16-word product c0..c15 (32 bits each), fully reduced. Constant time.
 * The word formulas are Solinas' for P-256 (Hankerson, Menezes, Vanstone, "Guide to Elliptic
 * Curve Cryptography", Algorithm 2.29): t = s1 + 2 s2 + 2 s3 + s4 + s5 - d1 - d2 - d3 - d4.
 */
@inline
export function p256Reduce(
  o: usize, c0: i64, c1: i64, c2: i64, c3: i64, c4: i64, c5: i64, c6: i64, c7: i64,
  c8: i64, c9: i64, c10: i64, c11: i64, c12: i64, c13: i64, c14: i64, c15: i64,
): void {
  let w0 = c0 + c8 + c9 - c11 - c12 - c13 - c14;
  let w1 = c1 + c9 + c10 - c12 - c13 - c14 - c15;
  let w2 = c2 + c10 + c11 - c13 - c14 - c15;
  let w3 = c3 + 2 * (c11 + c12) + c13 - c15 - c8 - c9;
  let w4 = c4 + 2 * (c12 + c13) + c14 - c9 - c10;
  let w5 = c5 + 2 * (c13 + c14) + c15 - c10 - c11;
  let w6 = c6 + 3 * c14 + 2 * c15 + c13 - c8 - c9;
  let w7 = c7 + 3 * c15 + c8 - c10 - c11 - c12 - c13;
  // Signed carries; the value is now w + t 2^256 with |t| <= 6.
  w1 += w0 >> 32; w0 &= 0xffffffff;
  w2 += w1 >> 32; w1 &= 0xffffffff;
  w3 += w2 >> 32; w2 &= 0xffffffff;
  w4 += w3 >> 32; w3 &= 0xffffffff;
  w5 += w4 >> 32; w4 &= 0xffffffff;
  w6 += w5 >> 32; w5 &= 0xffffffff;
  w7 += w6 >> 32; w6 &= 0xffffffff;
  let top = w7 >> 32; w7 &= 0xffffffff;
  // Fold twice with 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p): the first fold leaves a carry of
  // at most +-1, which the second absorbs; the result is then in [0, 2^256).
  for (let k = 0; k < 2; k++) {
    w0 += top; w3 -= top; w6 -= top; w7 += top;
    w1 += w0 >> 32; w0 &= 0xffffffff;
    w2 += w1 >> 32; w1 &= 0xffffffff;
    w3 += w2 >> 32; w2 &= 0xffffffff;
    w4 += w3 >> 32; w3 &= 0xffffffff;
    w5 += w4 >> 32; w4 &= 0xffffffff;
    w6 += w5 >> 32; w5 &= 0xffffffff;
    w7 += w6 >> 32; w6 &= 0xffffffff;
    top = w7 >> 32; w7 &= 0xffffffff;
  }
  // One conditional subtraction of p = (ffffffff 00000001 0 0 0 ffffffff ffffffff ffffffff).
  let d0 = w0 - 0xffffffff;
  let d1 = w1 - 0xffffffff + (d0 >> 32); d0 &= 0xffffffff;
  let d2 = w2 - 0xffffffff + (d1 >> 32); d1 &= 0xffffffff;
  let d3 = w3 + (d2 >> 32); d2 &= 0xffffffff;
  let d4 = w4 + (d3 >> 32); d3 &= 0xffffffff;
  let d5 = w5 + (d4 >> 32); d4 &= 0xffffffff;
  let d6 = w6 - 1 + (d5 >> 32); d5 &= 0xffffffff;
  let d7 = w7 - 0xffffffff + (d6 >> 32); d6 &= 0xffffffff;
  const keep = d7 >> 32; // all ones when w < p
  d7 &= 0xffffffff;
  store<u32>(o, <u32>((w0 & keep) | (d0 & ~keep)), 0);
  store<u32>(o, <u32>((w1 & keep) | (d1 & ~keep)), 4);
  store<u32>(o, <u32>((w2 & keep) | (d2 & ~keep)), 8);
  store<u32>(o, <u32>((w3 & keep) | (d3 & ~keep)), 12);
  store<u32>(o, <u32>((w4 & keep) | (d4 & ~keep)), 16);
  store<u32>(o, <u32>((w5 & keep) | (d5 & ~keep)), 20);
  store<u32>(o, <u32>((w6 & keep) | (d6 & ~keep)), 24);
  store<u32>(o, <u32>((w7 & keep) | (d7 & ~keep)), 28);
}

/** o = (r0..r7 + top 2^256) mod p, for top < 2^34. Folds top twice, then subtracts p once. Constant time. */
@inline
export function p256kFinish(o: usize, r0: u64, r1: u64, r2: u64, r3: u64, r4: u64, r5: u64, r6: u64, r7: u64, top: u64): void {
  // top (2^32 + 977): the carry out is 0 or 1, and a carry of 1 leaves a small remainder.
  for (let k = 0; k < 2; k++) {
    let c = r0 + top * 977; r0 = c & M; c >>= 32;
    c += r1 + top; r1 = c & M; c >>= 32;
    c += r2; r2 = c & M; c >>= 32;
    c += r3; r3 = c & M; c >>= 32;
    c += r4; r4 = c & M; c >>= 32;
    c += r5; r5 = c & M; c >>= 32;
    c += r6; r6 = c & M; c >>= 32;
    c += r7; r7 = c & M; c >>= 32;
    top = c;
  }
  // r - p, p = (ffffffff x 6, fffffffe, fffffc2f): keep r when it borrows.
  let d: i64 = <i64>r0 - 0xfffffc2f; const s0 = d & 0xffffffff; d >>= 32;
  d += <i64>r1 - 0xfffffffe; const s1 = d & 0xffffffff; d >>= 32;
  d += <i64>r2 - 0xffffffff; const s2 = d & 0xffffffff; d >>= 32;
  d += <i64>r3 - 0xffffffff; const s3 = d & 0xffffffff; d >>= 32;
  d += <i64>r4 - 0xffffffff; const s4 = d & 0xffffffff; d >>= 32;
  d += <i64>r5 - 0xffffffff; const s5 = d & 0xffffffff; d >>= 32;
  d += <i64>r6 - 0xffffffff; const s6 = d & 0xffffffff; d >>= 32;
  d += <i64>r7 - 0xffffffff; const s7 = d & 0xffffffff; d >>= 32;
  const keep = <u64>d;
  store<u32>(o, <u32>((r0 & keep) | (<u64>s0 & ~keep)), 0);
  store<u32>(o, <u32>((r1 & keep) | (<u64>s1 & ~keep)), 4);
  store<u32>(o, <u32>((r2 & keep) | (<u64>s2 & ~keep)), 8);
  store<u32>(o, <u32>((r3 & keep) | (<u64>s3 & ~keep)), 12);
  store<u32>(o, <u32>((r4 & keep) | (<u64>s4 & ~keep)), 16);
  store<u32>(o, <u32>((r5 & keep) | (<u64>s5 & ~keep)), 20);
  store<u32>(o, <u32>((r6 & keep) | (<u64>s6 & ~keep)), 24);
  store<u32>(o, <u32>((r7 & keep) | (<u64>s7 & ~keep)), 28);
}

/** o = c mod p for the 16-word product c0..c15: lo + hi 2^256 = lo + hi 977 + hi 2^32 (mod p). Constant time. */
@inline
export function p256kReduce(
  o: usize, l0: u64, l1: u64, l2: u64, l3: u64, l4: u64, l5: u64, l6: u64, l7: u64,
  h0: u64, h1: u64, h2: u64, h3: u64, h4: u64, h5: u64, h6: u64, h7: u64,
): void {
  let c: u64 = l0 + h0 * 977; const r0 = c & M; c >>= 32;
  c += l1 + h1 * 977 + h0; const r1 = c & M; c >>= 32;
  c += l2 + h2 * 977 + h1; const r2 = c & M; c >>= 32;
  c += l3 + h3 * 977 + h2; const r3 = c & M; c >>= 32;
  c += l4 + h4 * 977 + h3; const r4 = c & M; c >>= 32;
  c += l5 + h5 * 977 + h4; const r5 = c & M; c >>= 32;
  c += l6 + h6 * 977 + h5; const r6 = c & M; c >>= 32;
  c += l7 + h7 * 977 + h6; const r7 = c & M; c >>= 32;
  p256kFinish(o, r0, r1, r2, r3, r4, r5, r6, r7, c + h7);
}

/**
 * o = c mod p for the 24-word product c0..c23 (32 bits each), fully reduced. Constant time. The word formulas are Solinas'
 * for P-384 (Hankerson, Menezes, Vanstone, "Guide to Elliptic Curve Cryptography", Algorithm 2.30):
 * t = s1 + 2 s2 + s3 + s4 + s5 + s6 + s7 - d1 - d2 - d3, gathered here word by word.
 */
@inline
export function p384Reduce(
  o: usize, c0: i64, c1: i64, c2: i64, c3: i64, c4: i64, c5: i64, c6: i64, c7: i64,
  c8: i64, c9: i64, c10: i64, c11: i64, c12: i64, c13: i64, c14: i64, c15: i64,
  c16: i64, c17: i64, c18: i64, c19: i64, c20: i64, c21: i64, c22: i64, c23: i64,
): void {
  let w0 = c0 + c12 + c21 + c20 - c23;
  let w1 = c1 + c13 + c22 + c23 - c12 - c20;
  let w2 = c2 + c14 + c23 - c13 - c21;
  let w3 = c3 + c15 + c12 + c20 + c21 - c14 - c22 - c23;
  let w4 = c4 + 2 * c21 + c16 + c13 + c12 + c20 + c22 - c15 - 2 * c23;
  let w5 = c5 + 2 * c22 + c17 + c14 + c13 + c21 + c23 - c16;
  let w6 = c6 + 2 * c23 + c18 + c15 + c14 + c22 - c17;
  let w7 = c7 + c19 + c16 + c15 + c23 - c18;
  let w8 = c8 + c20 + c17 + c16 - c19;
  let w9 = c9 + c21 + c18 + c17 - c20;
  let w10 = c10 + c22 + c19 + c18 - c21;
  let w11 = c11 + c23 + c20 + c19 - c22;
  let top: i64 = 0;
  // Fold the signed carry out of 2^384 twice with 2^384 = 2^128 + 2^96 - 2^32 + 1 (mod p): after the
  // first carry pass |top| <= 8; after the first fold |top| <= 1; after the second, none is left.
  for (let k = 0; k < 3; k++) {
    w0 += top; w1 -= top; w3 += top; w4 += top;
    w1 += w0 >> 32; w0 &= 0xffffffff;
    w2 += w1 >> 32; w1 &= 0xffffffff;
    w3 += w2 >> 32; w2 &= 0xffffffff;
    w4 += w3 >> 32; w3 &= 0xffffffff;
    w5 += w4 >> 32; w4 &= 0xffffffff;
    w6 += w5 >> 32; w5 &= 0xffffffff;
    w7 += w6 >> 32; w6 &= 0xffffffff;
    w8 += w7 >> 32; w7 &= 0xffffffff;
    w9 += w8 >> 32; w8 &= 0xffffffff;
    w10 += w9 >> 32; w9 &= 0xffffffff;
    w11 += w10 >> 32; w10 &= 0xffffffff;
    top = w11 >> 32; w11 &= 0xffffffff;
  }
  // One conditional subtraction of p = (ffffffff x 7, fffffffe, ffffffff, 0, 0, ffffffff).
  let d: i64 = w0 - 0xffffffff; const s0 = d & 0xffffffff; d >>= 32;
  d += w1; const s1 = d & 0xffffffff; d >>= 32;
  d += w2; const s2 = d & 0xffffffff; d >>= 32;
  d += w3 - 0xffffffff; const s3 = d & 0xffffffff; d >>= 32;
  d += w4 - 0xfffffffe; const s4 = d & 0xffffffff; d >>= 32;
  d += w5 - 0xffffffff; const s5 = d & 0xffffffff; d >>= 32;
  d += w6 - 0xffffffff; const s6 = d & 0xffffffff; d >>= 32;
  d += w7 - 0xffffffff; const s7 = d & 0xffffffff; d >>= 32;
  d += w8 - 0xffffffff; const s8 = d & 0xffffffff; d >>= 32;
  d += w9 - 0xffffffff; const s9 = d & 0xffffffff; d >>= 32;
  d += w10 - 0xffffffff; const s10 = d & 0xffffffff; d >>= 32;
  d += w11 - 0xffffffff; const s11 = d & 0xffffffff; d >>= 32;
  const keep = d; // all ones when w < p
  store<u32>(o, <u32>((w0 & keep) | (s0 & ~keep)), 0);
  store<u32>(o, <u32>((w1 & keep) | (s1 & ~keep)), 4);
  store<u32>(o, <u32>((w2 & keep) | (s2 & ~keep)), 8);
  store<u32>(o, <u32>((w3 & keep) | (s3 & ~keep)), 12);
  store<u32>(o, <u32>((w4 & keep) | (s4 & ~keep)), 16);
  store<u32>(o, <u32>((w5 & keep) | (s5 & ~keep)), 20);
  store<u32>(o, <u32>((w6 & keep) | (s6 & ~keep)), 24);
  store<u32>(o, <u32>((w7 & keep) | (s7 & ~keep)), 28);
  store<u32>(o, <u32>((w8 & keep) | (s8 & ~keep)), 32);
  store<u32>(o, <u32>((w9 & keep) | (s9 & ~keep)), 36);
  store<u32>(o, <u32>((w10 & keep) | (s10 & ~keep)), 40);
  store<u32>(o, <u32>((w11 & keep) | (s11 & ~keep)), 44);
}


// Two constant-time fixed-window exponentiations at once (the CRT halves), on the
// paired layout of mont-pair.ts. Same method as modexp.ts: WINDOW squarings and one
// multiplication per window, and a table lookup that reads every entry and keeps
// the wanted one under a mask. The two halves have different exponents, so the
// mask is built per lane: (mask_p, mask_q, mask_p, mask_q) over each 16 bytes.
import { MAX_LIMBS, W, limb } from "./limbs";
import { WINDOW } from "./modexp";
import { pairCtxL, pairCtxOne, montMulPair, montSqrPair, montSqrPairNext, montPairWipe } from "./mont-pair";

const TABLE_SIZE: i32 = 1 << WINDOW;
const TABLE2 = memory.data(TABLE_SIZE * MAX_LIMBS * 8 + 16, 16);
const ACC2 = memory.data(MAX_LIMBS * 8 + 16, 16);
const SEL2 = memory.data(MAX_LIMBS * 8 + 16, 16);

export function windowAt(exp: usize, expLimbs: i32, pos: i32): u32 {
  const li = pos / <i32>W;
  const off = <u64>(pos % <i32>W);
  let v: u64 = li < expLimbs ? <u64>limb(exp, li) : 0;
  if (li + 1 < expLimbs) v |= <u64>limb(exp, li + 1) << <u64>W;
  return <u32>((v >> off) & <u64>(TABLE_SIZE - 1));
}

const MASKS = memory.data(TABLE_SIZE * 16, 16);

/**
 * dst = (table[ip] in lane p, table[iq] in lane q), reading every entry: for each
 * 16-byte chunk, the OR over all entries of (entry AND its mask), the masks being
 * all ones for the wanted entry of each lane and zero elsewhere. Entries are L pairs of
 * 32-bit values (8 L bytes), TABLE_SIZE of them from `table`. Call lookup2Wipe after the last one.
 */
export function lookup2(table: usize, dst: usize, ip: u32, iq: u32, L: i32): void {
  const stride = <usize>L << 3;
  for (let j = 0; j < TABLE_SIZE; j++) {
    const dp = <u32>j ^ ip, dq = <u32>j ^ iq;
    const mp = <i32>(~dp & (dp - 1)) >> 31; // all ones iff j == ip
    const mq = <i32>(~dq & (dq - 1)) >> 31;
    v128.store(MASKS + (<usize>j << 4), i32x4(mp, mq, mp, mq));
  }
  // Four chunks of 16 bytes per pass over the table, so that each mask is loaded once for four
  // (the loads bound this loop), then the rest one chunk at a time; for an odd L the last chunk
  // also reads the next 8 bytes (the table has room) and writes 8 bytes of dst's scratch tail.
  let o: usize = 0;
  for (; o + 64 <= stride; o += 64) {
    let a0 = i64x2.splat(0), a1 = i64x2.splat(0), a2 = i64x2.splat(0), a3 = i64x2.splat(0);
    let e = table + o;
    for (let j: usize = 0; j < <usize>TABLE_SIZE; j++) {
      const m = v128.load(MASKS + (j << 4));
      a0 = v128.or(a0, v128.and(v128.load(e), m));
      a1 = v128.or(a1, v128.and(v128.load(e, 16), m));
      a2 = v128.or(a2, v128.and(v128.load(e, 32), m));
      a3 = v128.or(a3, v128.and(v128.load(e, 48), m));
      e += stride;
    }
    v128.store(dst + o, a0);
    v128.store(dst + o, a1, 16);
    v128.store(dst + o, a2, 32);
    v128.store(dst + o, a3, 48);
  }
  for (; o < stride; o += 16) {
    let acc = i64x2.splat(0);
    let e = table + o;
    for (let j: usize = 0; j < <usize>TABLE_SIZE; j += 2) {
      acc = v128.or(acc, v128.and(v128.load(e), v128.load(MASKS + (j << 4))));
      acc = v128.or(acc, v128.and(v128.load(e + stride), v128.load(MASKS + (j << 4), 16)));
      e += stride << 1;
    }
    v128.store(dst + o, acc);
  }
}

/** Wipes the masks of lookup2 (which say which entries were taken). */
export function lookup2Wipe(): void {
  memory.fill(MASKS, 0, TABLE_SIZE * 16);
}

/**
 * out = (base_p^expP mod p, base_q^expQ mod q) in Montgomery form, paired; base
 * paired in [0, 2m). Both exponents have expLimbs limbs and are processed over
 * expBits bits (public). Constant time in the bases and the exponents.
 */
export function modexpCtPair(pctx: usize, out: usize, base: usize, expP: usize, expQ: usize, expLimbs: i32, expBits: i32): void {
  const L = pairCtxL(pctx);
  const stride = <usize>L << 3;
  memory.copy(TABLE2, pairCtxOne(pctx), stride);
  memory.copy(TABLE2 + stride, base, stride);
  // base^j: a squaring for even j (cheaper than a multiplication), else the entry below times base.
  for (let j = 2; j < TABLE_SIZE; j++) {
    const dst = TABLE2 + <usize>j * stride;
    if ((j & 1) == 0) montSqrPair(pctx, dst, TABLE2 + <usize>(j >> 1) * stride);
    else montMulPair(pctx, dst, TABLE2 + <usize>(j - 1) * stride, base);
  }
  const windows = (expBits + WINDOW - 1) / WINDOW;
  if (windows == 0) {
    memory.copy(out, pairCtxOne(pctx), stride);
    return;
  }
  let w = windows - 1;
  lookup2(TABLE2, ACC2, windowAt(expP, expLimbs, w * WINDOW), windowAt(expQ, expLimbs, w * WINDOW), L);
  let first = true; // ACC2 comes from the lookup, not from a product (montSqrPairNext)
  while (w > 0) {
    w--;
    for (let s = 0; s < WINDOW; s++) {
      if (first) montSqrPair(pctx, ACC2, ACC2);
      else montSqrPairNext(pctx, ACC2, ACC2);
      first = false;
    }
    lookup2(TABLE2, SEL2, windowAt(expP, expLimbs, w * WINDOW), windowAt(expQ, expLimbs, w * WINDOW), L);
    montMulPair(pctx, ACC2, ACC2, SEL2);
  }
  memory.copy(out, ACC2, stride);
  memory.fill(TABLE2, 0, <usize>TABLE_SIZE * stride);
  memory.fill(ACC2, 0, stride + 16);
  memory.fill(SEL2, 0, stride + 16);
  lookup2Wipe();
  montPairWipe();
}

/**
 * out = (base_p^exp mod p, base_q^exp mod q) in Montgomery form, paired, by left-to-right binary
 * exponentiation with the SAME exponent in both lanes. Variable time in exp: only for public
 * exponents (RSA's e). base paired in [0, 2m); out may alias base.
 */
export function modexpVartimePair(pctx: usize, out: usize, base: usize, exp: usize, expLimbs: i32, expBits: i32): void {
  const L = pairCtxL(pctx);
  const stride = <usize>L << 3;
  if (expBits == 0) {
    memory.copy(out, pairCtxOne(pctx), stride);
    return;
  }
  memory.copy(ACC2, base, stride);
  for (let i = expBits - 2; i >= 0; i--) {
    if (i == expBits - 2) montSqrPair(pctx, ACC2, ACC2);
    else montSqrPairNext(pctx, ACC2, ACC2);
    if (i / <i32>W < expLimbs && ((limb(exp, i / <i32>W) >>> <u32>(i % <i32>W)) & 1) != 0) montMulPair(pctx, ACC2, ACC2, base);
  }
  memory.copy(out, ACC2, stride);
  memory.fill(ACC2, 0, stride + 16);
  montPairWipe();
}

// The two constant-time fixed-window exponentiations of modexp-pair.ts (the CRT halves, one per
// lane) on the f64 kernel of mont-f64.ts. Same method: WINDOW squarings and one multiplication
// per window, and a lookup that reads every table entry and keeps the wanted one under a mask
// (modexp-pair.ts's lookup2). The table is built in f64 and then kept for the lookups as 32-bit
// integer pairs (the limbs are below 2^31 in magnitude: 8 bytes per limb pair instead of 16), which
// halves the bytes each lookup reads; the selected entry is converted back (exact).
import { WINDOW } from "./modexp";
import { lookup2, lookup2Wipe, windowAt } from "./modexp-pair";
import { F64_MAX_L, F64_PAD, MAX_F64_STRIDE, f64CtxL, f64Stride, montF64Wipe, montMulF64, montSqrF64 } from "./mont-f64";

const TABLE_SIZE: i32 = 1 << WINDOW;
const FT = memory.data(TABLE_SIZE * MAX_F64_STRIDE, 16); // the table in f64, padded entries
const TC = memory.data(TABLE_SIZE * F64_MAX_L * 8 + 16, 16); // the table as i32 pairs, for lookup2
const ACC = memory.data(MAX_F64_STRIDE, 16);
const SEL = memory.data(MAX_F64_STRIDE, 16);
const SELC = memory.data(F64_MAX_L * 8 + 16, 16);

/** Limb 0 of a padded number in the buffer at p. */
@inline
function num(p: usize): usize {
  return p + (<usize>F64_PAD << 4);
}

/** dst (L i32 pairs) = src (L f64 pairs), each limb an integer below 2^31 in magnitude: exact. */
function compact(dst: usize, src: usize, L: i32): void {
  for (let i = 0; i < L; i++) {
    v128.store64_lane(dst + (<usize>i << 3), i32x4.trunc_sat_f64x2_s_zero(v128.load(src + (<usize>i << 4))), 0);
  }
}

/** dst (L f64 pairs) = src (L i32 pairs). */
function expand(dst: usize, src: usize, L: i32): void {
  for (let i = 0; i < L; i++) {
    v128.store(dst + (<usize>i << 4), f64x2.convert_low_i32x4_s(v128.load64_zero(src + (<usize>i << 3))));
  }
}

/**
 * out = (base^expP in lane p, base^expQ in lane q) in Montgomery form (R = 2^(24 L)), modulo the
 * M of each lane, for |base| < M; one is R modulo M (or any number congruent to it modulo the
 * caller's m, below M in magnitude). out, base and one point to limb 0 of padded numbers (mont-f64.ts);
 * out may alias base or one. Both exponents have expLimbs 28-bit limbs and are processed over
 * expBits bits (public). Constant time in the bases and the exponents.
 */
export function modexpCtF64(ctx: usize, out: usize, base: usize, one: usize, expP: usize, expQ: usize, expLimbs: i32, expBits: i32): void {
  const L = f64CtxL(ctx);
  const stride = f64Stride(L);
  const bytes = <usize>L << 4;
  const cstride = <usize>L << 3;
  memory.copy(num(FT), one, bytes);
  memory.copy(num(FT + stride), base, bytes);
  // base^j: a squaring for even j, else the entry below times base.
  for (let j = 2; j < TABLE_SIZE; j++) {
    const dst = num(FT + <usize>j * stride);
    if ((j & 1) == 0) montSqrF64(ctx, dst, num(FT + <usize>(j >> 1) * stride));
    else montMulF64(ctx, dst, num(FT + <usize>(j - 1) * stride), num(FT + stride));
  }
  for (let j = 0; j < TABLE_SIZE; j++) compact(TC + <usize>j * cstride, num(FT + <usize>j * stride), L);
  memory.fill(FT, 0, <usize>TABLE_SIZE * stride);
  const windows = (expBits + WINDOW - 1) / WINDOW;
  if (windows == 0) {
    expand(out, TC, L);
  } else {
    let w = windows - 1;
    lookup2(TC, SELC, windowAt(expP, expLimbs, w * WINDOW), windowAt(expQ, expLimbs, w * WINDOW), L);
    expand(num(ACC), SELC, L);
    while (w > 0) {
      w--;
      for (let s = 0; s < WINDOW; s++) montSqrF64(ctx, num(ACC), num(ACC));
      lookup2(TC, SELC, windowAt(expP, expLimbs, w * WINDOW), windowAt(expQ, expLimbs, w * WINDOW), L);
      expand(num(SEL), SELC, L);
      montMulF64(ctx, num(ACC), num(ACC), num(SEL));
    }
    memory.copy(out, num(ACC), bytes);
  }
  memory.fill(TC, 0, <usize>TABLE_SIZE * cstride);
  memory.fill(ACC, 0, stride);
  memory.fill(SEL, 0, stride);
  memory.fill(SELC, 0, cstride);
  lookup2Wipe();
  montF64Wipe();
}

// Modular exponentiation in Montgomery form.
//
// modexpCt: fixed window of WINDOW bits (HAC 14.82, "k-ary" left to right). Every
// window costs WINDOW squarings and one multiplication whatever its value, and
// the table entry is fetched by reading EVERY entry and keeping the wanted one
// under a mask, so neither the instruction sequence nor the memory addresses
// depend on the exponent.
import { MAX_LIMBS, W, copy, limb, setLimb } from "./limbs";
import { ctxL, ctxOne, montMul, montSqr, montWipe } from "./mont";

export const WINDOW: i32 = 5;
const TABLE_SIZE: i32 = 1 << WINDOW;

// Sized for the largest modulus that is ever exponentiated with a secret exponent (4096 bits).
const TABLE = memory.data(TABLE_SIZE * MAX_LIMBS * 4, 16);
const ACC = memory.data(MAX_LIMBS * 4, 16);
const SEL = memory.data(MAX_LIMBS * 4, 16);

/** The `width` bits of exp starting at bit `pos` (pos public); limbs past `expLimbs` read as zero. */
function bitsAt(exp: usize, expLimbs: i32, pos: i32, width: i32): u32 {
  const li = pos / <i32>W;
  const off = <u64>(pos % <i32>W);
  let v: u64 = li < expLimbs ? <u64>limb(exp, li) : 0;
  if (li + 1 < expLimbs) v |= <u64>limb(exp, li + 1) << <u64>W;
  return <u32>((v >> off) & ((<u64>1 << <u64>width) - 1));
}

/** dst = table[idx] by a full masked scan of all TABLE_SIZE entries. */
function lookupCt(dst: usize, idx: u32, L: i32): void {
  const stride = <usize>L << 2;
  for (let i = 0; i < L; i++) setLimb(dst, i, 0);
  for (let j = 0; j < TABLE_SIZE; j++) {
    const d = <u32>j ^ idx;
    const mask = <u32>(<i32>(~d & (d - 1)) >> 31); // all ones iff j == idx
    const e = TABLE + <usize>j * stride;
    for (let i = 0; i < L; i++) setLimb(dst, i, limb(dst, i) | (limb(e, i) & mask));
  }
}

/**
 * out = base^exp in Montgomery form (out, base in [0, 2m)). exp has expLimbs limbs
 * and is processed over exactly expBits bits (public; pad with zero bits to hide
 * the true length). Constant time in base and exp.
 */
export function modexpCt(ctx: usize, out: usize, base: usize, exp: usize, expLimbs: i32, expBits: i32): void {
  const L = ctxL(ctx);
  const stride = <usize>L << 2;
  copy(TABLE, ctxOne(ctx), L);
  copy(TABLE + stride, base, L);
  for (let j = 2; j < TABLE_SIZE; j++) {
    montMul(ctx, TABLE + <usize>j * stride, TABLE + <usize>(j - 1) * stride, base);
  }
  const windows = (expBits + WINDOW - 1) / WINDOW;
  if (windows == 0) {
    copy(out, ctxOne(ctx), L);
    return;
  }
  let w = windows - 1;
  lookupCt(ACC, bitsAt(exp, expLimbs, w * WINDOW, WINDOW), L);
  while (w > 0) {
    w--;
    for (let s = 0; s < WINDOW; s++) montSqr(ctx, ACC, ACC);
    lookupCt(SEL, bitsAt(exp, expLimbs, w * WINDOW, WINDOW), L);
    montMul(ctx, ACC, ACC, SEL);
  }
  copy(out, ACC, L);
  memory.fill(TABLE, 0, <usize>TABLE_SIZE * stride);
  memory.fill(ACC, 0, stride);
  memory.fill(SEL, 0, stride);
  montWipe();
}

/**
 * out = base^exp in Montgomery form, left-to-right binary. Variable time in exp:
 * only for public exponents (RSA's e).
 */
export function modexpVartime(ctx: usize, out: usize, base: usize, exp: usize, expLimbs: i32, expBits: i32): void {
  const L = ctxL(ctx);
  if (expBits == 0) {
    copy(out, ctxOne(ctx), L);
    return;
  }
  copy(ACC, base, L);
  for (let i = expBits - 2; i >= 0; i--) {
    montSqr(ctx, ACC, ACC);
    if (((limb(exp, i / <i32>W) >>> <u32>(i % <i32>W)) & 1) != 0) montMul(ctx, ACC, ACC, base);
  }
  copy(out, ACC, L);
}

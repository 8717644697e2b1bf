// secp256k1 (SEC 2 v2 §2.4.1), Key Vault's P-256K: y^2 = x^3 + 7 over p = 2^256 - 2^32 - 977.
// Field elements: 8 little-endian u32 words, fully reduced. Pseudo-Mersenne reduction
// (2^256 = 2^32 + 977 mod p): chosen over Montgomery by measurement, see ../NOTES.md.
import { CURVE_P256K } from "../ids";
import { wordsCmpVartime, wordsFromBE, wordsToBE, wordsZeroMask } from "../words";
import {
  P256K_GX, P256K_GY, P256K_N, P256K_N0INV, P256K_NR2, P256K_N_BITS, P256K_N_WORDS, P256K_P,
  p256kAdd, p256kMulWide, p256kSqrWide, p256kSub,
} from "../gen/p256k";

const T = memory.data(64, 16);
const ZERO = memory.data(32, 16);
const M: u64 = 0xffffffff;

/** o = (r0..r7 + top 2^256) mod p, for top < 2^34. Folds top twice, then subtracts p once. Constant time. */
@inline
function finish(o: usize, r0: u64, r1: u64, r2: u64, r3: u64, r4: u64, r5: u64, r6: u64, r7: u64, top: u64): void {
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

/** o = t mod p for the 16-word t: lo + hi 2^256 = lo + hi 977 + hi 2^32 (mod p). Constant time. */
function reduce(o: usize, t: usize): void {
  const h0 = <u64>load<u32>(t, 32), h1 = <u64>load<u32>(t, 36), h2 = <u64>load<u32>(t, 40), h3 = <u64>load<u32>(t, 44);
  const h4 = <u64>load<u32>(t, 48), h5 = <u64>load<u32>(t, 52), h6 = <u64>load<u32>(t, 56), h7 = <u64>load<u32>(t, 60);
  let c: u64 = <u64>load<u32>(t, 0) + h0 * 977; const r0 = c & M; c >>= 32;
  c += <u64>load<u32>(t, 4) + h1 * 977 + h0; const r1 = c & M; c >>= 32;
  c += <u64>load<u32>(t, 8) + h2 * 977 + h1; const r2 = c & M; c >>= 32;
  c += <u64>load<u32>(t, 12) + h3 * 977 + h2; const r3 = c & M; c >>= 32;
  c += <u64>load<u32>(t, 16) + h4 * 977 + h3; const r4 = c & M; c >>= 32;
  c += <u64>load<u32>(t, 20) + h5 * 977 + h4; const r5 = c & M; c >>= 32;
  c += <u64>load<u32>(t, 24) + h6 * 977 + h5; const r6 = c & M; c >>= 32;
  c += <u64>load<u32>(t, 28) + h7 * 977 + h6; const r7 = c & M; c >>= 32;
  finish(o, r0, r1, r2, r3, r4, r5, r6, r7, c + h7);
}

export function p256kMul(o: usize, a: usize, b: usize): void {
  p256kMulWide(T, a, b);
  reduce(o, T);
}

export function p256kSqr(o: usize, a: usize): void {
  p256kSqrWide(T, a);
  reduce(o, T);
}

/** o = 21 a = 3b a, the only constant the a = 0 formulas multiply by. Constant time. */
export function p256kMul21(o: usize, a: usize): void {
  let c: u64 = <u64>load<u32>(a, 0) * 21; const r0 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 4) * 21; const r1 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 8) * 21; const r2 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 12) * 21; const r3 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 16) * 21; const r4 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 20) * 21; const r5 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 24) * 21; const r6 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 28) * 21; const r7 = c & M; c >>= 32;
  finish(o, r0, r1, r2, r3, r4, r5, r6, r7, c);
}

function sqrN(o: usize, a: usize, n: i32): void {
  p256kSqr(o, a);
  for (let i = 1; i < n; i++) p256kSqr(o, o);
}

const INV = memory.data(12 * 32, 16);
const X2 = INV, X3 = INV + 32, X6 = INV + 64, X9 = INV + 96, X11 = INV + 128, X22 = INV + 160;
const X44 = INV + 192, X88 = INV + 224, X176 = INV + 256, X220 = INV + 288, X223 = INV + 320, R = INV + 352;

/**
 * o = a^(p-2) = a^-1 (Fermat; 0 maps to 0). Fixed addition chain, constant time; x_k = a^(2^k - 1)
 * and p - 2 = [223 ones][0][22 ones][0000 1][011][01]. 255 S + 15 M.
 */
export function p256kInv(o: usize, a: usize): void {
  p256kSqr(X2, a); p256kMul(X2, X2, a);
  p256kSqr(X3, X2); p256kMul(X3, X3, a);
  sqrN(X6, X3, 3); p256kMul(X6, X6, X3);
  sqrN(X9, X6, 3); p256kMul(X9, X9, X3);
  sqrN(X11, X9, 2); p256kMul(X11, X11, X2);
  sqrN(X22, X11, 11); p256kMul(X22, X22, X11);
  sqrN(X44, X22, 22); p256kMul(X44, X44, X22);
  sqrN(X88, X44, 44); p256kMul(X88, X88, X44);
  sqrN(X176, X88, 88); p256kMul(X176, X176, X88);
  sqrN(X220, X176, 44); p256kMul(X220, X220, X44);
  sqrN(X223, X220, 3); p256kMul(X223, X223, X3);
  sqrN(R, X223, 23); p256kMul(R, R, X22);
  sqrN(R, R, 5); p256kMul(R, R, a);
  sqrN(R, R, 3); p256kMul(R, R, X2);
  sqrN(R, R, 2); p256kMul(o, R, a);
  memory.fill(INV, 0, 12 * 32);
}

/** The curve as a type tag for the generic point code (never instantiated; methods never read `this`). */
@final @unmanaged
export class P256K {
  @inline get ID(): i32 { return CURVE_P256K; }
  @inline get FE(): usize { return 32; }
  @inline get LEN(): i32 { return 32; }
  @inline get A_IS_ZERO(): bool { return true; }
  @inline get W(): i32 { return 6; }
  @inline get NBITS(): i32 { return P256K_N_BITS; }
  @inline get NWORDS(): i32 { return P256K_N_WORDS; }
  @inline get N(): usize { return P256K_N; }
  @inline get N0INV(): u32 { return P256K_N0INV; }
  @inline get NR2(): usize { return P256K_NR2; }
  @inline get GX(): usize { return P256K_GX; }
  @inline get GY(): usize { return P256K_GY; }

  @inline mul(o: usize, a: usize, b: usize): void { p256kMul(o, a, b); }
  @inline sqr(o: usize, a: usize): void { p256kSqr(o, a); }
  @inline add(o: usize, a: usize, b: usize): void { p256kAdd(o, a, b); }
  @inline sub(o: usize, a: usize, b: usize): void { p256kSub(o, a, b); }
  @inline neg(o: usize, a: usize): void { p256kSub(o, ZERO, a); }
  /** o = 3b a (the a = 0 formulas multiply by 3b = 21). */
  @inline mulB(o: usize, a: usize): void { p256kMul21(o, a); }
  @inline inv(o: usize, a: usize): void { p256kInv(o, a); }
  @inline setOne(o: usize): void { memory.fill(o, 0, 32); store<u32>(o, 1); }
  @inline canon(a: usize): void {}
  fromBytes(o: usize, src: usize): bool {
    wordsFromBE(o, 8, src, 32);
    return wordsCmpVartime(o, P256K_P, 8) < 0;
  }
  @inline toBytes(dst: usize, a: usize): void { wordsToBE(dst, 32, a); }
  @inline isZeroMask(a: usize): u32 { return wordsZeroMask(a, 8); }
}

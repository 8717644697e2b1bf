// NIST P-256 (FIPS 186-4 §D.1.2.3): y^2 = x^3 - 3x + b over p = 2^256 - 2^224 + 2^192 + 2^96 - 1.
// Field elements: 8 little-endian u32 words, fully reduced. Special-form (Solinas) reduction:
// chosen over Montgomery by measurement, see ../NOTES.md.
import { CURVE_P256 } from "../ids";
import { wordsCmpVartime, wordsFromBE, wordsToBE, wordsZeroMask } from "../words";
import {
  P256_B, P256_GX, P256_GY, P256_N, P256_N0INV, P256_NR2, P256_N_BITS, P256_N_WORDS, P256_P,
  p256Add, p256MulWide, p256SqrWide, p256Sub,
} from "../gen/p256";

const T = memory.data(64, 16);
const ZERO = memory.data(32, 16);

/**
 * o = t mod p for the 16-word t at T, fully reduced. Constant time.
 * The word formulas are Solinas' for P-256 (Hankerson, Menezes, Vanstone, "Guide to Elliptic
 * Curve Cryptography", Algorithm 2.29): t = s1 + 2 s2 + 2 s3 + s4 + s5 - d1 - d2 - d3 - d4.
 */
function reduce(o: usize, t: usize): void {
  const c0 = <i64>load<u32>(t, 0), c1 = <i64>load<u32>(t, 4), c2 = <i64>load<u32>(t, 8), c3 = <i64>load<u32>(t, 12);
  const c4 = <i64>load<u32>(t, 16), c5 = <i64>load<u32>(t, 20), c6 = <i64>load<u32>(t, 24), c7 = <i64>load<u32>(t, 28);
  const c8 = <i64>load<u32>(t, 32), c9 = <i64>load<u32>(t, 36), c10 = <i64>load<u32>(t, 40), c11 = <i64>load<u32>(t, 44);
  const c12 = <i64>load<u32>(t, 48), c13 = <i64>load<u32>(t, 52), c14 = <i64>load<u32>(t, 56), c15 = <i64>load<u32>(t, 60);
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

export function p256Mul(o: usize, a: usize, b: usize): void {
  p256MulWide(T, a, b);
  reduce(o, T);
}

export function p256Sqr(o: usize, a: usize): void {
  p256SqrWide(T, a);
  reduce(o, T);
}

function sqrN(o: usize, a: usize, n: i32): void {
  p256Sqr(o, a);
  for (let i = 1; i < n; i++) p256Sqr(o, o);
}

const INV = memory.data(8 * 32, 16);
const X2 = INV, X3 = INV + 32, X6 = INV + 64, X12 = INV + 96;
const X15 = INV + 128, X30 = INV + 160, X32 = INV + 192, R = INV + 224;

/**
 * o = a^(p-2) = a^-1 (Fermat; 0 maps to 0). A fixed addition chain, so constant time:
 * x_k = a^(2^k - 1), and p - 2 = [32 ones][31 zeros, 1][96 zeros][94 ones][0, 1]. 255 S + 12 M.
 */
export function p256Inv(o: usize, a: usize): void {
  p256Sqr(X2, a); p256Mul(X2, X2, a);
  p256Sqr(X3, X2); p256Mul(X3, X3, a);
  sqrN(X6, X3, 3); p256Mul(X6, X6, X3);
  sqrN(X12, X6, 6); p256Mul(X12, X12, X6);
  sqrN(X15, X12, 3); p256Mul(X15, X15, X3);
  sqrN(X30, X15, 15); p256Mul(X30, X30, X15);
  sqrN(X32, X30, 2); p256Mul(X32, X32, X2);
  sqrN(R, X32, 32); p256Mul(R, R, a);
  sqrN(R, R, 128); p256Mul(R, R, X32);
  sqrN(R, R, 32); p256Mul(R, R, X32);
  sqrN(R, R, 30); p256Mul(R, R, X30);
  sqrN(R, R, 2); p256Mul(o, R, a);
  memory.fill(INV, 0, 8 * 32);
}

/** The curve as a type tag for the generic point code (never instantiated; methods never read `this`). */
@final @unmanaged
export class P256 {
  @inline get ID(): i32 { return CURVE_P256; }
  /** Bytes of a field element in memory. */
  @inline get FE(): usize { return 32; }
  /** Bytes of an encoded coordinate or scalar. */
  @inline get LEN(): i32 { return 32; }
  @inline get A_IS_ZERO(): bool { return false; }
  /** Fixed-base comb window (bits); see ../NOTES.md. */
  @inline get W(): i32 { return 6; }
  @inline get NBITS(): i32 { return P256_N_BITS; }
  @inline get NWORDS(): i32 { return P256_N_WORDS; }
  @inline get N(): usize { return P256_N; }
  @inline get N0INV(): u32 { return P256_N0INV; }
  @inline get NR2(): usize { return P256_NR2; }
  @inline get GX(): usize { return P256_GX; }
  @inline get GY(): usize { return P256_GY; }

  @inline mul(o: usize, a: usize, b: usize): void { p256Mul(o, a, b); }
  @inline sqr(o: usize, a: usize): void { p256Sqr(o, a); }
  @inline add(o: usize, a: usize, b: usize): void { p256Add(o, a, b); }
  @inline sub(o: usize, a: usize, b: usize): void { p256Sub(o, a, b); }
  @inline neg(o: usize, a: usize): void { p256Sub(o, ZERO, a); }
  /** o = b a (the a = -3 formulas multiply by b). */
  @inline mulB(o: usize, a: usize): void { p256Mul(o, a, P256_B); }
  @inline inv(o: usize, a: usize): void { p256Inv(o, a); }
  @inline setOne(o: usize): void { memory.fill(o, 0, 32); store<u32>(o, 1); }
  /** Canonical form in place (already canonical here). */
  @inline canon(a: usize): void {}
  /** Reads a 32-byte big-endian coordinate; false if it is not below p. Public data only. */
  fromBytes(o: usize, src: usize): bool {
    wordsFromBE(o, 8, src, 32);
    return wordsCmpVartime(o, P256_P, 8) < 0;
  }
  @inline toBytes(dst: usize, a: usize): void { wordsToBE(dst, 32, a); }
  /** All ones if a == 0. Constant time. */
  @inline isZeroMask(a: usize): u32 { return wordsZeroMask(a, 8); }
}

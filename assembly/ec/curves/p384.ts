// NIST P-384 (FIPS 186-4 §D.1.2.4): y^2 = x^3 - 3x + b over p = 2^384 - 2^128 - 2^96 + 2^32 - 1.
// Field elements: 12 little-endian u32 words, fully reduced. Special-form (Solinas) reduction:
// chosen over Montgomery by measurement, see ../NOTES.md.
import { CURVE_P384 } from "../ids";
import { wordsCmpVartime, wordsFromBE, wordsToBE, wordsZeroMask } from "../words";
import {
  P384_B, P384_GX, P384_GY, P384_N, P384_N0INV, P384_NR2, P384_N_BITS, P384_N_WORDS, P384_P,
  p384Add, p384MulWide, p384SqrWide, p384Sub,
} from "../gen/p384";

const T = memory.data(96, 16);
const ZERO = memory.data(48, 16);

/**
 * o = t mod p for the 24-word t, fully reduced. Constant time. The word formulas are Solinas'
 * for P-384 (Hankerson, Menezes, Vanstone, "Guide to Elliptic Curve Cryptography", Algorithm 2.30):
 * t = s1 + 2 s2 + s3 + s4 + s5 + s6 + s7 - d1 - d2 - d3, gathered here word by word.
 */
function reduce(o: usize, t: usize): void {
  const c0 = <i64>load<u32>(t, 0), c1 = <i64>load<u32>(t, 4), c2 = <i64>load<u32>(t, 8), c3 = <i64>load<u32>(t, 12);
  const c4 = <i64>load<u32>(t, 16), c5 = <i64>load<u32>(t, 20), c6 = <i64>load<u32>(t, 24), c7 = <i64>load<u32>(t, 28);
  const c8 = <i64>load<u32>(t, 32), c9 = <i64>load<u32>(t, 36), c10 = <i64>load<u32>(t, 40), c11 = <i64>load<u32>(t, 44);
  const c12 = <i64>load<u32>(t, 48), c13 = <i64>load<u32>(t, 52), c14 = <i64>load<u32>(t, 56), c15 = <i64>load<u32>(t, 60);
  const c16 = <i64>load<u32>(t, 64), c17 = <i64>load<u32>(t, 68), c18 = <i64>load<u32>(t, 72), c19 = <i64>load<u32>(t, 76);
  const c20 = <i64>load<u32>(t, 80), c21 = <i64>load<u32>(t, 84), c22 = <i64>load<u32>(t, 88), c23 = <i64>load<u32>(t, 92);
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

export function p384Mul(o: usize, a: usize, b: usize): void {
  p384MulWide(T, a, b);
  reduce(o, T);
}

export function p384Sqr(o: usize, a: usize): void {
  p384SqrWide(T, a);
  reduce(o, T);
}

function sqrN(o: usize, a: usize, n: i32): void {
  p384Sqr(o, a);
  for (let i = 1; i < n; i++) p384Sqr(o, o);
}

const INV = memory.data(12 * 48, 16);
const X2 = INV, X3 = INV + 48, X6 = INV + 96, X12 = INV + 144, X15 = INV + 192, X30 = INV + 240;
const X32 = INV + 288, X60 = INV + 336, X120 = INV + 384, X240 = INV + 432, X255 = INV + 480, R = INV + 528;

/**
 * o = a^(p-2) = a^-1 (Fermat; 0 maps to 0). Fixed addition chain, constant time; x_k = a^(2^k - 1)
 * and p - 2 = [255 ones][0][32 ones][64 zeros][30 ones][01]. 386 S + 15 M.
 */
export function p384Inv(o: usize, a: usize): void {
  p384Sqr(X2, a); p384Mul(X2, X2, a);
  p384Sqr(X3, X2); p384Mul(X3, X3, a);
  sqrN(X6, X3, 3); p384Mul(X6, X6, X3);
  sqrN(X12, X6, 6); p384Mul(X12, X12, X6);
  sqrN(X15, X12, 3); p384Mul(X15, X15, X3);
  sqrN(X30, X15, 15); p384Mul(X30, X30, X15);
  sqrN(X32, X30, 2); p384Mul(X32, X32, X2);
  sqrN(X60, X30, 30); p384Mul(X60, X60, X30);
  sqrN(X120, X60, 60); p384Mul(X120, X120, X60);
  sqrN(X240, X120, 120); p384Mul(X240, X240, X120);
  sqrN(X255, X240, 15); p384Mul(X255, X255, X15);
  sqrN(R, X255, 33); p384Mul(R, R, X32);
  sqrN(R, R, 94); p384Mul(R, R, X30);
  sqrN(R, R, 2); p384Mul(o, R, a);
  memory.fill(INV, 0, 12 * 48);
}

/** The curve as a type tag for the generic point code (never instantiated; methods never read `this`). */
@final @unmanaged
export class P384 {
  @inline get ID(): i32 { return CURVE_P384; }
  @inline get FE(): usize { return 48; }
  @inline get LEN(): i32 { return 48; }
  @inline get A_IS_ZERO(): bool { return false; }
  @inline get W(): i32 { return 6; }
  @inline get NBITS(): i32 { return P384_N_BITS; }
  @inline get NWORDS(): i32 { return P384_N_WORDS; }
  @inline get N(): usize { return P384_N; }
  @inline get N0INV(): u32 { return P384_N0INV; }
  @inline get NR2(): usize { return P384_NR2; }
  @inline get GX(): usize { return P384_GX; }
  @inline get GY(): usize { return P384_GY; }

  @inline mul(o: usize, a: usize, b: usize): void { p384Mul(o, a, b); }
  @inline sqr(o: usize, a: usize): void { p384Sqr(o, a); }
  @inline add(o: usize, a: usize, b: usize): void { p384Add(o, a, b); }
  @inline sub(o: usize, a: usize, b: usize): void { p384Sub(o, a, b); }
  @inline neg(o: usize, a: usize): void { p384Sub(o, ZERO, a); }
  @inline mulB(o: usize, a: usize): void { p384Mul(o, a, P384_B); }
  @inline inv(o: usize, a: usize): void { p384Inv(o, a); }
  @inline setOne(o: usize): void { memory.fill(o, 0, 48); store<u32>(o, 1); }
  @inline canon(a: usize): void {}
  fromBytes(o: usize, src: usize): bool {
    wordsFromBE(o, 12, src, 48);
    return wordsCmpVartime(o, P384_P, 12) < 0;
  }
  @inline toBytes(dst: usize, a: usize): void { wordsToBE(dst, 48, a); }
  @inline isZeroMask(a: usize): u32 { return wordsZeroMask(a, 12); }
}

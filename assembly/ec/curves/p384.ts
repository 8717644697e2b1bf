// NIST P-384 (FIPS 186-4 §D.1.2.4): y^2 = x^3 - 3x + b over p = 2^384 - 2^128 - 2^96 + 2^32 - 1.
// Field elements: 12 little-endian u32 words, fully reduced. Special-form (Solinas) reduction:
// chosen over Montgomery by measurement, see ../NOTES.md.
import { modInvCt } from "../modinv-ct";
import { modInvVartime } from "../modinv-vartime";
import { CURVE_P384 } from "../ids";
import { wordsCmpVartime, wordsFromBE, wordsLtMask, wordsToBE, wordsZeroMask } from "../words";
import {
  P384_B, P384_GX, P384_GY, P384_N, P384_N0INV, P384_NR2, P384_N_BITS, P384_N_WORDS, P384_P, P384_P0INV,
  p384Add, p384Mul, p384Sqr, p384Sub,
} from "../gen/p384";

const ZERO = memory.data(48, 16);
const T = memory.data(48, 16); // mulAdd's product, wiped after use

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
  /** o = a b + e: a product and an addition here (no fused form for this field's multiplication). */
  mulAdd(o: usize, a: usize, b: usize, e: usize): void {
    p384Mul(T, a, b);
    p384Add(o, T, e);
    memory.fill(T, 0, 48);
  }
  /** o = a b - e, o = b a - e, o = e - b a: products and subtractions here (no fused forms). */
  mulSub(o: usize, a: usize, b: usize, e: usize): void {
    p384Mul(T, a, b);
    p384Sub(o, T, e);
    memory.fill(T, 0, 48);
  }
  mulBSub(o: usize, a: usize, e: usize): void {
    p384Mul(T, a, P384_B);
    p384Sub(o, T, e);
    memory.fill(T, 0, 48);
  }
  subMulB(o: usize, e: usize, a: usize): void {
    p384Mul(T, a, P384_B);
    p384Sub(o, e, T);
    memory.fill(T, 0, 48);
  }
  @inline sqr(o: usize, a: usize): void { p384Sqr(o, a); }
  @inline add(o: usize, a: usize, b: usize): void { p384Add(o, a, b); }
  @inline sub(o: usize, a: usize, b: usize): void { p384Sub(o, a, b); }
  @inline neg(o: usize, a: usize): void { p384Sub(o, ZERO, a); }
  @inline mulB(o: usize, a: usize): void { p384Mul(o, a, P384_B); }
  /** o = a^-1 (0 maps to 0), constant time (modinv-ct.ts); p384Inv is the Fermat reference. */
  @inline inv(o: usize, a: usize): void { modInvCt(o, a, P384_P, 12, 384); }
  /** True: invVartime exists, for inversions blinded by a random factor (ecdsa.ts). */
  @inline get INV_VARTIME(): bool { return true; }
  /** o = a^-1 for a in [1, p - 1] (false otherwise). VARIABLE TIME: public or blinded inputs only. */
  @inline invVartime(o: usize, a: usize): bool { return modInvVartime(o, a, P384_P, 12, 384, P384_P0INV); }
  /** o = the 48 big-endian bytes at src; all ones if that is in [1, p - 1]. Constant time. */
  @inline fromBytesNonzeroMask(o: usize, src: usize): u32 {
    wordsFromBE(o, 12, src, 48);
    return wordsLtMask(o, P384_P, 12) & ~wordsZeroMask(o, 12);
  }
  @inline setOne(o: usize): void { memory.fill(o, 0, 48); store<u32>(o, 1); }
  @inline canon(a: usize): void {}
  fromBytes(o: usize, src: usize): bool {
    wordsFromBE(o, 12, src, 48);
    return wordsCmpVartime(o, P384_P, 12) < 0;
  }
  @inline toBytes(dst: usize, a: usize): void { wordsToBE(dst, 48, a); }
  @inline isZeroMask(a: usize): u32 { return wordsZeroMask(a, 12); }
}

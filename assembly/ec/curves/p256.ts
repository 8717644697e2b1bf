// NIST P-256 (FIPS 186-4 §D.1.2.3): y^2 = x^3 - 3x + b over p = 2^256 - 2^224 + 2^192 + 2^96 - 1.
// Field elements: 8 little-endian u32 words, fully reduced. Special-form (Solinas) reduction:
// chosen over Montgomery by measurement, see ../NOTES.md.
import { CURVE_P256 } from "../ids";
import { modInvCt } from "../modinv-ct";
import { modInvVartime } from "../modinv-vartime";
import { wordsCmpVartime, wordsFromBE, wordsLtMask, wordsToBE, wordsZeroMask } from "../words";
import {
  P256_B, P256_NEG_B, P256_GX, P256_GY, P256_N, P256_N0INV, P256_NR2, P256_N_BITS, P256_N_WORDS, P256_P, P256_P0INV,
  p256Add, p256Mul, p256MulAdd, p256MulSub, p256Sqr, p256Sub,
} from "../gen/p256";

const ZERO = memory.data(32, 16);

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
  @inline get W(): i32 { return 7; }
  @inline get NBITS(): i32 { return P256_N_BITS; }
  @inline get NWORDS(): i32 { return P256_N_WORDS; }
  @inline get N(): usize { return P256_N; }
  @inline get N0INV(): u32 { return P256_N0INV; }
  @inline get NR2(): usize { return P256_NR2; }
  @inline get GX(): usize { return P256_GX; }
  @inline get GY(): usize { return P256_GY; }

  @inline mul(o: usize, a: usize, b: usize): void { p256Mul(o, a, b); }
  /** o = a b + e (one reduction for both). */
  @inline mulAdd(o: usize, a: usize, b: usize, e: usize): void { p256MulAdd(o, a, b, e); }
  /** o = a b - e (one reduction for both). */
  @inline mulSub(o: usize, a: usize, b: usize, e: usize): void { p256MulSub(o, a, b, e); }
  /** o = b a - e (the a = -3 formulas' b). */
  @inline mulBSub(o: usize, a: usize, e: usize): void { p256MulSub(o, a, P256_B, e); }
  /** o = e - b a, as (p - b) a + e. */
  @inline subMulB(o: usize, e: usize, a: usize): void { p256MulAdd(o, a, P256_NEG_B, e); }
  @inline sqr(o: usize, a: usize): void { p256Sqr(o, a); }
  @inline add(o: usize, a: usize, b: usize): void { p256Add(o, a, b); }
  @inline sub(o: usize, a: usize, b: usize): void { p256Sub(o, a, b); }
  @inline neg(o: usize, a: usize): void { p256Sub(o, ZERO, a); }
  /** o = b a (the a = -3 formulas multiply by b). */
  @inline mulB(o: usize, a: usize): void { p256Mul(o, a, P256_B); }
  /** o = a^-1 (0 maps to 0), constant time (modinv-ct.ts); p256Inv is the Fermat reference. */
  @inline inv(o: usize, a: usize): void { modInvCt(o, a, P256_P, 8, 256); }
  /** True: invVartime exists, for inversions blinded by a random factor (ecdsa.ts). */
  @inline get INV_VARTIME(): bool { return true; }
  /** o = a^-1 for a in [1, p - 1] (false otherwise). VARIABLE TIME: public or blinded inputs only. */
  @inline invVartime(o: usize, a: usize): bool { return modInvVartime(o, a, P256_P, 8, 256, P256_P0INV); }
  /** o = the 32 big-endian bytes at src; all ones if that is in [1, p - 1]. Constant time. */
  @inline fromBytesNonzeroMask(o: usize, src: usize): u32 {
    wordsFromBE(o, 8, src, 32);
    return wordsLtMask(o, P256_P, 8) & ~wordsZeroMask(o, 8);
  }
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

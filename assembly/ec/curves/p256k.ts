// secp256k1 (SEC 2 v2 §2.4.1), Key Vault's P-256K: y^2 = x^3 + 7 over p = 2^256 - 2^32 - 977.
// Field elements: 8 little-endian u32 words, fully reduced. Pseudo-Mersenne reduction
// (2^256 = 2^32 + 977 mod p): chosen over Montgomery by measurement, see ../NOTES.md.
import { modInvCt } from "../modinv-ct";
import { modInvVartime } from "../modinv-vartime";
import { CURVE_P256K } from "../ids";
import { p256kFinish } from "./reduce";
import { wordsCmpVartime, wordsFromBE, wordsLtMask, wordsToBE, wordsZeroMask } from "../words";
import {
  P256K_GX, P256K_GY, P256K_N, P256K_N0INV, P256K_NR2, P256K_N_BITS, P256K_N_WORDS, P256K_P, P256K_P0INV,
  p256kAdd, p256kMul, p256kMulAdd, p256kMulSub, p256kSqr, p256kSub,
} from "../gen/p256k";

const ZERO = memory.data(32, 16);
const T = memory.data(32, 16); // scratch of mulBSub and subMulB, wiped after use

/** o = 21 a = 3b a, the only constant the a = 0 formulas multiply by. Constant time. */
export function p256kMul21(o: usize, a: usize): void {
  const M: u64 = 0xffffffff;
  let c: u64 = <u64>load<u32>(a, 0) * 21; const r0 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 4) * 21; const r1 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 8) * 21; const r2 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 12) * 21; const r3 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 16) * 21; const r4 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 20) * 21; const r5 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 24) * 21; const r6 = c & M; c >>= 32;
  c += <u64>load<u32>(a, 28) * 21; const r7 = c & M; c >>= 32;
  p256kFinish(o, r0, r1, r2, r3, r4, r5, r6, r7, c);
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
  /** o = a b + e (one reduction for both). */
  @inline mulAdd(o: usize, a: usize, b: usize, e: usize): void { p256kMulAdd(o, a, b, e); }
  /** o = a b - e (one reduction for both). */
  @inline mulSub(o: usize, a: usize, b: usize, e: usize): void { p256kMulSub(o, a, b, e); }
  /** o = mulB(a) - e and o = e - mulB(a) (3b here); the a = 0 formulas do not use them. */
  mulBSub(o: usize, a: usize, e: usize): void {
    p256kMul21(T, a);
    p256kSub(o, T, e);
    memory.fill(T, 0, 32);
  }
  subMulB(o: usize, e: usize, a: usize): void {
    p256kMul21(T, a);
    p256kSub(o, e, T);
    memory.fill(T, 0, 32);
  }
  @inline sqr(o: usize, a: usize): void { p256kSqr(o, a); }
  @inline add(o: usize, a: usize, b: usize): void { p256kAdd(o, a, b); }
  @inline sub(o: usize, a: usize, b: usize): void { p256kSub(o, a, b); }
  @inline neg(o: usize, a: usize): void { p256kSub(o, ZERO, a); }
  /** o = 3b a (the a = 0 formulas multiply by 3b = 21). */
  @inline mulB(o: usize, a: usize): void { p256kMul21(o, a); }
  /** o = a^-1 (0 maps to 0), constant time (modinv-ct.ts); p256kInv is the Fermat reference. */
  @inline inv(o: usize, a: usize): void { modInvCt(o, a, P256K_P, 8, 256); }
  /** True: invVartime exists, for inversions blinded by a random factor (ecdsa.ts). */
  @inline get INV_VARTIME(): bool { return true; }
  /** o = a^-1 for a in [1, p - 1] (false otherwise). VARIABLE TIME: public or blinded inputs only. */
  @inline invVartime(o: usize, a: usize): bool { return modInvVartime(o, a, P256K_P, 8, 256, P256K_P0INV); }
  /** o = the 32 big-endian bytes at src; all ones if that is in [1, p - 1]. Constant time. */
  @inline fromBytesNonzeroMask(o: usize, src: usize): u32 {
    wordsFromBE(o, 8, src, 32);
    return wordsLtMask(o, P256K_P, 8) & ~wordsZeroMask(o, 8);
  }
  @inline setOne(o: usize): void { memory.fill(o, 0, 32); store<u32>(o, 1); }
  @inline canon(a: usize): void {}
  fromBytes(o: usize, src: usize): bool {
    wordsFromBE(o, 8, src, 32);
    return wordsCmpVartime(o, P256K_P, 8) < 0;
  }
  @inline toBytes(dst: usize, a: usize): void { wordsToBE(dst, 32, a); }
  @inline isZeroMask(a: usize): u32 { return wordsZeroMask(a, 8); }
}

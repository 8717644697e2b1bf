// NIST P-521 (FIPS 186-4 §D.1.2.5): y^2 = x^3 - 3x + b over the Mersenne prime p = 2^521 - 1.
// Field elements: 18 limbs of 29 bits (522 bits) in little-endian u32s, partially reduced
// (limbs below 2^29 + 2^6, value below 2^522); products fold 2^522 = 2. Canonical form is
// made only for output and comparison. Chosen over Montgomery by measurement, see ../NOTES.md.
import { CURVE_P521 } from "../ids";
import { wordsFromBE, wordsToBE } from "../words";
import {
  P521_B, P521_GX, P521_GY, P521_N, P521_N0INV, P521_NR2, P521_N_BITS, P521_N_WORDS,
  p521Add, p521Mul, p521Sqr, p521Sub,
} from "../gen/p521";

const FE: usize = 72;
const ZERO = memory.data(<i32>FE, 16);
const T = memory.data(<i32>FE, 16); // mulAdd's product, wiped after use
const M29: u32 = 0x1fffffff;
const M28: u32 = 0x0fffffff;

/** Carries limbs 0..16 into strict 29-bit limbs; limb 17 keeps the excess. */
@inline
function carry(a: usize): void {
  let c: u32 = 0;
  for (let k: usize = 0; k < 17; k++) {
    const v = load<u32>(a + (k << 2)) + c;
    store<u32>(a + (k << 2), v & M29);
    c = v >> 29;
  }
  store<u32>(a + 68, load<u32>(a + 68) + c);
}

/** Folds the bits at and above 2^521 into the bottom (2^521 = 1 mod p), then carries. */
@inline
function fold521(a: usize): void {
  const top = load<u32>(a + 68);
  store<u32>(a + 68, top & M28);
  store<u32>(a, load<u32>(a) + (top >> 28));
  carry(a);
}

/** a = a mod p in place, canonical (in [0, p)). Constant time. */
export function p521Canon(a: usize): void {
  carry(a);
  // Two folds bring the value to [0, 2^521 - 1] = [0, p]; the second absorbs a carry of the first.
  fold521(a);
  fold521(a);
  // Map p to 0: e = 1 exactly when a + 1 reaches 2^521, then a = (a + e) mod 2^521.
  let c: u32 = 1;
  for (let k: usize = 0; k < 17; k++) c = (load<u32>(a + (k << 2)) + c) >> 29;
  const e = (load<u32>(a + 68) + c) >> 28;
  store<u32>(a, load<u32>(a) + e);
  carry(a);
  store<u32>(a + 68, load<u32>(a + 68) & M28);
}

function sqrN(o: usize, a: usize, n: i32): void {
  p521Sqr(o, a);
  for (let i = 1; i < n; i++) p521Sqr(o, o);
}

const INV = memory.data(13 * <i32>FE, 16);
const X2 = INV, X3 = INV + FE, X4 = INV + 2 * FE, X7 = INV + 3 * FE, X8 = INV + 4 * FE, X16 = INV + 5 * FE;
const X32 = INV + 6 * FE, X64 = INV + 7 * FE, X128 = INV + 8 * FE, X256 = INV + 9 * FE, X512 = INV + 10 * FE;
const X519 = INV + 11 * FE, R = INV + 12 * FE;

/**
 * o = a^(p-2) = a^-1 (Fermat; 0 maps to 0). Fixed addition chain, constant time; x_k = a^(2^k - 1)
 * and p - 2 = 2^521 - 3 = [519 ones][0][1]. 527 S + 13 M.
 */
export function p521Inv(o: usize, a: usize): void {
  p521Sqr(X2, a); p521Mul(X2, X2, a);
  p521Sqr(X3, X2); p521Mul(X3, X3, a);
  sqrN(X4, X2, 2); p521Mul(X4, X4, X2);
  sqrN(X7, X4, 3); p521Mul(X7, X7, X3);
  sqrN(X8, X4, 4); p521Mul(X8, X8, X4);
  sqrN(X16, X8, 8); p521Mul(X16, X16, X8);
  sqrN(X32, X16, 16); p521Mul(X32, X32, X16);
  sqrN(X64, X32, 32); p521Mul(X64, X64, X32);
  sqrN(X128, X64, 64); p521Mul(X128, X128, X64);
  sqrN(X256, X128, 128); p521Mul(X256, X256, X128);
  sqrN(X512, X256, 256); p521Mul(X512, X512, X256);
  sqrN(X519, X512, 7); p521Mul(X519, X519, X7);
  sqrN(R, X519, 2); p521Mul(o, R, a);
  memory.fill(INV, 0, 13 * FE);
}

const WORDS = memory.data(18 * 4, 16); // 17 words of 32 bits (544 bits) and a zero word
const CANON = memory.data(<i32>FE, 16);

/** Unpacks the 17-word integer at WORDS into 29-bit limbs. */
function limbsFromWords(o: usize): void {
  for (let i: usize = 0; i < 18; i++) {
    const pos = i * 29;
    const w = WORDS + ((pos >> 5) << 2);
    const pair = <u64>load<u32>(w) | (<u64>load<u32>(w + 4) << 32);
    store<u32>(o + (i << 2), <u32>(pair >> (pos & 31)) & M29);
  }
}

/** Packs 29-bit limbs (canonical) into the 17-word integer at WORDS. */
function wordsFromLimbs(a: usize): void {
  let acc: u64 = 0;
  let bits: u32 = 0;
  let w: usize = 0;
  for (let i: usize = 0; i < 18; i++) {
    acc |= <u64>load<u32>(a + (i << 2)) << bits;
    bits += 29;
    while (bits >= 32) {
      store<u32>(WORDS + (w << 2), <u32>acc);
      w++;
      acc >>= 32;
      bits -= 32;
    }
  }
  store<u32>(WORDS + (w << 2), <u32>acc); // w == 16 here: 522 bits leave 10 in the last word
}

/** The curve as a type tag for the generic point code (never instantiated; methods never read `this`). */
@final @unmanaged
export class P521 {
  @inline get ID(): i32 { return CURVE_P521; }
  @inline get FE(): usize { return FE; }
  @inline get LEN(): i32 { return 66; }
  @inline get A_IS_ZERO(): bool { return false; }
  @inline get W(): i32 { return 6; }
  @inline get NBITS(): i32 { return P521_N_BITS; }
  @inline get NWORDS(): i32 { return P521_N_WORDS; }
  @inline get N(): usize { return P521_N; }
  @inline get N0INV(): u32 { return P521_N0INV; }
  @inline get NR2(): usize { return P521_NR2; }
  @inline get GX(): usize { return P521_GX; }
  @inline get GY(): usize { return P521_GY; }

  @inline mul(o: usize, a: usize, b: usize): void { p521Mul(o, a, b); }
  /** o = a b + e: a product and an addition here (no fused form for this field's multiplication). */
  mulAdd(o: usize, a: usize, b: usize, e: usize): void {
    p521Mul(T, a, b);
    p521Add(o, T, e);
    memory.fill(T, 0, FE);
  }
  /** o = a b - e, o = b a - e, o = e - b a: products and subtractions here (no fused forms). */
  mulSub(o: usize, a: usize, b: usize, e: usize): void {
    p521Mul(T, a, b);
    p521Sub(o, T, e);
    memory.fill(T, 0, FE);
  }
  mulBSub(o: usize, a: usize, e: usize): void {
    p521Mul(T, a, P521_B);
    p521Sub(o, T, e);
    memory.fill(T, 0, FE);
  }
  subMulB(o: usize, e: usize, a: usize): void {
    p521Mul(T, a, P521_B);
    p521Sub(o, e, T);
    memory.fill(T, 0, FE);
  }
  @inline sqr(o: usize, a: usize): void { p521Sqr(o, a); }
  @inline add(o: usize, a: usize, b: usize): void { p521Add(o, a, b); }
  @inline sub(o: usize, a: usize, b: usize): void { p521Sub(o, a, b); }
  @inline neg(o: usize, a: usize): void { p521Sub(o, ZERO, a); }
  @inline mulB(o: usize, a: usize): void { p521Mul(o, a, P521_B); }
  @inline inv(o: usize, a: usize): void { p521Inv(o, a); }
  /** False: no variable-time inversion for these 29-bit limbs (ecdsa.ts inverts with inv). */
  @inline get INV_VARTIME(): bool { return false; }
  @inline invVartime(o: usize, a: usize): bool { return false; }
  @inline fromBytesNonzeroMask(o: usize, src: usize): u32 { return 0; }
  @inline setOne(o: usize): void { memory.fill(o, 0, FE); store<u32>(o, 1); }
  @inline canon(a: usize): void { p521Canon(a); }
  /** Reads a 66-byte big-endian coordinate; false if it is not below p. Public data only. */
  fromBytes(o: usize, src: usize): bool {
    wordsFromBE(WORDS, 18, src, 66);
    // Below p = 2^521 - 1: nothing at or above bit 521, and not all of bits 0..520 set.
    if ((load<u32>(WORDS + 64) >> 9) != 0) return false;
    let all: u32 = load<u32>(WORDS + 64) ^ 0x1ff;
    for (let i: usize = 0; i < 16; i++) all |= ~load<u32>(WORDS + (i << 2));
    if (all == 0) return false;
    limbsFromWords(o);
    return true;
  }
  toBytes(dst: usize, a: usize): void {
    memory.copy(CANON, a, FE);
    p521Canon(CANON);
    wordsFromLimbs(CANON);
    wordsToBE(dst, 66, WORDS);
    memory.fill(CANON, 0, FE);
  }
  isZeroMask(a: usize): u32 {
    memory.copy(CANON, a, FE);
    p521Canon(CANON);
    let acc: u32 = 0;
    for (let i: usize = 0; i < 18; i++) acc |= load<u32>(CANON + (i << 2));
    memory.fill(CANON, 0, FE);
    return <u32>(<i32>(~acc & (acc - 1)) >> 31);
  }
}

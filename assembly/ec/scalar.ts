// Arithmetic modulo the group order n: generic Montgomery multiplication (CIOS) on L little-endian
// 32-bit words, where L = ceil(bits(n) / 32) <= 17. n has no special form on any of the curves,
// and signing needs only a handful of these operations, so plain loops suffice here, except for
// the product of the 8-word orders (P-256, secp256k1), which is unrolled (gen/scalar8.ts).
// Scalar buffers are SCALAR_BYTES long (18 words, zero above L) so that word L is always readable.
import { wordsAddMasked, wordsLtMask, wordsSubMasked, wordsZeroMask } from "./words";
import { modInvVartime } from "./modinv-vartime";
import { scMontMul8 } from "./gen/scalar8";

export const SCALAR_BYTES: usize = 19 * 4;
const MAX_L: i32 = 17;

const T = memory.data((MAX_L + 2) * 4, 16);
const M1 = memory.data(<i32>SCALAR_BYTES, 16);

/**
 * o = a b R^-1 mod n with R = 2^(32 L); a, b < n. Constant time (CIOS, final subtraction by mask).
 * o may alias a or b. The 8-word orders take the unrolled form of the same loop (gen/scalar8.ts).
 */
export function scMontMul(o: usize, a: usize, b: usize, n: usize, L: i32, n0inv: u32): void {
  if (L == 8) {
    scMontMul8(o, a, b, n, n0inv);
    return;
  }
  const t = T;
  memory.fill(t, 0, <usize>((L + 2) << 2));
  const Lb = <usize>L << 2;
  for (let i = 0; i < L; i++) {
    const ai = <u64>load<u32>(a + (<usize>i << 2));
    let c: u64 = 0;
    for (let j: usize = 0; j < Lb; j += 4) {
      const s = ai * <u64>load<u32>(b + j) + <u64>load<u32>(t + j) + c;
      store<u32>(t + j, <u32>s);
      c = s >> 32;
    }
    let s = <u64>load<u32>(t + Lb) + c;
    store<u32>(t + Lb, <u32>s);
    store<u32>(t + Lb + 4, <u32>(s >> 32));
    const m32: u32 = load<u32>(t) * n0inv; // mod 2^32: a cast around the product would widen it
    const m = <u64>m32;
    s = m * <u64>load<u32>(n) + <u64>load<u32>(t);
    c = s >> 32;
    for (let j: usize = 4; j < Lb; j += 4) {
      s = m * <u64>load<u32>(n + j) + <u64>load<u32>(t + j) + c;
      store<u32>(t + j - 4, <u32>s);
      c = s >> 32;
    }
    s = <u64>load<u32>(t + Lb) + c;
    store<u32>(t + Lb - 4, <u32>s);
    store<u32>(t + Lb, load<u32>(t + Lb + 4) + <u32>(s >> 32));
  }
  // t < 2n: subtract n unless that borrows (t[L] is the 2^(32L) bit).
  const borrow = wordsSubMasked(o, t, n, L, 0xffffffff);
  const keepT = 0 - (borrow & (load<u32>(t + Lb) ^ 1)); // borrowed and no top bit: t < n
  for (let j: usize = 0; j < Lb; j += 4) {
    const x = load<u32>(o + j);
    store<u32>(o + j, x ^ ((x ^ load<u32>(t + j)) & keepT));
  }
  memory.fill(t, 0, <usize>((L + 2) << 2));
}

/** o = a b mod n; a, b < n. Constant time. o may alias a or b. */
export function scMul(o: usize, a: usize, b: usize, n: usize, L: i32, n0inv: u32, r2: usize): void {
  scMontMul(M1, a, b, n, L, n0inv);
  scMontMul(o, M1, r2, n, L, n0inv); // (a b R^-1) R^2 R^-1
  memory.fill(M1, 0, SCALAR_BYTES);
}

/** o = a + b mod n; a, b < n. Constant time. */
export function scAdd(o: usize, a: usize, b: usize, n: usize, L: i32): void {
  const carry = wordsAddMasked(o, a, b, L, 0xffffffff);
  // a + b - n: keep a + b only if it was below n (no carry, and the subtraction borrows).
  memory.copy(M1, o, <usize>(L << 2));
  const borrow = wordsSubMasked(o, o, n, L, 0xffffffff);
  const keep = 0 - (borrow & (carry ^ 1));
  for (let j: usize = 0; j < (<usize>L << 2); j += 4) {
    const x = load<u32>(o + j);
    store<u32>(o + j, x ^ ((x ^ load<u32>(M1 + j)) & keep));
  }
  memory.fill(M1, 0, SCALAR_BYTES);
}

/** a = a mod n in place, for a < 2n. Constant time. */
export function scReduceOnce(a: usize, n: usize, L: i32): void {
  const geq = ~wordsLtMask(a, n, L);
  wordsSubMasked(a, a, n, L, geq);
}

/** All ones if 1 <= a < n, else 0. Constant time. */
export function scInRangeMask(a: usize, n: usize, L: i32): u32 {
  return wordsLtMask(a, n, L) & ~wordsZeroMask(a, L);
}

/**
 * bits2int (RFC 6979 §2.3.2, SEC 1 §4.1.3 step 5): the leftmost qbits bits of the blen-byte
 * string src as an integer, into o (L words, zero above). The result is below 2^qbits.
 */
export function bits2int(o: usize, L: i32, src: usize, blen: usize, qbits: i32): void {
  const qbytes = <usize>((qbits + 7) >> 3);
  const take = min(blen, qbytes);
  memory.fill(o, 0, SCALAR_BYTES);
  for (let i: usize = 0; i < take; i++) {
    const b = <u32>load<u8>(src + take - 1 - i);
    const w = o + ((i >> 2) << 2);
    store<u32>(w, load<u32>(w) | (b << (<u32>(i & 3) << 3)));
  }
  if (blen * 8 > <usize>qbits) {
    // Only the first qbytes bytes were read: drop their trailing 8 qbytes - qbits bits.
    const shift = <u32>(take * 8 - <usize>qbits);
    if (shift != 0) {
      for (let j = 0; j < L; j++) {
        const w = o + (<usize>j << 2);
        store<u32>(w, (load<u32>(w) >> shift) | (load<u32>(w + 4) << (32 - shift)));
      }
    }
  }
}

/**
 * o = a^-1 mod n, a in [1, n - 1] (false otherwise), by divsteps (modinv-vartime.ts).
 * VARIABLE TIME: only for public inputs, or inputs blinded by a fresh random factor.
 */
export function scInvVartime(o: usize, a: usize, n: usize, L: i32, n0inv: u32): bool {
  return modInvVartime(o, a, n, L, 32 * L, n0inv);
}

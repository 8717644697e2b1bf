// Fixed-size natural numbers on raw linear memory, as little-endian arrays of
// unsaturated limbs: each u32 limb holds W = 28 bits. Products of two limbs
// (< 2^56) can then be summed 255 at a time in a u64 before any carry has to
// be propagated ("lazy carries"), which is what makes the Montgomery
// multiplication in mont.ts fast on WebAssembly, whose widest multiply is
// 64 x 64 -> 64 bits.
//
// Every function here is constant-time in the VALUES of its operands (no
// branch, no memory index that depends on them) unless its name ends in
// Vartime. Sizes (limb counts, byte lengths) are public.

export const W: u32 = 28;
export const MASK: u32 = (1 << W) - 1;
export const MASK64: u64 = (<u64>1 << W) - 1;

/** Largest limb count any caller uses (a 4096-bit modulus needs 147; 2 x 74 for products of 2048-bit primes). */
export const MAX_LIMBS: i32 = 160;
export const MAX_LIMB_BYTES: usize = <usize>MAX_LIMBS << 2;

/**
 * Limbs for a modulus of `bits` bits: R = 2^(W*L) > 16 m, so that values kept
 * in [0, 2m) through a whole exponentiation never need a final subtraction
 * (see mont.ts), and a sum of two of them is still a valid input.
 */
export function limbsFor(bits: i32): i32 {
  return (bits + 4 + <i32>W - 1) / <i32>W;
}

@inline
export function limb(p: usize, i: i32): u32 {
  return load<u32>(p + (<usize>i << 2));
}

@inline
export function setLimb(p: usize, i: i32, v: u32): void {
  store<u32>(p + (<usize>i << 2), v);
}

export function zero(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>n << 2);
}

export function copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

/**
 * Reads `len` big-endian bytes at `src` into `n` limbs at `dst`. The value must
 * fit (len * 8 <= n * W, or the high bytes zero); extra limbs are zeroed.
 */
export function fromBytes(dst: usize, n: i32, src: usize, len: i32): void {
  zero(dst, n);
  let acc: u64 = 0;
  let accBits: u32 = 0;
  let li = 0;
  for (let i = len - 1; i >= 0; i--) {
    acc |= <u64>load<u8>(src + <usize>i) << accBits;
    accBits += 8;
    if (accBits >= W) {
      if (li < n) setLimb(dst, li, <u32>(acc & MASK64));
      li++;
      acc >>= W;
      accBits -= W;
    }
  }
  if (accBits > 0 && li < n) setLimb(dst, li, <u32>acc);
}

/** Writes the low len*8 bits of the n-limb value at src as `len` big-endian bytes. */
export function toBytes(dst: usize, len: i32, src: usize, n: i32): void {
  let acc: u64 = 0;
  let accBits: u32 = 0;
  let li = 0;
  for (let i = len - 1; i >= 0; i--) {
    if (accBits < 8) {
      const v: u64 = li < n ? <u64>limb(src, li) : 0;
      li++;
      acc |= v << accBits;
      accBits += W;
    }
    store<u8>(dst + <usize>i, <u8>acc);
    acc >>= 8;
    accBits -= 8;
  }
}

/** dst = a + b over n limbs; returns the carry out of the top limb (0 or 1). dst may alias a or b. */
export function add(dst: usize, a: usize, b: usize, n: i32): u32 {
  let c: u32 = 0;
  for (let i = 0; i < n; i++) {
    const s = limb(a, i) + limb(b, i) + c;
    setLimb(dst, i, s & MASK);
    c = s >>> W;
  }
  return c;
}

/** dst = a - b over n limbs; returns the borrow (1 if a < b, the result then wraps mod 2^(W n)). */
export function sub(dst: usize, a: usize, b: usize, n: i32): u32 {
  let br: u32 = 0;
  for (let i = 0; i < n; i++) {
    const d = limb(a, i) - limb(b, i) - br;
    setLimb(dst, i, d & MASK);
    br = d >>> 31;
  }
  return br;
}

/** If mask is all ones, dst = src; if zero, dst is unchanged. */
export function condCopy(dst: usize, src: usize, n: i32, mask: u32): void {
  for (let i = 0; i < n; i++) {
    const d = limb(dst, i);
    setLimb(dst, i, d ^ ((d ^ limb(src, i)) & mask));
  }
}

/** Swaps a and b when mask is all ones. */
export function condSwap(a: usize, b: usize, n: i32, mask: u32): void {
  for (let i = 0; i < n; i++) {
    const x = limb(a, i);
    const y = limb(b, i);
    const t = (x ^ y) & mask;
    setLimb(a, i, x ^ t);
    setLimb(b, i, y ^ t);
  }
}

/**
 * a = a - m if a >= m, in constant time; tmp is n limbs of scratch.
 * Brings a value in [0, 2m) into [0, m).
 */
export function reduceOnce(a: usize, m: usize, tmp: usize, n: i32): void {
  const br = sub(tmp, a, m, n);
  condCopy(a, tmp, n, br - 1); // borrow 0 -> mask all ones -> take a - m
}

/** All ones if a < b, else 0 (constant time). */
export function ltMask(a: usize, b: usize, n: i32): u32 {
  let br: u32 = 0;
  for (let i = 0; i < n; i++) {
    br = (limb(a, i) - limb(b, i) - br) >>> 31;
  }
  return 0 - br;
}

/** All ones if a == b, else 0 (constant time). */
export function eqMask(a: usize, b: usize, n: i32): u32 {
  let d: u32 = 0;
  for (let i = 0; i < n; i++) d |= limb(a, i) ^ limb(b, i);
  return <u32>(<i32>(~d & (d - 1)) >> 31);
}

/** All ones if a == 0, else 0 (constant time). */
export function isZeroMask(a: usize, n: i32): u32 {
  let d: u32 = 0;
  for (let i = 0; i < n; i++) d |= limb(a, i);
  return <u32>(<i32>(~d & (d - 1)) >> 31);
}

/** Compares public values: -1, 0 or 1. */
export function cmpVartime(a: usize, b: usize, n: i32): i32 {
  for (let i = n - 1; i >= 0; i--) {
    const x = limb(a, i);
    const y = limb(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Bit length of a public value. */
export function bitLengthVartime(a: usize, n: i32): i32 {
  for (let i = n - 1; i >= 0; i--) {
    const x = limb(a, i);
    if (x != 0) return i * <i32>W + (32 - <i32>clz<u32>(x));
  }
  return 0;
}

/** Bit i of a (i public). */
export function bit(a: usize, i: i32): u32 {
  return (limb(a, i / <i32>W) >>> <u32>(i % <i32>W)) & 1;
}

/** dst = a + small (small < 2^W), returns carry. */
export function addSmall(dst: usize, a: usize, n: i32, small: u32): u32 {
  let c = small;
  for (let i = 0; i < n; i++) {
    const s = limb(a, i) + c;
    setLimb(dst, i, s & MASK);
    c = s >>> W;
  }
  return c;
}

/** dst = a - small (small < 2^W), returns borrow. */
export function subSmall(dst: usize, a: usize, n: i32, small: u32): u32 {
  let br = small;
  for (let i = 0; i < n; i++) {
    const d = limb(a, i) - br;
    setLimb(dst, i, d & MASK);
    br = d >>> 31;
  }
  return br;
}

/**
 * dst (na + nb limbs) = a (na limbs) * b (nb limbs), product scanning with a
 * lazy carry. dst must not alias a or b. na, nb <= 255.
 */
export function mul(dst: usize, a: usize, na: i32, b: usize, nb: i32): void {
  let carry: u64 = 0;
  const top = na + nb - 1;
  for (let k = 0; k < top; k++) {
    const lo = max(0, k - nb + 1);
    const hi = min(k, na - 1);
    let s: u64 = 0;
    for (let i = lo; i <= hi; i++) {
      s += <u64>limb(a, i) * <u64>limb(b, k - i);
    }
    // s + carry may exceed 2^64 only in theory; split it to be safe.
    const low = (s & MASK64) + (carry & MASK64);
    carry = (s >> W) + (carry >> W) + (low >> W);
    setLimb(dst, k, <u32>(low & MASK64));
  }
  setLimb(dst, top, <u32>(carry & MASK64));
}

/** dst (n limbs) = a (n limbs) * small (small < 2^32); returns the part above n limbs (< 2^32). */
export function mulSmall(dst: usize, a: usize, n: i32, small: u32): u64 {
  let c: u64 = 0;
  for (let i = 0; i < n; i++) {
    const t = <u64>limb(a, i) * <u64>small + c;
    setLimb(dst, i, <u32>(t & MASK64));
    c = t >> W;
  }
  return c;
}

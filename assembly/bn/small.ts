// Arithmetic of big numbers against a small (< 2^32) PUBLIC odd modulus e, in
// constant time in the big number: used by key generation for gcd(e, p - 1)
// and for d_p = e^-1 mod (p - 1), where p is secret. No division instruction
// touches secret data (x86 DIV's latency depends on its operands): remainders
// use Barrett's method with a precomputed reciprocal.
import { MASK, MASK64, W, limb, setLimb } from "./limbs";

/** floor(2^64 / e) for a public e >= 3 (not a power of two). */
export function reciprocal64(e: u32): u64 {
  // (2^64 - 1) / e equals floor(2^64 / e) unless e divides 2^64, impossible for odd e > 1.
  return <u64>-1 / <u64>e;
}

/** High 64 bits of the 128-bit product x * y. */
function mulHi64(x: u64, y: u64): u64 {
  const x0 = x & 0xffffffff, x1 = x >> 32;
  const y0 = y & 0xffffffff, y1 = y >> 32;
  const p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** x mod e for any x < 2^64, constant time in x (Barrett, HAC 14.42, with one masked correction). */
export function mod64(x: u64, e: u32, mu: u64): u32 {
  // q = floor(x mu / 2^64) is floor(x / e) or one less, so r is in [0, 2e).
  let r = x - mulHi64(x, mu) * <u64>e;
  const lt = (r - <u64>e) >> 63; // 1 if r < e
  r -= <u64>e & (lt - 1);
  return <u32>r;
}

/** The n-limb number at x, mod e. Constant time in x. */
export function modSmall(x: usize, n: i32, e: u32, mu: u64): u32 {
  let r: u32 = 0;
  for (let i = n - 1; i >= 0; i--) {
    r = mod64((<u64>r << W) | <u64>limb(x, i), e, mu);
  }
  return r;
}

/**
 * Inverse of r modulo the odd e by a binary extended Euclid with a fixed number
 * of iterations and masks instead of branches (constant time in r). Returns
 * the inverse in [0, e), or 0xFFFFFFFF if gcd(r, e) != 1 (the caller then
 * discards the candidate that r came from).
 */
export function invSmall(r: u32, e: u32): u32 {
  // Invariants: a = u r, b = v r (mod e); b odd. Each round removes at least one
  // bit from len(a) + len(b) <= 64, so 64 rounds leave a = 0 and b = gcd(r, e).
  let a: i64 = <i64>r, b: i64 = <i64>e;
  let u: i64 = 1, v: i64 = 0;
  const E = <i64>e;
  for (let i = 0; i < 66; i++) {
    const oddA = 0 - (a & 1);
    const swap = oddA & ((a - b) >> 63); // a odd and a < b
    let t = (a ^ b) & swap;
    a ^= t;
    b ^= t;
    t = (u ^ v) & swap;
    u ^= t;
    v ^= t;
    a -= b & oddA;
    u -= v & oddA;
    u += E & (u >> 63); // back into [0, e)
    a >>= 1;
    u = (u + (E & (0 - (u & 1)))) >> 1; // u / 2 mod e
  }
  const d = <u64>(b ^ 1);
  const bad = <u32>((d | (0 - d)) >> 63); // 1 iff gcd = b != 1
  return <u32>v | (0 - bad);
}

/** e^-1 mod 2^W for odd e, by Newton's iteration. */
export function invPow2(e: u32): u32 {
  let x = e;
  for (let i = 0; i < 5; i++) x = x * (2 - e * x);
  return x & MASK;
}

/**
 * dst (n limbs) = x / e for an x (n limbs) that e divides exactly (Jebelean's
 * exact division: each quotient limb is the low limb times e^-1 mod 2^W).
 * Constant time in x.
 */
export function divExactSmall(dst: usize, x: usize, n: i32, e: u32): void {
  const einv = <u64>invPow2(e);
  let acc: u64 = 0; // the part of (quotient so far) * e that lies at or above limb i
  for (let i = 0; i < n; i++) {
    const t = (<u64>limb(x, i) - acc) & MASK64;
    const q = (t * einv) & MASK64;
    setLimb(dst, i, <u32>q);
    acc = (acc + q * <u64>e) >> W;
  }
}

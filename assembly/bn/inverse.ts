// Modular inverse by the binary extended Euclidean algorithm, VARIABLE TIME: its running time
// depends on the value and the modulus. Only for a value that is public or blinded, as in
// rsa/private.ts, which inverts r s for a secret random s and multiplies the inverse by s
// (BoringSSL's BN_mod_inverse_blinded does the same for the same reason).
//
// The algorithm (Menezes, van Oorschot, Vanstone, Handbook of Applied Cryptography, 14.61, for
// an odd modulus m): u = a, v = m, x1 = 1, x2 = 0, with x1 a = u and x2 a = v (mod m) throughout;
// halve u and v while even (x1, x2 halved mod m alongside), subtract the smaller from the larger
// (and x2 from x1 or x1 from x2, mod m), until u = 0. Then v = gcd(a, m), and x2 = a^-1 if it is 1.
//
// It runs on 64-bit words (wasm has a native 64-bit add and shift; the 28-bit limbs of the rest of
// bn/ would need more than twice as many passes).
import { MAX_LIMBS, W, limb, setLimb } from "./limbs";

const MAX_WORDS: i32 = (MAX_LIMBS * W + 63) / 64;
const U = memory.data(MAX_WORDS * 8, 16);
const V = memory.data(MAX_WORDS * 8, 16);
const X1 = memory.data(MAX_WORDS * 8, 16);
const X2 = memory.data(MAX_WORDS * 8, 16);
const MW = memory.data(MAX_WORDS * 8, 16);

@inline
function word(p: usize, i: i32): u64 {
  return load<u64>(p + (<usize>i << 3));
}

@inline
function setWord(p: usize, i: i32, v: u64): void {
  store<u64>(p + (<usize>i << 3), v);
}

/** dst (n words) = the L 28-bit limbs at src. */
function toWords(dst: usize, n: i32, src: usize, L: i32): void {
  memory.fill(dst, 0, <usize>n << 3);
  for (let i = 0; i < L; i++) {
    const bit = i * <i32>W;
    const v = <u64>limb(src, i);
    const w = bit >> 6, s = <u64>(bit & 63);
    setWord(dst, w, word(dst, w) | (v << s));
    if (s > 64 - <u64>W && w + 1 < n) setWord(dst, w + 1, word(dst, w + 1) | (v >> (64 - s)));
  }
}

/** The L 28-bit limbs at dst = the n words at src (which fit in L limbs). */
function fromWords(dst: usize, L: i32, src: usize, n: i32): void {
  for (let i = 0; i < L; i++) {
    const bit = i * <i32>W;
    const w = bit >> 6, s = <u64>(bit & 63);
    let v = word(src, w) >> s;
    if (s > 64 - <u64>W && w + 1 < n) v |= word(src, w + 1) << (64 - s);
    setLimb(dst, i, <u32>(v & 0x0fffffff));
  }
}

function isZeroVartime(a: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if (word(a, i) != 0) return false;
  return true;
}

function isOneVartime(a: usize, n: i32): bool {
  if (word(a, 0) != 1) return false;
  for (let i = 1; i < n; i++) if (word(a, i) != 0) return false;
  return true;
}

/** a >= b (n words). */
function geVartime(a: usize, b: usize, n: i32): bool {
  for (let i = n - 1; i >= 0; i--) {
    const x = word(a, i), y = word(b, i);
    if (x != y) return x > y;
  }
  return true;
}

/** a -= b (n words); returns the borrow. */
function subWords(a: usize, b: usize, n: i32): u64 {
  let borrow: u64 = 0;
  for (let i = 0; i < n; i++) {
    const x = word(a, i), y = word(b, i);
    const d = x - y - borrow;
    borrow = x < y || (x == y && borrow != 0) ? 1 : 0;
    setWord(a, i, d);
  }
  return borrow;
}

/** a += b (n words); returns the carry. */
function addWords(a: usize, b: usize, n: i32): u64 {
  let carry: u64 = 0;
  for (let i = 0; i < n; i++) {
    const x = word(a, i);
    const s = x + word(b, i) + carry;
    carry = s < x || (carry != 0 && s == x) ? 1 : 0;
    setWord(a, i, s);
  }
  return carry;
}

/** a >>= k (n words, 0 < k < 64), top bit(s) from `top`. */
function shiftRight(a: usize, n: i32, k: u64, top: u64): void {
  for (let i = 0; i < n - 1; i++) setWord(a, i, (word(a, i) >> k) | (word(a, i + 1) << (64 - k)));
  setWord(a, n - 1, (word(a, n - 1) >> k) | (top << (64 - k)));
}

/** x = x / 2 mod m, for x < m (m odd, n words): (x + m) / 2 when x is odd, added and shifted in one pass. */
function halveMod(x: usize, m: usize, n: i32): void {
  if ((word(x, 0) & 1) == 0) {
    shiftRight(x, n, 1, 0);
    return;
  }
  let a = word(x, 0);
  let prev = a + word(m, 0);
  let c: u64 = prev < a ? 1 : 0;
  for (let i = 1; i < n; i++) {
    a = word(x, i);
    const s = a + word(m, i) + c;
    c = s < a || (c != 0 && s == a) ? 1 : 0;
    setWord(x, i - 1, (prev >> 1) | (s << 63));
    prev = s;
  }
  setWord(x, n - 1, (prev >> 1) | (c << 63));
}

/** The length of a in words (n at most), its top word nonzero unless a is 0 (then 1). */
function wordLength(a: usize, n: i32): i32 {
  while (n > 1 && word(a, n - 1) == 0) n--;
  return n;
}

/** a >= b for a of na words and b of nb words, each of its length (wordLength). */
function geLenVartime(a: usize, na: i32, b: usize, nb: i32): bool {
  if (na != nb) return na > nb;
  return geVartime(a, b, na);
}

/** x = x - y mod m, for x, y < m. */
function subMod(x: usize, y: usize, m: usize, n: i32): void {
  if (subWords(x, y, n) != 0) addWords(x, m, n);
}

/**
 * out = a^-1 mod m (L limbs) for an odd m > 1 and 0 < a < m, both L 28-bit limbs; false (out
 * untouched) when gcd(a, m) != 1. Variable time in a and m. The scratch is wiped.
 */
export function modInvVartime(out: usize, a: usize, m: usize, L: i32): bool {
  const n = (L * <i32>W + 63) >> 6;
  toWords(U, n, a, L);
  toWords(MW, n, m, L);
  memory.copy(V, MW, <usize>n << 3);
  memory.fill(X1, 0, <usize>n << 3);
  memory.fill(X2, 0, <usize>n << 3);
  setWord(X1, 0, 1);
  // u and v only shrink: their passes run over their current lengths (the words above are zero).
  let nu = wordLength(U, n), nv = n;
  let ok = false;
  if (!isZeroVartime(U, nu)) {
    while (!isZeroVartime(U, nu)) {
      while ((word(U, 0) & 1) == 0) {
        shiftRight(U, nu, 1, 0);
        nu = wordLength(U, nu);
        halveMod(X1, MW, n);
      }
      while ((word(V, 0) & 1) == 0) {
        shiftRight(V, nv, 1, 0);
        nv = wordLength(V, nv);
        halveMod(X2, MW, n);
      }
      if (geLenVartime(U, nu, V, nv)) {
        subWords(U, V, nu);
        nu = wordLength(U, nu);
        subMod(X1, X2, MW, n);
      } else {
        subWords(V, U, nv);
        nv = wordLength(V, nv);
        subMod(X2, X1, MW, n);
      }
    }
    ok = isOneVartime(V, nv);
    if (ok) fromWords(out, L, X2, n);
  }
  const bytes = <usize>n << 3;
  memory.fill(U, 0, bytes);
  memory.fill(V, 0, bytes);
  memory.fill(X1, 0, bytes);
  memory.fill(X2, 0, bytes);
  memory.fill(MW, 0, bytes);
  return ok;
}

// Modular inversion by divsteps, after Bernstein and Yang, "Fast constant-time gcd computation
// and modular inversion" (TCHES 2019), §3 (divstep) and §12 (batches of steps on the low bits).
// This is the VARIABLE-TIME form: it stops when g reaches 0, and branches on the low bits of
// f and g. Use it only on public values or on values blinded by a fresh random factor.
//
// Numbers are held in N signed limbs of 30 bits (i32; limbs 0..N-2 in [0, 2^30), the top one
// carries the sign). Each batch runs 30 divsteps on the low 32 bits of f and g, giving a matrix
// T with entries of at most 2^30 in size such that 2^30 (f', g') = T (f, g); T is then applied to
// the full f, g (exactly) and to d, e (mod the modulus M), which keep f = d x and g = e x mod M.
import { M30, limb, matrixDE, matrixFG, setLimb, setMatrix } from "./divsteps-matrix";

const MAXN: i32 = 19;
const F = memory.data(MAXN * 4, 16);
const G = memory.data(MAXN * 4, 16);
const D = memory.data(MAXN * 4, 16);
const E = memory.data(MAXN * 4, 16);
const MOD = memory.data(MAXN * 4, 16);
const WORDS = memory.data(20 * 4, 16);

/** o = the L-word little-endian integer w as N limbs of 30 bits. */
function toLimbs(o: usize, w: usize, L: i32, N: i32): void {
  memory.fill(WORDS, 0, 20 * 4);
  memory.copy(WORDS, w, <usize>(L << 2));
  for (let i = 0; i < N; i++) {
    const pos = i * 30;
    const at = WORDS + (<usize>(pos >> 5) << 2);
    const pair = <u64>load<u32>(at) | (<u64>load<u32>(at + 4) << 32);
    setLimb(o, i, <i64>((pair >> <u64>(pos & 31)) & <u64>M30));
  }
}

/** w = the non-negative N-limb a as L little-endian words. */
function fromLimbs(w: usize, a: usize, L: i32, N: i32): void {
  memory.fill(WORDS, 0, 20 * 4);
  let acc: u64 = 0;
  let bits: u32 = 0;
  let k: usize = 0;
  for (let i = 0; i < N; i++) {
    acc |= <u64>limb(a, i) << bits;
    bits += 30;
    while (bits >= 32 && k < 20) {
      store<u32>(WORDS + (k << 2), <u32>acc);
      k++;
      acc >>= 32;
      bits -= 32;
    }
  }
  if (k < 20) store<u32>(WORDS + (k << 2), <u32>acc);
  memory.copy(w, WORDS, <usize>(L << 2));
}

/**
 * 30 divsteps on the low 32 bits of f and g (f odd); sets the transition matrix, returns the new
 * delta. The steps are taken several at a time, with the same result as one by one:
 * - a run of zero low bits of g is z steps (1 + delta, f, g / 2) at once (count trailing zeros);
 * - a step with delta > 0 and g odd, (1 - delta, g, (g - f) / 2), is (f, g) <- (g, -f),
 *   delta <- -delta followed by the step below;
 * - while delta <= 0, the next j = min(1 - delta, steps left, 10) steps only add f to g when g is
 *   odd and halve: together (g + w f) / 2^j, where w < 2^j is the one value that makes g + w f a
 *   multiple of 2^j, w = -g f^-1 mod 2^j. The halvings are then the zeros of the next run.
 * The matrix entries are those of the single steps (at most 2^30 in size at the end, Bernstein-Yang
 * §8); i32 arithmetic wraps in between, which is harmless modulo 2^32. Fewer iterations than steps,
 * and fewer unpredictable branches, on the random inputs of blinded inversions.
 */
function divsteps30Vartime(delta: i32, f0: i32, g0: i32): i32 {
  let u: i32 = 1, v: i32 = 0, q: i32 = 0, r: i32 = 1;
  let f = f0, g = g0;
  let left: i32 = 30;
  for (;;) {
    const z = ctz<i32>(g | (1 << left)); // the sentinel bit stops the run at the steps left
    g >>= z;
    u <<= z;
    v <<= z;
    delta += z;
    left -= z;
    if (left == 0) break;
    if (delta > 0) {
      delta = -delta;
      const tf = f;
      f = g;
      g = -tf;
      const tu = u;
      u = q;
      q = -tu;
      const tv = v;
      v = r;
      r = -tv;
    }
    // f^-1 mod 2^10: (3 f) ^ 2 is right mod 2^5 for odd f, one Newton step doubles that.
    let inv = (3 * f) ^ 2;
    inv *= 2 - f * inv;
    const j = min(min(1 - delta, left), 10);
    const w = (-(g * inv)) & ((1 << j) - 1);
    g += w * f;
    q += w * u;
    r += w * v;
  }
  setMatrix(u, v, q, r);
  return delta;
}

/** Sign of the N-limb value (its top limb carries it): -1, 0 or 1. */
function signVartime(a: usize, N: i32): i32 {
  const top = limb(a, N - 1);
  if (top < 0) return -1;
  for (let i = N - 1; i >= 0; i--) if (limb(a, i) != 0) return 1;
  return 0;
}

/** a += s M for s = +1 or -1, carrying the limbs. */
function addModulus(a: usize, s: i64, N: i32): void {
  let c: i64 = 0;
  for (let i = 0; i < N - 1; i++) {
    c += limb(a, i) + s * limb(MOD, i);
    setLimb(a, i, c & M30);
    c >>= 30;
  }
  setLimb(a, N - 1, c + limb(a, N - 1) + s * limb(MOD, N - 1));
}

/** a - M compared with 0, for a >= 0: true when a >= M. */
function atLeastModulusVartime(a: usize, N: i32): bool {
  for (let i = N - 1; i >= 0; i--) {
    const x = limb(a, i), m = limb(MOD, i);
    if (x != m) return x > m;
  }
  return true;
}

/** (d, e) = T (d, e) / 2^30 mod M, keeping both in [0, M). minv = M^-1 mod 2^30. */
function updateDEVartime(N: i32, minv: u32): void {
  matrixDE(D, E, MOD, N, minv);
  // From [0, M) the update lands in (-M, 2M): one correction brings it back.
  if (signVartime(D, N) < 0) addModulus(D, 1, N);
  else if (atLeastModulusVartime(D, N)) addModulus(D, -1, N);
  if (signVartime(E, N) < 0) addModulus(E, 1, N);
  else if (atLeastModulusVartime(E, N)) addModulus(E, -1, N);
}

/**
 * o = x^-1 mod m for the L-word odd modulus m of `bits` bits and 0 < x < m, both little-endian
 * words; n0inv = -m^-1 mod 2^32. Returns false if x has no inverse (x = 0, or gcd > 1).
 * VARIABLE TIME.
 */
export function modInvVartime(o: usize, x: usize, m: usize, L: i32, bits: i32, n0inv: u32): bool {
  const N = (bits + 2 + 29) / 30; // room for the sign and for (-M, 2M)
  const minv = (<u32>0 - n0inv) & <u32>M30; // m^-1 mod 2^30
  toLimbs(MOD, m, L, N);
  toLimbs(F, m, L, N);
  toLimbs(G, x, L, N);
  memory.fill(D, 0, MAXN * 4);
  memory.fill(E, 0, MAXN * 4);
  setLimb(E, 0, 1);
  let delta: i32 = 1;
  // Bernstein-Yang Theorem 11.2: (49 bits + 57) / 17 divsteps always reach g = 0.
  const maxBatches = (49 * bits + 57) / (17 * 30) + 2;
  let done = false;
  for (let batch = 0; batch < maxBatches; batch++) {
    if (signVartime(G, N) == 0) {
      done = true;
      break;
    }
    const f0 = <i32>(limb(F, 0) | (limb(F, 1) << 30));
    const g0 = <i32>(limb(G, 0) | (limb(G, 1) << 30));
    delta = divsteps30Vartime(delta, f0, g0);
    updateDEVartime(N, minv);
    matrixFG(F, G, N);
  }
  // Now f = +-gcd(m, x), which must be 1: then x^-1 = +-d.
  const fs = signVartime(F, N);
  let one = done && fs != 0;
  if (one) {
    if (fs < 0) {
      // f = -1: negate f to check it, and x^-1 = -d = M - d (or 0 if d = 0, impossible here).
      let c: i64 = 0;
      for (let i = 0; i < N; i++) {
        c -= limb(F, i);
        setLimb(F, i, i < N - 1 ? c & M30 : c);
        c >>= 30;
      }
      if (signVartime(D, N) != 0) {
        for (let i = 0; i < N; i++) setLimb(D, i, -limb(D, i));
        // -d with d in (0, M): normalise the limbs, then add M.
        let c2: i64 = 0;
        for (let i = 0; i < N - 1; i++) {
          c2 += limb(D, i);
          setLimb(D, i, c2 & M30);
          c2 >>= 30;
        }
        setLimb(D, N - 1, c2 + limb(D, N - 1));
        addModulus(D, 1, N);
      }
    }
    one = limb(F, 0) == 1;
    for (let i = 1; i < N; i++) if (limb(F, i) != 0) one = false;
  }
  fromLimbs(o, D, L, N);
  memory.fill(F, 0, MAXN * 4);
  memory.fill(G, 0, MAXN * 4);
  memory.fill(D, 0, MAXN * 4);
  memory.fill(E, 0, MAXN * 4);
  return one;
}

// Constant-time modular inversion by divsteps, after Bernstein and Yang, "Fast constant-time gcd
// computation and modular inversion" (TCHES 2019): §3 (divstep), §11 (Theorem 11.2: a fixed
// number of divsteps always reaches g = 0) and §12 (batches of steps on the low bits).
// Same representation as modinv-vartime.ts (signed 30-bit limbs, divsteps-matrix.ts), but every step runs the same
// instructions whatever the input: the count of steps is fixed by the size of the modulus, the
// divstep's cases are masked selects, and the reductions of d, e are masked corrections.
// The modulus and its size are public; the input x may be secret.
import { M30, limb, matrixDE, matrixFG, setLimb, setMatrix } from "./divsteps-matrix";

const MAXN: i32 = 14; // up to 2 + 384 bits
const F = memory.data(MAXN * 4, 16);
const G = memory.data(MAXN * 4, 16);
const D = memory.data(MAXN * 4, 16);
const E = memory.data(MAXN * 4, 16);
const T = memory.data(MAXN * 4, 16);
const MOD = memory.data(MAXN * 4, 16);

/** o = the L-word little-endian integer w as N limbs of 30 bits (N * 30 >= 32 * L). */
function toLimbs(o: usize, w: usize, L: i32, N: i32): void {
  for (let i = 0; i < N; i++) {
    const pos = i * 30;
    const k = pos >> 5;
    const lo = k < L ? <u64>load<u32>(w + (<usize>k << 2)) : 0;
    const hi = k + 1 < L ? <u64>load<u32>(w + (<usize>(k + 1) << 2)) : 0;
    setLimb(o, i, <i64>(((lo | (hi << 32)) >> <u64>(pos & 31)) & <u64>M30));
  }
}

/** w = the N-limb a, which is in [0, 2^(32 L)), as L little-endian words. */
function fromLimbs(w: usize, a: usize, L: i32, N: i32): void {
  let acc: u64 = 0;
  let bits: u32 = 0;
  let k = 0;
  for (let i = 0; i < N && k < L; i++) {
    acc |= <u64>(limb(a, i) & M30) << bits;
    bits += 30;
    if (bits >= 32) {
      store<u32>(w + (<usize>k << 2), <u32>acc);
      k++;
      acc >>= 32;
      bits -= 32;
    }
  }
  if (k < L) store<u32>(w + (<usize>k << 2), <u32>acc);
}

/**
 * 30 divsteps on the low 32 bits of f (odd) and g, without a branch; sets the matrix T such that
 * 2^30 (f', g') = T (f, g). One divstep (§3): if delta > 0 and g is odd, (delta, f, g) becomes
 * (-delta, g, -f); then, if g is odd, g += f; finally (delta + 1, f, g / 2).
 */
function divsteps30Masked(delta: i32, f: i32, g: i32): i32 {
  let u: i32 = 1, v: i32 = 0, q: i32 = 0, r: i32 = 1;
  for (let k = 0; k < 30; k++) {
    const odd = -(g & 1); // all ones if g is odd
    const swap = odd & ((-delta) >> 31); // and delta > 0 (|delta| stays far below 2^31)
    // Conditional swap with negation: (f, g) = (g, -f), (u, v, q, r) = (q, r, -u, -v).
    const nf = f ^ ((f ^ g) & swap);
    const ng = g ^ ((g ^ -f) & swap);
    const nu = u ^ ((u ^ q) & swap);
    const nv = v ^ ((v ^ r) & swap);
    const nq = q ^ ((q ^ -u) & swap);
    const nr = r ^ ((r ^ -v) & swap);
    delta = (delta ^ swap) - swap;
    f = nf;
    u = nu;
    v = nv;
    g = (ng + (f & odd)) >> 1;
    q = nq + (u & odd);
    r = nr + (v & odd);
    u <<= 1;
    v <<= 1;
    delta++;
  }
  setMatrix(u, v, q, r);
  return delta;
}

/** a += M if mask (all ones or zero), carrying the limbs. */
function addModulusMasked(a: usize, mask: i64, N: i32): void {
  let c: i64 = 0;
  for (let i = 0; i < N - 1; i++) {
    c += limb(a, i) + (limb(MOD, i) & mask);
    setLimb(a, i, c & M30);
    c >>= 30;
  }
  setLimb(a, N - 1, c + limb(a, N - 1) + (limb(MOD, N - 1) & mask));
}

/** a = a - M if a >= M, for a in [0, 2M): a trial subtraction kept by mask. */
function reduceOnce(a: usize, N: i32): void {
  let c: i64 = 0;
  for (let i = 0; i < N - 1; i++) {
    c += limb(a, i) - limb(MOD, i);
    setLimb(T, i, c & M30);
    c >>= 30;
  }
  const top = c + limb(a, N - 1) - limb(MOD, N - 1);
  setLimb(T, N - 1, top);
  const keep = ~(top >> 63); // all ones if a - M >= 0
  for (let i = 0; i < N; i++) setLimb(a, i, limb(a, i) ^ ((limb(a, i) ^ limb(T, i)) & keep));
}

/** Brings a from (-M, 2M) back to [0, M) without a branch. */
@inline
function normalise(a: usize, N: i32): void {
  addModulusMasked(a, limb(a, N - 1) >> 63, N);
  reduceOnce(a, N);
}

/** (d, e) = T (d, e) / 2^30 mod M, keeping both in [0, M). minv = M^-1 mod 2^30. */
function updateDE(N: i32, minv: u32): void {
  matrixDE(D, E, MOD, N, minv);
  // |T entries| <= 2^30 and d, e in [0, M): the update lands in (-M, 2M).
  normalise(D, N);
  normalise(E, N);
}

/**
 * o = x^-1 mod m for the L-word odd prime m of `bits` bits and 0 <= x < m, both little-endian
 * words (0 maps to 0, as with Fermat). CONSTANT TIME in x: a fixed number of batches, each the
 * same instructions whatever the values.
 */
export function modInvCt(o: usize, x: usize, m: usize, L: i32, bits: i32): void {
  const N = (bits + 2 + 29) / 30; // room for the sign and for (-M, 2M)
  // m^-1 mod 2^30 by Newton's iteration (m public): m m = 1 mod 8, and each step doubles the bits.
  const m0 = load<u32>(m);
  let minv = m0;
  for (let i = 0; i < 4; i++) minv *= 2 - m0 * minv;
  minv &= <u32>M30;
  toLimbs(MOD, m, L, N);
  toLimbs(F, m, L, N);
  toLimbs(G, x, L, N);
  memory.fill(D, 0, MAXN * 4);
  memory.fill(E, 0, MAXN * 4);
  setLimb(E, 0, 1);
  let delta: i32 = 1;
  // Bernstein-Yang Theorem 11.2: floor((49 bits + 57) / 17) divsteps reach g = 0 (for bits >= 46);
  // further divsteps keep f and d. One extra batch of margin.
  const steps = (49 * bits + 57) / 17;
  const batches = (steps + 29) / 30 + 1;
  for (let batch = 0; batch < batches; batch++) {
    const f0 = <i32>(limb(F, 0) | (limb(F, 1) << 30));
    const g0 = <i32>(limb(G, 0) | (limb(G, 1) << 30));
    delta = divsteps30Masked(delta, f0, g0);
    updateDE(N, minv);
    matrixFG(F, G, N);
  }
  // f = +-gcd(m, x) = +-1 for x != 0 (m prime), and x^-1 = +-d; for x = 0, f = m and d = 0.
  // d = M - d when f < 0, with d in (0, M) then.
  const neg = limb(F, N - 1) >> 63;
  let c: i64 = 0;
  for (let i = 0; i < N - 1; i++) {
    c += limb(MOD, i) - limb(D, i);
    setLimb(T, i, c & M30);
    c >>= 30;
  }
  setLimb(T, N - 1, c + limb(MOD, N - 1) - limb(D, N - 1));
  for (let i = 0; i < N; i++) setLimb(D, i, limb(D, i) ^ ((limb(D, i) ^ limb(T, i)) & neg));
  fromLimbs(o, D, L, N);
  memory.fill(F, 0, MAXN * 4);
  memory.fill(G, 0, MAXN * 4);
  memory.fill(D, 0, MAXN * 4);
  memory.fill(E, 0, MAXN * 4);
  memory.fill(T, 0, MAXN * 4);
}

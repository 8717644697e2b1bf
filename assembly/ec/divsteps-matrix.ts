// Pieces shared by the two Bernstein–Yang inversions ("Fast constant-time gcd computation and
// modular inversion", 2019): numbers as signed 30-bit limbs, and the application of one batch's
// transition matrix T to (f, g) and to (d, e). modinv-vartime.ts is the variable-time inversion
// (modInvVartime), modinv-ct.ts the constant-time one (modInvCt); they differ only in how they
// take the steps and correct d, e. Everything here is constant time.

export const M30: i64 = 0x3fffffff;

// The transition matrix of the last batch of 30 divsteps: 2^30 (f', g') = T (f, g).
let tu: i64 = 0, tv: i64 = 0, tq: i64 = 0, tr: i64 = 0;

export function setMatrix(u: i32, v: i32, q: i32, r: i32): void {
  tu = <i64>u;
  tv = <i64>v;
  tq = <i64>q;
  tr = <i64>r;
}

@inline
export function limb(p: usize, i: i32): i64 {
  return <i64>load<i32>(p + (<usize>i << 2));
}

@inline
export function setLimb(p: usize, i: i32, v: i64): void {
  store<i32>(p + (<usize>i << 2), <i32>v);
}

/** (f, g) = T (f, g) / 2^30, exactly (the low 30 bits vanish by construction of T). */
export function matrixFG(F: usize, G: usize, N: i32): void {
  let cf = tu * limb(F, 0) + tv * limb(G, 0);
  let cg = tq * limb(F, 0) + tr * limb(G, 0);
  cf >>= 30;
  cg >>= 30;
  for (let i = 1; i < N; i++) {
    const fi = limb(F, i), gi = limb(G, i);
    cf += tu * fi + tv * gi;
    cg += tq * fi + tr * gi;
    setLimb(F, i - 1, cf & M30);
    setLimb(G, i - 1, cg & M30);
    cf >>= 30;
    cg >>= 30;
  }
  setLimb(F, N - 1, cf);
  setLimb(G, N - 1, cg);
}

/**
 * (d, e) = (T (d, e) + (md, me) M) / 2^30 mod M, with md, me chosen so that the division is exact
 * (minv = M^-1 mod 2^30). From d, e in [0, M) the result is in (-M, 2M): the caller corrects it.
 */
export function matrixDE(D: usize, E: usize, MOD: usize, N: i32, minv: u32): void {
  const d0 = limb(D, 0), e0 = limb(E, 0);
  const md = <i64>((<u32>0 - <u32>(tu * d0 + tv * e0)) * minv) & M30;
  const me = <i64>((<u32>0 - <u32>(tq * d0 + tr * e0)) * minv) & M30;
  let cd = tu * d0 + tv * e0 + md * limb(MOD, 0);
  let ce = tq * d0 + tr * e0 + me * limb(MOD, 0);
  cd >>= 30;
  ce >>= 30;
  for (let i = 1; i < N; i++) {
    const di = limb(D, i), ei = limb(E, i), mi = limb(MOD, i);
    cd += tu * di + tv * ei + md * mi;
    ce += tq * di + tr * ei + me * mi;
    setLimb(D, i - 1, cd & M30);
    setLimb(E, i - 1, ce & M30);
    cd >>= 30;
    ce >>= 30;
  }
  setLimb(D, N - 1, cd);
  setLimb(E, N - 1, ce);
}

// Jacobian points (X : Y : Z), x = X / Z^2, y = Y / Z^3, for VARIABLE-TIME arithmetic on public
// data only (ECDSA verification). The formulas are cheaper than the complete projective ones of
// point.ts (a doubling is 3M + 5S instead of 8M + 3S + 2 mul by b and many more additions), and
// their exceptional cases are handled by branches: the identity O = (1 : 1 : 0), P = Q (a
// doubling) and P = -Q (O). Formulas from the Explicit-Formulas Database (Bernstein, Lange,
// hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-3.html and auto-shortw-jacobian-0.html):
//   dbl-2001-b (a = -3), dbl-2009-l (a = 0), madd-2007-bl (Z2 = 1), add-2007-bl.
// Generic over the curve type tag C, as point.ts. Points are 3 FE bytes: X, Y, Z; affine points
// are 2 FE bytes: x, y (never O).

const MAX_FE: usize = 72;
const S = memory.data(12 * <i32>MAX_FE, 16);
const T0 = S, T1 = S + MAX_FE, T2 = S + 2 * MAX_FE, T3 = S + 3 * MAX_FE, T4 = S + 4 * MAX_FE;
const T5 = S + 5 * MAX_FE, T6 = S + 6 * MAX_FE, T7 = S + 7 * MAX_FE, T8 = S + 8 * MAX_FE;
const X3 = S + 9 * MAX_FE, Y3 = S + 10 * MAX_FE, Z3 = S + 11 * MAX_FE;

@inline
function output<C>(o: usize): void {
  const F = changetype<C>(0).FE;
  memory.copy(o, X3, F);
  memory.copy(o + F, Y3, F);
  memory.copy(o + 2 * F, Z3, F);
}

/** o = O = (1 : 1 : 0). */
export function jacSetIdentity<C>(o: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  c.setOne(o);
  c.setOne(o + F);
  memory.fill(o + 2 * F, 0, F);
}

/** True if p is the identity (Z = 0). */
@inline
export function jacIsIdentityVartime<C>(p: usize): bool {
  const c = changetype<C>(0);
  return c.isZeroMask(p + 2 * c.FE) != 0;
}

/** o = (x : y : 1) from affine (x, y). */
export function jacFromAffine<C>(o: usize, xy: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  memory.copy(o, xy, 2 * F);
  c.setOne(o + 2 * F);
}

/** o = 2p. o may alias p. */
export function jacDoubleVartime<C>(o: usize, p: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const X1 = p, Y1 = p + F, Z1 = p + 2 * F;
  if (c.A_IS_ZERO) {
    // dbl-2009-l: 2M + 5S.
    c.sqr(T0, X1); // A = X1^2
    c.sqr(T1, Y1); // B = Y1^2
    c.sqr(T2, T1); // C = B^2
    c.add(T3, X1, T1);
    c.sqr(T3, T3);
    c.sub(T3, T3, T0);
    c.sub(T3, T3, T2);
    c.add(T3, T3, T3); // D = 2 ((X1 + B)^2 - A - C)
    c.add(T4, T0, T0);
    c.add(T4, T4, T0); // E = 3A
    c.sqr(T5, T4); // F = E^2
    c.add(T6, T3, T3);
    c.sub(X3, T5, T6); // X3 = F - 2D
    c.mul(Z3, Y1, Z1);
    c.add(Z3, Z3, Z3); // Z3 = 2 Y1 Z1
    c.sub(T6, T3, X3);
    c.mul(Y3, T4, T6);
    c.add(T2, T2, T2);
    c.add(T2, T2, T2);
    c.add(T2, T2, T2);
    c.sub(Y3, Y3, T2); // Y3 = E (D - X3) - 8C
  } else {
    // dbl-2001-b (a = -3): 3M + 5S.
    c.sqr(T0, Z1); // delta
    c.sqr(T1, Y1); // gamma
    c.mul(T2, X1, T1); // beta
    c.sub(T3, X1, T0);
    c.add(T4, X1, T0);
    c.mul(T3, T3, T4);
    c.add(T4, T3, T3);
    c.add(T3, T4, T3); // alpha = 3 (X1 - delta)(X1 + delta)
    c.add(T2, T2, T2);
    c.add(T2, T2, T2); // 4 beta
    c.sqr(X3, T3);
    c.add(T5, T2, T2);
    c.sub(X3, X3, T5); // X3 = alpha^2 - 8 beta
    c.add(Z3, Y1, Z1);
    c.sqr(Z3, Z3);
    c.sub(Z3, Z3, T1);
    c.sub(Z3, Z3, T0); // Z3 = (Y1 + Z1)^2 - gamma - delta
    c.sub(T2, T2, X3);
    c.mul(Y3, T3, T2);
    c.sqr(T1, T1);
    c.add(T1, T1, T1);
    c.add(T1, T1, T1);
    c.add(T1, T1, T1);
    c.sub(Y3, Y3, T1); // Y3 = alpha (4 beta - X3) - 8 gamma^2
  }
  output<C>(o);
}

/** o = p + q with q affine (not O). o may alias p. */
export function jacAddAffineVartime<C>(o: usize, p: usize, q: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const X1 = p, Y1 = p + F, Z1 = p + 2 * F;
  const x2 = q, y2 = q + F;
  if (jacIsIdentityVartime<C>(p)) {
    jacFromAffine<C>(o, q);
    return;
  }
  // madd-2007-bl: 7M + 4S.
  c.sqr(T0, Z1); // Z1Z1
  c.mul(T1, x2, T0); // U2
  c.mul(T2, Z1, T0);
  c.mul(T2, y2, T2); // S2
  c.sub(T3, T1, X1); // H
  c.sub(T4, T2, Y1); // S2 - Y1
  if (c.isZeroMask(T3) != 0) {
    if (c.isZeroMask(T4) != 0) jacDoubleVartime<C>(o, p);
    else jacSetIdentity<C>(o);
    return;
  }
  c.add(T4, T4, T4); // r
  c.sqr(T5, T3); // HH
  c.add(T6, T5, T5);
  c.add(T6, T6, T6); // I = 4 HH
  c.mul(T7, T3, T6); // J = H I
  c.mul(T8, X1, T6); // V = X1 I
  c.sqr(X3, T4);
  c.sub(X3, X3, T7);
  c.sub(X3, X3, T8);
  c.sub(X3, X3, T8); // X3 = r^2 - J - 2V
  c.add(Z3, Z1, T3);
  c.sqr(Z3, Z3);
  c.sub(Z3, Z3, T0);
  c.sub(Z3, Z3, T5); // Z3 = (Z1 + H)^2 - Z1Z1 - HH
  c.sub(T8, T8, X3);
  c.mul(Y3, T4, T8);
  c.mul(T7, Y1, T7);
  c.add(T7, T7, T7);
  c.sub(Y3, Y3, T7); // Y3 = r (V - X3) - 2 Y1 J
  output<C>(o);
}

/** o = p + q. o may alias p or q. */
export function jacAddVartime<C>(o: usize, p: usize, q: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  if (jacIsIdentityVartime<C>(p)) {
    memory.copy(o, q, 3 * F);
    return;
  }
  if (jacIsIdentityVartime<C>(q)) {
    memory.copy(o, p, 3 * F);
    return;
  }
  const X1 = p, Y1 = p + F, Z1 = p + 2 * F;
  const X2 = q, Y2 = q + F, Z2 = q + 2 * F;
  // add-2007-bl: 11M + 5S.
  c.sqr(T0, Z1); // Z1Z1
  c.sqr(T1, Z2); // Z2Z2
  c.mul(T2, X1, T1); // U1
  c.mul(T3, X2, T0); // U2
  c.mul(T4, Z2, T1);
  c.mul(T4, Y1, T4); // S1
  c.mul(T5, Z1, T0);
  c.mul(T5, Y2, T5); // S2
  c.sub(T3, T3, T2); // H
  c.sub(T5, T5, T4); // S2 - S1
  if (c.isZeroMask(T3) != 0) {
    if (c.isZeroMask(T5) != 0) jacDoubleVartime<C>(o, p);
    else jacSetIdentity<C>(o);
    return;
  }
  c.add(T5, T5, T5); // r
  c.add(T6, T3, T3);
  c.sqr(T6, T6); // I = (2H)^2
  c.mul(T7, T3, T6); // J
  c.mul(T8, T2, T6); // V = U1 I
  c.sqr(X3, T5);
  c.sub(X3, X3, T7);
  c.sub(X3, X3, T8);
  c.sub(X3, X3, T8); // X3 = r^2 - J - 2V
  c.add(Z3, Z1, Z2);
  c.sqr(Z3, Z3);
  c.sub(Z3, Z3, T0);
  c.sub(Z3, Z3, T1);
  c.mul(Z3, Z3, T3); // Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H
  c.sub(T8, T8, X3);
  c.mul(Y3, T5, T8);
  c.mul(T7, T4, T7);
  c.add(T7, T7, T7);
  c.sub(Y3, Y3, T7); // Y3 = r (V - X3) - 2 S1 J
  output<C>(o);
}

/** o = the projective (X Z : Y : Z^3) of the Jacobian p (same x = X/Z^2, y = Y/Z^3); O stays O. */
export function jacToProjective<C>(o: usize, p: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  c.sqr(T0, p + 2 * F);
  c.mul(T0, T0, p + 2 * F);
  c.mul(o, p, p + 2 * F);
  memory.copy(o + F, p + F, F);
  memory.copy(o + 2 * F, T0, F);
}

/**
 * Writes the affine forms of E Jacobian points (none of them O) to out (2 FE bytes each), with
 * one inversion (Montgomery's trick); prefix has room for E field elements.
 */
export function jacNormalizeBatch<C>(out: usize, jac: usize, prefix: usize, E: i32): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const P: usize = 3 * F;
  memory.copy(prefix, jac + 2 * F, F);
  for (let j = 1; j < E; j++) c.mul(prefix + <usize>j * F, prefix + <usize>(j - 1) * F, jac + <usize>j * P + 2 * F);
  c.inv(T0, prefix + <usize>(E - 1) * F); // 1 / (Z_0 ... Z_(E-1))
  for (let j = E - 1; j >= 0; j--) {
    const pj = jac + <usize>j * P;
    if (j > 0) {
      c.mul(T1, T0, prefix + <usize>(j - 1) * F); // 1 / Z_j
      c.mul(T0, T0, pj + 2 * F);
    } else {
      memory.copy(T1, T0, F);
    }
    c.sqr(T2, T1);
    c.mul(out + <usize>j * 2 * F, pj, T2);
    c.mul(T2, T2, T1);
    c.mul(out + <usize>j * 2 * F + F, pj + F, T2);
  }
}

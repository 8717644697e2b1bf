// Projective points (X : Y : Z), x = X/Z, y = Y/Z, with the complete formulas of Renes, Costello
// and Batina, "Complete addition formulas for prime order elliptic curves" (EUROCRYPT 2016,
// ePrint 2015/1060): Algorithms 4, 5, 6 for a = -3 (P-256, P-384, P-521) and 7, 8, 9 for a = 0
// (secp256k1). They are exception-free: no input, the identity O = (0 : 1 : 0) and P = Q
// included, needs a branch. The only exception is documented on pointAddMixed.
//
// Generic over a curve type tag C (curves/*.ts): C supplies the field operations and FE, the
// size of a field element in bytes. A point is 3 FE bytes: X, Y, Z. Step numbers below are the
// papers' steps; mulB multiplies by b (a = -3) or by 3b (a = 0), as the algorithms need.

const MAX_FE: usize = 72;
const S = memory.data(8 * <i32>MAX_FE, 16);
const t0 = S, t1 = S + MAX_FE, t2 = S + 2 * MAX_FE, t3 = S + 3 * MAX_FE, t4 = S + 4 * MAX_FE;
const X3 = S + 5 * MAX_FE, Y3 = S + 6 * MAX_FE, Z3 = S + 7 * MAX_FE;

@inline
function output<C>(o: usize): void {
  const F = changetype<C>(0).FE;
  memory.copy(o, X3, F);
  memory.copy(o + F, Y3, F);
  memory.copy(o + 2 * F, Z3, F);
}

/** o = p + q. Complete. o may alias p or q. */
export function pointAdd<C>(o: usize, p: usize, q: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const X1 = p, Y1 = p + F, Z1 = p + 2 * F;
  const X2 = q, Y2 = q + F, Z2 = q + 2 * F;
  if (c.A_IS_ZERO) {
    // Algorithm 7 (a = 0), 12M + 2 m3b + 19a.
    c.mul(t0, X1, X2); c.mul(t1, Y1, Y2); c.mul(t2, Z1, Z2);       // 1-3
    c.add(t3, X1, Y1); c.add(t4, X2, Y2); c.mul(t3, t3, t4);        // 4-6
    c.add(t4, t0, t1); c.sub(t3, t3, t4); c.add(t4, Y1, Z1);        // 7-9
    c.add(X3, Y2, Z2); c.mul(t4, t4, X3); c.add(X3, t1, t2);        // 10-12
    c.sub(t4, t4, X3); c.add(X3, X1, Z1); c.add(Y3, X2, Z2);        // 13-15
    c.mul(X3, X3, Y3); c.add(Y3, t0, t2); c.sub(Y3, X3, Y3);        // 16-18
    c.add(X3, t0, t0); c.add(t0, X3, t0); c.mulB(t2, t2);           // 19-21
    c.add(Z3, t1, t2); c.sub(t1, t1, t2); c.mulB(Y3, Y3);           // 22-24
    c.mul(X3, t4, Y3); c.mul(t2, t3, t1); c.sub(X3, t2, X3);        // 25-27
    c.mul(Y3, Y3, t0); c.mul(t1, t1, Z3); c.add(Y3, t1, Y3);        // 28-30
    c.mul(t0, t0, t3); c.mul(Z3, Z3, t4); c.add(Z3, Z3, t0);        // 31-33
  } else {
    // Algorithm 4 (a = -3), 12M + 2 mb + 29a.
    c.mul(t0, X1, X2); c.mul(t1, Y1, Y2); c.mul(t2, Z1, Z2);        // 1-3
    c.add(t3, X1, Y1); c.add(t4, X2, Y2); c.mul(t3, t3, t4);        // 4-6
    c.add(t4, t0, t1); c.sub(t3, t3, t4); c.add(t4, Y1, Z1);        // 7-9
    c.add(X3, Y2, Z2); c.mul(t4, t4, X3); c.add(X3, t1, t2);        // 10-12
    c.sub(t4, t4, X3); c.add(X3, X1, Z1); c.add(Y3, X2, Z2);        // 13-15
    c.mul(X3, X3, Y3); c.add(Y3, t0, t2); c.sub(Y3, X3, Y3);        // 16-18
    c.mulB(Z3, t2); c.sub(X3, Y3, Z3); c.add(Z3, X3, X3);           // 19-21
    c.add(X3, X3, Z3); c.sub(Z3, t1, X3); c.add(X3, t1, X3);        // 22-24
    c.mulB(Y3, Y3); c.add(t1, t2, t2); c.add(t2, t1, t2);           // 25-27
    c.sub(Y3, Y3, t2); c.sub(Y3, Y3, t0); c.add(t1, Y3, Y3);        // 28-30
    c.add(Y3, t1, Y3); c.add(t1, t0, t0); c.add(t0, t1, t0);        // 31-33
    c.sub(t0, t0, t2); c.mul(t1, t4, Y3); c.mul(t2, t0, Y3);        // 34-36
    c.mul(Y3, X3, Z3); c.add(Y3, Y3, t2); c.mul(X3, t3, X3);        // 37-39
    c.sub(X3, X3, t1); c.mul(Z3, t4, Z3); c.mul(t1, t3, t0);        // 40-42
    c.add(Z3, Z3, t1);                                              // 43
  }
  output<C>(o);
}

/**
 * o = p + q for q = (x, y) affine (2 FE bytes). Complete for every p, including O and p = +-q;
 * q itself must not be O, which affine coordinates cannot express anyway. o may alias p.
 */
export function pointAddMixed<C>(o: usize, p: usize, q: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const X1 = p, Y1 = p + F, Z1 = p + 2 * F;
  const X2 = q, Y2 = q + F;
  if (c.A_IS_ZERO) {
    // Algorithm 8 (a = 0), 11M + 2 m3b + 13a. The additions and subtractions that follow a
    // product are fused into it (c.mulAdd, c.mulSub: one reduction; steps 7 subtracts t0 + t1,
    // kept in t2, which is free until step 14), which leaves 7a.
    c.mul(t0, X1, X2); c.mul(t1, Y1, Y2); c.add(t3, X2, Y2);        // 1-3
    c.add(t4, X1, Y1); c.add(t2, t0, t1); c.mulSub(t3, t3, t4, t2); // 4-7
    c.mulAdd(t4, Y2, Z1, Y1);                                       // 8-9
    c.mulAdd(Y3, X2, Z1, X1); c.add(X3, t0, t0);                    // 10-12
    c.add(t0, X3, t0); c.mulB(t2, Z1); c.add(Z3, t1, t2);           // 13-15
    c.sub(t1, t1, t2); c.mulB(Y3, Y3); c.mul(X3, t4, Y3);           // 16-18
    c.mulSub(X3, t3, t1, X3); c.mul(Y3, Y3, t0);                    // 19-21
    c.mulAdd(Y3, t1, Z3, Y3); c.mul(t0, t0, t3);                    // 22-24
    c.mulAdd(Z3, Z3, t4, t0);                                       // 25-26
  } else {
    // Algorithm 5 (a = -3), 11M + 2 mb + 23a. The additions and subtractions that follow a
    // product are fused into it (c.mulAdd, c.mulSub, c.mulBSub, c.subMulB: one reduction), which
    // leaves 15a. Step 7 subtracts t0 + t1 (kept in t2, free until step 20); steps 21-22 subtract
    // t2 + t0 from b Y3 (step 18, moved after 19-20; the sum is kept in t1, free after step 17).
    c.mul(t0, X1, X2); c.mul(t1, Y1, Y2); c.add(t3, X2, Y2);        // 1-3
    c.add(t4, X1, Y1); c.add(t2, t0, t1); c.mulSub(t3, t3, t4, t2); // 4-7
    c.mulAdd(t4, Y2, Z1, Y1);                                       // 8-9
    c.mulAdd(Y3, X2, Z1, X1); c.subMulB(X3, Y3, Z1);                // 10-13
    c.add(Z3, X3, X3); c.add(X3, X3, Z3);                           // 14-15
    c.sub(Z3, t1, X3); c.add(X3, t1, X3);                           // 16-17
    c.add(t1, Z1, Z1); c.add(t2, t1, Z1);                           // 19-20
    c.add(t1, t2, t0); c.mulBSub(Y3, Y3, t1);                       // 18, 21-22
    c.add(t1, Y3, Y3); c.add(Y3, t1, Y3);                           // 23-24
    c.add(t1, t0, t0); c.add(t0, t1, t0); c.sub(t0, t0, t2);        // 25-27
    c.mul(t1, t4, Y3); c.mul(t2, t0, Y3); c.mulAdd(Y3, X3, Z3, t2); // 28-31
    c.mulSub(X3, t3, X3, t1);                                       // 32-33
    c.mul(t1, t3, t0); c.mulAdd(Z3, t4, Z3, t1);                    // 34-36
  }
  output<C>(o);
}

/** o = 2p. Exception-free (2 O = O). o may alias p. */
export function pointDouble<C>(o: usize, p: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const X = p, Y = p + F, Z = p + 2 * F;
  if (c.A_IS_ZERO) {
    // Algorithm 9 (a = 0), 6M + 2S + 1 m3b + 9a.
    c.sqr(t0, Y); c.add(Z3, t0, t0); c.add(Z3, Z3, Z3);              // 1-3
    c.add(Z3, Z3, Z3); c.mul(t1, Y, Z); c.sqr(t2, Z);                // 4-6
    c.mulB(t2, t2); c.mul(X3, t2, Z3); c.add(Y3, t0, t2);            // 7-9
    c.mul(Z3, t1, Z3); c.add(t1, t2, t2); c.add(t2, t1, t2);         // 10-12
    c.sub(t0, t0, t2); c.mul(Y3, t0, Y3); c.add(Y3, X3, Y3);         // 13-15
    c.mul(t1, X, Y); c.mul(X3, t0, t1); c.add(X3, X3, X3);           // 16-18
  } else {
    // Algorithm 6 (a = -3), 8M + 3S + 2 mb + 21a.
    c.sqr(t0, X); c.sqr(t1, Y); c.sqr(t2, Z);                        // 1-3
    c.mul(t3, X, Y); c.add(t3, t3, t3); c.mul(Z3, X, Z);             // 4-6
    c.add(Z3, Z3, Z3); c.mulB(Y3, t2); c.sub(Y3, Y3, Z3);            // 7-9
    c.add(X3, Y3, Y3); c.add(Y3, X3, Y3); c.sub(X3, t1, Y3);         // 10-12
    c.add(Y3, t1, Y3); c.mul(Y3, X3, Y3); c.mul(X3, X3, t3);         // 13-15
    c.add(t3, t2, t2); c.add(t2, t2, t3); c.mulB(Z3, Z3);            // 16-18
    c.sub(Z3, Z3, t2); c.sub(Z3, Z3, t0); c.add(t3, Z3, Z3);         // 19-21
    c.add(Z3, Z3, t3); c.add(t3, t0, t0); c.add(t0, t3, t0);         // 22-24
    c.sub(t0, t0, t2); c.mul(t0, t0, Z3); c.add(Y3, Y3, t0);         // 25-27
    c.mul(t0, Y, Z); c.add(t0, t0, t0); c.mul(Z3, t0, Z3);           // 28-30
    c.sub(X3, X3, Z3); c.mul(Z3, t0, t1); c.add(Z3, Z3, Z3);         // 31-33
    c.add(Z3, Z3, Z3);                                               // 34
  }
  output<C>(o);
}

/** o = O = (0 : 1 : 0). */
export function pointSetIdentity<C>(o: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  memory.fill(o, 0, 3 * F);
  c.setOne(o + F);
}

/** o = (x : y : 1) from affine (x, y). */
export function pointFromAffine<C>(o: usize, xy: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  memory.copy(o, xy, 2 * F);
  c.setOne(o + 2 * F);
}

/** Wipes the formulas' scratch (it held intermediate values of secret multiples). */
export function pointWipeScratch(): void {
  memory.fill(S, 0, 8 * MAX_FE);
}

// Entry point of the EC measurement build (scripts/measure-ec.mjs): the production arithmetic
// of assembly/ec next to generic Montgomery alternatives, each timed in a loop inside wasm.
import { P256 } from "../../assembly/ec/curves/p256";
import { P256K } from "../../assembly/ec/curves/p256k";
import { P384 } from "../../assembly/ec/curves/p384";
import { P521 } from "../../assembly/ec/curves/p521";
import { pointAdd, pointAddMixed, pointDouble } from "../../assembly/ec/point";
import { mulBaseCt, toAffine, baseTable } from "../../assembly/ec/table";
import { scInvVartime, scMontMul, SCALAR_BYTES } from "../../assembly/ec/scalar";
import { nonceInit, nonceNext } from "../../assembly/ec/rfc6979";
import { drbgGenerate, drbgSeed } from "../../assembly/rand/drbg";
import { montCIOS8, montCIOS12, montCIOS17, montSetup } from "./montgomery";

const A = memory.data(256, 16);
const B = memory.data(256, 16);
const O = memory.data(256, 16);
const P = memory.data(256, 16); // a modulus for the Montgomery alternatives
const PT = memory.data(512, 16);
const Q = memory.data(512, 16);
const K = memory.data(<i32>SCALAR_BYTES, 16);
const BUF = memory.data(256, 16);

export function ptrA(): usize {
  return A;
}
export function ptrB(): usize {
  return B;
}
export function ptrP(): usize {
  return P;
}
export function ptrK(): usize {
  return K;
}
export function ptrBuf(): usize {
  return BUF;
}

function fieldLoop<C>(op: i32, n: i32): void {
  const c = changetype<C>(0);
  for (let i = 0; i < n; i++) {
    if (op === 0) c.mul(A, A, B);
    else if (op === 1) c.sqr(A, A);
    else if (op === 2) c.add(A, A, B);
    else if (op === 3) c.sub(A, A, B);
    else if (op === 4) c.mulB(A, A);
    else c.inv(A, A);
  }
}

function pointLoop<C>(op: i32, n: i32): void {
  const c = changetype<C>(0);
  const F = c.FE;
  // PT = G (projective), Q = G affine
  memory.copy(Q, c.GX, F);
  memory.copy(Q + F, c.GY, F);
  memory.copy(PT, Q, 2 * F);
  c.setOne(PT + 2 * F);
  for (let i = 0; i < n; i++) {
    if (op === 0) pointAddMixed<C>(PT, PT, Q);
    else if (op === 1) pointAdd<C>(PT, PT, PT);
    else if (op === 2) pointDouble<C>(PT, PT);
    else if (op === 3) mulBaseCt<C>(PT, K);
    else toAffine<C>(O, PT);
  }
}

function scalarLoop<C>(n: i32): void {
  const c = changetype<C>(0);
  for (let i = 0; i < n; i++) scInvVartime(O, K, c.N, c.NWORDS, c.N0INV);
}

function table<C>(): void {
  baseTable<C>();
}

/** curve 1..4; op: field 0 mul 1 sqr 2 add 3 sub 4 mulB 5 inv. */
export function field(curve: i32, op: i32, n: i32): void {
  if (curve === 1) fieldLoop<P256>(op, n);
  else if (curve === 2) fieldLoop<P256K>(op, n);
  else if (curve === 3) fieldLoop<P384>(op, n);
  else fieldLoop<P521>(op, n);
}

/** op: 0 mixed add, 1 add, 2 double, 3 k G (constant time), 4 to affine. */
export function point(curve: i32, op: i32, n: i32): void {
  if (curve === 1) pointLoop<P256>(op, n);
  else if (curve === 2) pointLoop<P256K>(op, n);
  else if (curve === 3) pointLoop<P384>(op, n);
  else pointLoop<P521>(op, n);
}

export function buildTable(curve: i32): void {
  if (curve === 1) table<P256>();
  else if (curve === 2) table<P256K>();
  else if (curve === 3) table<P384>();
  else table<P521>();
}

export function scalarInv(curve: i32, n: i32): void {
  if (curve === 1) scalarLoop<P256>(n);
  else if (curve === 2) scalarLoop<P256K>(n);
  else if (curve === 3) scalarLoop<P384>(n);
  else scalarLoop<P521>(n);
}

/** Montgomery multiplication mod the L-word modulus at P: 0 unrolled CIOS, 1 the loop of scalar.ts. */
export function montgomery(L: i32, variant: i32, n: i32): void {
  const n0inv = montSetup(P);
  for (let i = 0; i < n; i++) {
    if (variant === 1) scMontMul(A, A, B, P, L, n0inv);
    else if (L === 8) montCIOS8(A, A, B, P, n0inv);
    else if (L === 12) montCIOS12(A, A, B, P, n0inv);
    else montCIOS17(A, A, B, P, n0inv);
  }
}

export function seed(): void {
  memory.fill(BUF, 7, 48);
  drbgSeed(BUF, 48);
}

export function drbg(len: i32, n: i32): void {
  for (let i = 0; i < n; i++) drbgGenerate(BUF, <usize>len);
}

/** RFC 6979 steps b-h for P-256 / SHA-256, hedged (z != 0) or pure. */
export function nonce(hedged: i32, n: i32): void {
  for (let i = 0; i < n; i++) {
    nonceInit(2, A, B, 32, hedged !== 0 ? BUF : 0);
    nonceNext(O, 8, 256);
  }
}

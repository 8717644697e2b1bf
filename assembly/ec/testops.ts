// Diagnostic operations behind the ec_test_op export, so that property tests can compare the
// field, scalar and point arithmetic with BigInt and @noble/curves. Public inputs only; no key
// material is involved. Operands are big-endian, LEN bytes each, in IN; the result goes to OUT.
//   field  (operands < p):  1 mul  2 sqr  3 add  4 sub  5 neg  6 inv  7 mulB (b, or 3b if a = 0)
//                           8 a b + e  9 a b - e  10 mulB(a) - e  11 e - mulB(a)  (point.ts's fused forms)
//   scalar (operands < n):  16 mul  17 add  18 inverse (operand != 0)  19 bits2int of len bytes
//   points (affine x || y): 32 k G constant time  33 k G variable time  34 u1 G + u2 Q
//                           35 P + Q  36 2P      (a result at infinity has length 0)
//   Jacobian, variable time (jacobian.ts), P and Q taken with Z = 2 and Z = 3:
//                           37 P + Q (Q affine)  38 P + Q  39 2P
import { ERR_LENGTH, ERR_PARAM } from "../status";
import { ioIn, ioOut } from "../io";
import { CURVE_P256, CURVE_P256K, CURVE_P384 } from "./ids";
import { P256 } from "./curves/p256";
import { P256K } from "./curves/p256k";
import { P384 } from "./curves/p384";
import { P521 } from "./curves/p521";
import { SCALAR_BYTES, bits2int, scAdd, scInRangeMask, scInvVartime, scMul } from "./scalar";
import { mulBaseCt, mulBaseVartime, toAffine } from "./table";
import { mulDoubleVartime } from "./mulvar";
import { pointAdd, pointDouble, pointFromAffine } from "./point";
import { jacAddAffineVartime, jacAddVartime, jacDoubleVartime, jacToProjective } from "./jacobian";
import { onCurve } from "./keys";
import { wordsFromBE, wordsLtMask, wordsToBE } from "./words";

const MAX_FE: usize = 72;
const A = memory.data(2 * <i32>MAX_FE, 16);
const B = memory.data(2 * <i32>MAX_FE, 16);
const O = memory.data(3 * <i32>MAX_FE, 16);
const P1 = memory.data(3 * <i32>MAX_FE, 16);
const P2 = memory.data(3 * <i32>MAX_FE, 16);
const SA = memory.data(<i32>SCALAR_BYTES, 16);
const SB = memory.data(<i32>SCALAR_BYTES, 16);

function scalarIn<C>(o: usize, src: usize): bool {
  const c = changetype<C>(0);
  memory.fill(o, 0, SCALAR_BYTES);
  wordsFromBE(o, c.NWORDS, src, c.LEN);
  return wordsLtMask(o, c.N, c.NWORDS) != 0;
}

function pointIn<C>(o: usize, src: usize): bool {
  const c = changetype<C>(0);
  if (!c.fromBytes(o, src) || !c.fromBytes(o + c.FE, src + <usize>c.LEN)) return false;
  return onCurve<C>(o, o + c.FE);
}

/** Writes the affine form of the projective O as x || y, or nothing for the identity. */
function pointOut<C>(p: usize): i32 {
  const c = changetype<C>(0);
  if (c.isZeroMask(p + 2 * c.FE) != 0) return 0;
  toAffine<C>(A, p);
  c.toBytes(ioOut(), A);
  c.toBytes(ioOut() + <usize>c.LEN, A + c.FE);
  return 2 * c.LEN;
}

function run<C>(op: i32, len: u32): i32 {
  const c = changetype<C>(0);
  const LEN = c.LEN;
  const F = c.FE;
  const src = ioIn();
  const L = c.NWORDS;
  if (op >= 1 && op <= 7) {
    const unary = op == 2 || op == 5 || op == 6 || op == 7;
    if (len != <u32>((unary ? 1 : 2) * LEN)) return ERR_LENGTH;
    if (!c.fromBytes(A, src)) return ERR_PARAM;
    if (!unary && !c.fromBytes(B, src + <usize>LEN)) return ERR_PARAM;
    if (op == 1) c.mul(O, A, B);
    else if (op == 2) c.sqr(O, A);
    else if (op == 3) c.add(O, A, B);
    else if (op == 4) c.sub(O, A, B);
    else if (op == 5) c.neg(O, A);
    else if (op == 6) c.inv(O, A);
    else c.mulB(O, A);
    c.toBytes(ioOut(), O);
    return LEN;
  }
  if (op >= 8 && op <= 11) {
    // The fused forms of the mixed addition: 8 a b + e, 9 a b - e (three operands);
    // 10 b a - e, 11 e - b a (two operands: a, e; b as mulB has it).
    const three = op <= 9;
    if (len != <u32>((three ? 3 : 2) * LEN)) return ERR_LENGTH;
    if (!c.fromBytes(A, src) || !c.fromBytes(B, src + <usize>LEN)) return ERR_PARAM;
    if (three && !c.fromBytes(P1, src + 2 * <usize>LEN)) return ERR_PARAM;
    if (op == 8) c.mulAdd(O, A, B, P1);
    else if (op == 9) c.mulSub(O, A, B, P1);
    else if (op == 10) c.mulBSub(O, A, B);
    else c.subMulB(O, B, A);
    c.toBytes(ioOut(), O);
    return LEN;
  }
  if (op >= 16 && op <= 18) {
    const unary = op == 18;
    if (len != <u32>((unary ? 1 : 2) * LEN)) return ERR_LENGTH;
    if (!scalarIn<C>(SA, src)) return ERR_PARAM;
    if (!unary && !scalarIn<C>(SB, src + <usize>LEN)) return ERR_PARAM;
    if (op == 16) scMul(SA, SA, SB, c.N, L, c.N0INV, c.NR2);
    else if (op == 17) scAdd(SA, SA, SB, c.N, L);
    else if (!scInvVartime(SA, SA, c.N, L, c.N0INV)) return ERR_PARAM;
    wordsToBE(ioOut(), LEN, SA);
    return LEN;
  }
  if (op == 19) {
    bits2int(SA, L, src, <usize>len, c.NBITS);
    wordsToBE(ioOut(), LEN, SA);
    return LEN;
  }
  if (op == 32 || op == 33) {
    if (len != <u32>LEN) return ERR_LENGTH;
    if (!scalarIn<C>(SA, src) || scInRangeMask(SA, c.N, L) == 0) return ERR_PARAM;
    if (op == 32) mulBaseCt<C>(O, SA);
    else mulBaseVartime<C>(O, SA);
    return pointOut<C>(O);
  }
  if (op == 34) {
    if (len != <u32>(4 * LEN)) return ERR_LENGTH;
    if (!scalarIn<C>(SA, src) || !scalarIn<C>(SB, src + <usize>LEN)) return ERR_PARAM;
    if (!pointIn<C>(B, src + 2 * <usize>LEN)) return ERR_PARAM;
    mulDoubleVartime<C>(O, SA, B, SB);
    return pointOut<C>(O);
  }
  if (op == 35 || op == 36) {
    const unary = op == 36;
    if (len != <u32>((unary ? 2 : 4) * LEN)) return ERR_LENGTH;
    if (!pointIn<C>(A, src)) return ERR_PARAM;
    pointFromAffine<C>(P1, A);
    if (unary) {
      pointDouble<C>(O, P1);
    } else {
      if (!pointIn<C>(B, src + 2 * <usize>LEN)) return ERR_PARAM;
      pointFromAffine<C>(P2, B);
      pointAdd<C>(O, P1, P2);
    }
    return pointOut<C>(O);
  }
  if (op >= 37 && op <= 39) {
    const unary = op == 39;
    if (len != <u32>((unary ? 2 : 4) * LEN)) return ERR_LENGTH;
    if (!pointIn<C>(A, src)) return ERR_PARAM;
    jacScaled<C>(P1, A, 2);
    if (unary) {
      jacDoubleVartime<C>(P2, P1);
    } else {
      if (!pointIn<C>(B, src + 2 * <usize>LEN)) return ERR_PARAM;
      if (op == 37) {
        jacAddAffineVartime<C>(P2, P1, B);
      } else {
        jacScaled<C>(P2, B, 3);
        jacAddVartime<C>(P2, P1, P2);
      }
    }
    jacToProjective<C>(O, P2);
    return pointOut<C>(O);
  }
  return ERR_PARAM;
}

/** o = (x z^2 : y z^3 : z), the Jacobian form of the affine xy with Z = z (small). */
function jacScaled<C>(o: usize, xy: usize, z: u32): void {
  const c = changetype<C>(0);
  const F = c.FE;
  c.setOne(o + 2 * F);
  for (let i: u32 = 1; i < z; i++) c.add(o + 2 * F, o + 2 * F, ONE<C>());
  c.sqr(o + F, o + 2 * F); // z^2
  c.mul(o, xy, o + F);
  c.mul(o + F, o + F, o + 2 * F); // z^3
  c.mul(o + F, xy + F, o + F);
}

const ONE_FE = memory.data(<i32>MAX_FE, 16);

function ONE<C>(): usize {
  changetype<C>(0).setOne(ONE_FE);
  return ONE_FE;
}

export function ecTestOp(curve: i32, op: i32, len: u32): i32 {
  if (curve == CURVE_P256) return run<P256>(op, len);
  if (curve == CURVE_P256K) return run<P256K>(op, len);
  if (curve == CURVE_P384) return run<P384>(op, len);
  return run<P521>(op, len);
}

// EC key material in a slot (the layout this family owns):
//   offset 0          u32  curve id (ids.ts), little-endian
//   offset 4          u32  layout version, 1
//   offset 8          LEN  x, big-endian, canonical (< p)
//   offset 8 + LEN    LEN  y, big-endian, canonical
//   offset 8 + 2 LEN  LEN  d, big-endian, in [1, n - 1]      (KIND_EC only)
// LEN = 32 (P-256, P-256K), 48 (P-384), 66 (P-521). The slot's bits are the curve size.
// KIND_EC_PUBLIC slots hold the first 8 + 2 LEN bytes only.
import { ERR_KEYGEN, ERR_KEY_INVALID } from "../status";
import { REFUSED_EC_D_MISMATCH, REFUSED_EC_D_RANGE, REFUSED_EC_POINT, refuse } from "../keys/refusals";
import { KIND_EC, KIND_EC_PUBLIC } from "../keys/kinds";
import { slotAlloc, slotIndex, slotMaterial } from "../keys/slots";
import { ctEqual } from "../mem";
import { CURVE_P256, CURVE_P256K, CURVE_P384, CURVE_P521, curveBits } from "./ids";
import { P256 } from "./curves/p256";
import { P256K } from "./curves/p256k";
import { P384 } from "./curves/p384";
import { P521 } from "./curves/p521";
import { SCALAR_BYTES, scInRangeMask } from "./scalar";
import { mulBaseCt, toAffine } from "./table";
import { pointWipeScratch } from "./point";
import { randomScalar } from "./ecdsa";
import { wordsFromBE, wordsToBE } from "./words";

export const EC_HEADER: usize = 8;
const LAYOUT_VERSION: u32 = 1;
const MAX_FE: usize = 72;

const D = memory.data(<i32>SCALAR_BYTES, 16);
const PT = memory.data(3 * <i32>MAX_FE, 16);
const XY = memory.data(2 * <i32>MAX_FE, 16);
const QB = memory.data(2 * 66, 16);
const T1 = memory.data(<i32>MAX_FE, 16);
const T2 = memory.data(<i32>MAX_FE, 16);
const T3 = memory.data(<i32>MAX_FE, 16);
const T4 = memory.data(<i32>MAX_FE, 16);

/** The curve id of a live EC slot. */
export function materialCurve(index: i32): i32 {
  return load<i32>(slotMaterial(index));
}

/** Whether the affine (x, y), in field form, satisfies y^2 = x^3 + a x + b. Public data only. */
export function onCurve<C>(x: usize, y: usize): bool {
  const c = changetype<C>(0);
  c.sqr(T1, y);
  c.sqr(T2, x);
  c.mul(T2, T2, x);
  c.setOne(T3);
  c.mulB(T3, T3); // b, or 3b for the a = 0 curve
  if (c.A_IS_ZERO) {
    // Compare 3 y^2 with 3 x^3 + 3b.
    c.add(T4, T1, T1);
    c.add(T1, T4, T1);
    c.add(T4, T2, T2);
    c.add(T2, T4, T2);
  } else {
    c.sub(T2, T2, x);
    c.sub(T2, T2, x);
    c.sub(T2, T2, x);
  }
  c.add(T2, T2, T3);
  c.sub(T1, T1, T2);
  return c.isZeroMask(T1) != 0;
}

/** QB = d G as big-endian x || y. Constant time in d. */
function publicFromPrivate<C>(d: usize): void {
  const c = changetype<C>(0);
  mulBaseCt<C>(PT, d);
  toAffine<C>(XY, PT);
  c.toBytes(QB, XY);
  c.toBytes(QB + <usize>c.LEN, XY + c.FE);
  memory.fill(PT, 0, 3 * MAX_FE);
  memory.fill(XY, 0, 2 * MAX_FE);
  pointWipeScratch();
}

/** Allocates a slot and writes the header, x || y from QB and, if given, d from the scalar buffer. */
function save<C>(kind: u8, d: usize): i32 {
  const c = changetype<C>(0);
  const LEN = <usize>c.LEN;
  const len = EC_HEADER + (d != 0 ? 3 : 2) * LEN;
  const handle = slotAlloc(kind, curveBits(c.ID), <u32>len);
  if (handle < 0) return handle;
  const m = slotMaterial(slotIndex(handle));
  store<u32>(m, <u32>c.ID);
  store<u32>(m + 4, LAYOUT_VERSION);
  memory.copy(m + EC_HEADER, QB, 2 * LEN);
  if (d != 0) wordsToBE(m + EC_HEADER + 2 * LEN, <i32>LEN, d);
  return handle;
}

/** A new key pair, d uniform in [1, n - 1] (FIPS 186-5 §A.2.2). Returns the handle or a status. */
export function ecGenerate<C>(): i32 {
  const st = randomScalar<C>(D, ERR_KEYGEN);
  if (st < 0) {
    memory.fill(D, 0, SCALAR_BYTES);
    return st;
  }
  publicFromPrivate<C>(D);
  const handle = save<C>(KIND_EC, D);
  memory.fill(D, 0, SCALAR_BYTES);
  return handle;
}

/** Checks x || y (2 LEN bytes at src): both below p and on the curve. Leaves them in XY. */
function checkPoint<C>(src: usize): bool {
  const c = changetype<C>(0);
  if (!c.fromBytes(XY, src)) return false;
  if (!c.fromBytes(XY + c.FE, src + <usize>c.LEN)) return false;
  return onCurve<C>(XY, XY + c.FE);
}

/** Imports a public key x || y. The point must be on the curve (which excludes O). */
export function ecImportPublic<C>(src: usize): i32 {
  const c = changetype<C>(0);
  if (!checkPoint<C>(src)) return refuse(REFUSED_EC_POINT, <u32>c.ID);
  memory.copy(QB, src, 2 * <usize>c.LEN);
  return save<C>(KIND_EC_PUBLIC, 0);
}

/**
 * Imports a private key x || y || d: (x, y) on the curve, 1 <= d < n, and d G == (x, y), the last
 * two in constant time; a refusal records which failed (keys/refusals.ts), once both have run.
 */
export function ecImportPrivate<C>(src: usize): i32 {
  const c = changetype<C>(0);
  const LEN = <usize>c.LEN;
  if (!checkPoint<C>(src)) return refuse(REFUSED_EC_POINT, <u32>c.ID);
  memory.fill(D, 0, SCALAR_BYTES);
  wordsFromBE(D, c.NWORDS, src + 2 * LEN, c.LEN);
  const inRange = scInRangeMask(D, c.N, c.NWORDS);
  // d is out of range: compute with d = 1 instead, so that the work does not depend on it.
  store<u32>(D, load<u32>(D) | (~inRange & 1));
  publicFromPrivate<C>(D);
  const same = ctEqual(QB, src, 2 * LEN);
  if ((inRange & <u32>same) == 0) {
    memory.fill(D, 0, SCALAR_BYTES);
    return refuse(inRange == 0 ? REFUSED_EC_D_RANGE : REFUSED_EC_D_MISMATCH, <u32>c.ID);
  }
  const handle = save<C>(KIND_EC, D);
  memory.fill(D, 0, SCALAR_BYTES);
  return handle;
}

/**
 * Imports a private key from d alone (LEN bytes, big-endian), as BYOK's PKCS#8 carries it:
 * 1 <= d < n in constant time, and the public point is computed as d G.
 */
export function ecImportScalar<C>(src: usize): i32 {
  const c = changetype<C>(0);
  memory.fill(D, 0, SCALAR_BYTES);
  wordsFromBE(D, c.NWORDS, src, c.LEN);
  const inRange = scInRangeMask(D, c.N, c.NWORDS);
  // d is out of range: compute with d = 1 instead, so that the work does not depend on it.
  store<u32>(D, load<u32>(D) | (~inRange & 1));
  publicFromPrivate<C>(D);
  if (inRange == 0) {
    memory.fill(D, 0, SCALAR_BYTES);
    return refuse(REFUSED_EC_D_RANGE, <u32>c.ID);
  }
  const handle = save<C>(KIND_EC, D);
  memory.fill(D, 0, SCALAR_BYTES);
  return handle;
}

/** ecImportScalar for a curve id (ids.ts); ERR_KEY_INVALID for an unknown id. */
export function ecImportScalarOn(curve: i32, src: usize): i32 {
  if (curve == CURVE_P256) return ecImportScalar<P256>(src);
  if (curve == CURVE_P256K) return ecImportScalar<P256K>(src);
  if (curve == CURVE_P384) return ecImportScalar<P384>(src);
  if (curve == CURVE_P521) return ecImportScalar<P521>(src);
  return ERR_KEY_INVALID;
}

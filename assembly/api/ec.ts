// Exports of the EC family: key generation and import, public export, ECDSA sign and verify.
// Curves by id (ec/ids.ts): 1 P-256, 2 P-256K (secp256k1), 3 P-384, 4 P-521. LEN below is the
// curve's coordinate length: 32, 32, 48, 66. Every export checks its arguments first.
import { IO_CAPACITY, ioIn, ioOut } from "../io";
import { ERR_DIGEST_LENGTH, ERR_KEY_INVALID, ERR_KEY_KIND, ERR_LENGTH, ERR_ALG, ERR_PARAM } from "../status";
import { isHash } from "../hash/ids";
import { wipe } from "../mem";
import { KIND_EC, KIND_EC_PUBLIC } from "../keys/kinds";
import { slotIndex, slotKindAt, slotMaterial, slotMaterialLength } from "../keys/slots";
import { CURVE_P256, CURVE_P256K, CURVE_P384, CURVE_P521, curveLength, isCurve } from "../ec/ids";
import { P256 } from "../ec/curves/p256";
import { P256K } from "../ec/curves/p256k";
import { P384 } from "../ec/curves/p384";
import { P521 } from "../ec/curves/p521";
import { EC_HEADER, ecGenerate, ecImportPrivate, ecImportPublic, ecImportScalarOn, materialCurve } from "../ec/keys";
import { ecdsaSign, ecdsaVerifyVartime } from "../ec/ecdsa";
import { clearRefusal } from "../keys/refusals";

/** A new key pair on the curve. Needs a seeded DRBG. Returns the handle. */
export function ec_generate(curve: i32): i32 {
  if (curve == CURVE_P256) return ecGenerate<P256>();
  if (curve == CURVE_P256K) return ecGenerate<P256K>();
  if (curve == CURVE_P384) return ecGenerate<P384>();
  if (curve == CURVE_P521) return ecGenerate<P521>();
  return ERR_PARAM;
}

/**
 * Imports the private key x || y || d (3 LEN bytes of IN, big-endian), or d alone (LEN bytes: the
 * public point is then computed as d G, as for a PKCS#8 key without its optional public key, RFC 5915).
 * Returns the handle.
 */
export function ec_import_private(curve: i32, len: u32): i32 {
  clearRefusal();
  if (!isCurve(curve)) return ERR_PARAM;
  if (len != <u32>(3 * curveLength(curve)) && len != <u32>curveLength(curve)) return ERR_LENGTH;
  const src = ioIn();
  let h: i32;
  if (len == <u32>curveLength(curve)) h = ecImportScalarOn(curve, src);
  else if (curve == CURVE_P256) h = ecImportPrivate<P256>(src);
  else if (curve == CURVE_P256K) h = ecImportPrivate<P256K>(src);
  else if (curve == CURVE_P384) h = ecImportPrivate<P384>(src);
  else h = ecImportPrivate<P521>(src);
  wipe(src, <usize>len); // d must not stay in IN
  return h;
}

/** Imports the public key x || y (2 LEN bytes of IN, big-endian). Returns the handle. */
export function ec_import_public(curve: i32, len: u32): i32 {
  clearRefusal();
  if (!isCurve(curve)) return ERR_PARAM;
  if (len != <u32>(2 * curveLength(curve))) return ERR_LENGTH;
  const src = ioIn();
  if (curve == CURVE_P256) return ecImportPublic<P256>(src);
  if (curve == CURVE_P256K) return ecImportPublic<P256K>(src);
  if (curve == CURVE_P384) return ecImportPublic<P384>(src);
  return ecImportPublic<P521>(src);
}

/**
 * Slot index of an EC key (a private one if privateOnly), or an error. The curve id and the
 * material's length are checked too, so that nothing below can read past the material.
 */
function ecSlot(handle: i32, privateOnly: bool = false): i32 {
  const index = slotIndex(handle);
  if (index < 0) return index;
  const kind = slotKindAt(index);
  if (kind != KIND_EC && (privateOnly || kind != KIND_EC_PUBLIC)) return ERR_KEY_KIND;
  const curve = materialCurve(index);
  if (!isCurve(curve)) return ERR_KEY_INVALID;
  const parts: u32 = kind == KIND_EC ? 3 : 2;
  if (slotMaterialLength(index) != <u32>EC_HEADER + parts * <u32>curveLength(curve)) return ERR_KEY_INVALID;
  return index;
}

/** The curve id of an EC key (private or public). */
export function ec_key_curve(handle: i32): i32 {
  const index = ecSlot(handle);
  if (index < 0) return index;
  return materialCurve(index);
}

/** Writes the public point x || y (2 LEN bytes) to OUT. Returns 2 LEN. */
export function ec_public(handle: i32): i32 {
  const index = ecSlot(handle);
  if (index < 0) return index;
  const len = 2 * curveLength(materialCurve(index));
  memory.copy(ioOut(), slotMaterial(index) + EC_HEADER, <usize>len);
  return len;
}

/**
 * ECDSA over the digestLen-byte digest in IN (any length from 1: bits2int truncates it to the
 * order's size). hashAlg (hash/ids.ts) keys the RFC 6979 nonce generation. Writes r || s
 * (2 LEN bytes) to OUT and returns 2 LEN. Needs a seeded DRBG.
 */
export function ec_sign(handle: i32, hashAlg: i32, digestLen: u32): i32 {
  const index = ecSlot(handle, true);
  if (index < 0) return index;
  if (!isHash(hashAlg)) return ERR_ALG;
  if (digestLen == 0) return ERR_DIGEST_LENGTH;
  if (digestLen > IO_CAPACITY) return ERR_LENGTH;
  const curve = materialCurve(index);
  const len = curveLength(curve);
  const d = slotMaterial(index) + EC_HEADER + 2 * <usize>len;
  const h = ioIn();
  const hlen = <usize>digestLen;
  if (curve == CURVE_P256) return ecdsaSign<P256>(ioOut(), d, h, hlen, hashAlg);
  if (curve == CURVE_P256K) return ecdsaSign<P256K>(ioOut(), d, h, hlen, hashAlg);
  if (curve == CURVE_P384) return ecdsaSign<P384>(ioOut(), d, h, hlen, hashAlg);
  return ecdsaSign<P521>(ioOut(), d, h, hlen, hashAlg);
}

/**
 * Verifies the signature IN[digestLen .. digestLen + sigLen) over the digest IN[0 .. digestLen).
 * Returns 1 if valid, 0 if not (including a signature of the wrong length).
 */
export function ec_verify(handle: i32, digestLen: u32, sigLen: u32): i32 {
  const index = ecSlot(handle);
  if (index < 0) return index;
  if (digestLen == 0) return ERR_DIGEST_LENGTH;
  if (digestLen > IO_CAPACITY || sigLen > IO_CAPACITY - digestLen) return ERR_LENGTH;
  const curve = materialCurve(index);
  const q = slotMaterial(index) + EC_HEADER;
  const h = ioIn();
  const hlen = <usize>digestLen;
  const sig = h + hlen;
  const slen = <usize>sigLen;
  let ok = false;
  if (curve == CURVE_P256) ok = ecdsaVerifyVartime<P256>(q, h, hlen, sig, slen);
  else if (curve == CURVE_P256K) ok = ecdsaVerifyVartime<P256K>(q, h, hlen, sig, slen);
  else if (curve == CURVE_P384) ok = ecdsaVerifyVartime<P384>(q, h, hlen, sig, slen);
  else ok = ecdsaVerifyVartime<P521>(q, h, hlen, sig, slen);
  return ok ? 1 : 0;
}

// RSA exports. Every one checks its lengths, ids and handle before any arithmetic.
// Numbers cross the boundary as big-endian bytes. Padding ids: rsa/paddings.ts. Hash ids: hash/ids.ts.
import { IO_CAPACITY, ioIn, ioOut } from "../io";
import { ERR_ALG, ERR_DECRYPT, ERR_DIGEST_LENGTH, ERR_FAULT, ERR_KEYGEN, ERR_KEY_INVALID, ERR_KEY_KIND, ERR_LENGTH, ERR_PARAM, ERR_TOO_LONG, OK } from "../status";
import { KIND_RSA, KIND_RSA_PUBLIC } from "../keys/kinds";
import { slotAlloc, slotDestroy, slotIndex, slotKindAt, slotMaterial } from "../keys/slots";
import { hashLength, isHash } from "../hash/ids";
import { wipe } from "../mem";
import { MAX_LIMBS, bitLengthVartime, fromBytes, isZeroMask, limb, limbsFor, ltMask, toBytes, zero } from "../bn/limbs";
import { keyE, keyK, keyLn, keyLp, keyN, keyNBits, privateKeySize, publicKeySize, setupPublic } from "../rsa/key";
import { belowModulusVartime, privateOp, publicOp, setupPrivate } from "../rsa/private";
import { generateKey, pairwiseTest } from "../rsa/keygen";
import { oaepDecode, oaepEncode } from "../rsa/oaep";
import { emsaPkcs1Encode, pkcs1DecryptDecode, pkcs1EncryptEncode } from "../rsa/pkcs1";
import { pssEncode, pssMaxSalt, pssVerify } from "../rsa/pss";
import { RSA_MAX_PART_BYTES as MAX_PART, bitLengthOfBytesVartime, readExponent, rsaImportParts } from "../rsa/import";
import { REFUSED_RSA_E, REFUSED_RSA_N_EVEN, REFUSED_RSA_PUBLIC_N_SIZE, clearRefusal, refuse } from "../keys/refusals";
import { rsaDecrypt } from "../rsa/decrypt";
import { RSA_PAD_OAEP_PSS, RSA_PAD_PKCS1 } from "../rsa/paddings";


const X = memory.data(MAX_LIMBS * 4, 16);
const Y = memory.data(MAX_LIMBS * 4, 16);
const EM = memory.data(<i32>MAX_PART, 16);
const EM2 = memory.data(<i32>MAX_PART, 16);

/** The material of an RSA key (private, or also public if allowPublic), or an error status. */
function rsaKey(handle: i32, allowPublic: bool): i64 {
  const index = slotIndex(handle);
  if (index < 0) return index;
  const kind = slotKindAt(index);
  if (kind == KIND_RSA || (allowPublic && kind == KIND_RSA_PUBLIC)) return <i64>slotMaterial(index);
  return ERR_KEY_KIND;
}


// ---- keys ----------------------------------------------------------------------

/** Generates a private key of `bits` bits (2048, 3072, 4096) with the odd public exponent e >= 3. */
export function rsa_generate(bits: i32, e: u32): i32 {
  if (bits != 2048 && bits != 3072 && bits != 4096) return ERR_PARAM;
  if (e < 3 || (e & 1) == 0) return ERR_PARAM;
  const handle = slotAlloc(KIND_RSA, <u32>bits, privateKeySize(bits, bits >> 1));
  if (handle < 0) return handle;
  const st = generateKey(slotMaterial(slotIndex(handle)), bits, e);
  if (st != OK) {
    slotDestroy(handle);
    return st;
  }
  return handle;
}

/**
 * Imports a private key from IN = n || e || d || p || q || dp || dq || qi (big-endian, each 1 to
 * RSA_MAX_PART_BYTES bytes). What makes a key valid is in rsa/import.ts; a refusal is ERR_KEY_INVALID
 * with its reason recorded for key_refusal(). IN is wiped.
 */
export function rsa_import(nLen: u32, eLen: u32, dLen: u32, pLen: u32, qLen: u32, dpLen: u32, dqLen: u32, qiLen: u32): i32 {
  clearRefusal();
  if (nLen < 1 || nLen > MAX_PART || eLen < 1 || eLen > MAX_PART || dLen < 1 || dLen > MAX_PART) return ERR_LENGTH;
  if (pLen < 1 || pLen > MAX_PART || qLen < 1 || qLen > MAX_PART) return ERR_LENGTH;
  if (dpLen < 1 || dpLen > MAX_PART || dqLen < 1 || dqLen > MAX_PART || qiLen < 1 || qiLen > MAX_PART) return ERR_LENGTH;
  const n = ioIn();
  const e = n + <usize>nLen;
  const d = e + <usize>eLen;
  const p = d + <usize>dLen;
  const q = p + <usize>pLen;
  const dp = q + <usize>qLen;
  const dq = dp + <usize>dpLen;
  const qi = dq + <usize>dqLen;
  const h = rsaImportParts(n, nLen, e, eLen, d, dLen, p, pLen, q, qLen, dp, dpLen, dq, dqLen, qi, qiLen);
  wipe(n, <usize>(qi - n) + <usize>qiLen); // the private parts must not stay in IN
  return h;
}

/**
 * Imports a public key from IN = n || e: n odd of 2048 to 4096 bits, e odd, 3 <= e < 2^32.
 * A refusal is ERR_KEY_INVALID with its reason recorded for key_refusal().
 */
export function rsa_import_public(nLen: u32, eLen: u32): i32 {
  clearRefusal();
  if (nLen < 1 || nLen > MAX_PART || eLen < 1 || eLen > MAX_PART) return ERR_LENGTH;
  const nBits = bitLengthOfBytesVartime(ioIn(), nLen);
  if (nBits < 2048 || nBits > 4096) return refuse(REFUSED_RSA_PUBLIC_N_SIZE, <u32>nBits);
  if ((load<u8>(ioIn() + <usize>nLen - 1) & 1) == 0) return refuse(REFUSED_RSA_N_EVEN);
  const e = readExponent(ioIn() + <usize>nLen, eLen);
  if (e == 0) return refuse(REFUSED_RSA_E);
  const nMax = limbsFor(<i32>MAX_PART * 8);
  fromBytes(X, nMax, ioIn(), <i32>nLen);
  const handle = slotAlloc(KIND_RSA_PUBLIC, <u32>nBits, publicKeySize(nBits));
  if (handle < 0) return handle;
  setupPublic(slotMaterial(slotIndex(handle)), X, nBits, e);
  return handle;
}

/** OUT = n, k bytes big-endian (no leading zero: n has exactly 8k - x bits, x < 8). Returns k. */
export function rsa_public_n(handle: i32): i32 {
  const r = rsaKey(handle, true);
  if (r < 0) return <i32>r;
  const key = <usize>r;
  toBytes(ioOut(), keyK(key), keyN(key), keyLn(key));
  return keyK(key);
}

/** OUT = e, big-endian without leading zeros. Returns its length. */
export function rsa_public_e(handle: i32): i32 {
  const r = rsaKey(handle, true);
  if (r < 0) return <i32>r;
  const e = keyE(<usize>r);
  const len = (32 - <i32>clz<u32>(e) + 7) >> 3;
  for (let i = 0; i < len; i++) store<u8>(ioOut() + <usize>i, <u8>(e >>> (<u32>(len - 1 - i) << 3)));
  return len;
}

// ---- encryption ----------------------------------------------------------------

/**
 * Encrypts IN[0..msgLen) under the key (public or private) and writes k bytes to OUT.
 * PKCS#1 v1.5: hash = mgfHash = labelLen = 0. OAEP: the label is IN[msgLen..msgLen+labelLen).
 */
export function rsa_encrypt(handle: i32, padding: u32, hash: i32, mgfHash: i32, msgLen: u32, labelLen: u32): i32 {
  const r = rsaKey(handle, true);
  if (r < 0) return <i32>r;
  const key = <usize>r;
  if (msgLen > IO_CAPACITY || labelLen > IO_CAPACITY - msgLen) return ERR_LENGTH;
  const k = keyK(key);
  let st: i32;
  if (padding == RSA_PAD_PKCS1) {
    if (hash != 0 || mgfHash != 0 || labelLen != 0) return ERR_PARAM;
    if (msgLen > <u32>(k - 11)) return ERR_TOO_LONG;
    st = pkcs1EncryptEncode(EM, k, ioIn(), <i32>msgLen);
  } else if (padding == RSA_PAD_OAEP_PSS) {
    if (!isHash(hash) || !isHash(mgfHash)) return ERR_ALG;
    if (<i32>msgLen > k - 2 * hashLength(hash) - 2) return ERR_TOO_LONG;
    st = oaepEncode(EM, k, hash, mgfHash, ioIn(), <i32>msgLen, ioIn() + <usize>msgLen, <i32>labelLen);
  } else {
    return ERR_ALG;
  }
  if (st != OK) return st;
  const Ln = keyLn(key);
  fromBytes(X, Ln, EM, k);
  wipe(EM, <usize>k);
  publicOp(key, Y, X);
  toBytes(ioOut(), k, Y, Ln);
  zero(X, Ln);
  return k;
}

/**
 * Decrypts IN[0..ctLen) (ctLen = k) with a private key; the plaintext goes to OUT.
 * Returns its length, or ERR_DECRYPT for every kind of bad ciphertext of the right
 * length (c >= n, or any padding failure), with no way to tell them apart.
 */
export function rsa_decrypt(handle: i32, padding: u32, hash: i32, mgfHash: i32, ctLen: u32, labelLen: u32): i32 {
  const r = rsaKey(handle, false);
  if (r < 0) return <i32>r;
  const key = <usize>r;
  if (ctLen > IO_CAPACITY || labelLen > IO_CAPACITY - ctLen) return ERR_LENGTH;
  if (padding == RSA_PAD_PKCS1) {
    if (hash != 0 || mgfHash != 0 || labelLen != 0) return ERR_PARAM;
  } else if (padding == RSA_PAD_OAEP_PSS) {
    if (!isHash(hash) || !isHash(mgfHash)) return ERR_ALG;
  } else {
    return ERR_ALG;
  }
  const k = keyK(key);
  if (ctLen != <u32>k) return ERR_LENGTH;
  return rsaDecrypt(key, ioIn(), padding, hash, mgfHash, ioIn() + <usize>ctLen, <i32>labelLen, ioOut());
}

// ---- signatures ----------------------------------------------------------------

/**
 * Signs the digest IN[0..digestLen) with a private key; k bytes to OUT.
 * Scheme 1: RSASSA-PKCS1-v1_5 (saltLen 0). Scheme 2: RSASSA-PSS, MGF1 with the same hash.
 */
export function rsa_sign(handle: i32, scheme: u32, hash: i32, digestLen: u32, saltLen: u32): i32 {
  const r = rsaKey(handle, false);
  if (r < 0) return <i32>r;
  const key = <usize>r;
  if (!isHash(hash)) return ERR_ALG;
  if (digestLen != <u32>hashLength(hash)) return ERR_DIGEST_LENGTH;
  const k = keyK(key);
  let st: i32;
  if (scheme == RSA_PAD_PKCS1) {
    if (saltLen != 0) return ERR_PARAM;
    st = emsaPkcs1Encode(EM, k, hash, ioIn());
  } else if (scheme == RSA_PAD_OAEP_PSS) {
    if (<i32>saltLen > pssMaxSalt(keyNBits(key), hash) || saltLen > 512) return ERR_PARAM;
    st = pssEncode(EM, k, keyNBits(key), hash, ioIn(), <i32>saltLen);
  } else {
    return ERR_ALG;
  }
  if (st != OK) return st;
  const Ln = keyLn(key);
  fromBytes(X, Ln, EM, k);
  st = privateOp(key, Y, X);
  zero(X, Ln);
  if (st != OK) return st;
  toBytes(ioOut(), k, Y, Ln);
  zero(Y, Ln);
  return k;
}

/**
 * Verifies IN = digest || signature. Returns 1 if valid, 0 if not (including a
 * signature whose length is not k or whose value is not below n, RFC 8017 §8.2.2 step 1, §5.2.2).
 */
export function rsa_verify(handle: i32, scheme: u32, hash: i32, digestLen: u32, sigLen: u32, saltLen: u32): i32 {
  const r = rsaKey(handle, true);
  if (r < 0) return <i32>r;
  const key = <usize>r;
  if (!isHash(hash)) return ERR_ALG;
  if (digestLen != <u32>hashLength(hash)) return ERR_DIGEST_LENGTH;
  if (sigLen > IO_CAPACITY - digestLen) return ERR_LENGTH;
  if (scheme == RSA_PAD_PKCS1) {
    if (saltLen != 0) return ERR_PARAM;
  } else if (scheme == RSA_PAD_OAEP_PSS) {
    if (saltLen > 512) return ERR_PARAM;
  } else {
    return ERR_ALG;
  }
  const k = keyK(key);
  if (sigLen != <u32>k) return 0;
  const Ln = keyLn(key);
  const digest = ioIn();
  fromBytes(X, Ln, digest + <usize>digestLen, k);
  if (!belowModulusVartime(key, X)) return 0;
  publicOp(key, Y, X);
  toBytes(EM, k, Y, Ln);
  if (scheme == RSA_PAD_OAEP_PSS) {
    return pssVerify(EM, k, keyNBits(key), hash, digest, <i32>saltLen);
  }
  // Encode the expected EM and compare (§8.2.2 step 3-4), rather than parse the received one.
  if (emsaPkcs1Encode(EM2, k, hash, digest) != OK) return 0;
  let diff: u32 = 0;
  for (let i = 0; i < k; i++) diff |= <u32>(load<u8>(EM + <usize>i) ^ load<u8>(EM2 + <usize>i));
  return diff == 0 ? 1 : 0;
}

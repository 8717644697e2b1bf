// PKCS#8 PrivateKeyInfo (RFC 5208 §5) for RSA (RFC 8017 §A.1.2) and EC (RFC 5915 §3) keys.
// The parsers only locate fields; the families' import functions check the values.
import { TAG_BIT_STRING, TAG_CONTEXT_0, TAG_CONTEXT_1, TAG_INTEGER, TAG_NULL, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, derExpect, derLength, derRead, derTag, derValue, derValueEquals } from "./der";

// rsaEncryption 1.2.840.113549.1.1.1
const OID_RSA = memory.data<u8>([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);
// id-ecPublicKey 1.2.840.10045.2.1
const OID_EC = memory.data<u8>([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
// Named curves: prime256v1 1.2.840.10045.3.1.7, secp256k1 1.3.132.0.10, secp384r1 1.3.132.0.34, secp521r1 1.3.132.0.35
const OID_P256 = memory.data<u8>([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
const OID_K256 = memory.data<u8>([0x2b, 0x81, 0x04, 0x00, 0x0a]);
const OID_P384 = memory.data<u8>([0x2b, 0x81, 0x04, 0x00, 0x22]);
const OID_P521 = memory.data<u8>([0x2b, 0x81, 0x04, 0x00, 0x23]);

// Curve ids returned by pkcs8Ec (the EC family's ids: see assembly/ec).
export const PKCS8_CURVE_P256: i32 = 1;
export const PKCS8_CURVE_K256: i32 = 2;
export const PKCS8_CURVE_P384: i32 = 3;
export const PKCS8_CURVE_P521: i32 = 4;

// RSA fields in RSAPrivateKey order: n e d p q dp dq qi. Pointers and lengths, leading zeros stripped.
export const rsaFieldPtr = new StaticArray<usize>(8);
export const rsaFieldLen = new StaticArray<usize>(8);

// EC: the private scalar, and the curve id.
export let ecScalarPtr: usize = 0;
export let ecScalarLen: usize = 0;

/** Reads the PrivateKeyInfo header; returns the pointer to the privateKey OCTET STRING contents, or 0. */
function privateKeyInfo(p: usize, len: usize, oid: usize, oidLen: usize): usize {
  const end = p + len;
  if (derExpect(p, end, TAG_SEQUENCE) != end) return 0; // nothing may follow the outer SEQUENCE
  let q = derValue;
  const seqEnd = derValue + derLength;
  q = derExpect(q, seqEnd, TAG_INTEGER);
  if (q == 0 || derLength != 1 || load<u8>(derValue) > 1) return 0; // version 0 (v1) or 1 (v2, RFC 5958)
  q = derExpect(q, seqEnd, TAG_SEQUENCE);
  if (q == 0) return 0;
  const algEnd = derValue + derLength;
  const a = derExpect(derValue, algEnd, TAG_OID);
  if (a == 0 || !derValueEquals(oid, oidLen)) return 0;
  algParams = a;
  algParamsEnd = algEnd;
  q = derExpect(q, seqEnd, TAG_OCTET_STRING);
  if (q == 0) return 0;
  return q; // derValue/derLength now describe the privateKey contents
}

let algParams: usize = 0;
let algParamsEnd: usize = 0;

function stripZeros(i: i32): void {
  let ptr = derValue;
  let len = derLength;
  while (len > 1 && load<u8>(ptr) == 0) {
    ptr++;
    len--;
  }
  unchecked((rsaFieldPtr[i] = ptr));
  unchecked((rsaFieldLen[i] = len));
}

/** Parses an RSA PKCS#8 key; fills rsaFieldPtr/Len. Returns true on success. */
export function pkcs8Rsa(p: usize, len: usize): bool {
  if (privateKeyInfo(p, len, OID_RSA, 9) == 0) return false;
  const keyPtr = derValue;
  const keyEnd = derValue + derLength;
  // AlgorithmIdentifier parameters must be NULL for rsaEncryption (RFC 8017 §A.1).
  if (derExpect(algParams, algParamsEnd, TAG_NULL) != algParamsEnd || derLength != 0) return false;
  if (derExpect(keyPtr, keyEnd, TAG_SEQUENCE) != keyEnd) return false;
  const end = derValue + derLength;
  let q = derExpect(derValue, end, TAG_INTEGER);
  if (q == 0 || derLength != 1 || load<u8>(derValue) != 0) return false; // two-prime version 0 only
  for (let i = 0; i < 8; i++) {
    q = derExpect(q, end, TAG_INTEGER);
    if (q == 0 || derLength == 0 || (load<u8>(derValue) & 0x80) != 0) return false; // positive integers only
    stripZeros(i);
  }
  return q == end;
}

/** Parses an EC PKCS#8 key; sets ecScalarPtr/Len. Returns the curve id, or 0 on failure. */
export function pkcs8Ec(p: usize, len: usize): i32 {
  if (privateKeyInfo(p, len, OID_EC, 7) == 0) return 0;
  const keyPtr = derValue;
  const keyEnd = derValue + derLength;
  if (derExpect(algParams, algParamsEnd, TAG_OID) != algParamsEnd) return 0;
  let curve: i32 = 0;
  if (derValueEquals(OID_P256, 8)) curve = PKCS8_CURVE_P256;
  else if (derValueEquals(OID_K256, 5)) curve = PKCS8_CURVE_K256;
  else if (derValueEquals(OID_P384, 5)) curve = PKCS8_CURVE_P384;
  else if (derValueEquals(OID_P521, 5)) curve = PKCS8_CURVE_P521;
  else return 0;
  if (derExpect(keyPtr, keyEnd, TAG_SEQUENCE) != keyEnd) return 0;
  const end = derValue + derLength;
  let q = derExpect(derValue, end, TAG_INTEGER);
  if (q == 0 || derLength != 1 || load<u8>(derValue) != 1) return 0; // ecPrivkeyVer1
  q = derExpect(q, end, TAG_OCTET_STRING);
  if (q == 0) return 0;
  ecScalarPtr = derValue;
  ecScalarLen = derLength;
  // Optional [0] parameters and [1] publicKey: the public key is recomputed from d, so only skip them.
  while (q < end) {
    const next = derRead(q, end);
    if (next == 0 || (derTag != TAG_CONTEXT_0 && derTag != TAG_CONTEXT_1)) return 0;
    q = next;
  }
  return curve;
}

export { TAG_BIT_STRING };

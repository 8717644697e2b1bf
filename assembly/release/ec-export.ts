// An EC slot as PKCS#8 (RFC 5208 §5 PrivateKeyInfo around RFC 5915 §3 ECPrivateKey), for a release:
//   SEQUENCE { INTEGER 0, SEQUENCE { OID id-ecPublicKey, OID namedCurve },
//              OCTET STRING { SEQUENCE { INTEGER 1, OCTET STRING d, [1] { BIT STRING 04 x y } } } }
// The curve is named in the AlgorithmIdentifier only (RFC 5915 §3 makes [0] optional, and
// RFC 5958 consumers take it from there); d is the full field-size octets (RFC 5915 §3).
// The slot layout is ec/keys.ts's: curve id, layout, x, y, d.
import { CURVE_P256, CURVE_P256K, CURVE_P384, curveLength } from "../ec/ids";
import { EC_HEADER } from "../ec/keys";
import { writeVersion } from "./rsa-export";
import { TAG_BIT_STRING, TAG_CONTEXT_1, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, tlvSize, writeHeader, writeTlv } from "./der";

// id-ecPublicKey 1.2.840.10045.2.1
const OID_EC = memory.data<u8>([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
// prime256v1 1.2.840.10045.3.1.7, secp256k1 1.3.132.0.10, secp384r1 1.3.132.0.34, secp521r1 1.3.132.0.35
const OID_P256 = memory.data<u8>([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
const OID_K256 = memory.data<u8>([0x2b, 0x81, 0x04, 0x00, 0x0a]);
const OID_P384 = memory.data<u8>([0x2b, 0x81, 0x04, 0x00, 0x22]);
const OID_P521 = memory.data<u8>([0x2b, 0x81, 0x04, 0x00, 0x23]);

/** Writes the PKCS#8 of the EC key material at m to out; returns its length. */
export function ecPkcs8(m: usize, out: usize): usize {
  const curve = load<i32>(m);
  const LEN = <usize>curveLength(curve);
  let oid = OID_P521;
  let oidLen: usize = 5;
  if (curve == CURVE_P256) {
    oid = OID_P256;
    oidLen = 8;
  } else if (curve == CURVE_P256K) oid = OID_K256;
  else if (curve == CURVE_P384) oid = OID_P384;
  const x = m + EC_HEADER;
  const d = x + 2 * LEN;
  const point: usize = 2 + 2 * LEN; // 0x00 unused bits, 0x04, x, y
  const inner: usize = 3 + tlvSize(LEN) + tlvSize(tlvSize(point));
  const algContent: usize = tlvSize(7) + tlvSize(oidLen);
  const outer: usize = 3 + tlvSize(algContent) + tlvSize(tlvSize(inner));
  let p = writeHeader(out, TAG_SEQUENCE, outer);
  p = writeVersion(p, 0);
  p = writeHeader(p, TAG_SEQUENCE, algContent);
  p = writeTlv(p, TAG_OID, OID_EC, 7);
  p = writeTlv(p, TAG_OID, oid, oidLen);
  p = writeHeader(p, TAG_OCTET_STRING, tlvSize(inner));
  p = writeHeader(p, TAG_SEQUENCE, inner);
  p = writeVersion(p, 1);
  p = writeTlv(p, TAG_OCTET_STRING, d, LEN);
  p = writeHeader(p, TAG_CONTEXT_1, tlvSize(point));
  p = writeHeader(p, TAG_BIT_STRING, point);
  store<u8>(p, 0);
  store<u8>(p + 1, 4);
  memory.copy(p + 2, x, 2 * LEN);
  return p + point - out;
}

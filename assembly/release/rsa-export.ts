// An RSA slot as PKCS#8 (RFC 5208 §5 PrivateKeyInfo around RFC 8017 §A.1.2 RSAPrivateKey), for a
// release. The slot keeps n, e, p, q, dp, dq, qi but not d (rsa/key.ts), so d is rebuilt here from
// public e and the secret phi = (p - 1)(q - 1) = n - p - q + 1, in constant time:
//   k = -phi^-1 mod e          (so that e | 1 + k phi; phi mod e bit-serially, the inverse by a
//                               fixed-count binary extended Euclid on 32-bit words)
//   d = (1 + k phi) / e        (an exact division by the odd word e: Jebelean's method, multiplies only)
// e d = 1 mod phi, so d agrees with dp and dq modulo p - 1 and q - 1 (what PKCS#1 parsers check).
// Numbers here are little-endian arrays of full 32-bit words (not bn/'s 28-bit limbs).
import { wipe } from "../mem";
import { toBytes } from "../bn/limbs";
import { ctxM } from "../bn/mont";
import { ctxP, ctxQ, keyDp, keyDq, keyE, keyK, keyLn, keyLp, keyN, keyPBits, keyQi } from "../rsa/key";
import { TAG_NULL, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, derUintLengthVartime, tlvSize, writeHeader, writeUintVartime } from "./der";

const MAX_BYTES: usize = 512; // 4096-bit modulus
const WORDS: i32 = 130; // 4096 bits + 64 bits of headroom for k phi + 1
const WBYTES: usize = <usize>WORDS << 2;

// Big-endian byte images of the eight RSAPrivateKey integers (n e d p q dp dq qi).
const PARTS = memory.data(8 * <i32>MAX_BYTES, 16);
const PART_LEN = new StaticArray<usize>(8);
// Word arrays.
const NW = memory.data(<i32>WBYTES, 16);
const PW = memory.data(<i32>WBYTES, 16);
const QW = memory.data(<i32>WBYTES, 16);
const TW = memory.data(<i32>WBYTES, 16);
const DW = memory.data(<i32>WBYTES, 16);

// rsaEncryption 1.2.840.113549.1.1.1
const OID_RSA = memory.data<u8>([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);

function part(i: i32): usize {
  return PARTS + <usize>i * MAX_BYTES;
}

/** len big-endian bytes at src into WORDS little-endian words at dst (zero-extended). */
function wordsFromBytes(dst: usize, src: usize, len: usize): void {
  memory.fill(dst, 0, WBYTES);
  for (let i: usize = 0; i < len; i++) {
    const byteIndex = len - 1 - i; // i-th least significant byte
    const w = dst + ((i >> 2) << 2);
    store<u32>(w, load<u32>(w) | (<u32>load<u8>(src + byteIndex) << (<u32>(i & 3) << 3)));
  }
}

/** The low len bytes of the word array at src as big-endian bytes at dst. */
function bytesFromWords(dst: usize, src: usize, len: usize): void {
  for (let i: usize = 0; i < len; i++) {
    store<u8>(dst + len - 1 - i, <u8>(load<u32>(src + ((i >> 2) << 2)) >> (<u32>(i & 3) << 3)));
  }
}

/** a -= b over WORDS words (no borrow out expected). */
function subWords(a: usize, b: usize): void {
  let borrow: u64 = 0;
  for (let i = 0; i < WORDS; i++) {
    const o = <usize>i << 2;
    const t = <u64>load<u32>(a + o) - <u64>load<u32>(b + o) - borrow;
    store<u32>(a + o, <u32>t);
    borrow = (t >> 63) & 1;
  }
}

/** a = a k + c over WORDS words (the result fits). */
function mulAddWord(a: usize, k: u32, c: u32): void {
  let carry: u64 = c;
  for (let i = 0; i < WORDS; i++) {
    const o = <usize>i << 2;
    const t = <u64>load<u32>(a + o) * <u64>k + carry;
    store<u32>(a + o, <u32>t);
    carry = t >> 32;
  }
}

/** a mod m for the word array a and a word m >= 3, one bit at a time with masked subtractions. */
function modWord(a: usize, m: u32): u64 {
  const mm = <u64>m;
  let r: u64 = 0;
  for (let i = WORDS * 32 - 1; i >= 0; i--) {
    const bit = <u64>((load<u32>(a + (<usize>(i >> 5) << 2)) >> <u32>(i & 31)) & 1);
    r = (r << 1) | bit; // r < 2m < 2^33
    const t = r - mm;
    const neg = <u64>(<i64>t >> 63); // all ones if r < m
    r = (r & neg) | (t & ~neg);
  }
  return r;
}

/**
 * x^-1 mod m for an odd word m and 0 < x < m coprime to m: binary extended Euclid with a fixed
 * count of 64 steps and masked updates (each step at least halves a b, which starts below 2^64).
 */
function invWord(x: u64, m: u64): u64 {
  let a = x;
  let b = m;
  let u: u64 = 1;
  let v: u64 = 0;
  for (let i = 0; i < 64; i++) {
    const odd = <u64>0 - (a & 1);
    const lt = <u64>(<i64>(a - b) >> 63);
    const sw = odd & lt;
    const ta = (a ^ b) & sw;
    a ^= ta;
    b ^= ta;
    const tu = (u ^ v) & sw;
    u ^= tu;
    v ^= tu;
    a -= b & odd;
    const t = u - (v & odd);
    u = t + (m & <u64>(<i64>t >> 63));
    a >>= 1;
    u = (u + (m & (<u64>0 - (u & 1)))) >> 1;
  }
  return v;
}

/** dst = a / m for an odd word m that divides a exactly (Jebelean 1993; GMP's divexact_1). */
function divExactWord(dst: usize, a: usize, m: u32): void {
  let inv: u32 = m; // correct to 3 bits: m m = 1 mod 8
  for (let i = 0; i < 5; i++) inv *= 2 - m * inv;
  let c: u32 = 0;
  for (let i = 0; i < WORDS; i++) {
    const o = <usize>i << 2;
    const s = load<u32>(a + o);
    const x = s - c;
    const borrow = <u32>(x > s);
    const q = x * inv;
    store<u32>(dst + o, q);
    c = <u32>((<u64>q * <u64>m) >> 32) + borrow;
  }
}

/** Writes the PKCS#8 of the RSA key material at key to out; returns its length. */
export function rsaPkcs8(key: usize, out: usize): usize {
  const k = <usize>keyK(key);
  const pk = <usize>((keyPBits(key) + 7) >> 3);
  const Lp = keyLp(key);
  const e = keyE(key);
  // n, e, p, q, dp, dq, qi as big-endian bytes.
  toBytes(part(0), <i32>k, keyN(key), keyLn(key));
  PART_LEN[0] = k;
  for (let i = 0; i < 4; i++) store<u8>(part(1) + <usize>i, <u8>(e >> (<u32>(3 - i) << 3)));
  PART_LEN[1] = 4;
  toBytes(part(3), <i32>pk, ctxM(ctxP(key)), Lp);
  toBytes(part(4), <i32>pk, ctxM(ctxQ(key)), Lp);
  toBytes(part(5), <i32>pk, keyDp(key), Lp + 1);
  toBytes(part(6), <i32>pk, keyDq(key), Lp + 1);
  toBytes(part(7), <i32>pk, keyQi(key), Lp);
  for (let i = 3; i < 8; i++) PART_LEN[i] = pk;

  // d = (1 + k phi) / e with phi = n - p - q + 1.
  wordsFromBytes(NW, part(0), k);
  wordsFromBytes(PW, part(3), pk);
  wordsFromBytes(QW, part(4), pk);
  subWords(NW, PW);
  subWords(NW, QW);
  mulAddWord(NW, 1, 1); // phi
  const r = modWord(NW, e);
  const kk = <u32>(<u64>e - invWord(r, <u64>e)); // in [1, e - 1]: r is invertible mod e
  memory.copy(TW, NW, WBYTES);
  mulAddWord(TW, kk, 1);
  divExactWord(DW, TW, e);
  bytesFromWords(part(2), DW, k);
  PART_LEN[2] = k;
  wipe(NW, WBYTES);
  wipe(PW, WBYTES);
  wipe(QW, WBYTES);
  wipe(TW, WBYTES);
  wipe(DW, WBYTES);

  // RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q, dp, dq, qi }
  let inner: usize = 3;
  for (let i = 0; i < 8; i++) inner += tlvSize(derUintLengthVartime(part(i), PART_LEN[i]));
  const algId: usize = 2 + 11 + 2; // SEQUENCE { OID rsaEncryption, NULL }
  const outerContent: usize = 3 + algId + tlvSize(tlvSize(inner));
  let p = writeHeader(out, TAG_SEQUENCE, outerContent);
  p = writeVersion(p, 0);
  p = writeHeader(p, TAG_SEQUENCE, 13);
  p = writeHeader(p, TAG_OID, 9);
  memory.copy(p, OID_RSA, 9);
  p += 9;
  p = writeHeader(p, TAG_NULL, 0);
  p = writeHeader(p, TAG_OCTET_STRING, tlvSize(inner));
  p = writeHeader(p, TAG_SEQUENCE, inner);
  p = writeVersion(p, 0);
  for (let i = 0; i < 8; i++) p = writeUintVartime(p, part(i), PART_LEN[i]);
  wipe(PARTS, 8 * MAX_BYTES);
  return p - out;
}

/** INTEGER v for a small v. */
export function writeVersion(p: usize, v: u8): usize {
  store<u8>(p, 0x02);
  store<u8>(p + 1, 1);
  store<u8>(p + 2, v);
  return p + 3;
}

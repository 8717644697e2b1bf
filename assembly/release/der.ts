// A minimal DER writer (X.690 §8.1, §10: definite, minimal lengths) over raw memory, for the PKCS#8
// keys that a release wraps. The caller computes every content length first and sizes the buffer;
// lengths here never exceed 64 KiB. Lengths are public (they follow from the key size), except the
// minimal length of each private INTEGER, which every DER encoder of PKCS#8 shows (see derUint).

export const TAG_INTEGER: u8 = 0x02;
export const TAG_BIT_STRING: u8 = 0x03;
export const TAG_OCTET_STRING: u8 = 0x04;
export const TAG_NULL: u8 = 0x05;
export const TAG_OID: u8 = 0x06;
export const TAG_SEQUENCE: u8 = 0x30;
export const TAG_CONTEXT_1: u8 = 0xa1;

/** Bytes of a TLV header for a value of len bytes. */
export function headerSize(len: usize): usize {
  if (len < 0x80) return 2;
  if (len < 0x100) return 3;
  return 4;
}

/** Bytes of a whole TLV whose value is len bytes. */
export function tlvSize(len: usize): usize {
  return headerSize(len) + len;
}

/** Writes tag and length at p; returns the pointer to the value. */
export function writeHeader(p: usize, tag: u8, len: usize): usize {
  store<u8>(p, tag);
  if (len < 0x80) {
    store<u8>(p + 1, <u8>len);
    return p + 2;
  }
  if (len < 0x100) {
    store<u8>(p + 1, 0x81);
    store<u8>(p + 2, <u8>len);
    return p + 3;
  }
  store<u8>(p + 1, 0x82);
  store<u8>(p + 2, <u8>(len >> 8));
  store<u8>(p + 3, <u8>len);
  return p + 4;
}

/** Writes a whole TLV with the len bytes at src as its value; returns the pointer after it. */
export function writeTlv(p: usize, tag: u8, src: usize, len: usize): usize {
  const v = writeHeader(p, tag, len);
  memory.copy(v, src, len);
  return v + len;
}

/**
 * The value length of a DER INTEGER for the unsigned big-endian number of len bytes at src:
 * leading zero bytes dropped, one 0x00 added when the top bit is set (X.690 §8.3.2). Variable time
 * in the number of leading zero bytes, which the encoding itself reveals (as in every PKCS#8 encoder;
 * the release wraps it, so only the target sees it).
 */
export function derUintLengthVartime(src: usize, len: usize): usize {
  let skip: usize = 0;
  while (skip + 1 < len && load<u8>(src + skip) == 0) skip++;
  const n = len - skip;
  return (load<u8>(src + skip) & 0x80) != 0 ? n + 1 : n;
}

/** Writes the DER INTEGER of the unsigned number of len bytes at src; returns the pointer after it. */
export function writeUintVartime(p: usize, src: usize, len: usize): usize {
  let skip: usize = 0;
  while (skip + 1 < len && load<u8>(src + skip) == 0) skip++;
  const n = len - skip;
  const pad = (load<u8>(src + skip) & 0x80) != 0;
  let v = writeHeader(p, TAG_INTEGER, pad ? n + 1 : n);
  if (pad) {
    store<u8>(v, 0);
    v++;
  }
  memory.copy(v, src + skip, n);
  return v + n;
}

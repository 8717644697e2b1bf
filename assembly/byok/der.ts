// A minimal DER reader (X.690 §8.1, definite lengths only) over raw memory, for PKCS#8.
// Every read is bounds-checked against `end`; a malformed encoding yields -1, never a trap.
// Structure lengths are not secret (they follow from the key size), so branching on them is fine.

// The last element read: tag, value pointer, value length.
export let derTag: u32 = 0;
export let derValue: usize = 0;
export let derLength: usize = 0;

export const TAG_INTEGER: u32 = 0x02;
export const TAG_BIT_STRING: u32 = 0x03;
export const TAG_OCTET_STRING: u32 = 0x04;
export const TAG_NULL: u32 = 0x05;
export const TAG_OID: u32 = 0x06;
export const TAG_SEQUENCE: u32 = 0x30;
export const TAG_CONTEXT_0: u32 = 0xa0;
export const TAG_CONTEXT_1: u32 = 0xa1;

/** Reads one TLV at p (before end). Sets derTag/derValue/derLength; returns the pointer after it, or 0. */
export function derRead(p: usize, end: usize): usize {
  if (p + 2 > end) return 0;
  const tag = <u32>load<u8>(p);
  if ((tag & 0x1f) == 0x1f) return 0; // high-tag-number form: never used by PKCS#8
  let first = <usize>load<u8>(p + 1);
  let q = p + 2;
  let len: usize = 0;
  if (first < 0x80) {
    len = first;
  } else {
    const n = first & 0x7f;
    if (n == 0 || n > 3 || q + n > end) return 0; // indefinite, or longer than 16 MiB
    for (let i: usize = 0; i < n; i++) len = (len << 8) | <usize>load<u8>(q + i);
    q += n;
    if (len < 0x80) return 0; // DER: minimal length encoding (X.690 §10.1)
  }
  if (len > end - q) return 0;
  derTag = tag;
  derValue = q;
  derLength = len;
  return q + len;
}

/** Reads a TLV that must carry `tag`. Returns the pointer after it, or 0. */
export function derExpect(p: usize, end: usize, tag: u32): usize {
  const next = derRead(p, end);
  if (next == 0 || derTag != tag) return 0;
  return next;
}

/** True if the last value read equals the len bytes at ref. */
export function derValueEquals(ref: usize, len: usize): bool {
  if (derLength != len) return false;
  for (let i: usize = 0; i < len; i++) if (load<u8>(derValue + i) != load<u8>(ref + i)) return false;
  return true;
}

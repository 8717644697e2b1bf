// Little-endian arrays of 32-bit words on raw memory: the representation of scalars
// (and of the 32-bit fields' elements). Callers size every buffer; nothing here checks.

/** o[0..L) = the big-endian integer src[0..len), len <= 4L; higher words zeroed. */
export function wordsFromBE(o: usize, L: i32, src: usize, len: i32): void {
  memory.fill(o, 0, <usize>(L << 2));
  for (let i = 0; i < len; i++) {
    const b = <u32>load<u8>(src + <usize>(len - 1 - i));
    const w = o + <usize>((i >> 2) << 2);
    store<u32>(w, load<u32>(w) | (b << (<u32>(i & 3) << 3)));
  }
}

/** dst[0..len) = the low 8 len bits of a, big-endian. */
export function wordsToBE(dst: usize, len: i32, a: usize): void {
  for (let i = 0; i < len; i++) {
    const w = load<u32>(a + <usize>((i >> 2) << 2));
    store<u8>(dst + <usize>(len - 1 - i), <u8>(w >> (<u32>(i & 3) << 3)));
  }
}

/** All ones if a < b, else 0. Constant time. */
export function wordsLtMask(a: usize, b: usize, L: i32): u32 {
  let d: i64 = 0;
  for (let i = 0; i < L; i++) {
    d += <i64>load<u32>(a + (<usize>i << 2)) - <i64>load<u32>(b + (<usize>i << 2));
    d >>= 32;
  }
  return <u32>d;
}

/** All ones if a == 0, else 0. Constant time. */
export function wordsZeroMask(a: usize, L: i32): u32 {
  let acc: u32 = 0;
  for (let i = 0; i < L; i++) acc |= load<u32>(a + (<usize>i << 2));
  return <u32>(<i32>(~acc & (acc - 1)) >> 31);
}

/** o = a - (b & mask) over L words; returns the borrow (0 or 1). Constant time. */
export function wordsSubMasked(o: usize, a: usize, b: usize, L: i32, mask: u32): u32 {
  let d: i64 = 0;
  for (let i = 0; i < L; i++) {
    const off = <usize>i << 2;
    d += <i64>load<u32>(a + off) - <i64>(load<u32>(b + off) & mask);
    store<u32>(o + off, <u32>d);
    d >>= 32;
  }
  return <u32>d & 1;
}

/** o = a + (b & mask) over L words; returns the carry. Constant time. */
export function wordsAddMasked(o: usize, a: usize, b: usize, L: i32, mask: u32): u32 {
  let c: u64 = 0;
  for (let i = 0; i < L; i++) {
    const off = <usize>i << 2;
    c += <u64>load<u32>(a + off) + <u64>(load<u32>(b + off) & mask);
    store<u32>(o + off, <u32>c);
    c >>= 32;
  }
  return <u32>c;
}

/** Sign of a - b (-1, 0, 1). Variable time: public data only. */
export function wordsCmpVartime(a: usize, b: usize, L: i32): i32 {
  for (let i = L - 1; i >= 0; i--) {
    const x = load<u32>(a + (<usize>i << 2));
    const y = load<u32>(b + (<usize>i << 2));
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** o = mask ? a : o, over len bytes (len a multiple of 8). Constant time. */
export function cmovBytes(o: usize, a: usize, len: usize, mask: u32): void {
  const m = <u64>mask | (<u64>mask << 32);
  for (let i: usize = 0; i < len; i += 8) {
    const x = load<u64>(o + i);
    store<u64>(o + i, x ^ ((x ^ load<u64>(a + i)) & m));
  }
}

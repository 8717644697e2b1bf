// Small helpers on raw linear memory. No bounds checks: callers check lengths first.

/** Overwrites len bytes at ptr with zeros. Used on every secret we are done with. */
export function wipe(ptr: usize, len: usize): void {
  memory.fill(ptr, 0, len);
}

/** Constant-time equality of two byte strings of the same length: 1 if equal, else 0. */
export function ctEqual(a: usize, b: usize, len: usize): i32 {
  let diff: u32 = 0;
  for (let i: usize = 0; i < len; i++) {
    diff |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  }
  // (diff - 1) >> 31 is 1 exactly when diff == 0, without a branch.
  return <i32>((diff - 1) >>> 31);
}

/** Constant-time: all-ones mask if x == 0, else 0. */
@inline
export function ctIsZeroMask(x: u32): u32 {
  return <u32>(<i32>(~x & (x - 1)) >> 31);
}

/** Constant-time: all-ones mask if a == b, else 0. */
@inline
export function ctEqMask(a: u32, b: u32): u32 {
  return ctIsZeroMask(a ^ b);
}

/** Constant-time select: mask ? a : b, where mask is all-ones or zero. */
@inline
export function ctSelect(mask: u32, a: u32, b: u32): u32 {
  return (a & mask) | (b & ~mask);
}

export function loadBe32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

export function storeBe32(p: usize, v: u32): void {
  store<u32>(p, bswap<u32>(v));
}

export function loadBe64(p: usize): u64 {
  return bswap<u64>(load<u64>(p));
}

export function storeBe64(p: usize, v: u64): void {
  store<u64>(p, bswap<u64>(v));
}

/** XORs len bytes of src into dst. */
export function xorInto(dst: usize, src: usize, len: usize): void {
  let i: usize = 0;
  for (; i + 8 <= len; i += 8) store<u64>(dst + i, load<u64>(dst + i) ^ load<u64>(src + i));
  for (; i < len; i++) store<u8>(dst + i, load<u8>(dst + i) ^ load<u8>(src + i));
}

/** Allocates len bytes of zeroed scratch in the core's own heap. Returns 0 on failure. */
export function allocZeroed(len: usize): usize {
  const p = heap.alloc(len);
  memory.fill(p, 0, len);
  return p;
}

/** Wipes and frees a block from allocZeroed. */
export function freeWiped(p: usize, len: usize): void {
  if (p == 0) return;
  wipe(p, len);
  heap.free(p);
}

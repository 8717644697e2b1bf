// The key slot table. A handle is an opaque positive i32:
//   bits 0..15  slot index
//   bits 16..30 generation (1..0x7FFF), bumped on every destroy
// so a handle that is stale, destroyed, forged or out of range is refused.
// Key material lives in the core's own heap; destroy wipes it before freeing.

import { ERR_CAPACITY, ERR_HANDLE, ERR_KEY_KIND } from "../status";
import { wipe } from "../mem";

export const MAX_SLOTS: i32 = 65536;
// A cap on all key material together, well below what wasm32 can address, so that running out of
// room is an ERR_CAPACITY and never a trap inside the allocator (which cannot report failure).
export const MAX_MATERIAL_BYTES: u64 = 512 << 20;
const GEN_MASK: u32 = 0x7fff;

// Parallel arrays, one entry per slot. gen 0 means "never used".
const slotGen = new StaticArray<u16>(MAX_SLOTS);
const slotKind = new StaticArray<u8>(MAX_SLOTS);   // 0 = free
const slotBits = new StaticArray<u32>(MAX_SLOTS);
const slotPtr = new StaticArray<usize>(MAX_SLOTS);
const slotLen = new StaticArray<u32>(MAX_SLOTS);
const slotFlags = new StaticArray<u8>(MAX_SLOTS);

// Slot flags. EXPORTABLE is PKCS#11's CKA_EXTRACTABLE: the key may leave the core wrapped for an
// attested target (release/). It can be set only while the key is FRESH, i.e. made or imported by
// this call sequence and never sealed; sealing clears FRESH and carries EXPORTABLE in the sealed
// header, and an unsealed key is never fresh. So exportability is fixed when a key is made.
export const FLAG_EXPORTABLE: u8 = 1;
export const FLAG_FRESH: u8 = 2;

// Free slots are found by a rotating cursor, so a freed index is not reused at
// once (a stale handle then usually points at an empty slot, not a new key).
let cursor: i32 = 0;
let used: i32 = 0;
let usedBytes: u64 = 0;

function makeHandle(index: i32, gen: u32): i32 {
  return <i32>((gen << 16) | <u32>index);
}

/**
 * Allocates a slot with `len` bytes of zeroed material. Returns the handle,
 * or ERR_CAPACITY. The caller fills the material through slotMaterial().
 */
export function slotAlloc(kind: u8, bits: u32, len: u32): i32 {
  if (used >= MAX_SLOTS) return ERR_CAPACITY;
  if (usedBytes + <u64>len > MAX_MATERIAL_BYTES) return ERR_CAPACITY;
  let i = cursor;
  while (unchecked(slotKind[i]) != 0) {
    i = (i + 1) & (MAX_SLOTS - 1);
  }
  cursor = (i + 1) & (MAX_SLOTS - 1);
  let gen = <u32>unchecked(slotGen[i]) + 1;
  if (gen > GEN_MASK) gen = 1;
  const p = heap.alloc(<usize>len);
  memory.fill(p, 0, <usize>len);
  unchecked((slotGen[i] = <u16>gen));
  unchecked((slotKind[i] = kind));
  unchecked((slotBits[i] = bits));
  unchecked((slotPtr[i] = p));
  unchecked((slotLen[i] = len));
  unchecked((slotFlags[i] = FLAG_FRESH));
  used++;
  usedBytes += <u64>len;
  return makeHandle(i, gen);
}

/** Returns the slot index for a live handle, or ERR_HANDLE. */
export function slotIndex(handle: i32): i32 {
  if (handle <= 0) return ERR_HANDLE;
  const index = handle & 0xffff;
  const gen = (<u32>handle >>> 16) & GEN_MASK;
  if (unchecked(slotKind[index]) == 0) return ERR_HANDLE;
  if (<u32>unchecked(slotGen[index]) != gen) return ERR_HANDLE;
  return index;
}

/** Returns the slot index for a live handle of the given kind, or an error. */
export function slotOfKind(handle: i32, kind: u8): i32 {
  const index = slotIndex(handle);
  if (index < 0) return index;
  if (unchecked(slotKind[index]) != kind) return ERR_KEY_KIND;
  return index;
}

export function slotKindAt(index: i32): u8 {
  return unchecked(slotKind[index]);
}

export function slotBitsAt(index: i32): u32 {
  return unchecked(slotBits[index]);
}

export function slotMaterial(index: i32): usize {
  return unchecked(slotPtr[index]);
}

export function slotMaterialLength(index: i32): u32 {
  return unchecked(slotLen[index]);
}

export function slotFlagsAt(index: i32): u8 {
  return unchecked(slotFlags[index]);
}

export function slotSetFlags(index: i32, flags: u8): void {
  unchecked((slotFlags[index] = flags));
}

/** Wipes and frees a live slot. Returns OK (0) or ERR_HANDLE. */
export function slotDestroy(handle: i32): i32 {
  const index = slotIndex(handle);
  if (index < 0) return index;
  const p = unchecked(slotPtr[index]);
  const len = unchecked(slotLen[index]);
  wipe(p, <usize>len);
  usedBytes -= <u64>len;
  heap.free(p);
  unchecked((slotKind[index] = 0));
  unchecked((slotBits[index] = 0));
  unchecked((slotPtr[index] = 0));
  unchecked((slotLen[index] = 0));
  unchecked((slotFlags[index] = 0));
  used--;
  return 0;
}

export function slotsInUse(): i32 {
  return used;
}

// Sealing: a slot's key material wrapped under a sealing key (KIND_SEAL) that never leaves the core
// in clear. A sealed key is
//   header (16): magic "WHS1" | kind u8 | layout u8 | flags u16 LE | bits u32 LE | material length u32 LE
//   then nonce (12) | AES-256-GCM(material) | tag (16), with the header as additional data,
// so kind, flags, size and length cannot be changed without the tag failing. flags carries the
// slot's EXPORTABLE bit (keys/slots.ts); blobs sealed before it existed have 0 there.
import { ERR_CAPACITY, ERR_KEY_KIND, ERR_LENGTH, ERR_UNSEAL, OK } from "../status";
import { KIND_RSA, KIND_SEAL } from "../keys/kinds";
import { expireBlinding } from "../rsa/private";
import { FLAG_EXPORTABLE, FLAG_FRESH, slotAlloc, slotBitsAt, slotDestroy, slotFlagsAt, slotIndex, slotKindAt, slotMaterial, slotMaterialLength, slotSetFlags } from "../keys/slots";
import { NONCE_LEN, TAG_LEN, aeadOpen, aeadSeal } from "./aead";
import { PURPOSE_SEAL, PURPOSE_SEAL_LEN } from "./purposes";

export const SEAL_HEADER_LEN: usize = 16;
export const SEAL_OVERHEAD: usize = SEAL_HEADER_LEN + NONCE_LEN + TAG_LEN;
const MAGIC: u32 = 0x31534857; // "WHS1" little-endian
// Bumped when a family changes the byte layout of its slot material.
const LAYOUT_VERSION: u8 = 1;
// No key material is larger than this (RSA-4096 with its precomputations fits well within it).
export const MAX_MATERIAL: u32 = 64 * 1024;

/** Seals the key `handle` under the sealing key `kek`; writes to out, returns the length. */
export function sealKey(kek: i32, handle: i32, out: usize): i32 {
  const k = slotIndex(kek);
  if (k < 0) return k;
  if (slotKindAt(k) != KIND_SEAL) return ERR_KEY_KIND;
  const i = slotIndex(handle);
  if (i < 0) return i;
  const kind = slotKindAt(i);
  if (kind == KIND_SEAL) return ERR_KEY_KIND; // sealing keys leave only through the domain export
  const len = slotMaterialLength(i);
  store<u32>(out, MAGIC);
  store<u8>(out + 4, kind);
  store<u8>(out + 5, LAYOUT_VERSION);
  const flags = slotFlagsAt(i);
  store<u16>(out + 6, <u16>(flags & FLAG_EXPORTABLE));
  store<u32>(out + 8, slotBitsAt(i));
  store<u32>(out + 12, len);
  const st = aeadSeal(slotMaterial(k), PURPOSE_SEAL, PURPOSE_SEAL_LEN, out, SEAL_HEADER_LEN, slotMaterial(i), <usize>len, out + SEAL_HEADER_LEN);
  if (st != OK) return st;
  slotSetFlags(i, flags & ~FLAG_FRESH); // once sealed, exportability is fixed
  return <i32>(SEAL_OVERHEAD + <usize>len);
}

/** Opens a sealed key of sealedLen bytes at p into a new slot; returns its handle. */
export function unsealKey(kek: i32, p: usize, sealedLen: usize): i32 {
  const k = slotIndex(kek);
  if (k < 0) return k;
  if (slotKindAt(k) != KIND_SEAL) return ERR_KEY_KIND;
  if (sealedLen < SEAL_OVERHEAD) return ERR_UNSEAL;
  if (load<u32>(p) != MAGIC || load<u8>(p + 5) != LAYOUT_VERSION) return ERR_UNSEAL;
  const kind = load<u8>(p + 4);
  const len = load<u32>(p + 12);
  if (len > MAX_MATERIAL || <usize>len != sealedLen - SEAL_OVERHEAD) return ERR_UNSEAL;
  if (kind == 0 || kind == KIND_SEAL) return ERR_UNSEAL;
  const flags = load<u16>(p + 6);
  if ((flags & ~(<u16>FLAG_EXPORTABLE)) != 0) return ERR_UNSEAL;
  const h = slotAlloc(kind, load<u32>(p + 8), len);
  if (h < 0) return h;
  const i = slotIndex(h);
  const st = aeadOpen(slotMaterial(k), PURPOSE_SEAL, PURPOSE_SEAL_LEN, p, SEAL_HEADER_LEN, p + SEAL_HEADER_LEN, sealedLen - SEAL_HEADER_LEN, slotMaterial(i));
  if (st != OK) {
    slotDestroy(h);
    return ERR_UNSEAL;
  }
  if (kind == KIND_RSA) expireBlinding(slotMaterial(i));
  slotSetFlags(i, <u8>flags); // never FRESH: a stored key's exportability cannot change
  return h;
}

export function checkSealedLength(len: u32): i32 {
  if (<usize>len < SEAL_OVERHEAD || len > MAX_MATERIAL + <u32>SEAL_OVERHEAD) return ERR_LENGTH;
  return OK;
}

export { ERR_CAPACITY };

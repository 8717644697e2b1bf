// oct keys in slots: the material is the expanded schedule only (schedule.ts); the raw key is not kept.
import { KIND_OCT } from "../keys/kinds";
import { slotAlloc, slotIndex, slotMaterial } from "../keys/slots";
import { AES_KS_SIZE, aesExpandKey } from "./schedule";

/** A new oct slot holding the schedule of the len-byte key at src (len 16, 24 or 32: the caller checks). */
export function octKeyFrom(src: usize, len: usize): i32 {
  const h = slotAlloc(KIND_OCT, <u32>(len << 3), <u32>AES_KS_SIZE);
  if (h >= 0) aesExpandKey(src, len, slotMaterial(slotIndex(h)));
  return h;
}

// Exports of exportable keys and key release (assembly/release, keys/slots.ts flags).
import { ioOut } from "../io";
import { ERR_KEY_KIND, ERR_PARAM } from "../status";
import { FLAG_EXPORTABLE, FLAG_FRESH, slotFlagsAt, slotIndex, slotKindAt, slotSetFlags } from "../keys/slots";
import { KIND_EC, KIND_OCT, KIND_RSA } from "../keys/kinds";
import { isExportable, releaseKey } from "../release/release";

/**
 * Makes a key exportable (PKCS#11 CKA_EXTRACTABLE). Allowed only for a private key that was just
 * made or imported and never sealed: exportability is fixed when a key is made. ERR_PARAM otherwise.
 */
export function key_make_exportable(handle: i32): i32 {
  const i = slotIndex(handle);
  if (i < 0) return i;
  const kind = slotKindAt(i);
  if (kind != KIND_OCT && kind != KIND_RSA && kind != KIND_EC) return ERR_KEY_KIND;
  const flags = slotFlagsAt(i);
  if ((flags & FLAG_FRESH) == 0) return ERR_PARAM;
  slotSetFlags(i, flags | FLAG_EXPORTABLE);
  return 0;
}

/** 1 if the key is exportable, 0 if not. */
export function key_exportable(handle: i32): i32 {
  return isExportable(handle);
}

/**
 * OUT = RSA-OAEP(target, ephemeral AES-256 key) ‖ AES-KWP(key as PKCS#8, or raw for oct), for the
 * exportable key `handle` and the RSA key `target` (public or private). enc: 1 CKM_RSA_AES_KEY_WRAP
 * (OAEP SHA-1), 2 RSA_AES_KEY_WRAP_256, 3 RSA_AES_KEY_WRAP_384. ERR_NOT_EXPORTABLE for any other key.
 */
export function key_release(handle: i32, target: i32, enc: i32): i32 {
  return releaseKey(handle, target, enc, ioOut());
}

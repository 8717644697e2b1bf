// Export of BYOK import (assembly/byok).
import { IO_CAPACITY, ioIn } from "../io";
import { ERR_LENGTH } from "../status";
import { importTransfer } from "../byok/transfer";
import { clearRefusal } from "../keys/refusals";

/**
 * IN = the transfer blob's ciphertext (len bytes). kind: 1 oct, 2 RSA, 3 EC (keys/kinds.ts);
 * curve: the EC curve id (ec/ids.ts) for EC, else 0. Returns the handle of the imported key; a key
 * that the transfer holds but that is not valid is ERR_KEY_INVALID, its reason kept for key_refusal().
 */
export function byok_import(kek: i32, kind: i32, curve: i32, len: u32): i32 {
  clearRefusal();
  if (len > IO_CAPACITY) return ERR_LENGTH;
  return importTransfer(kek, kind, curve, ioIn(), <usize>len);
}

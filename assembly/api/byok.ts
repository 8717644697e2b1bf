// Export of BYOK import (assembly/byok).
import { IO_CAPACITY, ioIn } from "../io";
import { ERR_LENGTH } from "../status";
import { importTransfer } from "../byok/transfer";

/**
 * IN = the transfer blob's ciphertext (len bytes). kind: 1 oct, 2 RSA, 3 EC (keys/kinds.ts);
 * curve: the EC curve id (ec/ids.ts) for EC, else 0. Returns the handle of the imported key.
 */
export function byok_import(kek: i32, kind: i32, curve: i32, len: u32): i32 {
  if (len > IO_CAPACITY) return ERR_LENGTH;
  return importTransfer(kek, kind, curve, ioIn(), <usize>len);
}

// Backups of any size: AES-256-GCM in pieces under the domain's backup subkey (seal/stream.ts),
// through the fixed I/O buffers. Same format as backup_encrypt / backup_decrypt (api/seal.ts):
// nonce (12) ‖ ciphertext ‖ tag (16), the header as additional data.
import { IO_CAPACITY, ioIn, ioOut } from "../io";
import { ERR_KEY_KIND, ERR_LENGTH, OK } from "../status";
import { wipe } from "../mem";
import { KIND_SEAL } from "../keys/kinds";
import { slotIndex, slotKindAt, slotMaterial } from "../keys/slots";
import { PURPOSE_BACKUP, PURPOSE_BACKUP_LEN } from "../seal/purposes";
import { NONCE_LEN, TAG_LEN } from "../seal/aead";
import { STREAM_OPEN, STREAM_SEAL, streamBegin, streamFinal, streamMode, streamReset, streamUpdate } from "../seal/stream";

/**
 * Starts a backup stream under the sealing key kek. sealing = 1: IN = aad; OUT = the nonce;
 * returns 12. sealing = 0: IN = aad ‖ nonce (12); returns 0. Any stream in progress is dropped.
 */
export function backup_stream_begin(kek: i32, sealing: i32, aadLen: u32): i32 {
  streamReset();
  const k = slotIndex(kek);
  if (k < 0) return k;
  if (slotKindAt(k) != KIND_SEAL) return ERR_KEY_KIND;
  if (aadLen > IO_CAPACITY - <u32>NONCE_LEN) return ERR_LENGTH;
  const aad = ioIn();
  if (sealing != 0) {
    const st = streamBegin(true, slotMaterial(k), PURPOSE_BACKUP, PURPOSE_BACKUP_LEN, ioOut(), aad, <usize>aadLen);
    return st != OK ? st : <i32>NONCE_LEN;
  }
  return streamBegin(false, slotMaterial(k), PURPOSE_BACKUP, PURPOSE_BACKUP_LEN, aad + <usize>aadLen, aad, <usize>aadLen);
}

/** IN = len bytes (a whole number of 16-byte blocks); OUT = them encrypted or decrypted. Returns len. */
export function backup_stream_update(len: u32): i32 {
  if (len > IO_CAPACITY || (len & 15) != 0) return ERR_LENGTH;
  const st = streamUpdate(ioIn(), ioOut(), <usize>len);
  return st != OK ? st : <i32>len;
}

/**
 * Sealing: IN = the last piece (len bytes); OUT = it encrypted ‖ tag; returns len + 16.
 * Opening: IN = the last piece ‖ tag (len >= 16); OUT = the piece decrypted; returns len - 16, or
 * ERR_DECRYPT (OUT wiped) when the whole stream is not authentic.
 */
export function backup_stream_final(len: u32): i32 {
  const mode = streamMode();
  if (len > IO_CAPACITY) return ERR_LENGTH;
  if (mode == STREAM_SEAL) {
    let st = streamUpdate(ioIn(), ioOut(), <usize>len);
    if (st == OK) st = streamFinal(ioOut() + <usize>len);
    return st != OK ? st : <i32>(len + <u32>TAG_LEN);
  }
  if (mode == STREAM_OPEN) {
    if (len < <u32>TAG_LEN) {
      streamReset();
      return ERR_LENGTH;
    }
    const n = <usize>len - TAG_LEN;
    let st = streamUpdate(ioIn(), ioOut(), n);
    if (st == OK) st = streamFinal(ioIn() + n);
    if (st != OK) {
      wipe(ioOut(), n);
      return st;
    }
    return <i32>n;
  }
  return streamFinal(0); // ERR_PARAM: no stream
}

// Backup encryption in pieces (assembly/api/backup-stream.ts), so that a backup of any size passes
// through the core's fixed I/O buffers. Output: nonce (12) ‖ ciphertext ‖ tag (16), as before.
import type { Core } from "./core.js";
import { HsmError } from "./status.js";

const NONCE = 12;
const TAG = 16;

/** The largest piece per call: a whole number of 16-byte blocks that fits IN. */
function pieceSize(core: Core): number {
  return Math.floor(Math.min(core.capacity, 1 << 19) / 16) * 16;
}

export function backupEncryptStream(core: Core, kek: number, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  core.reseed();
  core.write(aad);
  core.call("backup_stream_begin", "backupEncrypt", kek, 1, aad.length);
  const out = new Uint8Array(NONCE + plaintext.length + TAG);
  out.set(core.read(NONCE));
  const piece = pieceSize(core);
  let at = 0;
  while (plaintext.length - at > piece) {
    core.write(plaintext.subarray(at, at + piece));
    out.set(core.read(core.call("backup_stream_update", "backupEncrypt", piece)), NONCE + at);
    at += piece;
  }
  const last = plaintext.subarray(at);
  core.write(last);
  out.set(core.read(core.call("backup_stream_final", "backupEncrypt", last.length)), NONCE + at);
  return out;
}

/** Opens nonce ‖ ciphertext ‖ tag; DECRYPT_FAILED (and nothing returned) unless the whole is authentic. */
export function backupDecryptStream(core: Core, kek: number, aad: Uint8Array, blob: Uint8Array): Uint8Array {
  if (blob.length < NONCE + TAG) throw new HsmError("DECRYPT_FAILED", "backupDecrypt: the blob is too short");
  core.writeAll(aad, blob.subarray(0, NONCE));
  core.call("backup_stream_begin", "backupDecrypt", kek, 0, aad.length);
  const body = blob.subarray(NONCE);
  const out = new Uint8Array(body.length - TAG);
  const piece = pieceSize(core);
  let at = 0;
  try {
    while (body.length - TAG - at > piece) {
      core.write(body.subarray(at, at + piece));
      out.set(core.read(core.call("backup_stream_update", "backupDecrypt", piece)), at);
      at += piece;
    }
    const last = body.subarray(at);
    core.write(last);
    out.set(core.read(core.call("backup_stream_final", "backupDecrypt", last.length)), at);
    return out;
  } catch (e) {
    out.fill(0); // plaintext read before the tag was checked is not released
    throw e;
  }
}

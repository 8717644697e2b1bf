// The AEAD under every sealed object: AES-256-GCM with a 96-bit random nonce (SP 800-38D §8.2.2),
// keyed by a subkey that HKDF-SHA-256 derives from the sealing key for one purpose.
import { AES_KS_SIZE, aesExpandKey } from "../aes/aes";
import { gcmOpen, gcmSeal } from "../aes/gcm";
import { hkdfSha256 } from "../hash/hkdf";
import { drbgGenerate } from "../rand/drbg";
import { wipe } from "../mem";
import { OK } from "../status";

export const NONCE_LEN: usize = 12;
export const TAG_LEN: usize = 16;

const subkey = memory.data(32, 16);
const schedule = memory.data(<i32>AES_KS_SIZE, 16);

function keyFor(kek: usize, purpose: usize, purposeLen: usize): void {
  hkdfSha256(kek, 32, 0, 0, purpose, purposeLen, subkey, 32);
  aesExpandKey(subkey, 32, schedule);
  wipe(subkey, 32);
}

/** out = nonce ‖ ciphertext ‖ tag. Returns OK or the DRBG's status. */
export function aeadSeal(kek: usize, purpose: usize, purposeLen: usize, aad: usize, aadLen: usize, pt: usize, ptLen: usize, out: usize): i32 {
  const st = drbgGenerate(out, NONCE_LEN);
  if (st != OK) return st;
  keyFor(kek, purpose, purposeLen);
  gcmSeal(schedule, out, aad, aadLen, pt, ptLen, out + NONCE_LEN);
  wipe(schedule, AES_KS_SIZE);
  return OK;
}

/** Opens nonce ‖ ciphertext ‖ tag (sealedLen bytes) into out. Returns OK or ERR_DECRYPT. */
export function aeadOpen(kek: usize, purpose: usize, purposeLen: usize, aad: usize, aadLen: usize, sealed: usize, sealedLen: usize, out: usize): i32 {
  keyFor(kek, purpose, purposeLen);
  const ctLen = sealedLen - NONCE_LEN - TAG_LEN;
  const st = gcmOpen(schedule, sealed, aad, aadLen, sealed + NONCE_LEN, ctLen, sealed + NONCE_LEN + ctLen, out);
  wipe(schedule, AES_KS_SIZE);
  return st;
}

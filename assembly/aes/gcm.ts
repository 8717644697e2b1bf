// AES-GCM (NIST SP 800-38D) with a 96-bit IV and a 128-bit tag, the only sizes this HSM uses
// (Key Vault makes 96-bit IVs and 128-bit tags). For use by other core modules (seal/, BYOK) and
// by api/aes.ts. Source and destination may be the same buffer, but must not overlap otherwise.
import { AES_PAR, aesEncryptBlocks, aesWipeScratch } from "./block";
import { GHASH_CTX_SIZE, ghashFinish, ghashInit, ghashPadded } from "./ghash";
import { ctEqual, wipe, xorInto } from "../mem";
import { ERR_DECRYPT, OK } from "../status";

export const GCM_IV_SIZE: usize = 12;
export const GCM_TAG_SIZE: usize = 16;

const ctx = memory.data(<i32>GHASH_CTX_SIZE, 16);
// Two blocks: H = E(0^128) and E(J0), the tag mask.
const hj = memory.data(32, 16);
// Counter blocks, then keystream, for AES_PAR blocks.
const stream = memory.data(64, 16);
const expected = memory.data(16, 16);

/** H, E(J0) and the GHASH context for this key and IV (§7.1 steps 1-2; J0 = IV ‖ 0^31 ‖ 1 for a 96-bit IV). */
function setup(ks: usize, iv: usize): void {
  memory.fill(hj, 0, 32);
  memory.copy(hj + 16, iv, 12);
  store<u8>(hj + 31, 1);
  aesEncryptBlocks(ks, hj, hj, 2);
  ghashInit(ctx, hj);
}

/** GCTR (§6.5) from inc32(J0): dst = src ^ keystream, len bytes. */
function gctr(ks: usize, iv: usize, src: usize, dst: usize, len: usize): void {
  let counter: u32 = 2;
  while (len > 0) {
    let n = <i32>((len + 15) >> 4);
    if (n > AES_PAR) n = AES_PAR;
    for (let b = 0; b < n; b++) {
      const cb = stream + (<usize>b << 4);
      memory.copy(cb, iv, 12);
      store<u32>(cb + 12, bswap<u32>(counter));
      counter++; // inc32: modulo 2^32 (cannot wrap here: at most 2^16 blocks per call)
    }
    aesEncryptBlocks(ks, stream, stream, n);
    const take = min(len, <usize>n << 4);
    if (dst != src) memory.copy(dst, src, take);
    xorInto(dst, stream, take);
    src += take;
    dst += take;
    len -= take;
  }
}

function wipeState(): void {
  wipe(hj, 32);
  wipe(stream, 64);
  wipe(expected, 16);
  wipe(ctx, GHASH_CTX_SIZE);
  aesWipeScratch();
}

/**
 * Authenticated encryption (§7.1): writes ct (ptLen bytes) ‖ tag (16 bytes) to out.
 * ks: schedule (schedule.ts); iv: 12 bytes; out may be pt.
 */
export function gcmSeal(ks: usize, iv: usize, aad: usize, aadLen: usize, pt: usize, ptLen: usize, out: usize): void {
  setup(ks, iv);
  gctr(ks, iv, pt, out, ptLen);
  ghashPadded(ctx, aad, aadLen);
  ghashPadded(ctx, out, ptLen);
  const tag = out + ptLen;
  ghashFinish(ctx, aadLen, ptLen, tag);
  xorInto(tag, hj + 16, 16);
  wipeState();
}

/**
 * Authenticated decryption (§7.2): checks the 16-byte tag in constant time first, and only then
 * writes the plaintext (ctLen bytes) to out. Returns OK, or ERR_DECRYPT with out wiped.
 * out may be ct.
 */
export function gcmOpen(ks: usize, iv: usize, aad: usize, aadLen: usize, ct: usize, ctLen: usize, tag: usize, out: usize): i32 {
  setup(ks, iv);
  ghashPadded(ctx, aad, aadLen);
  ghashPadded(ctx, ct, ctLen);
  ghashFinish(ctx, aadLen, ctLen, expected);
  xorInto(expected, hj + 16, 16);
  const ok = ctEqual(expected, tag, 16);
  if (ok == 1) {
    gctr(ks, iv, ct, out, ctLen);
    wipeState();
    return OK;
  }
  wipe(out, ctLen);
  wipeState();
  return ERR_DECRYPT;
}

// AES-256-GCM in pieces, for backups of any size (SP 800-38D, the same construction and key as
// aead.ts's one-shot aeadSeal/aeadOpen under PURPOSE_BACKUP, so both read each other's output):
// begin (key, nonce, AAD), any number of updates of whole 16-byte blocks, then final with the last
// piece and the tag. One stream at a time: the host calls the three in sequence, synchronously.
// Opening returns plaintext before the tag is checked at final; the backup payload holds only
// sealed material and metadata the host wrote itself, and the host discards it unless final says OK.
import { AES_KS_SIZE, aesExpandKey } from "../aes/schedule";
import { AES_PAR, aesEncryptBlocks, aesWipeScratch } from "../aes/block";
import { GHASH_CTX_SIZE, ghashFinish, ghashInit, ghashPadded } from "../aes/ghash";
import { hkdfSha256 } from "../hash/hkdf";
import { drbgGenerate } from "../rand/drbg";
import { ctEqual, wipe, xorInto } from "../mem";
import { ERR_DECRYPT, ERR_PARAM, OK } from "../status";
import { NONCE_LEN, TAG_LEN } from "./aead";

export const STREAM_IDLE: i32 = 0;
export const STREAM_SEAL: i32 = 1;
export const STREAM_OPEN: i32 = 2;

let mode: i32 = STREAM_IDLE;
let counter: u32 = 2;
let aadTotal: usize = 0;
let ctTotal: usize = 0;

const subkey = memory.data(32, 16);
const ks = memory.data(<i32>AES_KS_SIZE, 16);
const ctx = memory.data(<i32>GHASH_CTX_SIZE, 16);
const hj = memory.data(32, 16); // H = E(0^128), then E(J0)
const iv = memory.data(12, 16);
const blocks = memory.data(64, 16);
const expected = memory.data(16, 16);

export function streamMode(): i32 {
  return mode;
}

/** Starts a stream under the purpose subkey of the 32-byte domain key at kek. nonce: 12 bytes (written when sealing). */
export function streamBegin(sealing: bool, kek: usize, purpose: usize, purposeLen: usize, nonce: usize, aad: usize, aadLen: usize): i32 {
  if (sealing) {
    const st = drbgGenerate(nonce, NONCE_LEN);
    if (st != OK) return st;
  }
  hkdfSha256(kek, 32, 0, 0, purpose, purposeLen, subkey, 32);
  aesExpandKey(subkey, 32, ks);
  wipe(subkey, 32);
  memory.copy(iv, nonce, 12);
  memory.fill(hj, 0, 32);
  memory.copy(hj + 16, iv, 12);
  store<u8>(hj + 31, 1);
  aesEncryptBlocks(ks, hj, hj, 2);
  ghashInit(ctx, hj);
  ghashPadded(ctx, aad, aadLen);
  aadTotal = aadLen;
  ctTotal = 0;
  counter = 2;
  mode = sealing ? STREAM_SEAL : STREAM_OPEN;
  return OK;
}

/** GCTR from the running counter: dst = src ^ keystream, len bytes. */
function gctr(src: usize, dst: usize, len: usize): void {
  while (len > 0) {
    let n = <i32>((len + 15) >> 4);
    if (n > AES_PAR) n = AES_PAR;
    for (let b = 0; b < n; b++) {
      const cb = blocks + (<usize>b << 4);
      memory.copy(cb, iv, 12);
      store<u32>(cb + 12, bswap<u32>(counter));
      counter++; // inc32; a stream is refused long before 2^32 blocks (see streamUpdate)
    }
    aesEncryptBlocks(ks, blocks, blocks, n);
    const take = min(len, <usize>n << 4);
    if (dst != src) memory.copy(dst, src, take);
    xorInto(dst, blocks, take);
    src += take;
    dst += take;
    len -= take;
  }
}

/** Processes len bytes (a multiple of 16 unless last) from src to dst. */
export function streamUpdate(src: usize, dst: usize, len: usize): i32 {
  if (mode == STREAM_IDLE) return ERR_PARAM;
  // SP 800-38D §5.2.1.1: at most 2^39 - 256 bits of plaintext; we stop far below, at 2^31 bytes.
  if (len > (<usize>0x7fffffff) - ctTotal) return ERR_PARAM;
  if (mode == STREAM_SEAL) {
    gctr(src, dst, len);
    ghashPadded(ctx, dst, len);
  } else {
    ghashPadded(ctx, src, len);
    gctr(src, dst, len);
  }
  ctTotal += len;
  return OK;
}

/** Ends the stream. Sealing: writes the tag to tagOut. Opening: checks the tag at tagIn; OK or ERR_DECRYPT. */
export function streamFinal(tag: usize): i32 {
  if (mode == STREAM_IDLE) return ERR_PARAM;
  ghashFinish(ctx, aadTotal, ctTotal, expected);
  xorInto(expected, hj + 16, 16);
  let st = OK;
  if (mode == STREAM_SEAL) memory.copy(tag, expected, TAG_LEN);
  else if (ctEqual(expected, tag, TAG_LEN) != 1) st = ERR_DECRYPT;
  streamReset();
  return st;
}

/** Forgets any stream in progress and wipes its state. */
export function streamReset(): void {
  mode = STREAM_IDLE;
  wipe(ks, AES_KS_SIZE);
  wipe(ctx, GHASH_CTX_SIZE);
  wipe(hj, 32);
  wipe(iv, 12);
  wipe(blocks, 64);
  wipe(expected, 16);
  aesWipeScratch();
}

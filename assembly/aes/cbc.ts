// AES-CBC (NIST SP 800-38A §6.2), without padding and with PKCS#7 padding (RFC 5652 §6.3),
// Key Vault's A*CBC and A*CBCPAD. Encryption is sequential (one block at a time, on the
// vector-permute AES of vperm.ts); decryption runs AES_PAR blocks at once (bitsliced, block.ts).
// The padding check runs in constant time and every failure is ERR_DECRYPT.
// Source and destination may be the same buffer, but must not overlap otherwise.
import { AES_PAR, aesDecryptBlocks, aesWipeScratch } from "./block";
import { aesRounds } from "./schedule";
import { VK, vpermEncryptBlock, vpermKeysEnc, vpermWipe } from "./vperm";
import { ctEqMask, wipe, xorInto } from "../mem";
import { ERR_DECRYPT } from "../status";

const chain = memory.data(16, 16);
const next = memory.data(16, 16);
const work = memory.data(64, 16);

function encryptBlocks(ks: usize, src: usize, dst: usize, blocks: usize): void {
  const nr = aesRounds(ks);
  vpermKeysEnc(ks, nr);
  let c = v128.load(chain);
  for (let i: usize = 0; i < blocks; i++) {
    c = vpermEncryptBlock(v128.xor(c, v128.load(src + (i << 4))), VK, nr);
    v128.store(dst + (i << 4), c);
  }
  v128.store(chain, c);
  vpermWipe();
}

/** CBC encryption of len bytes (a multiple of 16: the caller checks) from src to dst, IV at iv. */
export function cbcEncrypt(ks: usize, iv: usize, src: usize, len: usize, dst: usize): void {
  memory.copy(chain, iv, 16);
  encryptBlocks(ks, src, dst, len >> 4);
  wipe(chain, 16);
  aesWipeScratch();
}

/** CBC decryption of len bytes (a multiple of 16: the caller checks) from src to dst, IV at iv. */
export function cbcDecrypt(ks: usize, iv: usize, src: usize, len: usize, dst: usize): void {
  memory.copy(chain, iv, 16);
  let blocks = len >> 4;
  while (blocks > 0) {
    const n = <i32>min(blocks, <usize>AES_PAR);
    const bytes = <usize>n << 4;
    aesDecryptBlocks(ks, src, work, n);
    // P_i = D(C_i) ^ C_(i-1); all C are read before dst (possibly = src) is written.
    xorInto(work, chain, 16);
    if (n > 1) xorInto(work + 16, src, bytes - 16);
    memory.copy(next, src + bytes - 16, 16);
    memory.copy(dst, work, bytes);
    memory.copy(chain, next, 16);
    src += bytes;
    dst += bytes;
    blocks -= <usize>n;
  }
  wipe(work, 64);
  wipe(chain, 16);
  wipe(next, 16);
  aesWipeScratch();
}

/** CBC with PKCS#7 padding: len bytes from src to dst (len + 1..16 bytes). Returns the output length. */
export function cbcPkcs7Encrypt(ks: usize, iv: usize, src: usize, len: usize, dst: usize): i32 {
  const whole = len >> 4;
  const rest = len & 15;
  const pad: usize = 16 - rest;
  memory.copy(chain, iv, 16);
  encryptBlocks(ks, src, dst, whole);
  memory.copy(work, src + (whole << 4), rest);
  memory.fill(work + rest, <u8>pad, pad);
  encryptBlocks(ks, work, dst + (whole << 4), 1);
  wipe(work, 16);
  wipe(chain, 16);
  aesWipeScratch();
  return <i32>(len + pad);
}

/**
 * CBC decryption and PKCS#7 unpadding: len bytes (a positive multiple of 16: the caller checks)
 * from src to dst. Returns the plaintext length, or ERR_DECRYPT with the len bytes at dst wiped.
 * The last byte p must be 1..16 and the last p bytes must all equal p; all 16 final bytes are
 * examined whatever p is.
 */
export function cbcPkcs7Decrypt(ks: usize, iv: usize, src: usize, len: usize, dst: usize): i32 {
  cbcDecrypt(ks, iv, src, len, dst);
  const last = dst + len - 16;
  const p = <u32>load<u8>(last + 15);
  // ok: p != 0 and p <= 16.
  let ok: u32 = ~ctEqMask(p, 0) & <u32>(<i32>(p - 17) >> 31);
  for (let i: u32 = 0; i < 16; i++) {
    // Byte i is padding when 16 - i <= p, i.e. p - (16 - i) >= 0.
    const isPad = ~<u32>(<i32>(p - (16 - i)) >> 31);
    const b = <u32>load<u8>(last + i);
    ok &= ~isPad | ctEqMask(b, p);
  }
  if (ok == 0) {
    wipe(dst, len);
    return ERR_DECRYPT;
  }
  return <i32>(len - p);
}

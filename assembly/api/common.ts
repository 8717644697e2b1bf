// Exports shared by every key family: I/O buffers, randomness, hashing, key slot lifecycle.
// Every export checks all lengths, ranges and handles before doing any work.
import { IO_CAPACITY, IO_OUT_CAPACITY, ioIn, ioOut } from "../io";
import { ERR_ALG, ERR_LENGTH, OK } from "../status";
import { drbgGenerate, drbgSeed } from "../rand/drbg";
import { hashOnce } from "../hash/hash";
import { HMAC_CTX_SIZE, hmacFinal, hmacInit, hmacUpdate } from "../hash/hmac";
import { hashLength, isHash } from "../hash/ids";
import { hkdfSha256 } from "../hash/hkdf";
import { slotBitsAt, slotDestroy, slotIndex, slotKindAt, slotsInUse } from "../keys/slots";
import { lastRefusal } from "../keys/refusals";

export function io_in(): usize {
  return ioIn();
}

export function io_out(): usize {
  return ioOut();
}

export function io_capacity(): u32 {
  return IO_CAPACITY;
}

export function io_out_capacity(): u32 {
  return IO_OUT_CAPACITY;
}

/** Seeds or reseeds the DRBG with len bytes of host entropy from IN. */
export function rand_seed(len: u32): i32 {
  if (len > IO_CAPACITY) return ERR_LENGTH;
  return drbgSeed(ioIn(), <usize>len);
}

/** Writes len random bytes to OUT. Returns len. */
export function rand_bytes(len: u32): i32 {
  if (len > IO_CAPACITY) return ERR_LENGTH;
  const st = drbgGenerate(ioOut(), <usize>len);
  return st < 0 ? st : <i32>len;
}

/** Hashes len bytes of IN; the digest goes to OUT. Returns the digest length. */
export function hash(alg: i32, len: u32): i32 {
  if (!isHash(alg)) return ERR_ALG;
  if (len > IO_CAPACITY) return ERR_LENGTH;
  hashOnce(alg, ioIn(), <usize>len, ioOut());
  return hashLength(alg);
}

const hmacCtx = memory.data(<i32>HMAC_CTX_SIZE, 16);

/** HMAC of IN[keyLen..keyLen+msgLen) under the key IN[0..keyLen). Tag to OUT. */
export function hmac(alg: i32, keyLen: u32, msgLen: u32): i32 {
  if (!isHash(alg)) return ERR_ALG;
  if (keyLen > IO_CAPACITY || msgLen > IO_CAPACITY - keyLen) return ERR_LENGTH;
  hmacInit(hmacCtx, alg, ioIn(), <usize>keyLen);
  hmacUpdate(hmacCtx, ioIn() + <usize>keyLen, <usize>msgLen);
  hmacFinal(hmacCtx, ioOut());
  return hashLength(alg);
}

/** HKDF-SHA-256 (RFC 5869) of IN = ikm ‖ salt ‖ info; outLen bytes to OUT. Public inputs only. */
export function hkdf_sha256(ikmLen: u32, saltLen: u32, infoLen: u32, outLen: u32): i32 {
  if (ikmLen > IO_CAPACITY || saltLen > IO_CAPACITY - ikmLen || infoLen > IO_CAPACITY - ikmLen - saltLen) return ERR_LENGTH;
  if (outLen > 255 * 32) return ERR_LENGTH;
  const p = ioIn();
  hkdfSha256(p, <usize>ikmLen, p + <usize>ikmLen, <usize>saltLen, p + <usize>ikmLen + <usize>saltLen, <usize>infoLen, ioOut(), <usize>outLen);
  return <i32>outLen;
}

/** Wipes a key and frees its slot. */
export function key_destroy(handle: i32): i32 {
  return slotDestroy(handle);
}

/** (kind << 16) | bits for a live handle, or an error. */
export function key_info(handle: i32): i32 {
  const index = slotIndex(handle);
  if (index < 0) return index;
  return (<i32>slotKindAt(index) << 16) | <i32>(slotBitsAt(index) & 0xffff);
}

/**
 * Why the last import (rsa_import, rsa_import_public, ec_import_*, byok_import) was refused:
 * reason | (argument << 8), reasons in keys/refusals.ts; 0 if it was not refused for its material.
 */
export function key_refusal(): i32 {
  return lastRefusal();
}

export function key_count(): i32 {
  return slotsInUse();
}

export function status_ok(): i32 {
  return OK;
}

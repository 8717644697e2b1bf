// HMAC (RFC 2104, FIPS 198-1) over the streaming hashes.
import { HASH_CTX_SIZE, hashAlgOf, hashFinal, hashInit, hashOnce, hashUpdate } from "./hash";
import { hashBlockLength, hashLength } from "./ids";
import { wipe } from "../mem";

// Context layout: inner hash ctx | outer hash ctx
export const HMAC_CTX_SIZE: usize = 2 * HASH_CTX_SIZE;

const pad = memory.data(128, 16);
const innerDigest = memory.data(64, 16);

/** Starts HMAC with the given key. Keys longer than a block are hashed first (RFC 2104 §2). */
export function hmacInit(ctx: usize, alg: i32, key: usize, keyLen: usize): void {
  const bl = <usize>hashBlockLength(alg);
  memory.fill(pad, 0, bl);
  if (keyLen > bl) hashOnce(alg, key, keyLen, pad);
  else memory.copy(pad, key, keyLen);
  for (let i: usize = 0; i < bl; i++) store<u8>(pad + i, load<u8>(pad + i) ^ 0x36);
  hashInit(ctx, alg);
  hashUpdate(ctx, pad, bl);
  // 0x36 ^ 0x5c = 0x6a turns ipad into opad.
  for (let i: usize = 0; i < bl; i++) store<u8>(pad + i, load<u8>(pad + i) ^ 0x6a);
  hashInit(ctx + HASH_CTX_SIZE, alg);
  hashUpdate(ctx + HASH_CTX_SIZE, pad, bl);
  wipe(pad, 128);
}

// A precomputed key: the inner and outer hash states after absorbing K ^ ipad and K ^ opad
// (RFC 2104 §4, "Implementation note"; FIPS 198-1 §6 allows storing these intermediate values).
// Laid out as an HMAC context whose hashes hold whole blocks only, so that starting a MAC is a copy.
// It is as secret as the key: its owner wipes it.
export const HMAC_KEY_SIZE: usize = HMAC_CTX_SIZE;

/** Precomputes keyCtx (HMAC_KEY_SIZE bytes) for the key of keyLen bytes at key. */
export function hmacKeyInit(keyCtx: usize, alg: i32, key: usize, keyLen: usize): void {
  hmacInit(keyCtx, alg, key, keyLen);
}

/** Starts a MAC in ctx under the key precomputed by hmacKeyInit; keyCtx stays usable. */
export function hmacInitFromKey(ctx: usize, keyCtx: usize): void {
  memory.copy(ctx, keyCtx, HMAC_CTX_SIZE);
}

export function hmacUpdate(ctx: usize, p: usize, len: usize): void {
  hashUpdate(ctx, p, len);
}

/** Writes the tag to out and wipes the context. */
export function hmacFinal(ctx: usize, out: usize): void {
  const alg = hashAlgOf(ctx);
  const hl = <usize>hashLength(alg);
  hashFinal(ctx, innerDigest);
  hashUpdate(ctx + HASH_CTX_SIZE, innerDigest, hl);
  hashFinal(ctx + HASH_CTX_SIZE, out);
  wipe(innerDigest, 64);
}

// Test-only export of HMAC with a precomputed key (hash/hmac.ts), checked against node:crypto.
import { IO_CAPACITY, ioIn, ioOut } from "../io";
import { ERR_ALG, ERR_LENGTH } from "../status";
import { HMAC_CTX_SIZE, HMAC_KEY_SIZE, hmacFinal, hmacInitFromKey, hmacKeyInit, hmacUpdate } from "../hash/hmac";
import { hashLength, isHash } from "../hash/ids";

const hmacCtx = memory.data(<i32>HMAC_CTX_SIZE, 16);
const hmacKeyCtx = memory.data(<i32>HMAC_KEY_SIZE, 16);

/**
 * count HMACs of the msgLen-byte messages that follow the key IN[0..keyLen), one after
 * another, all under one precomputed key (hmacKeyInit); the tags go to OUT one after another.
 */
export function hmac_test_key_reuse(alg: i32, keyLen: u32, msgLen: u32, count: u32): i32 {
  if (!isHash(alg)) return ERR_ALG;
  if (count == 0 || count > 1024 || keyLen > IO_CAPACITY || msgLen > (IO_CAPACITY - keyLen) / count) return ERR_LENGTH;
  const hl = <usize>hashLength(alg);
  hmacKeyInit(hmacKeyCtx, alg, ioIn(), <usize>keyLen);
  for (let i: usize = 0; i < <usize>count; i++) {
    hmacInitFromKey(hmacCtx, hmacKeyCtx);
    hmacUpdate(hmacCtx, ioIn() + <usize>keyLen + i * <usize>msgLen, <usize>msgLen);
    hmacFinal(hmacCtx, ioOut() + i * hl);
  }
  memory.fill(hmacKeyCtx, 0, HMAC_KEY_SIZE);
  memory.fill(hmacCtx, 0, HMAC_CTX_SIZE);
  return <i32>(<usize>count * hl);
}

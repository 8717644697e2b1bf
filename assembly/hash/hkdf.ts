// HKDF with HMAC-SHA-256 (RFC 5869). Used only inside the core, to derive purpose-bound keys
// (sealing, backup) from the security-domain key.
import { HASH_SHA256 } from "./ids";
import { HMAC_CTX_SIZE, hmacFinal, hmacInit, hmacUpdate } from "./hmac";
import { wipe } from "../mem";

const ctx = memory.data(<i32>HMAC_CTX_SIZE, 16);
const prk = memory.data(32, 16);
const block = memory.data(32, 16);
const counter = memory.data(1);
const zeroSalt = memory.data(32, 16);

/** Derives outLen (at most 255 * 32) bytes into out from ikm, salt (may be empty) and info. */
export function hkdfSha256(ikm: usize, ikmLen: usize, salt: usize, saltLen: usize, info: usize, infoLen: usize, out: usize, outLen: usize): void {
  // §2.2 Extract: an absent salt is HashLen zero bytes.
  if (saltLen == 0) hmacInit(ctx, HASH_SHA256, zeroSalt, 32);
  else hmacInit(ctx, HASH_SHA256, salt, saltLen);
  hmacUpdate(ctx, ikm, ikmLen);
  hmacFinal(ctx, prk);
  // §2.3 Expand: T(i) = HMAC(PRK, T(i-1) | info | i).
  let done: usize = 0;
  for (let i: u8 = 1; done < outLen; i++) {
    hmacInit(ctx, HASH_SHA256, prk, 32);
    if (i > 1) hmacUpdate(ctx, block, 32);
    hmacUpdate(ctx, info, infoLen);
    store<u8>(counter, i);
    hmacUpdate(ctx, counter, 1);
    hmacFinal(ctx, block);
    const take = min(<usize>32, outLen - done);
    memory.copy(out + done, block, take);
    done += take;
  }
  wipe(prk, 32);
  wipe(block, 32);
}

// HMAC-DRBG with SHA-256 (NIST SP 800-90A Rev. 1 §10.1.2). Its state never
// leaves the core; the host only feeds it entropy from crypto.getRandomValues.
import { HASH_SHA256 } from "../hash/ids";
import { HMAC_CTX_SIZE, HMAC_KEY_SIZE, hmacFinal, hmacInitFromKey, hmacKeyInit, hmacUpdate } from "../hash/hmac";
import { ERR_LENGTH, ERR_NOT_SEEDED, OK } from "../status";
import { wipe } from "../mem";

const K = memory.data(32, 16);
const V = memory.data(32, 16);
const ctx = memory.data(<i32>HMAC_CTX_SIZE, 16);
const sep = memory.data(1);
// K precomputed for HMAC (hmacKeyInit), kept in step with K: part of the state, as secret as K.
const KEY = memory.data(<i32>HMAC_KEY_SIZE, 16);
let seeded = false;
let reseedCounter: u64 = 0;

// SP 800-90A Table 2: at most 2^19 bits per request; at most 2^48 requests between reseeds.
const MAX_REQUEST: usize = 65536;
const RESEED_INTERVAL: u64 = 1 << 48;
export const MIN_ENTROPY: usize = 32; // security strength 256 bits

/** HMAC_DRBG_Update (§10.1.2.2) with provided data of len bytes at p (may be 0). */
function update(p: usize, len: usize): void {
  for (let round: u8 = 0; round < 2; round++) {
    if (round == 1 && len == 0) return;
    store<u8>(sep, round);
    hmacInitFromKey(ctx, KEY);
    hmacUpdate(ctx, V, 32);
    hmacUpdate(ctx, sep, 1);
    if (len > 0) hmacUpdate(ctx, p, len);
    hmacFinal(ctx, K);
    hmacKeyInit(KEY, HASH_SHA256, K, 32);
    hmacInitFromKey(ctx, KEY);
    hmacUpdate(ctx, V, 32);
    hmacFinal(ctx, V);
  }
}

/**
 * Instantiates (first call) or reseeds (§10.1.2.3, §10.1.2.4) with len bytes of entropy at p.
 * The host's entropy input doubles as nonce on the first call, so it must bring at least 48 bytes then.
 */
export function drbgSeed(p: usize, len: usize): i32 {
  const minimum: usize = seeded ? MIN_ENTROPY : MIN_ENTROPY + 16;
  if (len < minimum) return ERR_LENGTH;
  if (!seeded) {
    memory.fill(K, 0x00, 32);
    memory.fill(V, 0x01, 32);
    hmacKeyInit(KEY, HASH_SHA256, K, 32);
  }
  update(p, len);
  seeded = true;
  reseedCounter = 1;
  return OK;
}

export function drbgIsSeeded(): bool {
  return seeded;
}

/** Generates len bytes into out (§10.1.2.5). */
export function drbgGenerate(out: usize, len: usize): i32 {
  if (!seeded) return ERR_NOT_SEEDED;
  if (reseedCounter > RESEED_INTERVAL) return ERR_NOT_SEEDED;
  while (len > 0) {
    const chunk = min(len, MAX_REQUEST);
    let done: usize = 0;
    while (done < chunk) {
      hmacInitFromKey(ctx, KEY);
      hmacUpdate(ctx, V, 32);
      hmacFinal(ctx, V);
      const take = min(<usize>32, chunk - done);
      memory.copy(out + done, V, take);
      done += take;
    }
    update(0, 0);
    reseedCounter++;
    out += chunk;
    len -= chunk;
  }
  return OK;
}

/** Wipes the DRBG state (used by tests of the unseeded path). */
export function drbgWipe(): void {
  wipe(K, 32);
  wipe(V, 32);
  wipe(KEY, HMAC_KEY_SIZE);
  seeded = false;
}

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

// A pool of output for the small draws of hot paths (drbgDraw): one Generate request fills it.
const POOL_SIZE: usize = 512;
const POOL = memory.data(<i32>POOL_SIZE, 16);
let poolLeft: usize = 0; // bytes not yet handed out, at the end of POOL

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
  wipePool(); // what follows a reseed comes from the reseeded state
  return OK;
}

function wipePool(): void {
  wipe(POOL, POOL_SIZE);
  poolLeft = 0;
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

/**
 * len bytes (at most POOL_SIZE) of DRBG output into out, taken from a pool that one Generate
 * request of POOL_SIZE bytes refills (SP 800-90A §10.1.2.5; a request may be up to 2^19 bits,
 * Table 2). The Generate call ends with its state update, so the state moves past the pooled bytes
 * at once, and the update's cost (6 SHA-256 compressions, more than the 4 that 64 bytes of output
 * take) is paid once per pool instead of once per draw. Bytes are handed out once, in order, and
 * wiped from the pool as they go; a reseed wipes the pool (drbgSeed). Pooled bytes are no more
 * exposed than K and V beside them: whoever can read this memory can read the state and predict
 * every later output anyway, and nothing already handed out stays here (backtracking resistance).
 * For the hedging noise and blinding factors of ECDSA; the exact SP 800-90A output stream of
 * drbgGenerate, which the known-answer tests check, is left unchanged.
 */
export function drbgDraw(out: usize, len: usize): i32 {
  if (len > POOL_SIZE) return ERR_LENGTH;
  if (len > poolLeft) {
    const st = drbgGenerate(POOL, POOL_SIZE);
    if (st < 0) {
      wipePool();
      return st;
    }
    poolLeft = POOL_SIZE;
  }
  const at = POOL + POOL_SIZE - poolLeft;
  memory.copy(out, at, len);
  wipe(at, len);
  poolLeft -= len;
  return OK;
}

/** Wipes the DRBG state (used by tests of the unseeded path). */
export function drbgWipe(): void {
  wipePool();
  wipe(K, 32);
  wipe(V, 32);
  wipe(KEY, HMAC_KEY_SIZE);
  seeded = false;
}

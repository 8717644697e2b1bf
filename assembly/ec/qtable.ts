// Precomputed multiples of public keys, for ECDSA verification (public data: VARIABLE TIME).
//
// u2 Q costs a doubling per bit of u2 when Q is met for the first time. A key in a vault verifies
// many signatures, so the core keeps, for the last CACHE_ENTRIES public keys it verified with,
// the odd multiples Q_j, 3 Q_j, ..., 15 Q_j (affine) of Q_j = 2^(CH j) Q for j = 0..3, with
// CH = (bits(n) + 4) / 4: u2 Q is then a sum over four chunks of CH bits of u2, each in width-5
// NAF, with CH shared doublings instead of bits(n) (Straus's interleaving; Hankerson, Menezes,
// Vanstone, Guide to ECC, Algorithm 3.51, with the chunks of Lim and Lee's split). An entry is
// found by its curve and its coordinates, compared in full: a handle is never trusted for it.
import { jacAddVartime, jacDoubleVartime, jacFromAffine, jacNormalizeBatch } from "./jacobian";

const MAX_FE: usize = 72;
export const QTABLE_CHUNKS: i32 = 4;
export const QTABLE_ODD: i32 = 8; // 1, 3, ..., 15: the odd digits of a width-5 NAF
const POINTS: i32 = QTABLE_CHUNKS * QTABLE_ODD;
const CACHE_ENTRIES: i32 = 16;
// Entry: curve id (u32) | last use (u32) | 8 bytes unused | Q (2 MAX_FE) | POINTS affine points.
const HEADER: usize = 16;
const TABLE_AT: usize = HEADER + 2 * MAX_FE;
const ENTRY_SIZE: usize = TABLE_AT + <usize>POINTS * 2 * MAX_FE;

let cache: usize = 0;
let clock: u32 = 0;

const JAC = memory.data(POINTS * 3 * <i32>MAX_FE, 16);
const PREFIX = memory.data(POINTS * <i32>MAX_FE, 16);
const BASE = memory.data(3 * <i32>MAX_FE, 16);
const TWICE = memory.data(3 * <i32>MAX_FE, 16);

/** Bits of u2 per chunk: four chunks cover bits(n) + 1 bits (a width-5 NAF may be one digit longer). */
@inline
export function qChunkBits<C>(): i32 {
  return (changetype<C>(0).NBITS + 4) / QTABLE_CHUNKS;
}

/**
 * The table of the affine public key qxy (2 FE bytes, canonical): POINTS affine points, 2 FE
 * bytes each, point j QTABLE_ODD + i = (2 i + 1) 2^(CH j) Q. Built and cached on a miss.
 */
export function qTableVartime<C>(qxy: usize): usize {
  const c = changetype<C>(0);
  const F = c.FE;
  if (cache == 0) {
    cache = heap.alloc(<usize>CACHE_ENTRIES * ENTRY_SIZE);
    memory.fill(cache, 0, <usize>CACHE_ENTRIES * ENTRY_SIZE);
  }
  clock++;
  let victim = cache;
  for (let e = 0; e < CACHE_ENTRIES; e++) {
    const entry = cache + <usize>e * ENTRY_SIZE;
    if (load<u32>(entry) == <u32>c.ID && memory.compare(entry + HEADER, qxy, 2 * F) == 0) {
      store<u32>(entry, clock, 4);
      return entry + TABLE_AT;
    }
    if (load<u32>(entry, 4) < load<u32>(victim, 4)) victim = entry;
  }
  build<C>(victim + TABLE_AT, qxy);
  store<u32>(victim, <u32>c.ID);
  store<u32>(victim, clock, 4);
  memory.copy(victim + HEADER, qxy, 2 * F);
  return victim + TABLE_AT;
}

function build<C>(table: usize, qxy: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const P: usize = 3 * F;
  const CH = qChunkBits<C>();
  jacFromAffine<C>(BASE, qxy);
  for (let j = 0; j < QTABLE_CHUNKS; j++) {
    // JAC[j][i] = (2 i + 1) BASE, BASE = 2^(CH j) Q. No sum here meets an exceptional case
    // (the multiples are distinct and nonzero below n), and the formulas would handle one anyway.
    const row = JAC + <usize>(j * QTABLE_ODD) * P;
    memory.copy(row, BASE, P);
    jacDoubleVartime<C>(TWICE, BASE);
    for (let i = 1; i < QTABLE_ODD; i++) jacAddVartime<C>(row + <usize>i * P, row + <usize>(i - 1) * P, TWICE);
    if (j + 1 < QTABLE_CHUNKS) {
      memory.copy(BASE, TWICE, P); // 2 BASE
      for (let s = 1; s < CH; s++) jacDoubleVartime<C>(BASE, BASE);
    }
  }
  jacNormalizeBatch<C>(table, JAC, PREFIX, POINTS);
}

// SHA-256 compression function (FIPS 180-4 §6.2.2) on raw memory. The rounds are unrolled by
// scripts/gen-sha256.mjs (gen/sha256.ts), which also derives the round constants K (§4.2.2).
import { sha256Block } from "./gen/sha256";

// FIPS 180-4 §5.3.3
const IV = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

export function sha256Init(state: usize): void {
  memory.copy(state, IV, 32);
}

/** Processes `blocks` consecutive 64-byte blocks at p into state (8 u32 words). */
export function sha256Compress(state: usize, p: usize, blocks: usize): void {
  for (let blk: usize = 0; blk < blocks; blk++, p += 64) sha256Block(state, p);
}

// AES key expansion (FIPS-197 §5.2) into the fixsliced, bitsliced round keys used by block.ts.
//
// Schedule layout (AES_KS_SIZE bytes; this is also the material of a KIND_OCT key slot):
//   @0   u32  Nr, the number of rounds (10, 12, 14)
//   @4   u32  key size in bits (128, 192, 256)
//   @8   8 zero bytes
//   @16  round keys 0..Nr, 64 bytes each: eight u64 planes in the layout of block.ts, the same
//        key in all four block positions. Round key i is stored permuted by ShiftRows^-(i mod 4)
//        (the fixsliced offset of the state it meets) and, for i >= 1, with 0x63 added to every
//        byte: the S-box circuits leave that constant out (see scripts/gen-aes-bitsliced.mjs).
// The raw key is not kept.
//
// SubWord goes through the same bitsliced S-box circuit as the rounds: no table, no secret index.
import { aesSubPlanes } from "./bitsliced";
import { bitsliceIn, bitsliceOut } from "./block";
import { wipe } from "../mem";

export const AES_MAX_ROUNDS: i32 = 14;
export const AES_KS_SIZE: usize = 16 + 64 * (AES_MAX_ROUNDS + 1);

// Scratch: the expanded key words (at most 60 words of 4 bytes), a 64-byte block buffer and planes.
const words = memory.data(240, 16);
const blocks = memory.data(64, 16);
const planes = memory.data(64, 16);

/** True for the AES key lengths in bytes: 16, 24, 32. */
export function aesKeyLengthValid(keyLen: usize): bool {
  return keyLen == 16 || keyLen == 24 || keyLen == 32;
}

/** Rounds of the schedule at ks. */
export function aesRounds(ks: usize): i32 {
  return <i32>load<u32>(ks);
}

/** Key size in bits of the schedule at ks. */
export function aesKeyBits(ks: usize): i32 {
  return <i32>load<u32>(ks, 4);
}

/** S-box applied to each byte of a 32-bit word, in constant time. */
function subWord(x: u32): u32 {
  memory.fill(blocks, 0, 16);
  store<u32>(blocks, x);
  bitsliceIn(planes, blocks, 1, false);
  aesSubPlanes(planes);
  bitsliceOut(planes, blocks, 1, false);
  const y = load<u32>(blocks) ^ 0x63636363;
  wipe(blocks, 16);
  return y;
}

/**
 * Expands the key of keyLen bytes (16, 24 or 32: the caller checks with aesKeyLengthValid) at key
 * into the schedule at ks (AES_KS_SIZE bytes). An invalid length leaves a zeroed schedule of Nr = 0.
 */
export function aesExpandKey(key: usize, keyLen: usize, ks: usize): void {
  wipe(ks, AES_KS_SIZE);
  if (!aesKeyLengthValid(keyLen)) return;
  const nk = <i32>(keyLen >> 2);
  const nr = nk + 6;
  const total = 4 * (nr + 1);
  memory.copy(words, key, keyLen);
  // Bytes are kept in memory order, so a little-endian u32 holds w[i] with its first byte lowest:
  // RotWord is a right rotation by 8 and Rcon goes into the low byte.
  let rcon: u32 = 1;
  for (let i = nk; i < total; i++) {
    let temp = load<u32>(words + (<usize>(i - 1) << 2));
    if (i % nk == 0) {
      temp = subWord(rotr<u32>(temp, 8)) ^ rcon;
      rcon = (rcon << 1) ^ (((rcon >> 7) & 1) * 0x11b);
    } else if (nk > 6 && i % nk == 4) {
      temp = subWord(temp);
    }
    store<u32>(words + (<usize>i << 2), load<u32>(words + (<usize>(i - nk) << 2)) ^ temp);
  }
  store<u32>(ks, <u32>nr);
  store<u32>(ks, <u32>(keyLen << 3), 4);
  for (let i = 0; i <= nr; i++) {
    const k = i & 3;
    const rk = words + (<usize>i << 4);
    // Stored key W with ShiftRows^k(W) = K: W[4c + r] = K[4((c - k·r) mod 4) + r], in all four blocks.
    for (let c = 0; c < 4; c++) {
      for (let r = 0; r < 4; r++) {
        const byte = load<u8>(rk + <usize>(4 * ((c - k * r) & 3) + r));
        for (let b = 0; b < 4; b++) store<u8>(blocks + <usize>(16 * b + 4 * c + r), byte);
      }
    }
    bitsliceIn(planes, blocks, 4, false);
    const dst = ks + 16 + (<usize>i << 6);
    memory.copy(dst, planes, 64);
    if (i > 0) {
      // + 0x63 = bits 0, 1, 5, 6 of every byte: complement those planes.
      store<u64>(dst, ~load<u64>(dst, 0), 0);
      store<u64>(dst, ~load<u64>(dst, 8), 8);
      store<u64>(dst, ~load<u64>(dst, 40), 40);
      store<u64>(dst, ~load<u64>(dst, 48), 48);
    }
  }
  wipe(words, 240);
  wipe(blocks, 64);
  wipe(planes, 64);
}

// The AES block cipher on up to four blocks at a time, bitsliced (no table, no secret index).
//
// Bitsliced layout: eight u64 "planes" q0..q7; plane j holds bit j of every byte of four blocks,
// byte (row r, column c) of block b (FIPS-197 §3.4: input byte 4c + r) at bit 16r + 4c + b.
// Rows are then the top two bits of a bit's index, so "next row" is one 64-bit rotation, and a
// column shift is a rotation inside 16-bit groups; bitsliced.ts builds MixColumns on that.
//
// Fixslicing (Adomnicai & Peyrin, "Fixslicing AES-like ciphers", TCHES 2021): ShiftRows is never
// applied. After round i the stored state S relates to the true state T by T = ShiftRows^(i mod 4)(S);
// MixColumns and the round keys are adapted to that offset, and the one remaining permutation
// (ShiftRows^(Nr mod 4), which is ShiftRows^2 for AES-128/256 and the identity for AES-192) is
// folded into the byte shuffle that leaves the bitsliced domain.
//
// Why u64 and not v128: measured in V8 on x86-64, the 113-gate S-box on 8 × v128 (eight blocks)
// took about 1.6× as long per call as on 8 × u64 (four blocks). Key wrap is sequential, one block
// at a time, so latency wins; v128 is used only for the byte shuffles below.
//
// Moving in and out: one byte shuffle per block arranges its 16 bytes so that the two 64-bit
// halves feed the 8×8 bit transposition (ortho) in the right lanes; see bitsliceIn.
import { aesDecryptPlanes, aesEncryptPlanes } from "./bitsliced";
import { wipe } from "../mem";

/** Blocks processed by one call of aesEncryptBlocks / aesDecryptBlocks. */
export const AES_PAR: i32 = 4;

// Scratch for the bitsliced state. It holds secrets between the two halves of a call; the
// modes call aesWipeScratch() when they are done.
const planes = memory.data(64, 16);

/**
 * Transposes the 8×8 bit matrix in each byte lane across the eight words at q (an involution):
 * afterwards bit t of byte lane L in word j is what bit j of byte lane L in word t was.
 */
function ortho(q: usize): void {
  let w0 = load<u64>(q, 0);
  let w1 = load<u64>(q, 8);
  let w2 = load<u64>(q, 16);
  let w3 = load<u64>(q, 24);
  let w4 = load<u64>(q, 32);
  let w5 = load<u64>(q, 40);
  let w6 = load<u64>(q, 48);
  let w7 = load<u64>(q, 56);
  let t: u64;
  // Exchange the off-diagonal 1×1, then 2×2, then 4×4 sub-blocks (delta swaps).
  const m1: u64 = 0x5555555555555555;
  t = ((w0 >> 1) ^ w1) & m1; w1 ^= t; w0 ^= t << 1;
  t = ((w2 >> 1) ^ w3) & m1; w3 ^= t; w2 ^= t << 1;
  t = ((w4 >> 1) ^ w5) & m1; w5 ^= t; w4 ^= t << 1;
  t = ((w6 >> 1) ^ w7) & m1; w7 ^= t; w6 ^= t << 1;
  const m2: u64 = 0x3333333333333333;
  t = ((w0 >> 2) ^ w2) & m2; w2 ^= t; w0 ^= t << 2;
  t = ((w1 >> 2) ^ w3) & m2; w3 ^= t; w1 ^= t << 2;
  t = ((w4 >> 2) ^ w6) & m2; w6 ^= t; w4 ^= t << 2;
  t = ((w5 >> 2) ^ w7) & m2; w7 ^= t; w5 ^= t << 2;
  const m4: u64 = 0x0f0f0f0f0f0f0f0f;
  t = ((w0 >> 4) ^ w4) & m4; w4 ^= t; w0 ^= t << 4;
  t = ((w1 >> 4) ^ w5) & m4; w5 ^= t; w1 ^= t << 4;
  t = ((w2 >> 4) ^ w6) & m4; w6 ^= t; w2 ^= t << 4;
  t = ((w3 >> 4) ^ w7) & m4; w7 ^= t; w3 ^= t << 4;
  store<u64>(q, w0, 0);
  store<u64>(q, w1, 8);
  store<u64>(q, w2, 16);
  store<u64>(q, w3, 24);
  store<u64>(q, w4, 32);
  store<u64>(q, w5, 40);
  store<u64>(q, w6, 48);
  store<u64>(q, w7, 56);
}

/**
 * Loads n (1..4) blocks from src into the planes at q; missing blocks are zero.
 * Before ortho, word t = 4·c0 + b must hold, in byte lane 2r + c1, byte (r, c = 2·c1 + c0) of
 * block b, so that ortho puts it at bit 8·(2r + c1) + 4·c0 + b = 16r + 4c + b. The shuffle below
 * gathers columns {0, 2} into the low half and {1, 3} into the high half, row by row.
 * With shiftRows2, the block is first permuted by ShiftRows^-2 = ShiftRows^2 (decryption input).
 */
export function bitsliceIn(q: usize, src: usize, n: i32, shiftRows2: bool): void {
  for (let b = 0; b < 4; b++) {
    let lo: u64 = 0;
    let hi: u64 = 0;
    if (b < n) {
      let v = v128.load(src + (<usize>b << 4));
      if (shiftRows2) {
        v = i8x16.shuffle(v, v, 0, 8, 9, 1, 2, 10, 11, 3, 4, 12, 13, 5, 6, 14, 15, 7);
      } else {
        v = i8x16.shuffle(v, v, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
      }
      lo = i64x2.extract_lane(v, 0);
      hi = i64x2.extract_lane(v, 1);
    }
    store<u64>(q + (<usize>b << 3), lo);
    store<u64>(q + (<usize>(b + 4) << 3), hi);
  }
  ortho(q);
}

/**
 * The inverse of bitsliceIn for n blocks, writing them to dst; with shiftRows2 the result is
 * permuted by ShiftRows^2 on the way out (the fixsliced offset left after 10 or 14 rounds).
 * Leaves the planes transposed; callers wipe them with aesWipeScratch.
 */
export function bitsliceOut(q: usize, dst: usize, n: i32, shiftRows2: bool): void {
  ortho(q);
  for (let b = 0; b < n; b++) {
    let v = i64x2.replace_lane(i64x2.splat(load<u64>(q + (<usize>b << 3))), 1, load<u64>(q + (<usize>(b + 4) << 3)));
    if (shiftRows2) {
      v = i8x16.shuffle(v, v, 0, 3, 4, 7, 8, 11, 12, 15, 1, 2, 5, 6, 9, 10, 13, 14);
    } else {
      v = i8x16.shuffle(v, v, 0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    }
    v128.store(dst + (<usize>b << 4), v);
  }
}

const LOW_BITS: u64 = 0x0101010101010101;

/**
 * bitsliceIn for one block: only input words 0 and 4 are nonzero, so plane j is bit j of each
 * byte of word 0 (landing on bit 0 of each lane) and of word 4 (bit 4). Same result, fewer steps.
 */
function bitsliceIn1(q: usize, src: usize, shiftRows2: bool): void {
  let v = v128.load(src);
  if (shiftRows2) {
    v = i8x16.shuffle(v, v, 0, 8, 9, 1, 2, 10, 11, 3, 4, 12, 13, 5, 6, 14, 15, 7);
  } else {
    v = i8x16.shuffle(v, v, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
  }
  const lo = i64x2.extract_lane(v, 0);
  const hi = i64x2.extract_lane(v, 1);
  for (let j: u64 = 0; j < 8; j++) {
    store<u64>(q + (<usize>j << 3), ((lo >> j) & LOW_BITS) | (((hi >> j) & LOW_BITS) << 4));
  }
}

/** bitsliceOut for one block: the inverse of bitsliceIn1 (bits 0 and 4 of each lane of each plane). */
function bitsliceOut1(q: usize, dst: usize, shiftRows2: bool): void {
  let lo: u64 = 0;
  let hi: u64 = 0;
  for (let j: u64 = 0; j < 8; j++) {
    const p = load<u64>(q + (<usize>j << 3));
    lo |= (p & LOW_BITS) << j;
    hi |= ((p >> 4) & LOW_BITS) << j;
  }
  let v = i64x2.replace_lane(i64x2.splat(lo), 1, hi);
  if (shiftRows2) {
    v = i8x16.shuffle(v, v, 0, 3, 4, 7, 8, 11, 12, 15, 1, 2, 5, 6, 9, 10, 13, 14);
  } else {
    v = i8x16.shuffle(v, v, 0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
  }
  v128.store(dst, v);
}

@inline
function rounds(ks: usize): i32 {
  return <i32>load<u32>(ks);
}

/** Encrypts n (1..4) blocks from src to dst (which may be src) under the schedule ks (schedule.ts). */
export function aesEncryptBlocks(ks: usize, src: usize, dst: usize, n: i32): void {
  const nr = rounds(ks);
  if (n == 1) {
    bitsliceIn1(planes, src, false);
    aesEncryptPlanes(planes, ks + 16, nr);
    bitsliceOut1(planes, dst, (nr & 3) == 2);
    return;
  }
  bitsliceIn(planes, src, n, false);
  aesEncryptPlanes(planes, ks + 16, nr);
  bitsliceOut(planes, dst, n, (nr & 3) == 2);
}

/** Decrypts n (1..4) blocks from src to dst (which may be src) under the schedule ks. */
export function aesDecryptBlocks(ks: usize, src: usize, dst: usize, n: i32): void {
  const nr = rounds(ks);
  if (n == 1) {
    bitsliceIn1(planes, src, (nr & 3) == 2);
    aesDecryptPlanes(planes, ks + 16, nr);
    bitsliceOut1(planes, dst, false);
    return;
  }
  bitsliceIn(planes, src, n, (nr & 3) == 2);
  aesDecryptPlanes(planes, ks + 16, nr);
  bitsliceOut(planes, dst, n, false);
}

/** Wipes the bitsliced scratch state (call when a mode is finished with secret data). */
export function aesWipeScratch(): void {
  wipe(planes, 64);
}

// Single-block AES by vector permutes (Hamburg, "Accelerating AES with Vector Permute
// Instructions", CHES 2009), for the sequential modes: key wrap (each step needs the previous
// block) and CBC encryption. The bitsliced code of block.ts costs the same for one block as for
// four; this one works on the block itself, in one v128.
//
// Constant time: the S-box is an inversion in GF(2^8) computed in a tower field from 16-entry
// nibble tables held in registers, each lookup an i8x16.swizzle (a byte permutation inside a
// register: no memory address depends on the data). ShiftRows and the MixColumns rotations are
// constant shuffles. The tables and their derivation: scripts/gen-aes-vperm.mjs.
//
// The round keys come from the bitsliced schedule of schedule.ts (the slot material): each is
// taken out of the bitsliced domain and un-permuted, once per call of a mode, into VK, which the
// mode wipes (vpermWipe) when it is done. The schedule stores round keys 1..Nr with 0x63 added to
// every byte, which is what these rounds want: the S-box tables give S(x) ^ 0x63, and a constant
// byte passes MixColumns unchanged. Decryption (the equivalent inverse cipher, FIPS-197 §5.3.5)
// takes InvMixColumns of round keys 1..Nr-1; its state then carries the same 0x63, which cancels
// the constant of the inverse affine map.
import { bitsliceOut } from "./block";
import { wipe } from "../mem";
import {
  IDI_HI, IDI_LO, IDJ_HI, IDJ_LO, IDK_HI, IDK_LO, ITI_HI, ITI_LO, ITJ_HI, ITJ_LO, ITK_HI, ITK_LO, K_AINV, K_INV, SB2_IO, SB2_JO,
  SB_IO, SB_JO, V9_IO, V9_JO, VB_IO, VB_JO, VD_IO, VD_JO, VE_IO, VE_JO, VO_IO, VO_JO, VPERM_TABLES,
} from "./vperm-tables";

/** Table number n of vperm-tables.ts. */
@inline
function T(n: usize): v128 {
  return v128.load(VPERM_TABLES + (n << 4));
}

/** Byte-form round keys for one call: 15 × 16 bytes. Secret: wiped by vpermWipe. */
export const VK = memory.data(15 * 16, 16);
const PLANES = memory.data(64, 16);
const BLOCKS = memory.data(64, 16);

// A single block has no parallelism to offer, so the rounds are written for a short dependency
// chain (latency, not throughput, sets the time of one block):
// - the input map gives the nibbles i, k and j = i ^ k directly (three pairs of lookups side by
//   side) instead of one byte to split again;
// - ShiftRows (InvShiftRows) is never a step of its own: the state is kept with it applied, which
//   folds it into the byte rotations of MixColumns and into the round keys (vpermKeys*), and
//   MixColumns is one layer of rotations and an xor tree.

/** SR∘rot_m: byte 4c + r from byte 4 c' + (r' + m) mod 4 of (c', r') = ShiftRows' source of (c, r). */
@inline
function srRot0(x: v128): v128 {
  return i8x16.shuffle(x, x, 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11);
}
@inline
function srRot1(x: v128): v128 {
  return i8x16.shuffle(x, x, 1, 6, 11, 12, 5, 10, 15, 0, 9, 14, 3, 4, 13, 2, 7, 8);
}
@inline
function srRot2(x: v128): v128 {
  return i8x16.shuffle(x, x, 2, 7, 8, 13, 6, 11, 12, 1, 10, 15, 0, 5, 14, 3, 4, 9);
}
@inline
function srRot3(x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 4, 9, 14, 7, 8, 13, 2, 11, 12, 1, 6, 15, 0, 5, 10);
}
/** The same with InvShiftRows. */
@inline
function isrRot0(x: v128): v128 {
  return i8x16.shuffle(x, x, 0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3);
}
@inline
function isrRot1(x: v128): v128 {
  return i8x16.shuffle(x, x, 1, 14, 11, 4, 5, 2, 15, 8, 9, 6, 3, 12, 13, 10, 7, 0);
}
@inline
function isrRot2(x: v128): v128 {
  return i8x16.shuffle(x, x, 2, 15, 8, 5, 6, 3, 12, 9, 10, 7, 0, 13, 14, 11, 4, 1);
}
@inline
function isrRot3(x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 12, 9, 6, 7, 0, 13, 10, 11, 4, 1, 14, 15, 8, 5, 2);
}
/** Byte r of every column from byte (r + 2) mod 4 of the same column. */
@inline
function rot2(x: v128): v128 {
  return i8x16.shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}
@inline
function rot1(x: v128): v128 {
  return i8x16.shuffle(x, x, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
}

@inline
function lookup2(lo: v128, hi: v128, io: v128, jo: v128): v128 {
  return v128.xor(i8x16.swizzle(lo, io), i8x16.swizzle(hi, jo));
}

// The S-box's inversion on the bytes of s (see scripts/gen-aes-vperm.mjs), written out in each
// round below (a helper could only hand back its two results through memory): from the low and
// high nibbles of s, the nibbles i, k, j = i ^ k of the tower representation through the six
// input tables (rows in + 0 .. in + 5: i, k, j, each low then high), then
// io = 1 / (1/i + a/k) + j and jo = 1 / (1/j + a/k) + i.

/**
 * Encrypts the block at src to dst (may alias) with the round keys at vk (vpermKeysEnc): round
 * keys 1..Nr-1 stored with ShiftRows applied, as the state is.
 */
export function vpermEncrypt(vk: usize, nr: i32, src: usize, dst: usize): void {
  v128.store(dst, vpermEncryptBlock(v128.load(src), vk, nr));
}

/** The block x encrypted with the round keys at vk (vpermKeysEnc). For modes that keep a block in a register. */
@inline
export function vpermEncryptBlock(x: v128, vk: usize, nr: i32): v128 {
  let s = srRot0(v128.xor(x, v128.load(vk)));
  let a = s;
  for (let r = 1; ; r++) {
    const lo = v128.and(s, i8x16.splat(0x0f));
    const hi = v128.and(i16x8.shr_u(s, 4), i8x16.splat(0x0f));
    const i = lookup2(T(ITI_LO), T(ITI_LO + 1), lo, hi);
    const k = lookup2(T(ITI_LO + 2), T(ITI_LO + 3), lo, hi);
    const j = lookup2(T(ITI_LO + 4), T(ITI_LO + 5), lo, hi);
    const ak = i8x16.swizzle(T(K_AINV), k);
    const io = v128.xor(i8x16.swizzle(T(K_INV), v128.xor(i8x16.swizzle(T(K_INV), i), ak)), j);
    const jo = v128.xor(i8x16.swizzle(T(K_INV), v128.xor(i8x16.swizzle(T(K_INV), j), ak)), i);
    a = lookup2(T(SB_IO), T(SB_JO), io, jo); // S(x) ^ 0x63
    if (r == nr) break;
    const b = lookup2(T(SB2_IO), T(SB2_JO), io, jo); // 2 (S(x) ^ 0x63)
    // ShiftRows(MixColumns(a) ^ k): out_r = 2 a_r ^ 3 a_(r+1) ^ a_(r+2) ^ a_(r+3), then permuted.
    const t0 = v128.xor(srRot0(b), v128.load(vk + (<usize>r << 4)));
    const t1 = v128.xor(srRot1(v128.xor(a, b)), srRot2(a));
    s = v128.xor(v128.xor(t0, srRot3(a)), t1);
  }
  return v128.xor(a, v128.load(vk + (<usize>nr << 4)));
}

/**
 * Decrypts the block at src to dst (may alias) with the round keys at vk (vpermKeysDec):
 * InvMixColumns of round keys 1..Nr-1, stored with InvShiftRows applied, as the state is.
 */
export function vpermDecrypt(vk: usize, nr: i32, src: usize, dst: usize): void {
  v128.store(dst, vpermDecryptBlock(v128.load(src), vk, nr));
}

/** The block x decrypted with the round keys at vk (vpermKeysDec). */
@inline
export function vpermDecryptBlock(x: v128, vk: usize, nr: i32): v128 {
  let s = isrRot0(v128.xor(x, v128.load(vk + (<usize>nr << 4))));
  let v = s;
  for (let r = nr - 1; ; r--) {
    const lo = v128.and(s, i8x16.splat(0x0f));
    const hi = v128.and(i16x8.shr_u(s, 4), i8x16.splat(0x0f));
    const i = lookup2(T(IDI_LO), T(IDI_LO + 1), lo, hi);
    const k = lookup2(T(IDI_LO + 2), T(IDI_LO + 3), lo, hi);
    const j = lookup2(T(IDI_LO + 4), T(IDI_LO + 5), lo, hi);
    const ak = i8x16.swizzle(T(K_AINV), k);
    const io = v128.xor(i8x16.swizzle(T(K_INV), v128.xor(i8x16.swizzle(T(K_INV), i), ak)), j);
    const jo = v128.xor(i8x16.swizzle(T(K_INV), v128.xor(i8x16.swizzle(T(K_INV), j), ak)), i);
    if (r == 0) {
      v = lookup2(T(VO_IO), T(VO_JO), io, jo);
      break;
    }
    // InvShiftRows(InvMixColumns(v) ^ k): out_r = e v_r ^ b v_(r+1) ^ d v_(r+2) ^ 9 v_(r+3).
    const t0 = v128.xor(isrRot0(lookup2(T(VE_IO), T(VE_JO), io, jo)), v128.load(vk + (<usize>r << 4)));
    const t1 = isrRot1(lookup2(T(VB_IO), T(VB_JO), io, jo));
    const t2 = isrRot2(lookup2(T(VD_IO), T(VD_JO), io, jo));
    const t3 = isrRot3(lookup2(T(V9_IO), T(V9_JO), io, jo));
    s = v128.xor(v128.xor(t0, t1), v128.xor(t2, t3));
  }
  return v128.xor(v, v128.load(vk));
}

/**
 * Round keys 0..nr of the bitsliced schedule ks as 16 bytes each at dst. schedule.ts stores key i
 * in all four block positions of its planes (block b at the bits 16 r + 4 c + b), permuted by
 * ShiftRows^-(i mod 4): four keys at a time are merged into one set of planes (key i + b in
 * block position b) and taken out of the bitsliced domain together, then ShiftRows^(i mod 4)
 * undoes the permutation.
 */
function roundKeys(ks: usize, nr: i32, dst: usize): void {
  for (let i0 = 0; i0 <= nr; i0 += 4) {
    for (let p: usize = 0; p < 64; p += 8) {
      let w: u64 = 0;
      for (let b = 0; b < 4 && i0 + b <= nr; b++) {
        w |= load<u64>(ks + 16 + (<usize>(i0 + b) << 6) + p) & (<u64>0x1111111111111111 << <u64>b);
      }
      store<u64>(PLANES + p, w);
    }
    bitsliceOut(PLANES, BLOCKS, 4, false);
    for (let b = 0; b < 4 && i0 + b <= nr; b++) {
      let w = v128.load(BLOCKS + (<usize>b << 4));
      for (let k = 0; k < ((i0 + b) & 3); k++) w = srRot0(w);
      v128.store(dst + (<usize>(i0 + b) << 4), w);
    }
  }
}

/** VK = the encryption round keys of the schedule ks (nr rounds); 1..nr-1 with ShiftRows applied. */
export function vpermKeysEnc(ks: usize, nr: i32): usize {
  roundKeys(ks, nr, VK);
  for (let i = 1; i < nr; i++) v128.store(VK + (<usize>i << 4), srRot0(v128.load(VK + (<usize>i << 4))));
  wipe(PLANES, 64);
  wipe(BLOCKS, 64);
  return VK;
}

/** x times 2 in GF(2^8), bytewise. */
@inline
function xtime(v: v128): v128 {
  return v128.xor(i8x16.add(v, v), v128.and(i8x16.lt_s(v, i8x16.splat(0)), i8x16.splat(0x1b)));
}

/** VK = the decryption round keys (equivalent inverse cipher): 1..nr-1 are InvMixColumns, InvShiftRows applied. */
export function vpermKeysDec(ks: usize, nr: i32): usize {
  roundKeys(ks, nr, VK);
  for (let i = 1; i < nr; i++) {
    const p = VK + (<usize>i << 4);
    // InvMixColumns = MixColumns after P, P(v)_r = 5 v_r ^ 4 v_(r+2) (the circulants commute).
    const v = v128.load(p);
    const v4 = xtime(xtime(v));
    const q = v128.xor(v128.xor(v4, v), rot2(v4));
    const q2 = xtime(q);
    const mc = v128.xor(v128.xor(q2, rot1(v128.xor(q, q2))), rot2(v128.xor(q, rot1(q))));
    v128.store(p, isrRot0(mc));
  }
  wipe(PLANES, 64);
  wipe(BLOCKS, 64);
  return VK;
}

/** Wipes the round keys and scratch (call when a mode is done with the key). */
export function vpermWipe(): void {
  wipe(VK, 15 * 16);
  wipe(PLANES, 64);
  wipe(BLOCKS, 64);
}

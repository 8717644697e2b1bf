// The byte layout of RSA key material in a slot, and building it from its parts.
//
// KIND_RSA (private key, CRT form; d itself is never stored: the CRT exponents
// are all the private operation needs):
//   0   header (64 bytes): magic, nBits, e, k (modulus bytes), Ln, Lp, pBits, uses
//       (pBits = the larger bit length of p and q: both CRT halves use Lp = limbsFor(pBits)
//       limbs and exponents of pBits bits, so that unbalanced primes work too)
//   64  context of n    (montCtxSize(Ln)): n, n', R^2, R^3, R mod n
//   ..  context of p    (montCtxSize(Lp))
//   ..  context of q    (montCtxSize(Lp))
//   ..  paired context of p and q (montPairCtxSize(Lp)): both CRT halves in the lanes of a v128
//   ..  dp              (Lp + 1 limbs; the extra zero limb lets the window reader run past the top)
//   ..  dq              (Lp + 1 limbs)
//   ..  qi = q^-1 mod p (Lp limbs, plain)
//   ..  A    = r^e R mod n   (Ln limbs)  the blinding pair, in Montgomery form,
//   ..  Ainv = r^-1 R mod n  (Ln limbs)  squared after every use (see private.ts)
// KIND_RSA_PUBLIC: the header and the context of n only.
// Limbs are 28-bit (bn/limbs.ts); Ln = limbsFor(nBits).
import { montCtxSize, montCtxInit, ctxM } from "../bn/mont";
import { montPairCtxSize } from "../bn/mont-pair";
import { limbsFor } from "../bn/limbs";

export const RSA_MAGIC: u32 = 0x31415352; // "RSA1"
const HDR: usize = 64;

export const H_MAGIC: usize = 0;
export const H_NBITS: usize = 4;
export const H_E: usize = 8;
export const H_K: usize = 12;
export const H_LN: usize = 16;
export const H_LP: usize = 20;
export const H_PBITS: usize = 24;
export const H_USES: usize = 28;

@inline
export function keyNBits(key: usize): i32 {
  return load<i32>(key + H_NBITS);
}
@inline
export function keyE(key: usize): u32 {
  return load<u32>(key + H_E);
}
@inline
export function keyK(key: usize): i32 {
  return load<i32>(key + H_K);
}
@inline
export function keyLn(key: usize): i32 {
  return load<i32>(key + H_LN);
}
@inline
export function keyLp(key: usize): i32 {
  return load<i32>(key + H_LP);
}
@inline
export function keyPBits(key: usize): i32 {
  return load<i32>(key + H_PBITS);
}

export function ctxN(key: usize): usize {
  return key + HDR;
}
export function ctxP(key: usize): usize {
  return ctxN(key) + montCtxSize(keyLn(key));
}
export function ctxQ(key: usize): usize {
  return ctxP(key) + montCtxSize(keyLp(key));
}
export function ctxPQ(key: usize): usize {
  return ctxQ(key) + montCtxSize(keyLp(key));
}
export function keyDp(key: usize): usize {
  return ctxPQ(key) + montPairCtxSize(keyLp(key));
}
export function keyDq(key: usize): usize {
  return keyDp(key) + ((<usize>keyLp(key) + 1) << 2);
}
export function keyQi(key: usize): usize {
  return keyDq(key) + ((<usize>keyLp(key) + 1) << 2);
}
export function keyA(key: usize): usize {
  return keyQi(key) + (<usize>keyLp(key) << 2);
}
export function keyAinv(key: usize): usize {
  return keyA(key) + (<usize>keyLn(key) << 2);
}

export function privateKeySize(nBits: i32, pBits: i32): u32 {
  const Ln = <usize>limbsFor(nBits);
  const Lp = <usize>limbsFor(pBits);
  return <u32>(HDR + montCtxSize(<i32>Ln) + 2 * montCtxSize(<i32>Lp) + montPairCtxSize(<i32>Lp) + ((2 * (Lp + 1) + Lp + 2 * Ln) << 2));
}

export function publicKeySize(nBits: i32): u32 {
  return <u32>(HDR + montCtxSize(limbsFor(nBits)));
}

/** Fills the header and the context of n (public part, common to both kinds). */
export function setupPublic(key: usize, n: usize, nBits: i32, e: u32): void {
  store<u32>(key + H_MAGIC, RSA_MAGIC);
  store<i32>(key + H_NBITS, nBits);
  store<u32>(key + H_E, e);
  store<i32>(key + H_K, (nBits + 7) >> 3);
  store<i32>(key + H_LN, limbsFor(nBits));
  store<i32>(key + H_LP, limbsFor(nBits >> 1));
  store<i32>(key + H_PBITS, nBits >> 1);
  store<u32>(key + H_USES, 0);
  montCtxInit(ctxN(key), n, nBits);
}

/** The modulus limbs of a key of either kind. */
export function keyN(key: usize): usize {
  return ctxM(ctxN(key));
}

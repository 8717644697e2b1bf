// ECDSA (FIPS 186-5 §6.4, SEC 1 v2 §4.1) over a digest of any length; signatures are the raw
// r || s of Key Vault (IEEE P1363), each the curve's fixed length.
import { drbgDraw, drbgGenerate } from "../rand/drbg";
import { ERR_FAULT, OK } from "../status";
import { nonceInit, nonceNext, nonceWipe } from "./rfc6979";
import {
  SCALAR_BYTES, bits2int, scAdd, scInRangeMask, scInvVartime, scMontMul, scMul, scReduceOnce,
} from "./scalar";
import { mulBaseCt, toAffine } from "./table";
import { mulDoubleVartime } from "./mulvar";
import { pointWipeScratch } from "./point";
import { wordsAddMasked, wordsFromBE, wordsToBE, wordsZeroMask } from "./words";

const MAX_FE: usize = 72;
const D = memory.data(<i32>SCALAR_BYTES, 16);
const KS = memory.data(<i32>SCALAR_BYTES, 16);
const E = memory.data(<i32>SCALAR_BYTES, 16);
const R = memory.data(<i32>SCALAR_BYTES, 16);
const S = memory.data(<i32>SCALAR_BYTES, 16);
const BETA = memory.data(<i32>SCALAR_BYTES, 16);
const KINV = memory.data(<i32>SCALAR_BYTES, 16);
const ONE = memory.data<u32>([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // SCALAR_BYTES
const HOCT = memory.data(72, 16);
const Z = memory.data(216, 16); // Z || beta || gamma (the blinding factors), drawn together
const GAMMA = memory.data(<i32>MAX_FE, 16);
const RAND = memory.data(72, 16);
const PT = memory.data(3 * <i32>MAX_FE, 16);
const XY = memory.data(2 * <i32>MAX_FE, 16);
const XB = memory.data(72, 16);
const T1 = memory.data(<i32>MAX_FE, 16);
const T2 = memory.data(<i32>MAX_FE, 16);

let pure = false;

/** Test-only switch: plain RFC 6979 nonces (no added randomness), to match the RFC's vectors. */
export function setPureRfc6979(flag: bool): void {
  pure = flag;
}

/**
 * o = the LEN random bytes at src, their excess top bits cleared, as a scalar; true if it is in
 * [1, n - 1] (FIPS 186-5 §A.2.2, rejection sampling). Only a refusal is visible, never the value.
 */
function scalarCandidate<C>(o: usize, src: usize): bool {
  const c = changetype<C>(0);
  const LEN = c.LEN;
  const excess = <u32>(LEN * 8 - c.NBITS);
  store<u8>(src, load<u8>(src) & <u8>(<u32>0xff >> excess));
  memory.fill(o, 0, SCALAR_BYTES);
  wordsFromBE(o, c.NWORDS, src, LEN);
  memory.fill(src, 0, <usize>LEN);
  return scInRangeMask(o, c.N, c.NWORDS) != 0;
}

/** o = a scalar uniform in [1, n - 1] from the DRBG. */
export function randomScalar<C>(o: usize, failure: i32): i32 {
  const c = changetype<C>(0);
  for (let attempt = 0; attempt < 64; attempt++) {
    const st = drbgGenerate(RAND, <usize>c.LEN);
    if (st < 0) return st;
    if (scalarCandidate<C>(o, RAND)) return OK;
  }
  return failure;
}

/**
 * xb = x(p) (LEN bytes, big-endian) of the projective point p != O. Where the field has a
 * variable-time inversion, Z^-1 = gamma (Z gamma)^-1 for the random gamma (LEN bytes at src):
 * Z gamma is uniform in [1, p - 1] and independent of Z, so the timing of its inversion reveals
 * nothing about Z (nor about k). A gamma out of range (probability below 2^-32 on these fields)
 * and P-521 take the constant-time inversion instead.
 */
function affineXBlinded<C>(xb: usize, p: usize, src: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  if (c.INV_VARTIME && c.fromBytesNonzeroMask(GAMMA, src) != 0) {
    c.mul(T1, p + 2 * F, GAMMA);
    if (c.invVartime(T1, T1)) {
      c.mul(T1, T1, GAMMA);
      c.mul(T2, p, T1);
      c.toBytes(xb, T2);
      return;
    }
  }
  toAffine<C>(XY, p);
  c.toBytes(xb, XY);
}

function wipeSign(): void {
  memory.fill(D, 0, SCALAR_BYTES);
  memory.fill(KS, 0, SCALAR_BYTES);
  memory.fill(BETA, 0, SCALAR_BYTES);
  memory.fill(KINV, 0, SCALAR_BYTES);
  memory.fill(S, 0, SCALAR_BYTES);
  memory.fill(Z, 0, 216);
  memory.fill(GAMMA, 0, MAX_FE);
  memory.fill(T1, 0, MAX_FE);
  memory.fill(T2, 0, MAX_FE);
  memory.fill(PT, 0, 3 * MAX_FE);
  memory.fill(XY, 0, 2 * MAX_FE);
  nonceWipe();
  pointWipeScratch();
}

/**
 * Signs the hlen-byte digest h with the private key d (LEN bytes, big-endian, in [1, n - 1]).
 * hashAlg keys the RFC 6979 HMAC. Writes r || s (2 LEN bytes) to sig; returns 2 LEN or a status.
 */
export function ecdsaSign<C>(sig: usize, d: usize, h: usize, hlen: usize, hashAlg: i32): i32 {
  const c = changetype<C>(0);
  const LEN = c.LEN;
  const L = c.NWORDS;
  const n = c.N;
  memory.fill(D, 0, SCALAR_BYTES);
  wordsFromBE(D, L, d, LEN);
  // e = bits2int(h) mod n; bits2octets(h1) = int2octets(bits2int(h1) mod q) (RFC 6979 §2.3.4).
  bits2int(E, L, h, hlen, c.NBITS);
  scReduceOnce(E, n, L);
  wordsToBE(HOCT, LEN, E);
  // One draw from the DRBG pool (drbgDraw) brings the hedging noise Z and the first blinding
  // factors, beta (mod n) and gamma (mod p). The pure RFC 6979 test mode ignores Z.
  let haveBeta = false;
  {
    const st = drbgDraw(Z, (c.INV_VARTIME ? 3 : 2) * <usize>LEN);
    if (st < 0) {
      wipeSign();
      return st;
    }
    haveBeta = scalarCandidate<C>(BETA, Z + <usize>LEN);
  }
  nonceInit(hashAlg, d, HOCT, <usize>LEN, pure ? 0 : Z);
  for (let attempt = 0; attempt < 32; attempt++) {
    nonceNext(KS, L, c.NBITS);
    if (scInRangeMask(KS, n, L) == 0) continue; // RFC 6979 §3.2 h.3
    // r = x(k G) mod n; x < p < 2n on all four curves, so one conditional subtraction.
    mulBaseCt<C>(PT, KS);
    if (attempt > 0 && c.INV_VARTIME) {
      const st = drbgDraw(Z + 2 * <usize>LEN, <usize>LEN); // a fresh gamma for a further k
      if (st < 0) {
        wipeSign();
        return st;
      }
    }
    affineXBlinded<C>(XB, PT, Z + 2 * <usize>LEN);
    memory.fill(R, 0, SCALAR_BYTES);
    wordsFromBE(R, L, XB, LEN);
    scReduceOnce(R, n, L);
    if (wordsZeroMask(R, L) != 0) continue; // RFC 6979 §3.4: try the next k
    // k^-1 = beta (k beta)^-1 for a fresh random beta: k beta is uniform and independent of k,
    // so its variable-time inversion reveals nothing about k (here with Montgomery factors).
    if (!haveBeta) {
      const st = randomScalar<C>(BETA, ERR_FAULT);
      if (st < 0) {
        wipeSign();
        return st;
      }
    }
    haveBeta = false; // a further attempt draws a fresh one
    // With Montgomery products mont(a, b) = a b R^-1 mod n (R = 2^(32 L)), six of them in all:
    //   t = mont(mont(k, beta), 1) = k beta R^-2, uniform and independent of k (beta is);
    //   y = t^-1 = k^-1 beta^-1 R^2 (variable time, on the blinded t);
    //   w = e + r d, with r d = mont(mont(r, d), R^2);
    //   s = mont(y, mont(beta, w)) = k^-1 beta^-1 R^2 beta w R^-2 = k^-1 (e + r d) mod n.
    scMontMul(KINV, KS, BETA, n, L, c.N0INV);
    scMontMul(KINV, KINV, ONE, n, L, c.N0INV);
    if (!scInvVartime(KINV, KINV, n, L, c.N0INV)) {
      wipeSign();
      return ERR_FAULT;
    }
    scMontMul(S, R, D, n, L, c.N0INV);
    scMontMul(S, S, c.NR2, n, L, c.N0INV);
    scAdd(S, S, E, n, L);
    scMontMul(S, S, BETA, n, L, c.N0INV);
    scMontMul(S, KINV, S, n, L, c.N0INV);
    if (wordsZeroMask(S, L) != 0) continue;
    wordsToBE(sig, LEN, R);
    wordsToBE(sig + <usize>LEN, LEN, S);
    wipeSign();
    return 2 * LEN;
  }
  wipeSign();
  return ERR_FAULT;
}

const W = memory.data(<i32>SCALAR_BYTES, 16);
const U1 = memory.data(<i32>SCALAR_BYTES, 16);
const U2 = memory.data(<i32>SCALAR_BYTES, 16);
const QXY = memory.data(2 * <i32>MAX_FE, 16);
const RN = memory.data(72, 16);

/**
 * Verifies r || s (slen bytes) over the hlen-byte digest h with the public key q = x || y
 * (LEN bytes each, big-endian, already checked to be on the curve). VARIABLE TIME: all inputs
 * are public. Refuses a wrong length, r or s outside [1, n - 1], and R = O.
 */
export function ecdsaVerifyVartime<C>(q: usize, h: usize, hlen: usize, sig: usize, slen: usize): bool {
  const c = changetype<C>(0);
  const LEN = c.LEN;
  const L = c.NWORDS;
  const n = c.N;
  const F = c.FE;
  if (slen != <usize>(2 * LEN)) return false;
  memory.fill(R, 0, SCALAR_BYTES);
  memory.fill(S, 0, SCALAR_BYTES);
  wordsFromBE(R, L, sig, LEN);
  wordsFromBE(S, L, sig + <usize>LEN, LEN);
  // Bytes above the L words (P-521 reads 66 bytes into 17 words: none) cannot exist here,
  // since 4 L >= LEN on every curve.
  if (scInRangeMask(R, n, L) == 0 || scInRangeMask(S, n, L) == 0) return false;
  bits2int(E, L, h, hlen, c.NBITS);
  scReduceOnce(E, n, L);
  if (!scInvVartime(W, S, n, L, c.N0INV)) return false;
  memory.fill(U1, 0, SCALAR_BYTES);
  memory.fill(U2, 0, SCALAR_BYTES);
  scMul(U1, E, W, n, L, c.N0INV, c.NR2);
  scMul(U2, R, W, n, L, c.N0INV, c.NR2);
  if (!c.fromBytes(QXY, q) || !c.fromBytes(QXY + F, q + <usize>LEN)) return false;
  mulDoubleVartime<C>(PT, U1, QXY, U2);
  const X = PT, Zc = PT + 2 * F;
  if (c.isZeroMask(Zc) != 0) return false; // R = O
  // x(R) mod n == r  <=>  X == r Z, or X == (r + n) Z when r + n < p (SEC 1 §4.1.4 step 6-8,
  // without the inversion).
  c.fromBytes(T1, sig); // r < n < p
  c.mul(T1, T1, Zc);
  c.sub(T1, T1, X);
  if (c.isZeroMask(T1) != 0) return true;
  memory.fill(RN, 0, 72);
  const carry = wordsAddMasked(RN, R, n, L, 0xffffffff);
  if (carry != 0) return false;
  wordsToBE(XB, LEN, RN);
  if (4 * L > LEN) {
    // P-521: r + n may need more than LEN bytes' worth of bits.
    for (let i = LEN * 8; i < 32 * L; i++) if (((load<u32>(RN + (<usize>(i >> 5) << 2)) >> <u32>(i & 31)) & 1) != 0) return false;
  }
  if (!c.fromBytes(T2, XB)) return false; // r + n >= p
  c.mul(T2, T2, Zc);
  c.sub(T2, T2, X);
  return c.isZeroMask(T2) != 0;
}

// Self-test exports of the multi-precision arithmetic (bn/), so that the host's
// property tests can check it against JS BigInt. They take PUBLIC numbers as
// big-endian bytes in IN and write big-endian bytes to OUT; no key is involved.
import { ioIn, ioOut } from "../io";
import { ERR_LENGTH, ERR_PARAM } from "../status";
import { MAX_LIMBS, bitLengthVartime, cmpVartime, fromBytes, limb, limbsFor, mul, reduceOnce, toBytes } from "../bn/limbs";
import { ctxL, ctxM, fromMont, montCtxInit, montCtxInitL, montMul, montSqr, toMont } from "../bn/mont";
import { deinterleave, interleave, montPairCtxInit, montMulPair, montSqrPair } from "../bn/mont-pair";
import { modexpCtPair } from "../bn/modexp-pair";
import { modexpCt, modexpVartime } from "../bn/modexp";
import { hasSmallFactorVartime, millerRabin } from "../bn/primes";
import { modInvVartime } from "../bn/inverse";
import { F64_MAX_L, F64_PAD, MAX_F64_CTX_SIZE, MAX_F64_STRIDE, f64LimbsFor, montF64CtxInit, montMulF64, montSqrF64 } from "../bn/mont-f64";
import { crtF64Fits, crtHalvesF64 } from "../rsa/crt-f64";

const MAX_BN_BYTES: u32 = 512; // 4096 bits

const A = memory.data(MAX_LIMBS * 4, 16);
const B = memory.data(MAX_LIMBS * 4, 16);
const M = memory.data(MAX_LIMBS * 4, 16);
const E = memory.data(MAX_LIMBS * 4, 16);
const P = memory.data(MAX_LIMBS * 8, 16);
const T = memory.data(MAX_LIMBS * 4, 16);
const CTX = memory.data(16 + MAX_LIMBS * 16, 16); // montCtxSize(MAX_LIMBS)

function limbsForBytes(len: u32): i32 {
  return limbsFor(<i32>len * 8);
}

/** OUT = a * b, (aLen + bLen) bytes, for IN = a || b. */
export function bn_mul(aLen: u32, bLen: u32): i32 {
  if (aLen < 1 || aLen > MAX_BN_BYTES || bLen < 1 || bLen > MAX_BN_BYTES) return ERR_LENGTH;
  const na = limbsForBytes(aLen);
  const nb = limbsForBytes(bLen);
  fromBytes(A, na, ioIn(), <i32>aLen);
  fromBytes(B, nb, ioIn() + <usize>aLen, <i32>bLen);
  mul(P, A, na, B, nb);
  toBytes(ioOut(), <i32>(aLen + bLen), P, na + nb);
  return <i32>(aLen + bLen);
}

/** Loads m (mLen bytes at IN) into the context. Returns 0 or ERR_PARAM if m is even or < 3. */
function loadModulus(mLen: u32): i32 {
  const n = limbsForBytes(mLen);
  fromBytes(M, n, ioIn(), <i32>mLen);
  const bits = bitLengthVartime(M, n);
  if (bits < 2 || (limb(M, 0) & 1) == 0) return ERR_PARAM;
  montCtxInit(CTX, M, bits);
  return 0;
}

/** Reads the operand at IN + offset (mLen bytes) into dst; ERR_PARAM unless it is < m. */
function loadOperand(dst: usize, offset: u32, mLen: u32): i32 {
  const n = limbsForBytes(mLen); // >= L; M holds m over n limbs
  fromBytes(dst, n, ioIn() + <usize>offset, <i32>mLen);
  if (cmpVartime(dst, M, n) >= 0) return ERR_PARAM;
  return 0;
}

/**
 * IN = m || a || b (mLen bytes each, m odd, a, b < m). OUT = a b R^-1 mod m (mLen bytes),
 * R = 2^(28 L). Returns L.
 */
export function bn_mont_mul(mLen: u32): i32 {
  if (mLen < 1 || mLen > MAX_BN_BYTES) return ERR_LENGTH;
  let st = loadModulus(mLen);
  if (st < 0) return st;
  st = loadOperand(A, mLen, mLen);
  if (st < 0) return st;
  st = loadOperand(B, 2 * mLen, mLen);
  if (st < 0) return st;
  const L = ctxL(CTX);
  montMul(CTX, T, A, B);
  reduceOnce(T, ctxM(CTX), A, L);
  toBytes(ioOut(), <i32>mLen, T, L);
  return L;
}

/** IN = m || a. OUT = a^2 R^-1 mod m. Returns L. */
export function bn_mont_sqr(mLen: u32): i32 {
  if (mLen < 1 || mLen > MAX_BN_BYTES) return ERR_LENGTH;
  let st = loadModulus(mLen);
  if (st < 0) return st;
  st = loadOperand(A, mLen, mLen);
  if (st < 0) return st;
  const L = ctxL(CTX);
  montSqr(CTX, T, A);
  reduceOnce(T, ctxM(CTX), A, L);
  toBytes(ioOut(), <i32>mLen, T, L);
  return L;
}

/**
 * IN = m || a || e (m, a: mLen bytes; e: eLen bytes). OUT = a^e mod m (mLen bytes).
 * constantTime 1 uses the fixed-window exponentiation, 0 the public-exponent one.
 */
export function bn_modexp(mLen: u32, eLen: u32, constantTime: u32): i32 {
  if (mLen < 1 || mLen > MAX_BN_BYTES || eLen < 1 || eLen > MAX_BN_BYTES) return ERR_LENGTH;
  if (constantTime > 1) return ERR_PARAM;
  let st = loadModulus(mLen);
  if (st < 0) return st;
  st = loadOperand(A, mLen, mLen);
  if (st < 0) return st;
  const L = ctxL(CTX);
  const ne = limbsForBytes(eLen);
  fromBytes(E, ne, ioIn() + <usize>(2 * mLen), <i32>eLen);
  toMont(CTX, B, A);
  if (constantTime == 1) modexpCt(CTX, T, B, E, ne, <i32>eLen * 8);
  else modexpVartime(CTX, T, B, E, ne, bitLengthVartime(E, ne));
  fromMont(CTX, A, T);
  toBytes(ioOut(), <i32>mLen, A, L);
  return <i32>mLen;
}

/**
 * Miller-Rabin with `rounds` random bases on the odd m = IN[0..mLen) (m > 3).
 * Returns 1 (probably prime) or 0 (composite). Uses the DRBG.
 */
export function bn_probable_prime(mLen: u32, rounds: i32): i32 {
  if (mLen < 1 || mLen > MAX_BN_BYTES) return ERR_LENGTH;
  if (rounds < 1 || rounds > 64) return ERR_PARAM;
  const st = loadModulus(mLen);
  if (st < 0) return st;
  if (bitLengthVartime(M, limbsForBytes(mLen)) < 3) return ERR_PARAM;
  return millerRabin(CTX, bitLengthVartime(M, limbsForBytes(mLen)), rounds);
}

/** Trial division of IN[0..mLen) by the small primes: 1 if one divides it. */
export function bn_has_small_factor(mLen: u32): i32 {
  if (mLen < 1 || mLen > MAX_BN_BYTES) return ERR_LENGTH;
  const n = limbsForBytes(mLen);
  fromBytes(A, n, ioIn(), <i32>mLen);
  return hasSmallFactorVartime(A, n) ? 1 : 0;
}

// ---- the paired (two-lane) arithmetic of mont-pair.ts / modexp-pair.ts ----------------------

const CTX_P = memory.data(16 + MAX_LIMBS * 16, 16);
const CTX_Q = memory.data(16 + MAX_LIMBS * 16, 16);
const CTX_PQ = memory.data(32 + MAX_LIMBS * 16, 16); // montPairCtxSize(MAX_LIMBS)
const A2 = memory.data(MAX_LIMBS * 8 + 16, 16);
const B2 = memory.data(MAX_LIMBS * 8 + 16, 16);
const MP = memory.data(MAX_LIMBS * 4, 16);
const MQ = memory.data(MAX_LIMBS * 4, 16);
const AP = memory.data(MAX_LIMBS * 4, 16);
const AQ = memory.data(MAX_LIMBS * 4, 16);
const EP = memory.data(MAX_LIMBS * 4, 16);
const EQ = memory.data(MAX_LIMBS * 4, 16);
const MAX_PAIRED_BYTES: u32 = 256; // 2048-bit moduli, as for the CRT halves of a 4096-bit key

/**
 * Loads mp = IN[0..len), mq = IN[len..2 len) into two contexts sharing one L, and
 * the paired context. Returns L or ERR_PARAM (a modulus even or < 3).
 */
function loadModuli2(len: u32): i32 {
  const n = limbsForBytes(len);
  fromBytes(MP, n, ioIn(), <i32>len);
  fromBytes(MQ, n, ioIn() + <usize>len, <i32>len);
  const bp = bitLengthVartime(MP, n), bq = bitLengthVartime(MQ, n);
  if (bp < 2 || bq < 2 || (limb(MP, 0) & 1) == 0 || (limb(MQ, 0) & 1) == 0) return ERR_PARAM;
  const L = limbsFor(max(bp, bq));
  montCtxInitL(CTX_P, MP, bp, L);
  montCtxInitL(CTX_Q, MQ, bq, L);
  montPairCtxInit(CTX_PQ, CTX_P, CTX_Q);
  return L;
}

/** Reads two operands (len bytes each, at IN + offset) below mp and mq, into the paired dst. */
function loadOperands2(dst: usize, offset: u32, len: u32, L: i32): i32 {
  const n = limbsForBytes(len);
  fromBytes(AP, n, ioIn() + <usize>offset, <i32>len);
  fromBytes(AQ, n, ioIn() + <usize>(offset + len), <i32>len);
  if (cmpVartime(AP, MP, n) >= 0 || cmpVartime(AQ, MQ, n) >= 0) return ERR_PARAM;
  interleave(dst, AP, AQ, L);
  return 0;
}

/** Writes the paired value (both lanes reduced below their modulus) to OUT as two len-byte numbers. */
function storePair(src: usize, len: u32, L: i32): void {
  deinterleave(AP, AQ, src, L);
  reduceOnce(AP, ctxM(CTX_P), T, L);
  reduceOnce(AQ, ctxM(CTX_Q), T, L);
  toBytes(ioOut(), <i32>len, AP, L);
  toBytes(ioOut() + <usize>len, <i32>len, AQ, L);
}

/** IN = mp || mq || ap || aq || bp || bq (len bytes each). OUT = ap bp / R mod mp || aq bq / R mod mq. Returns L. */
export function bn_mont_mul2(len: u32): i32 {
  if (len < 1 || len > MAX_PAIRED_BYTES) return ERR_LENGTH;
  const L = loadModuli2(len);
  if (L < 0) return L;
  if (loadOperands2(A2, 2 * len, len, L) < 0 || loadOperands2(B2, 4 * len, len, L) < 0) return ERR_PARAM;
  montMulPair(CTX_PQ, A2, A2, B2);
  storePair(A2, len, L);
  return L;
}

/** IN = mp || mq || ap || aq. OUT = ap^2 / R mod mp || aq^2 / R mod mq. Returns L. */
export function bn_mont_sqr2(len: u32): i32 {
  if (len < 1 || len > MAX_PAIRED_BYTES) return ERR_LENGTH;
  const L = loadModuli2(len);
  if (L < 0) return L;
  if (loadOperands2(A2, 2 * len, len, L) < 0) return ERR_PARAM;
  montSqrPair(CTX_PQ, A2, A2);
  storePair(A2, len, L);
  return L;
}

/**
 * IN = mp || mq || ap || aq (len bytes each) || ep || eq (eLen bytes each).
 * OUT = ap^ep mod mp || aq^eq mod mq, by the paired constant-time exponentiation.
 */
export function bn_modexp2(len: u32, eLen: u32): i32 {
  if (len < 1 || len > MAX_PAIRED_BYTES || eLen < 1 || eLen > MAX_PAIRED_BYTES) return ERR_LENGTH;
  const L = loadModuli2(len);
  if (L < 0) return L;
  if (loadOperands2(A2, 2 * len, len, L) < 0) return ERR_PARAM;
  const ne = limbsForBytes(eLen);
  fromBytes(EP, ne, ioIn() + <usize>(4 * len), <i32>eLen);
  fromBytes(EQ, ne, ioIn() + <usize>(4 * len + eLen), <i32>eLen);
  // Into Montgomery form lane by lane, exponentiate both, and back.
  deinterleave(AP, AQ, A2, L);
  toMont(CTX_P, AP, AP);
  toMont(CTX_Q, AQ, AQ);
  interleave(A2, AP, AQ, L);
  modexpCtPair(CTX_PQ, A2, A2, EP, EQ, ne, <i32>eLen * 8);
  deinterleave(AP, AQ, A2, L);
  fromMont(CTX_P, AP, AP);
  fromMont(CTX_Q, AQ, AQ);
  toBytes(ioOut(), <i32>len, AP, L);
  toBytes(ioOut() + <usize>len, <i32>len, AQ, L);
  return <i32>len;
}

/**
 * IN = m || a (mLen bytes each, m odd and > 1, a < m). OUT = a^-1 mod m (mLen bytes) by the
 * variable-time binary Euclid; returns mLen, or 0 when gcd(a, m) != 1.
 */
export function bn_mod_inv_vartime(mLen: u32): i32 {
  if (mLen < 1 || mLen > MAX_BN_BYTES) return ERR_LENGTH;
  const n = limbsForBytes(mLen);
  fromBytes(M, n, ioIn(), <i32>mLen);
  if (bitLengthVartime(M, n) < 2 || (limb(M, 0) & 1) == 0) return ERR_PARAM;
  if (loadOperand(A, mLen, mLen) < 0) return ERR_PARAM;
  if (!modInvVartime(T, A, M, n)) return 0;
  toBytes(ioOut(), <i32>mLen, T, n);
  return <i32>mLen;
}

// ---- the f64 kernel (mont-f64.ts) and the CRT halves on it (rsa/crt-f64.ts) -------------------

const CTX_F = memory.data(MAX_F64_CTX_SIZE, 16);
const AF = memory.data(MAX_F64_STRIDE, 16);
const BF = memory.data(MAX_F64_STRIDE, 16);
const X2 = memory.data(MAX_LIMBS * 8, 16);
const WIDE2 = memory.data(MAX_LIMBS * 8, 16);

/** f64LimbsFor(bits): the limb count of the f64 kernel for a modulus of `bits` bits. */
export function bn_f64_limbs(bits: i32): i32 {
  return f64LimbsFor(bits);
}

/**
 * IN = mp || mq (len bytes each, odd) || a || b, where a and b are paired numbers of the f64
 * kernel as they lie in memory (Lf limbs of two little-endian f64, lane p then lane q, 16 bytes
 * per limb; Lf = bn_f64_limbs of the larger modulus). OUT = a b / R (or a^2 / R when square is
 * nonzero) in the same form, modulo M = m k per lane. Returns Lf. The kernel's own word on its
 * inputs: |a|, |b| < M and integer limbs of at most 2^23 in magnitude, which the caller keeps.
 */
export function bn_f64_mul(len: u32, square: u32): i32 {
  if (len < 1 || len > MAX_PAIRED_BYTES) return ERR_LENGTH;
  const L = loadModuli2(len);
  if (L < 0) return L;
  const Lf = f64LimbsFor(max(bitLengthVartime(MP, L), bitLengthVartime(MQ, L)));
  if (Lf > F64_MAX_L) return ERR_LENGTH;
  montF64CtxInit(CTX_F, CTX_P, CTX_Q, Lf);
  const a = AF + (<usize>F64_PAD << 4), b = BF + (<usize>F64_PAD << 4);
  const bytes = <usize>Lf << 4;
  memory.copy(a, ioIn() + <usize>(2 * len), bytes);
  memory.copy(b, ioIn() + <usize>(2 * len) + bytes, bytes);
  if (square != 0) montSqrF64(CTX_F, a, a);
  else montMulF64(CTX_F, a, a, b);
  memory.copy(ioOut(), a, bytes);
  memory.fill(AF, 0, MAX_F64_STRIDE);
  memory.fill(BF, 0, MAX_F64_STRIDE);
  return Lf;
}

/**
 * IN = mp || mq (len bytes each, odd, of 128 to 1412 bits) || x (2 len bytes, x < mp mq) || ep || eq
 * (eLen bytes each, below 2^bits of the larger modulus). OUT = x^ep mod mp || x^eq mod mq, by the
 * exponentiations of the RSA CRT on the f64 kernel. Returns len, or ERR_PARAM if the moduli do not fit it.
 */
export function bn_crt_f64(len: u32, eLen: u32): i32 {
  if (len < 1 || len > MAX_PAIRED_BYTES || eLen < 1 || eLen > len) return ERR_LENGTH;
  const L = loadModuli2(len);
  if (L < 0) return L;
  const bits = max(bitLengthVartime(MP, L), bitLengthVartime(MQ, L));
  if (!crtF64Fits(bits)) return ERR_PARAM;
  fromBytes(X2, 2 * L, ioIn() + <usize>(2 * len), <i32>(2 * len));
  fromBytes(EP, L + 1, ioIn() + <usize>(4 * len), <i32>eLen);
  fromBytes(EQ, L + 1, ioIn() + <usize>(4 * len + eLen), <i32>eLen);
  crtHalvesF64(CTX_P, CTX_Q, bits, X2, 2 * L, EP, EQ, AP, AQ, WIDE2);
  fromMont(CTX_P, AP, AP);
  toBytes(ioOut(), <i32>len, AP, L);
  toBytes(ioOut() + <usize>len, <i32>len, AQ, L);
  return <i32>len;
}

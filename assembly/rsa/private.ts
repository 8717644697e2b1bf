// The RSA private operation (RFC 8017 §5.1.2, RSADP / RSASP1, second form: CRT),
// with multiplicative blinding and a check of the result before it is released.
//
//   c' = c r^e mod n                      blinding (Kocher 1996): the exponentiations see a random c'
//   m_p = c'^dp mod p, m_q = c'^dq mod q  constant-time fixed-window exponentiations
//   h = qi (m_p - m_q) mod p, m' = m_q + h q      Garner's recombination, constant time
//   m = m' r^-1 mod n                     unblinding
//   check m^e = c (mod n), else ERR_FAULT  (Boneh-DeMillo-Lipton / Lenstra: a fault in one half
//                                           of the CRT would otherwise reveal a factor of n);
//                                           computed mod p and mod q in the paired lanes
// After each use the pair (r^e, r^-1) is squared, which keeps it a valid pair at the
// cost of two squarings mod n; every BLIND_REFRESH uses a new r is drawn
// (BoringSSL's BN_BLINDING does the same with a count of 32).
import { OK, ERR_FAULT } from "../status";
import { REFUSED_RSA_N_NOT_PQ, REFUSED_RSA_QI, refuse } from "../keys/refusals";
import {
  MAX_LIMBS, add, bitLengthVartime, copy, eqMask, isZeroMask, limbsFor, mul, reduceOnce, setLimb, zero, cmpVartime,
} from "../bn/limbs";
import { ctxM, fromMont, modSubLazy, montCtxInitL, montWipe, montMul, reduceWide, toMont, toMontWide } from "../bn/mont";
import { modexpVartime } from "../bn/modexp";
import { modInvVartime } from "../bn/inverse";
import { modexpCtPair, modexpVartimePair } from "../bn/modexp-pair";
import { MAX_PAIR_CTX_SIZE, deinterleave, interleave, montMulPair, montPairCtxInit, montPairWipe } from "../bn/mont-pair";
import { randomBits } from "../bn/primes";
import { crtF64Fits, crtHalvesF64 } from "./crt-f64";
import {
  H_LP, H_PBITS, H_USES, ctxN, ctxP, ctxPQ, ctxQ, keyA, keyAinv, keyDp, keyDq, keyE, keyLn, keyLp, keyNBits, keyPBits, keyQi,
} from "./key";

const BLIND_REFRESH: u32 = 32;

const S = MAX_LIMBS * 4;
const CB = memory.data(S, 16);       // blinded input
const XP = memory.data(S, 16);       // c' R mod p, then m_p (Montgomery)
const XQ = memory.data(S, 16);       // c' R mod q, then m_q (Montgomery)
const MQ = memory.data(S, 16);       // m_q plain
const H = memory.data(S, 16);
const WIDE = memory.data(2 * S, 16); // 2 Lp limbs
const PROD = memory.data(2 * S, 16);
const TMP = memory.data(S, 16);
const CHK = memory.data(S, 16);
const BS = memory.data(S, 16); // the blinding's second random s
const BY = memory.data(S, 16); // y = r s
const BYI = memory.data(S, 16); // y^-1
const ELIMBS = memory.data(16, 16);
const PAIR = memory.data(2 * S, 16);
const PAIR2 = memory.data(2 * S, 16);
const CTX_NN = memory.data(MAX_PAIR_CTX_SIZE, 16); // n in both lanes (blindMul)

/**
 * out (Ln limbs, < n) = the CRT combination of x^expP mod p and x^expQ mod q, for
 * x < 2n (Ln limbs). Constant time in x and in the exponents (expBits = pBits, padded).
 */
function crtExp(key: usize, out: usize, x: usize, expP: usize, expQ: usize): void {
  const Ln = keyLn(key);
  const Lp = keyLp(key);
  const cp = ctxP(key);
  const cq = ctxQ(key);
  const bits = keyPBits(key);
  if (crtF64Fits(bits)) {
    // Both exponentiations on the f64 kernel (crt-f64.ts): m_p in Montgomery form, m_q plain.
    crtHalvesF64(cp, cq, bits, x, Ln, expP, expQ, XP, MQ, WIDE);
  } else {
    // x mod p and x mod q, in Montgomery form (x < 2n = 2pq < p R, as REDC requires),
    // then both exponentiations at once in the lanes of the paired layout.
    toMontWide(cp, XP, x, Ln, WIDE);
    toMontWide(cq, XQ, x, Ln, WIDE);
    interleave(PAIR, XP, XQ, Lp);
    modexpCtPair(ctxPQ(key), PAIR, PAIR, expP, expQ, Lp + 1, bits);
    deinterleave(XP, XQ, PAIR, Lp);
    memory.fill(PAIR, 0, <usize>Lp << 3);
    fromMont(cq, MQ, XQ);
  }
  // Garner: m_q into the domain of p, h = (m_p - m_q) qi mod p (the product of a
  // Montgomery form and a plain qi is plain), m = m_q + h q.
  toMontWide(cp, TMP, MQ, Lp, WIDE);
  modSubLazy(cp, TMP, XP, TMP);
  montMul(cp, H, TMP, keyQi(key));
  reduceOnce(H, ctxM(cp), TMP, Lp);
  mul(PROD, H, Lp, ctxM(cq), Lp);
  zero(WIDE, 2 * Lp);
  copy(WIDE, MQ, Lp);
  add(PROD, PROD, WIDE, 2 * Lp);
  copy(out, PROD, Ln); // m < n, so the limbs above Ln are zero
  zero(PROD, 2 * Lp);
  zero(WIDE, 2 * Lp);
  zero(XP, Lp);
  zero(XQ, Lp);
  zero(MQ, Lp);
  zero(H, Lp);
  zero(TMP, Lp);
}

/** ELIMBS = e as two limbs (e < 2^32). */
function eLimbs(key: usize): usize {
  const e = keyE(key);
  setLimb(ELIMBS, 0, e & 0x0fffffff);
  setLimb(ELIMBS, 1, e >>> 28);
  return ELIMBS;
}

function eBits(key: usize): i32 {
  return 32 - <i32>clz<u32>(keyE(key));
}

/** out = x^e mod n, fully reduced, for x < 2n. Variable time only in the public e. */
export function publicOp(key: usize, out: usize, x: usize): void {
  const cn = ctxN(key);
  toMont(cn, TMP, x);
  modexpVartime(cn, TMP, TMP, eLimbs(key), 2, eBits(key));
  fromMont(cn, out, TMP);
}

/**
 * All ones when s^e = x (mod n), else 0, for s, x < n: the check of a CRT result before it is
 * released. It is computed modulo p and modulo q (which is the same as modulo n = p q, by the
 * CRT), in the two lanes of the paired arithmetic at the size of p: about 4 times cheaper than
 * the exponentiation modulo n. s is reduced afresh from its final value, so a fault anywhere in
 * its computation, the recombination included, shows in at least one lane.
 */
function checkMask(key: usize, s: usize, x: usize): u32 {
  const Ln = keyLn(key);
  const Lp = keyLp(key);
  const cp = ctxP(key);
  const cq = ctxQ(key);
  toMontWide(cp, XP, s, Ln, WIDE); // s R mod p (s < n < p R)
  toMontWide(cq, XQ, s, Ln, WIDE);
  interleave(PAIR, XP, XQ, Lp);
  modexpVartimePair(ctxPQ(key), PAIR, PAIR, eLimbs(key), 2, eBits(key));
  deinterleave(XP, XQ, PAIR, Lp);
  fromMont(cp, XP, XP); // s^e mod p, fully reduced
  fromMont(cq, XQ, XQ);
  reduceWide(cp, TMP, x, Ln, WIDE); // x mod p
  reduceWide(cq, H, x, Ln, WIDE);
  const ok = eqMask(XP, TMP, Lp) & eqMask(XQ, H, Lp);
  memory.fill(PAIR, 0, <usize>Lp << 3);
  zero(XP, Lp);
  zero(XQ, Lp);
  zero(TMP, Lp);
  zero(H, Lp);
  return ok;
}

/** dst = a uniformly random number in [1, n) (Ln limbs), by rejection: the draws refused say nothing of the one kept. */
function randomBelow(key: usize, dst: usize): i32 {
  const Ln = keyLn(key);
  const n = ctxM(ctxN(key));
  let st = OK;
  do {
    st = randomBits(dst, Ln, keyNBits(key));
  } while (st == OK && (cmpVartime(dst, n, Ln) >= 0 || isZeroMask(dst, Ln) != 0));
  return st;
}

const BLIND_TRIES = 8;

/**
 * Draws a new blinding pair: A = r^e R mod n, Ainv = r^-1 R mod n. r^-1 is computed blinded, as
 * BoringSSL's BN_mod_inverse_blinded does: y = r s mod n for a second secret random s, y^-1 by
 * the variable-time binary Euclid (y, uniformly random whatever r is, says nothing of r without
 * s), then r^-1 = y^-1 s. About 4 times cheaper than r^(p-2) and r^(q-2) by constant-time
 * exponentiations. y is not invertible only if r or s shares a factor with n (probability
 * about 2^-1023); r and s are then drawn again.
 */
export function newBlinding(key: usize): i32 {
  const Ln = keyLn(key);
  const cn = ctxN(key);
  const n = ctxM(cn);
  let found = false;
  for (let t = 0; t < BLIND_TRIES && !found; t++) {
    let st = randomBits(CB, Ln, keyNBits(key) - 1); // r < 2^(nBits-1) < n
    if (st != OK) return st;
    st = randomBelow(key, BS);
    if (st != OK) return st;
    toMont(cn, TMP, CB); // r R
    montMul(cn, BY, TMP, BS); // r s, in [0, 2n)
    reduceOnce(BY, n, CHK, Ln);
    found = modInvVartime(BYI, BY, n, Ln);
  }
  if (found) {
    modexpVartime(cn, keyA(key), TMP, eLimbs(key), 2, eBits(key)); // r^e R
    toMont(cn, BYI, BYI); // y^-1 R
    montMul(cn, CHK, BYI, BS); // y^-1 s = r^-1, in [0, 2n)
    toMont(cn, keyAinv(key), CHK); // r^-1 R
    store<u32>(key + H_USES, 0);
  }
  zero(CB, Ln);
  zero(BS, Ln);
  zero(BY, Ln);
  zero(BYI, Ln);
  zero(CHK, Ln);
  zero(TMP, Ln);
  return found ? OK : ERR_FAULT;
}

/**
 * Makes the next private operation draw a fresh blinding pair. Called on every key that comes
 * out of a sealed blob, whose stored pair would otherwise be replayed by each instance that opens it.
 */
export function expireBlinding(key: usize): void {
  store<u32>(key + H_USES, BLIND_REFRESH);
}

/**
 * out = x y / R mod n and y = y^2 / R mod n, in the two lanes of one paired product modulo n
 * (x, y < 2n; results in [0, 2n)): the blinding and unblinding multiplications, each with the
 * squaring that moves its half of the blinding pair on. One paired product at Ln limbs costs
 * about half as much as the two scalar ones.
 */
function blindMul(Ln: i32, out: usize, x: usize, y: usize): void {
  interleave(PAIR, x, y, Ln);
  interleave(PAIR2, y, y, Ln);
  montMulPair(CTX_NN, PAIR, PAIR, PAIR2);
  deinterleave(out, y, PAIR, Ln);
  memory.fill(PAIR, 0, <usize>Ln << 3);
  memory.fill(PAIR2, 0, <usize>Ln << 3);
}

/**
 * out = x^d mod n (Ln limbs, fully reduced) for x < n (Ln limbs), with blinding and
 * the s^e = x check. Returns OK or ERR_FAULT (out is then zeroed).
 */
export function privateOp(key: usize, out: usize, x: usize): i32 {
  const Ln = keyLn(key);
  const cn = ctxN(key);
  if (load<u32>(key + H_USES) >= BLIND_REFRESH) {
    const st = newBlinding(key);
    if (st != OK) return st;
  }
  montPairCtxInit(CTX_NN, cn, cn);
  blindMul(Ln, CB, x, keyA(key)); // x r^e, in [0, 2n); A squared
  crtExp(key, out, CB, keyDp(key), keyDq(key));
  blindMul(Ln, out, out, keyAinv(key)); // times r^-1; Ainv squared
  reduceOnce(out, ctxM(cn), TMP, Ln);
  montPairWipe();
  store<u32>(key + H_USES, load<u32>(key + H_USES) + 1);
  // The result check, with the public exponent.
  const ok = checkMask(key, out, x);
  zero(CB, Ln);
  zero(CHK, Ln);
  montWipe();
  if (ok == 0) {
    zero(out, Ln);
    return ERR_FAULT;
  }
  return OK;
}

/**
 * Completes a private key whose header and context of n are set: contexts of p and
 * q, dp, dq, qi, and a first blinding pair. pBits is the larger bit length of p and q;
 * p, q, dp, dq, qi are values the caller has range-checked, in limbsFor(pBits) limbs.
 * Checks n = p q and qi q = 1 mod p (ERR_KEY_INVALID, with the reason recorded: keys/refusals.ts).
 */
export function setupPrivate(key: usize, p: usize, q: usize, dp: usize, dq: usize, qi: usize, pBits: i32): i32 {
  store<i32>(key + H_LP, limbsFor(pBits));
  store<i32>(key + H_PBITS, pBits);
  const Ln = keyLn(key);
  const Lp = keyLp(key);
  // n = p q (the product of the two primes that the caller says make n).
  mul(PROD, p, Lp, q, Lp);
  let ok = eqMask(PROD, ctxM(ctxN(key)), Ln) & isZeroMask(PROD + (<usize>Ln << 2), 2 * Lp - Ln);
  zero(PROD, 2 * Lp);
  if (ok == 0) return refuse(REFUSED_RSA_N_NOT_PQ);
  montCtxInitL(ctxP(key), p, bitLengthVartime(p, Lp), Lp); // the sizes of p and q are public
  montCtxInitL(ctxQ(key), q, bitLengthVartime(q, Lp), Lp);
  montPairCtxInit(ctxPQ(key), ctxP(key), ctxQ(key));
  copy(keyDp(key), dp, Lp);
  setLimb(keyDp(key), Lp, 0);
  copy(keyDq(key), dq, Lp);
  setLimb(keyDq(key), Lp, 0);
  copy(keyQi(key), qi, Lp);
  // qi q = 1 (mod p): Montgomery-multiply qi R by q (q < 2p is not assumed: reduce q first).
  const cp = ctxP(key);
  toMontWide(cp, TMP, q, Lp, WIDE);
  montMul(cp, TMP, TMP, qi); // q qi mod p, plain
  reduceOnce(TMP, ctxM(cp), H, Lp);
  zero(H, Lp);
  setLimb(H, 0, 1);
  ok = eqMask(TMP, H, Lp);
  zero(TMP, Lp);
  if (ok == 0) return refuse(REFUSED_RSA_QI);
  return newBlinding(key);
}

/** True if the public value x (Ln limbs) is below n. */
export function belowModulusVartime(key: usize, x: usize): bool {
  return cmpVartime(x, ctxM(ctxN(key)), keyLn(key)) < 0;
}

// AES Key Wrap (RFC 3394, = NIST SP 800-38F KW) and Key Wrap with Padding (RFC 5649, = KWP).
// Unwrapping checks the integrity value and the padding without branching on secret data and
// reports every failure as ERR_DECRYPT, with the output wiped. KW is sequential: each step is one
// single-block AES call, so single-block latency is what matters here: the steps run on the
// vector-permute AES of vperm.ts, whose round keys are taken out of the schedule once per call.
import { VK, vpermDecrypt, vpermDecryptBlock, vpermEncrypt, vpermEncryptBlock, vpermKeysDec, vpermKeysEnc, vpermWipe } from "./vperm";
import { aesKeyBits, aesRounds } from "./schedule";
import { wipe } from "../mem";
import { ERR_DECRYPT, ERR_PARAM } from "../status";

// RFC 3394 §2.2.3.1 default IV A6A6A6A6A6A6A6A6 (as a little-endian u64 of its bytes).
const KW_IV: u64 = 0xa6a6a6a6a6a6a6a6;
// RFC 5649 §3 alternative IV: the constant A65959A6 followed by the 32-bit big-endian length.
const KWP_AIV_HI: u32 = 0xa65959a6; // its bytes A6 59 59 A6 read little-endian give the same value

const block = memory.data(16, 16);

/**
 * The wrapping process W (RFC 3394 §2.2.1, index-based form) on n >= 2 semiblocks at r, in place,
 * with initial value a (8 bytes as a little-endian u64). Returns the final A.
 */
function wrapRounds(ks: usize, a: u64, r: usize, n: usize): u64 {
  const nr = aesRounds(ks);
  vpermKeysEnc(ks, nr);
  // B = AES(K, A | R[i]) with A kept in lane 0 of a register from one step to the next.
  let b = i64x2.splat(a);
  for (let j: usize = 0; j < 6; j++) {
    for (let i: usize = 1; i <= n; i++) {
      const ri = r + ((i - 1) << 3);
      b = vpermEncryptBlock(i64x2.replace_lane(b, 1, load<u64>(ri)), VK, nr);
      // A = MSB64(B) ^ t, t = n·j + i as a 64-bit big-endian integer.
      store<u64>(ri, i64x2.extract_lane(b, 1));
      b = v128.xor(b, i64x2.splat(bswap<u64>(<u64>(n * j + i))));
    }
  }
  vpermWipe();
  return i64x2.extract_lane(b, 0);
}

/** The unwrapping process W^-1 (RFC 3394 §2.2.2) on n >= 2 semiblocks at r, in place. Returns A. */
function unwrapRounds(ks: usize, a: u64, r: usize, n: usize): u64 {
  const nr = aesRounds(ks);
  vpermKeysDec(ks, nr);
  // B = AES^-1(K, (A ^ t) | R[i]), with A kept in lane 0 of a register.
  let b = i64x2.splat(a);
  for (let j: isize = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      const ri = r + ((i - 1) << 3);
      const t = i64x2.splat(bswap<u64>(<u64>(n * <usize>j + i)));
      b = vpermDecryptBlock(i64x2.replace_lane(v128.xor(b, t), 1, load<u64>(ri)), VK, nr);
      store<u64>(ri, i64x2.extract_lane(b, 1));
    }
  }
  vpermWipe();
  return i64x2.extract_lane(b, 0);
}

/** All-ones if x == 0, else 0, without a branch. */
@inline
function isZeroMask64(x: u64): u64 {
  return <u64>(<i64>(~x & (x - 1)) >> 63);
}

/** All-ones if a < b (both below 2^63), else 0. */
@inline
function ltMask64(a: u64, b: u64): u64 {
  return <u64>(<i64>(a - b) >> 63);
}

/**
 * KW wrap: inLen bytes at src (a multiple of 8, at least 16: the caller checks) to inLen + 8 bytes
 * at dst. Returns the output length.
 */
export function kwWrap(ks: usize, src: usize, inLen: usize, dst: usize): i32 {
  memory.copy(dst + 8, src, inLen);
  store<u64>(dst, wrapRounds(ks, KW_IV, dst + 8, inLen >> 3));
  return <i32>(inLen + 8);
}

/**
 * KW unwrap: inLen bytes at src (a multiple of 8, at least 24: the caller checks) to inLen - 8
 * bytes at dst (which may be src). Returns the output length, or ERR_DECRYPT with dst wiped.
 */
export function kwUnwrap(ks: usize, src: usize, inLen: usize, dst: usize): i32 {
  const n = (inLen >> 3) - 1;
  const a0 = load<u64>(src);
  memory.copy(dst, src + 8, n << 3);
  const a = unwrapRounds(ks, a0, dst, n);
  // RFC 3394 §2.2.3: A must equal the IV; compared without a data-dependent branch.
  const ok = isZeroMask64(a ^ KW_IV);
  if (ok == 0) {
    wipe(dst, n << 3);
    return ERR_DECRYPT;
  }
  return <i32>(n << 3);
}

/**
 * KWP wrap (RFC 5649 §4.1): m >= 1 bytes at src to 8·(ceil(m/8) + 1) bytes at dst.
 * Returns the output length.
 */
export function kwpWrap(ks: usize, src: usize, m: usize, dst: usize): i32 {
  const r = (m + 7) >> 3;
  const aiv = <u64>KWP_AIV_HI | (<u64>bswap<u32>(<u32>m) << 32);
  memory.copy(dst + 8, src, m);
  memory.fill(dst + 8 + m, 0, (r << 3) - m);
  if (r == 1) {
    // One semiblock: a single AES block, AIV ‖ P (§4.1 step 2).
    store<u64>(dst, aiv);
    vpermEncrypt(vpermKeysEnc(ks, aesRounds(ks)), aesRounds(ks), dst, dst);
    vpermWipe();
  } else {
    store<u64>(dst, wrapRounds(ks, aiv, dst + 8, r));
  }
  return <i32>((r + 1) << 3);
}

/**
 * KWP unwrap (RFC 5649 §4.2): inLen bytes at src to at most inLen - 8 bytes at dst (which may be
 * src). keyBits must be the key size of the schedule ks (a consistency check for callers that
 * hold both; ERR_PARAM otherwise). Returns the unwrapped length, or ERR_DECRYPT with the
 * inLen - 8 bytes at dst wiped: for a length that is not a multiple of 8 or below 16, a wrong
 * integrity value, a length indicator out of range or a nonzero padding byte alike.
 */
export function kwpUnwrap(ks: usize, keyBits: i32, src: usize, inLen: usize, dst: usize): i32 {
  if (keyBits != aesKeyBits(ks)) return ERR_PARAM;
  if (inLen < 16 || (inLen & 7) != 0) return ERR_DECRYPT;
  const n = (inLen >> 3) - 1;
  let a: u64;
  if (n == 1) {
    vpermDecrypt(vpermKeysDec(ks, aesRounds(ks)), aesRounds(ks), src, block);
    vpermWipe();
    a = load<u64>(block);
    store<u64>(dst, load<u64>(block, 8));
    wipe(block, 16);
  } else {
    const a0 = load<u64>(src);
    memory.copy(dst, src + 8, n << 3);
    a = unwrapRounds(ks, a0, dst, n);
  }
  // §4.2 step 3, without branching on A or the plaintext: MSB32(A) = A65959A6,
  // 8·(n-1) < MLI <= 8·n, and the 8·n - MLI padding bytes are zero.
  const mli = <u64>bswap<u32>(<u32>(a >> 32));
  let ok = isZeroMask64(<u64>(<u32>a ^ KWP_AIV_HI));
  const len = <u64>(n << 3);
  ok &= ltMask64(len - 8, mli);
  ok &= ~ltMask64(len, mli);
  // Only the last semiblock can hold padding; byte i of it is padding when 8·(n-1) + i >= MLI.
  const last = dst + ((n - 1) << 3);
  let pad: u64 = 0;
  for (let i: usize = 0; i < 8; i++) {
    const isPad = ~ltMask64(len - 8 + <u64>i, mli);
    pad |= isPad & <u64>load<u8>(last + i);
  }
  ok &= isZeroMask64(pad);
  if (ok == 0) {
    wipe(dst, n << 3);
    return ERR_DECRYPT;
  }
  return <i32>mli;
}

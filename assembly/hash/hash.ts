// Streaming hash over a context in raw memory, for SHA-1, SHA-256, SHA-384, SHA-512.
// Padding and length encoding follow FIPS 180-4 §5.1.
import { HASH_SHA1, HASH_SHA256, HASH_SHA384, HASH_SHA512, hashBlockLength, hashLength } from "./ids";
import { sha1Compress, sha1Init } from "./sha1";
import { sha256Compress, sha256Init } from "./sha256";
import { sha384Init, sha512Compress, sha512Init } from "./sha512";
import { storeBe32, storeBe64, wipe } from "../mem";

// Context layout (bytes): state 0..63 | block buffer 64..191 | total u64 @192 | buffered u32 @200 | alg u32 @204
export const HASH_CTX_SIZE: usize = 208;
const STATE: usize = 0;
const BUF: usize = 64;
const TOTAL: usize = 192;
const BUFLEN: usize = 200;
const ALG: usize = 204;

/** Starts a hash of kind alg in ctx. The caller has checked that alg is valid. */
export function hashInit(ctx: usize, alg: i32): void {
  if (alg == HASH_SHA1) sha1Init(ctx + STATE);
  else if (alg == HASH_SHA256) sha256Init(ctx + STATE);
  else if (alg == HASH_SHA384) sha384Init(ctx + STATE);
  else sha512Init(ctx + STATE);
  store<u64>(ctx + TOTAL, 0);
  store<u32>(ctx + BUFLEN, 0);
  store<i32>(ctx + ALG, alg);
}

function compress(ctx: usize, p: usize, blocks: usize): void {
  const alg = load<i32>(ctx + ALG);
  if (alg == HASH_SHA1) sha1Compress(ctx + STATE, p, blocks);
  else if (alg == HASH_SHA256) sha256Compress(ctx + STATE, p, blocks);
  else sha512Compress(ctx + STATE, p, blocks);
}

export function hashUpdate(ctx: usize, p: usize, len: usize): void {
  const bl = <usize>hashBlockLength(load<i32>(ctx + ALG));
  store<u64>(ctx + TOTAL, load<u64>(ctx + TOTAL) + <u64>len);
  let buffered = <usize>load<u32>(ctx + BUFLEN);
  if (buffered > 0) {
    const take = min(bl - buffered, len);
    memory.copy(ctx + BUF + buffered, p, take);
    buffered += take;
    p += take;
    len -= take;
    if (buffered < bl) {
      store<u32>(ctx + BUFLEN, <u32>buffered);
      return;
    }
    compress(ctx, ctx + BUF, 1);
    buffered = 0;
  }
  const whole = len / bl;
  if (whole > 0) {
    compress(ctx, p, whole);
    p += whole * bl;
    len -= whole * bl;
  }
  memory.copy(ctx + BUF, p, len);
  store<u32>(ctx + BUFLEN, <u32>len);
}

/** Writes the digest to out and wipes the context. */
export function hashFinal(ctx: usize, out: usize): void {
  const alg = load<i32>(ctx + ALG);
  const bl = <usize>hashBlockLength(alg);
  const lenField: usize = bl == 128 ? 16 : 8;
  let buffered = <usize>load<u32>(ctx + BUFLEN);
  const bits = load<u64>(ctx + TOTAL) << 3;
  store<u8>(ctx + BUF + buffered, 0x80);
  buffered++;
  if (buffered > bl - lenField) {
    memory.fill(ctx + BUF + buffered, 0, bl - buffered);
    compress(ctx, ctx + BUF, 1);
    buffered = 0;
  }
  memory.fill(ctx + BUF + buffered, 0, bl - buffered);
  // Message length in bits, big-endian; the high 64 bits of SHA-512's 128-bit field stay 0.
  storeBe64(ctx + BUF + bl - 8, bits);
  compress(ctx, ctx + BUF, 1);
  const outLen = <usize>hashLength(alg);
  if (bl == 64) {
    for (let i: usize = 0; i < outLen; i += 4) storeBe32(out + i, load<u32>(ctx + STATE + i));
  } else {
    for (let i: usize = 0; i < outLen; i += 8) storeBe64(out + i, load<u64>(ctx + STATE + i));
  }
  wipe(ctx, HASH_CTX_SIZE);
}

/** The algorithm id a context was started with. */
export function hashAlgOf(ctx: usize): i32 {
  return load<i32>(ctx + ALG);
}

const oneShotCtx = memory.data(<i32>HASH_CTX_SIZE, 16);

/** Hashes len bytes at p into out. */
export function hashOnce(alg: i32, p: usize, len: usize, out: usize): void {
  hashInit(oneShotCtx, alg);
  hashUpdate(oneShotCtx, p, len);
  hashFinal(oneShotCtx, out);
}

// MGF1 (RFC 8017 Appendix B.2.1).
import { HASH_CTX_SIZE, hashFinal, hashInit, hashUpdate } from "../hash/hash";
import { hashLength } from "../hash/ids";
import { storeBe32, wipe, xorInto } from "../mem";

const ctx = memory.data(<i32>HASH_CTX_SIZE, 16);
const counter = memory.data(4, 16);
const block = memory.data(64, 16);

/** dst[0..len) ^= MGF1(seed[0..seedLen)) with the hash `alg`. */
export function mgf1Xor(alg: i32, seed: usize, seedLen: usize, dst: usize, len: usize): void {
  const hLen = <usize>hashLength(alg);
  let c: u32 = 0;
  for (let off: usize = 0; off < len; off += hLen, c++) {
    hashInit(ctx, alg);
    hashUpdate(ctx, seed, seedLen);
    storeBe32(counter, c);
    hashUpdate(ctx, counter, 4);
    hashFinal(ctx, block);
    xorInto(dst + off, block, min(hLen, len - off));
  }
  wipe(block, 64);
}

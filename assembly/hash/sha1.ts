// SHA-1 compression function (FIPS 180-4 §6.1.2) on raw memory.
// Used only where Key Vault requires it: RSA-OAEP (SHA-1) and its MGF1.
import { loadBe32 } from "../mem";

const IV = memory.data<u32>([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
const W = memory.data(80 * 4, 16);

export function sha1Init(state: usize): void {
  memory.copy(state, IV, 20);
}

export function sha1Compress(state: usize, p: usize, blocks: usize): void {
  for (let blk: usize = 0; blk < blocks; blk++, p += 64) {
    for (let t: usize = 0; t < 16; t++) store<u32>(W + (t << 2), loadBe32(p + (t << 2)));
    for (let t: usize = 16; t < 80; t++) {
      const x = load<u32>(W + ((t - 3) << 2)) ^ load<u32>(W + ((t - 8) << 2)) ^
        load<u32>(W + ((t - 14) << 2)) ^ load<u32>(W + ((t - 16) << 2));
      store<u32>(W + (t << 2), rotl<u32>(x, 1));
    }
    let a = load<u32>(state, 0), b = load<u32>(state, 4), c = load<u32>(state, 8);
    let d = load<u32>(state, 12), e = load<u32>(state, 16);
    for (let t: usize = 0; t < 80; t++) {
      let f: u32, k: u32;
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const tmp = rotl<u32>(a, 5) + f + e + k + load<u32>(W + (t << 2));
      e = d; d = c; c = rotl<u32>(b, 30); b = a; a = tmp;
    }
    store<u32>(state, load<u32>(state, 0) + a, 0);
    store<u32>(state, load<u32>(state, 4) + b, 4);
    store<u32>(state, load<u32>(state, 8) + c, 8);
    store<u32>(state, load<u32>(state, 12) + d, 12);
    store<u32>(state, load<u32>(state, 16) + e, 16);
  }
}

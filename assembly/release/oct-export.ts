// The raw bytes of an oct slot, for a release. A slot keeps only the fixsliced key schedule
// (aes/schedule.ts), whose round keys 0 and 1 are the key's first 32 bytes (FIPS-197 §5.2: w[0..Nk-1]
// is the key): each is stored bitsliced, permuted by ShiftRows^-(i mod 4) and, for i >= 1, with 0x63
// added to every byte. This undoes those three steps for round keys 0 and 1.
import { aesKeyBits } from "../aes/schedule";
import { bitsliceOut } from "../aes/block";
import { wipe } from "../mem";

const planes = memory.data(64, 16);
const blocks = memory.data(64, 16);

/** Writes the AES key of the schedule at ks to out; returns its length (16, 24 or 32). */
export function octRawKey(ks: usize, out: usize): usize {
  const len = <usize>(aesKeyBits(ks) >> 3);
  for (let i = 0; i < 2; i++) {
    if (<usize>i * 16 >= len) break;
    memory.copy(planes, ks + 16 + (<usize>i << 6), 64);
    if (i > 0) {
      // - 0x63 is + 0x63 in GF(2): complement planes 0, 1, 5, 6 again.
      store<u64>(planes, ~load<u64>(planes, 0), 0);
      store<u64>(planes, ~load<u64>(planes, 8), 8);
      store<u64>(planes, ~load<u64>(planes, 40), 40);
      store<u64>(planes, ~load<u64>(planes, 48), 48);
    }
    bitsliceOut(planes, blocks, 1, false);
    // Stored W has W[4c + r] = K[4((c - k r) mod 4) + r] with k = i (i < 4).
    const take = min<usize>(16, len - <usize>i * 16);
    for (let c = 0; c < 4; c++) {
      for (let r = 0; r < 4; r++) {
        const at = <usize>(4 * ((c - i * r) & 3) + r);
        if (at < take) store<u8>(out + <usize>i * 16 + at, load<u8>(blocks + <usize>(4 * c + r)));
      }
    }
  }
  wipe(planes, 64);
  wipe(blocks, 64);
  return len;
}

// HMAC under a precomputed key (hmacKeyInit / hmacInitFromKey, RFC 2104 §4): one key, several
// messages, each tag against node:crypto's createHmac.
import { createHmac, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { rawCore, type RawCore } from "../../helpers/raw.js";

let core: RawCore;
beforeAll(async () => {
  core = await rawCore({ test: true });
});

const algs = [
  { id: 1, name: "sha1", len: 20 },
  { id: 2, name: "sha256", len: 32 },
  { id: 3, name: "sha384", len: 48 },
  { id: 4, name: "sha512", len: 64 },
];

function macs(alg: (typeof algs)[number], key: Uint8Array, msgs: Uint8Array[]): Uint8Array {
  const msgLen = msgs[0]!.length;
  core.write(key);
  msgs.forEach((m, i) => core.write(m, key.length + i * msgLen));
  const n = core.exports.hmac_test_key_reuse!(alg.id, key.length, msgLen, msgs.length);
  expect(n).toBe(msgs.length * alg.len);
  return core.read(n);
}

describe("HMAC with a precomputed key", () => {
  it("matches createHmac for random keys (short, block-sized, longer than a block) and messages", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...algs),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 5 }),
        (alg, keyLen, msgLen, count) => {
          const key = randomBytes(keyLen);
          const msgs = Array.from({ length: count }, () => randomBytes(msgLen));
          const got = macs(alg, key, msgs);
          msgs.forEach((m, i) => {
            const want = createHmac(alg.name, key).update(m).digest();
            expect(Buffer.from(got.subarray(i * alg.len, (i + 1) * alg.len)).toString("hex")).toBe(want.toString("hex"));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keys of exactly one block and one byte more, for every hash", () => {
    for (const alg of algs) {
      const block = alg.id >= 3 ? 128 : 64;
      for (const keyLen of [block - 1, block, block + 1]) {
        const key = randomBytes(keyLen);
        const msgs = [randomBytes(64), randomBytes(64)];
        const got = macs(alg, key, msgs);
        expect(Buffer.from(got.subarray(alg.len)).toString("hex")).toBe(createHmac(alg.name, key).update(msgs[1]!).digest("hex"));
      }
    }
  });

  it("refuses a bad algorithm or count without trapping", () => {
    expect(core.exports.hmac_test_key_reuse!(9, 1, 1, 1)).toBeLessThan(0);
    expect(core.exports.hmac_test_key_reuse!(2, 1, 1, 0)).toBeLessThan(0);
    expect(core.exports.hmac_test_key_reuse!(2, 1, 1 << 20, 2)).toBeLessThan(0);
  });
});

// AES key wrap: RFC 3394 (A128KW/A192KW/A256KW) and RFC 5649 (KWP, Hsm.wrapKeyKwp/unwrapKeyKwp).
// Expected values come from the RFCs, from Wycheproof and from node:crypto (OpenSSL), never from us.
import { createCipheriv, createDecipheriv } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Hsm, KeyHandle } from "../../../src/engine/index.js";
import { errorCode as code, hex, loadWycheproof, newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

const KEK128 = "000102030405060708090A0B0C0D0E0F";
const KEK192 = "000102030405060708090A0B0C0D0E0F1011121314151617";
const KEK256 = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";

// RFC 3394 §4.1 to §4.6 (all six test vectors).
const rfc3394: [string, string, string, string][] = [
  ["4.1 128-bit key data, 128-bit KEK", KEK128, "00112233445566778899AABBCCDDEEFF", "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"],
  ["4.2 128-bit key data, 192-bit KEK", KEK192, "00112233445566778899AABBCCDDEEFF", "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D"],
  ["4.3 128-bit key data, 256-bit KEK", KEK256, "00112233445566778899AABBCCDDEEFF", "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7"],
  [
    "4.4 192-bit key data, 192-bit KEK",
    KEK192,
    "00112233445566778899AABBCCDDEEFF0001020304050607",
    "031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2",
  ],
  [
    "4.5 192-bit key data, 256-bit KEK",
    KEK256,
    "00112233445566778899AABBCCDDEEFF0001020304050607",
    "A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1",
  ],
  [
    "4.6 256-bit key data, 256-bit KEK",
    KEK256,
    "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
    "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21",
  ],
];

// RFC 5649 §6 (both test vectors), 192-bit KEK.
const KWP_KEK = "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8";
const rfc5649: [string, string, string][] = [
  ["20 octets of key data", "c37b7e6492584340bed12207808941155068f738", "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"],
  ["7 octets of key data", "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"],
];

const kwAlg = (bits: number) => `A${bits}KW`;
const importKey = (k: string | Uint8Array): KeyHandle => hsm.importOct(typeof k === "string" ? hex(k) : k);
describe("RFC 3394 §4 test vectors", () => {
  it.each(rfc3394)("%s", (_name, kek, data, wrapped) => {
    const h = importKey(kek);
    const alg = kwAlg(kek.length * 4);
    expect(toHex(hsm.wrapKey(h, alg, hex(data)))).toBe(wrapped.toLowerCase());
    expect(toHex(hsm.unwrapKey(h, alg, hex(wrapped)))).toBe(data.toLowerCase());
    hsm.destroy(h);
  });

  it("every single-bit change of a wrapped key is refused with DECRYPT_FAILED", () => {
    const [, kek, , wrapped] = rfc3394[5]!;
    const h = importKey(kek);
    const w = hex(wrapped);
    for (let bit = 0; bit < w.length * 8; bit++) {
      const bad = w.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expect(code(() => hsm.unwrapKey(h, "A256KW", bad))).toBe("DECRYPT_FAILED");
    }
    hsm.destroy(h);
  });
});

describe("RFC 5649 §6 test vectors", () => {
  it.each(rfc5649)("%s", (_name, data, wrapped) => {
    const h = importKey(KWP_KEK);
    expect(toHex(hsm.wrapKeyKwp(h, hex(data)))).toBe(wrapped);
    expect(toHex(hsm.unwrapKeyKwp(h, hex(wrapped)))).toBe(data);
    hsm.destroy(h);
  });
});

interface WycheproofWrap {
  testGroups: {
    keySize: number;
    tests: { tcId: number; comment: string; key: string; msg: string; ct: string; result: string; flags: string[] }[];
  }[];
}

describe("Wycheproof aes_wrap_test.json (RFC 3394)", () => {
  const file = loadWycheproof<WycheproofWrap>("aes_wrap_test.json");
  it.skipIf(!file)("valid cases wrap to ct and unwrap to msg; invalid ones are refused", () => {
    const counts = { valid: 0, invalid: 0, acceptable: 0 };
    for (const group of file!.testGroups) {
      for (const t of group.tests) {
        const h = importKey(t.key);
        const alg = kwAlg(group.keySize);
        const msg = hex(t.msg);
        const ct = hex(t.ct);
        const label = `tcId ${t.tcId} (${t.comment})`;
        if (t.result === "valid") {
          expect(toHex(hsm.wrapKey(h, alg, msg)), label).toBe(t.ct);
          expect(toHex(hsm.unwrapKey(h, alg, ct)), label).toBe(t.msg);
        } else {
          // Invalid, and "acceptable" (wrapping an 8-byte key, which RFC 3394 §2 does not allow:
          // n >= 2 semiblocks). Our choice for acceptable: refuse, in both directions, like invalid.
          expect(
            code(() => hsm.unwrapKey(h, alg, ct)),
            label,
          ).toMatch(/^(DECRYPT_FAILED|BAD_LENGTH)$/);
          if (msg.length % 8 !== 0 || msg.length < 16) {
            expect(
              code(() => hsm.wrapKey(h, alg, msg)),
              label,
            ).toBe("BAD_LENGTH");
          }
        }
        counts[t.result as keyof typeof counts]++;
        hsm.destroy(h);
      }
    }
    expect(counts).toEqual({ valid: 36, invalid: 126, acceptable: 3 });
  });
});

describe("Wycheproof aes_kwp_test.json (RFC 5649)", () => {
  const file = loadWycheproof<WycheproofWrap>("aes_kwp_test.json");
  it.skipIf(!file)("valid cases wrap to ct and unwrap to msg; invalid ones are refused", () => {
    const counts = { valid: 0, invalid: 0 };
    for (const group of file!.testGroups) {
      for (const t of group.tests) {
        const h = importKey(t.key);
        const label = `tcId ${t.tcId} (${t.comment})`;
        if (t.result === "valid") {
          expect(toHex(hsm.wrapKeyKwp(h, hex(t.msg))), label).toBe(t.ct);
          expect(toHex(hsm.unwrapKeyKwp(h, hex(t.ct))), label).toBe(t.msg);
        } else {
          const ct = hex(t.ct);
          const expected = ct.length % 8 === 0 && ct.length >= 16 ? "DECRYPT_FAILED" : "BAD_LENGTH";
          expect(
            code(() => hsm.unwrapKeyKwp(h, ct)),
            label,
          ).toBe(expected);
        }
        counts[t.result as keyof typeof counts]++;
        hsm.destroy(h);
      }
    }
    expect(counts).toEqual({ valid: 77, invalid: 177 });
  });
});

describe("differential against node:crypto (OpenSSL)", () => {
  const KW_IV = Buffer.alloc(8, 0xa6);
  const KWP_IV = Buffer.from("a65959a6", "hex");
  const nodeOp = (name: string, key: Uint8Array, iv: Buffer, data: Uint8Array, decrypt: boolean) => {
    const c = decrypt ? createDecipheriv(name, key, iv) : createCipheriv(name, key, iv);
    return toHex(Buffer.concat([c.update(data), c.final()]));
  };
  const bitsArb = fc.constantFrom(128, 192, 256);

  it("id-aes{128,192,256}-wrap, both directions", () => {
    fc.assert(
      fc.property(
        bitsArb,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 2, max: 40 }),
        fc.uint8Array({ minLength: 320, maxLength: 320 }),
        (bits, keyBytes, n, pool) => {
          const key = keyBytes.subarray(0, bits / 8);
          const data = pool.subarray(0, 8 * n);
          const h = importKey(key);
          const name = `id-aes${bits}-wrap`;
          const ours = hsm.wrapKey(h, kwAlg(bits), data);
          expect(toHex(ours)).toBe(nodeOp(name, key, KW_IV, data, false));
          const theirs = hex(nodeOp(name, key, KW_IV, data, false));
          expect(toHex(hsm.unwrapKey(h, kwAlg(bits), theirs))).toBe(toHex(data));
          hsm.destroy(h);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("id-aes{128,192,256}-wrap-pad, both directions", () => {
    fc.assert(
      fc.property(
        bitsArb,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        (bits, keyBytes, data) => {
          const key = keyBytes.subarray(0, bits / 8);
          const h = importKey(key);
          const name = `id-aes${bits}-wrap-pad`;
          expect(toHex(hsm.wrapKeyKwp(h, data))).toBe(nodeOp(name, key, KWP_IV, data, false));
          const theirs = hex(nodeOp(name, key, KWP_IV, data, false));
          expect(toHex(hsm.unwrapKeyKwp(h, theirs))).toBe(toHex(data));
          hsm.destroy(h);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a KWP blob whose padding or length indicator was re-encrypted wrongly is refused", () => {
    // Build single-block KWP blobs with node's raw AES (ECB) so that only the AIV check or the
    // padding check can fail: AIV = A65959A6 ‖ MLI, then 8 bytes of data.
    const key = hex(KEK128);
    const h = importKey(key);
    const single = (mli: number, data: string) => {
      const block = Buffer.concat([Buffer.from("a65959a6", "hex"), Buffer.alloc(4), Buffer.from(data, "hex")]);
      block.writeUInt32BE(mli >>> 0, 4);
      const c = createCipheriv("aes-128-ecb", key, null).setAutoPadding(false);
      return Uint8Array.from(Buffer.concat([c.update(block), c.final()]));
    };
    expect(toHex(hsm.unwrapKeyKwp(h, single(5, "0102030405000000")))).toBe("0102030405");
    expect(toHex(hsm.unwrapKeyKwp(h, single(8, "0102030405060708")))).toBe("0102030405060708");
    for (const [mli, data] of [
      [5, "0102030405000001"], // nonzero padding byte
      [5, "0102030405010000"], // nonzero padding byte
      [0, "0000000000000000"], // length indicator 0
      [9, "0102030405060708"], // length indicator beyond the data
      [0xffffffff, "0102030405060708"],
    ] as const) {
      expect(
        code(() => hsm.unwrapKeyKwp(h, single(mli, data))),
        `mli ${mli} data ${data}`,
      ).toBe("DECRYPT_FAILED");
    }
    hsm.destroy(h);
  });
});

describe("argument checks", () => {
  it("KW refuses key data that is not a multiple of 8 bytes or shorter than 16, and short wrapped data", () => {
    const h = hsm.generateOct(128);
    for (const n of [0, 1, 8, 15, 17, 23]) {
      expect(
        code(() => hsm.wrapKey(h, "A128KW", new Uint8Array(n))),
        `wrap ${n}`,
      ).toBe("BAD_LENGTH");
    }
    for (const n of [0, 8, 16, 23, 25]) {
      expect(
        code(() => hsm.unwrapKey(h, "A128KW", new Uint8Array(n))),
        `unwrap ${n}`,
      ).toBe("BAD_LENGTH");
    }
    expect(code(() => hsm.wrapKeyKwp(h, new Uint8Array(0)))).toBe("BAD_LENGTH");
    expect(code(() => hsm.unwrapKeyKwp(h, new Uint8Array(15)))).toBe("BAD_LENGTH");
    expect(code(() => hsm.unwrapKeyKwp(h, new Uint8Array(8)))).toBe("BAD_LENGTH");
    hsm.destroy(h);
  });

  it("a wrap under one key does not unwrap under another", () => {
    const a = hsm.generateOct(256);
    const b = hsm.generateOct(256);
    const w = hsm.wrapKey(a, "A256KW", new Uint8Array(32).fill(7));
    expect(code(() => hsm.unwrapKey(b, "A256KW", w))).toBe("DECRYPT_FAILED");
    const wp = hsm.wrapKeyKwp(a, new Uint8Array(20).fill(7));
    expect(code(() => hsm.unwrapKeyKwp(b, wp))).toBe("DECRYPT_FAILED");
    hsm.destroy(a);
    hsm.destroy(b);
  });

  it("wraps and unwraps the largest input the I/O buffer allows (1 MiB - 8), like node:crypto", () => {
    const h = hsm.importOct(hex(KEK256));
    // Wrapped outputs must fit in the core's 1 MiB input again, so the limit is 1 MiB - 8.
    const big = new Uint8Array((1 << 20) - 8).map((_, i) => (i * 31) & 0xff);
    const c = createCipheriv("id-aes256-wrap", hex(KEK256), Buffer.alloc(8, 0xa6));
    const expected = Buffer.concat([c.update(big), c.final()]);
    const w = hsm.wrapKey(h, "A256KW", big);
    expect(Buffer.from(w).equals(expected)).toBe(true);
    expect(Buffer.from(hsm.unwrapKey(h, "A256KW", w)).equals(Buffer.from(big))).toBe(true);
    expect(code(() => hsm.wrapKey(h, "A256KW", new Uint8Array(1 << 20)))).toBe("BAD_LENGTH");
    expect(code(() => hsm.wrapKeyKwp(h, new Uint8Array((1 << 20) - 7)))).toBe("BAD_LENGTH");
    expect(toHex(hsm.unwrapKeyKwp(h, hsm.wrapKeyKwp(h, big.subarray(0, (1 << 20) - 9)))).slice(-40)).toBe(
      toHex(big.subarray((1 << 20) - 29, (1 << 20) - 9)),
    );
    hsm.destroy(h);
  });
});

// The AES block cipher (FIPS-197) and CBC (A*CBC, no padding; A*CBCPAD, PKCS#7), against FIPS-197
// Appendix C, SP 800-38A Appendix F.2, Wycheproof and node:crypto.
import { createCipheriv, createDecipheriv } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Hsm } from "../../../src/engine/index.js";
import { errorCode as code, hex, loadWycheproof, newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

describe("the block cipher: FIPS-197 Appendix C (one CBC block under a zero IV is one AES block)", () => {
  const pt = "00112233445566778899aabbccddeeff";
  it.each([
    ["C.1 AES-128", "000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"],
    ["C.2 AES-192", "000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"],
    ["C.3 AES-256", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"],
  ])("%s", (_name, key, ct) => {
    const h = hsm.importOct(hex(key));
    const alg = `A${key.length * 4}CBC`;
    const iv = new Uint8Array(16);
    expect(toHex(hsm.encrypt(h, alg, hex(pt), { iv }).ciphertext)).toBe(ct);
    expect(toHex(hsm.decrypt(h, alg, hex(ct), { iv }))).toBe(pt);
    hsm.destroy(h);
  });
});

describe("CBC: NIST SP 800-38A Appendix F.2", () => {
  const iv = "000102030405060708090a0b0c0d0e0f";
  const pt =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
  it.each([
    [
      "F.2.1/F.2.2 CBC-AES128",
      "2b7e151628aed2a6abf7158809cf4f3c",
      "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7",
    ],
    [
      "F.2.5/F.2.6 CBC-AES256",
      "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
      "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
    ],
  ])("%s", (_name, key, ct) => {
    const h = hsm.importOct(hex(key));
    const alg = `A${key.length * 4}CBC`;
    const r = hsm.encrypt(h, alg, hex(pt), { iv: hex(iv) });
    expect(toHex(r.ciphertext)).toBe(ct);
    expect(toHex(r.iv!)).toBe(iv);
    expect(toHex(hsm.decrypt(h, alg, hex(ct), { iv: hex(iv) }))).toBe(pt);
    hsm.destroy(h);
  });
});

interface WycheproofCbc {
  testGroups: {
    keySize: number;
    tests: { tcId: number; comment: string; key: string; iv: string; msg: string; ct: string; result: string }[];
  }[];
}

describe("Wycheproof aes_cbc_pkcs5_test.json (A*CBCPAD)", () => {
  const file = loadWycheproof<WycheproofCbc>("aes_cbc_pkcs5_test.json");
  it.skipIf(!file)("valid cases encrypt to ct and decrypt to msg; invalid ones are refused", () => {
    const counts = { valid: 0, invalid: 0 };
    for (const group of file!.testGroups) {
      for (const t of group.tests) {
        const h = hsm.importOct(hex(t.key));
        const alg = `A${group.keySize}CBCPAD`;
        const iv = hex(t.iv);
        const label = `tcId ${t.tcId} (${t.comment})`;
        if (t.result === "valid") {
          expect(toHex(hsm.encrypt(h, alg, hex(t.msg), { iv }).ciphertext), label).toBe(t.ct);
          expect(toHex(hsm.decrypt(h, alg, hex(t.ct), { iv })), label).toBe(t.msg);
        } else {
          // A ciphertext of a length CBC cannot produce (empty, or not whole blocks) is refused
          // before decryption, as BAD_LENGTH; every other failure is DECRYPT_FAILED.
          const ct = hex(t.ct);
          const expected = ct.length === 0 || ct.length % 16 !== 0 ? "BAD_LENGTH" : "DECRYPT_FAILED";
          expect(
            code(() => hsm.decrypt(h, alg, ct, { iv })),
            label,
          ).toBe(expected);
        }
        counts[t.result as keyof typeof counts]++;
        hsm.destroy(h);
      }
    }
    expect(counts).toEqual({ valid: 72, invalid: 144 });
  });
});

describe("differential against node:crypto (OpenSSL)", () => {
  const bitsArb = fc.constantFrom(128, 192, 256);
  const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const ivArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
  const node = (decrypt: boolean, bits: number, key: Uint8Array, iv: Uint8Array, data: Uint8Array, pad: boolean) => {
    const c = decrypt ? createDecipheriv(`aes-${bits}-cbc`, key, iv) : createCipheriv(`aes-${bits}-cbc`, key, iv);
    c.setAutoPadding(pad);
    return toHex(Buffer.concat([c.update(data), c.final()]));
  };

  it("aes-{128,192,256}-cbc without padding, both directions", () => {
    fc.assert(
      fc.property(
        bitsArb,
        keyArb,
        ivArb,
        fc.integer({ min: 0, max: 40 }),
        fc.uint8Array({ minLength: 640, maxLength: 640 }),
        (bits, k, iv, blocks, pool) => {
          const key = k.subarray(0, bits / 8);
          const data = pool.subarray(0, 16 * blocks);
          const h = hsm.importOct(key);
          expect(toHex(hsm.encrypt(h, `A${bits}CBC`, data, { iv }).ciphertext)).toBe(node(false, bits, key, iv, data, false));
          expect(toHex(hsm.decrypt(h, `A${bits}CBC`, data, { iv }))).toBe(node(true, bits, key, iv, data, false));
          hsm.destroy(h);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("aes-{128,192,256}-cbc with PKCS#7 padding, both directions", () => {
    fc.assert(
      fc.property(bitsArb, keyArb, ivArb, fc.uint8Array({ maxLength: 600 }), (bits, k, iv, data) => {
        const key = k.subarray(0, bits / 8);
        const h = hsm.importOct(key);
        expect(toHex(hsm.encrypt(h, `A${bits}CBCPAD`, data, { iv }).ciphertext)).toBe(node(false, bits, key, iv, data, true));
        const theirs = hex(node(false, bits, key, iv, data, true));
        expect(toHex(hsm.decrypt(h, `A${bits}CBCPAD`, theirs, { iv }))).toBe(toHex(data));
        hsm.destroy(h);
      }),
      { numRuns: 150 },
    );
  });

  it("an IV made by the core round-trips through node", () => {
    const key = new Uint8Array(16).fill(9);
    const h = hsm.importOct(key);
    const data = new TextEncoder().encode("seventeen bytes!!");
    const r = hsm.encrypt(h, "A128CBCPAD", data);
    expect(r.iv!.length).toBe(16);
    expect(node(true, 128, key, r.iv!, r.ciphertext, true)).toBe(toHex(data));
    expect(toHex(hsm.encrypt(h, "A128CBCPAD", data).iv!)).not.toBe(toHex(r.iv!));
    hsm.destroy(h);
  });
});

describe("padding and arguments", () => {
  it("every malformed final block is refused with DECRYPT_FAILED", () => {
    // Build ciphertexts with node (no padding) whose last plaintext block ends in a chosen way.
    const key = new Uint8Array(32).map((_, i) => i);
    const iv = new Uint8Array(16).fill(1);
    const h = hsm.importOct(key);
    const enc = (last: Uint8Array) => {
      const c = createCipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
      return Uint8Array.from(Buffer.concat([c.update(Buffer.concat([Buffer.alloc(16, 0x41), last])), c.final()]));
    };
    const block = (fill: number, tail: number[]) => {
      const b = new Uint8Array(16).fill(fill);
      b.set(tail, 16 - tail.length);
      return b;
    };
    expect(hsm.decrypt(h, "A256CBCPAD", enc(block(7, [3, 3, 3])), { iv }).length).toBe(29);
    expect(hsm.decrypt(h, "A256CBCPAD", enc(new Uint8Array(16).fill(16)), { iv }).length).toBe(16);
    for (const bad of [
      block(7, [0]),
      block(7, [17]),
      block(7, [0xff]),
      block(7, [2, 3, 3]),
      block(7, [3, 2, 3]),
      block(0x10, [0x0f, 0x10]),
      block(5, [16]),
    ]) {
      expect(
        code(() => hsm.decrypt(h, "A256CBCPAD", enc(bad), { iv })),
        toHex(bad),
      ).toBe("DECRYPT_FAILED");
    }
    hsm.destroy(h);
  });

  it("length and option checks", () => {
    const h = hsm.generateOct(128);
    const iv = new Uint8Array(16);
    expect(code(() => hsm.encrypt(h, "A128CBC", new Uint8Array(15), { iv }))).toBe("BAD_LENGTH");
    expect(code(() => hsm.encrypt(h, "A128CBC", new Uint8Array(16), { iv: new Uint8Array(12) }))).toBe("BAD_LENGTH");
    expect(code(() => hsm.encrypt(h, "A128CBC", new Uint8Array(16), { iv, aad: new Uint8Array(1) }))).toBe("BAD_PARAMETER");
    expect(code(() => hsm.decrypt(h, "A128CBC", new Uint8Array(17), { iv }))).toBe("BAD_LENGTH");
    expect(code(() => hsm.decrypt(h, "A128CBC", new Uint8Array(16), {}))).toBe("BAD_LENGTH");
    expect(code(() => hsm.decrypt(h, "A128CBCPAD", new Uint8Array(0), { iv }))).toBe("BAD_LENGTH");
    expect(code(() => hsm.decrypt(h, "A128CBC", new Uint8Array(16), { iv, tag: new Uint8Array(16) }))).toBe("BAD_PARAMETER");
    expect(hsm.encrypt(h, "A128CBC", new Uint8Array(0), { iv }).ciphertext.length).toBe(0);
    expect(hsm.encrypt(h, "A128CBCPAD", new Uint8Array(0), { iv }).ciphertext.length).toBe(16);
    hsm.destroy(h);
  });
});

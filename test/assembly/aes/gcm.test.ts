// AES-GCM (A128GCM/A192GCM/A256GCM): Wycheproof for decryption, node:crypto for both directions.
// Our API takes only 96-bit IVs and 128-bit tags (Key Vault makes no other sizes): Wycheproof
// cases with other sizes must be refused with BAD_LENGTH, and are counted.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Hsm } from "../../../src/engine/index.js";
import { errorCode as code, hex, loadWycheproof, newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

interface WycheproofGcm {
  testGroups: {
    keySize: number;
    ivSize: number;
    tagSize: number;
    tests: { tcId: number; comment: string; key: string; iv: string; aad: string; msg: string; ct: string; tag: string; result: string }[];
  }[];
}

describe("Wycheproof aes_gcm_test.json", () => {
  const file = loadWycheproof<WycheproofGcm>("aes_gcm_test.json");
  it.skipIf(!file)("12-byte IV / 16-byte tag: valid decrypts to msg, invalid is refused; other sizes: BAD_LENGTH", () => {
    const counts = { valid: 0, invalid: 0, otherSizes: 0 };
    for (const group of file!.testGroups) {
      for (const t of group.tests) {
        const h = hsm.importOct(hex(t.key));
        const alg = `A${group.keySize}GCM`;
        const iv = hex(t.iv);
        const tag = hex(t.tag);
        const label = `tcId ${t.tcId} (${t.comment})`;
        const run = () => hsm.decrypt(h, alg, hex(t.ct), { iv, aad: hex(t.aad), tag });
        if (iv.length !== 12 || tag.length !== 16) {
          expect(code(run), label).toBe("BAD_LENGTH");
          counts.otherSizes++;
        } else if (t.result === "valid") {
          expect(toHex(run()), label).toBe(t.msg);
          counts.valid++;
        } else {
          expect(code(run), label).toBe("DECRYPT_FAILED");
          counts.invalid++;
        }
        hsm.destroy(h);
      }
    }
    // 316 cases: 197 with a 96-bit IV and a 128-bit tag (116 valid, 81 invalid), 119 with another IV size.
    expect(counts).toEqual({ valid: 116, invalid: 81, otherSizes: 119 });
  });
});

describe("differential against node:crypto (OpenSSL)", () => {
  const bitsArb = fc.constantFrom(128, 192, 256);
  const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

  it("aes-{128,192,256}-gcm: we encrypt (our IV), node decrypts", () => {
    fc.assert(
      fc.property(bitsArb, keyArb, fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 80 }), (bits, keyBytes, pt, aad) => {
        const key = keyBytes.subarray(0, bits / 8);
        const h = hsm.importOct(key);
        const r = hsm.encrypt(h, `A${bits}GCM`, pt, { aad });
        expect(r.iv!.length).toBe(12);
        expect(r.tag!.length).toBe(16);
        const d = createDecipheriv(`aes-${bits}-gcm`, key, r.iv!);
        d.setAAD(aad);
        d.setAuthTag(r.tag!);
        expect(toHex(Buffer.concat([d.update(r.ciphertext), d.final()]))).toBe(toHex(pt));
        hsm.destroy(h);
      }),
      { numRuns: 150 },
    );
  });

  it("aes-{128,192,256}-gcm: node encrypts with a random 12-byte IV, we decrypt", () => {
    fc.assert(
      fc.property(
        bitsArb,
        keyArb,
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 600 }),
        fc.uint8Array({ maxLength: 80 }),
        (bits, keyBytes, iv, pt, aad) => {
          const key = keyBytes.subarray(0, bits / 8);
          const h = hsm.importOct(key);
          const c = createCipheriv(`aes-${bits}-gcm`, key, iv);
          c.setAAD(aad);
          const ct = Buffer.concat([c.update(pt), c.final()]);
          const tag = c.getAuthTag();
          expect(toHex(hsm.decrypt(h, `A${bits}GCM`, ct, { iv, aad, tag }))).toBe(toHex(pt));
          hsm.destroy(h);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a 1 MiB message (the largest the buffers allow) matches node", () => {
    const key = randomBytes(32);
    const h = hsm.importOct(key);
    const pt = randomBytes((1 << 20) - 28);
    const r = hsm.encrypt(h, "A256GCM", pt);
    const d = createDecipheriv("aes-256-gcm", key, r.iv!);
    d.setAuthTag(r.tag!);
    expect(Buffer.concat([d.update(r.ciphertext), d.final()]).equals(pt)).toBe(true);
    expect(Buffer.from(hsm.decrypt(h, "A256GCM", r.ciphertext, { iv: r.iv!, tag: r.tag! })).equals(pt)).toBe(true);
    expect(code(() => hsm.encrypt(h, "A256GCM", new Uint8Array((1 << 20) - 27)))).toBe("BAD_LENGTH");
    hsm.destroy(h);
  });
});

describe("integrity and arguments", () => {
  it("any change to ciphertext, tag, IV or AAD is refused, and no plaintext comes out", () => {
    const h = hsm.generateOct(128);
    const aad = hex("feedfacedeadbeef");
    const pt = new Uint8Array(40).map((_, i) => i);
    const r = hsm.encrypt(h, "A128GCM", pt, { aad });
    const ok = { iv: r.iv!, aad, tag: r.tag! };
    expect(toHex(hsm.decrypt(h, "A128GCM", r.ciphertext, ok))).toBe(toHex(pt));
    const flip = (b: Uint8Array, i: number) => {
      const c = b.slice();
      c[i]! ^= 0x80;
      return c;
    };
    for (let i = 0; i < r.ciphertext.length; i++) {
      expect(code(() => hsm.decrypt(h, "A128GCM", flip(r.ciphertext, i), ok))).toBe("DECRYPT_FAILED");
    }
    for (let i = 0; i < 16; i++)
      expect(code(() => hsm.decrypt(h, "A128GCM", r.ciphertext, { ...ok, tag: flip(r.tag!, i) }))).toBe("DECRYPT_FAILED");
    for (let i = 0; i < 12; i++)
      expect(code(() => hsm.decrypt(h, "A128GCM", r.ciphertext, { ...ok, iv: flip(r.iv!, i) }))).toBe("DECRYPT_FAILED");
    for (let i = 0; i < aad.length; i++)
      expect(code(() => hsm.decrypt(h, "A128GCM", r.ciphertext, { ...ok, aad: flip(aad, i) }))).toBe("DECRYPT_FAILED");
    expect(code(() => hsm.decrypt(h, "A128GCM", r.ciphertext.subarray(1), ok))).toBe("DECRYPT_FAILED");
    expect(code(() => hsm.decrypt(h, "A128GCM", r.ciphertext, { iv: r.iv!, tag: r.tag! }))).toBe("DECRYPT_FAILED");
    hsm.destroy(h);
  });

  it("the core makes a fresh IV for every encryption and refuses one from the caller", () => {
    const h = hsm.generateOct(256);
    const pt = new Uint8Array(16);
    const ivs = new Set(Array.from({ length: 50 }, () => toHex(hsm.encrypt(h, "A256GCM", pt).iv!)));
    expect(ivs.size).toBe(50);
    expect(code(() => hsm.encrypt(h, "A256GCM", pt, { iv: new Uint8Array(12) }))).toBe("BAD_PARAMETER");
    hsm.destroy(h);
  });

  it("decrypt refuses IVs other than 12 bytes and tags other than 16 bytes, or none, with BAD_LENGTH", () => {
    const h = hsm.generateOct(192);
    const r = hsm.encrypt(h, "A192GCM", new Uint8Array(5));
    for (const n of [0, 8, 11, 13, 16])
      expect(code(() => hsm.decrypt(h, "A192GCM", r.ciphertext, { iv: new Uint8Array(n), tag: r.tag! }))).toBe("BAD_LENGTH");
    for (const n of [0, 4, 12, 15, 17])
      expect(code(() => hsm.decrypt(h, "A192GCM", r.ciphertext, { iv: r.iv!, tag: new Uint8Array(n) }))).toBe("BAD_LENGTH");
    expect(code(() => hsm.decrypt(h, "A192GCM", r.ciphertext, { tag: r.tag! }))).toBe("BAD_LENGTH");
    expect(code(() => hsm.decrypt(h, "A192GCM", r.ciphertext, { iv: r.iv! }))).toBe("BAD_LENGTH");
    hsm.destroy(h);
  });
});

// seal_data / unseal_data (assembly/api/seal.ts): opaque bytes sealed for storage under the domain's
// data subkey, bound to an aad. The subkey never leaves the core, so these are properties, not vectors
// (AES-GCM and HKDF themselves are checked against RFC and Wycheproof vectors in their own suites).
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm, KeyHandle } from "../../../src/engine/index.js";
import { errorCode as code, newHsm } from "../../helpers/hsm.js";

let hsm: Hsm;
let kek: KeyHandle;
let other: Hsm;
let otherKek: KeyHandle;
const aad = new TextEncoder().encode("secret:name/0123");

beforeAll(async () => {
  hsm = await newHsm();
  kek = hsm.generateSealingKey();
  other = await newHsm();
  otherKek = other.generateSealingKey();
});

describe("seal_data / unseal_data", () => {
  it("round-trips any data (empty to 30 kB) and any aad; the sealed form is nonce ‖ ciphertext ‖ tag and holds no clear byte", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30_000 }), fc.uint8Array({ maxLength: 300 }), (data, a) => {
        const sealed = hsm.sealData(kek, a, data);
        expect(sealed.length).toBe(12 + data.length + 16);
        expect(Buffer.from(hsm.unsealData(kek, a, sealed)).equals(Buffer.from(data))).toBe(true);
        if (data.length >= 8) expect(Buffer.from(sealed).indexOf(Buffer.from(data))).toBe(-1);
      }),
      { numRuns: 40 },
    );
  });

  it("two seals of the same data differ (a fresh nonce each time)", () => {
    const data = randomBytes(64);
    expect(Buffer.from(hsm.sealData(kek, aad, data)).equals(Buffer.from(hsm.sealData(kek, aad, data)))).toBe(false);
  });

  it("every single-bit change of the sealed form, a truncation, or another aad is refused with DECRYPT_FAILED", () => {
    const sealed = hsm.sealData(kek, aad, randomBytes(40));
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i]! ^= 0x80;
      expect(
        code(() => hsm.unsealData(kek, aad, bad)),
        `byte ${i}`,
      ).toBe("DECRYPT_FAILED");
    }
    for (const len of [0, 11, 27, sealed.length - 1])
      expect(code(() => hsm.unsealData(kek, aad, sealed.subarray(0, len)))).toBe("DECRYPT_FAILED");
    expect(code(() => hsm.unsealData(kek, new TextEncoder().encode("secret:name/0124"), sealed))).toBe("DECRYPT_FAILED");
    expect(code(() => hsm.unsealData(kek, new Uint8Array(0), sealed))).toBe("DECRYPT_FAILED");
  });

  it("data sealed under one domain does not open under another", () => {
    const sealed = hsm.sealData(kek, aad, randomBytes(40));
    expect(code(() => other.unsealData(otherKek, aad, sealed))).toBe("DECRYPT_FAILED");
  });

  it("a datum never opens as a backup, nor a backup as a datum (separate HKDF purposes)", () => {
    const data = randomBytes(40);
    expect(code(() => hsm.backupDecrypt(kek, aad, hsm.sealData(kek, aad, data)))).toBe("DECRYPT_FAILED");
    expect(code(() => hsm.unsealData(kek, aad, hsm.backupEncrypt(kek, aad, data)))).toBe("DECRYPT_FAILED");
  });

  it("only a sealing key seals data: an AES key, a stale handle or a forged one is refused", () => {
    const aes = hsm.generateOct(256);
    expect(code(() => hsm.sealData(aes, aad, randomBytes(8)))).toBe("WRONG_KEY_KIND");
    hsm.destroy(aes);
    expect(code(() => hsm.sealData(aes, aad, randomBytes(8)))).toBe("BAD_HANDLE");
    expect(code(() => hsm.sealData(0x7fff0123 as KeyHandle, aad, randomBytes(8)))).toBe("BAD_HANDLE");
  });

  it("data larger than the I/O buffer is refused with BAD_LENGTH, and the instance still works", () => {
    expect(code(() => hsm.sealData(kek, aad, new Uint8Array(2 * 1024 * 1024)))).toBe("BAD_LENGTH");
    const data = randomBytes(16);
    expect(Buffer.from(hsm.unsealData(kek, aad, hsm.sealData(kek, aad, data))).equals(data)).toBe(true);
  });
});

// HKDF-SHA-256 against RFC 5869 Appendix A and node:crypto.
import { hkdfSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Hsm } from "../../../src/engine/index.js";
import { hex, newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

describe("HKDF-SHA-256 (RFC 5869)", () => {
  it("A.1 test case 1", () => {
    const okm = hsm.hkdfSha256(new Uint8Array(22).fill(0x0b), hex("000102030405060708090a0b0c"), hex("f0f1f2f3f4f5f6f7f8f9"), 42);
    expect(toHex(okm)).toBe("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  });

  it("A.3 test case 3: empty salt and info", () => {
    const okm = hsm.hkdfSha256(new Uint8Array(22).fill(0x0b), new Uint8Array(0), new Uint8Array(0), 42);
    expect(toHex(okm)).toBe("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  });

  it("random inputs match node:crypto hkdfSync", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: 0, max: 300 }),
        (ikm, salt, info, len) => {
          const ours = hsm.hkdfSha256(ikm, salt, info, len);
          expect(toHex(ours)).toBe(Buffer.from(hkdfSync("sha256", ikm, salt, info, len)).toString("hex"));
        },
      ),
      { numRuns: 100 },
    );
  });
});

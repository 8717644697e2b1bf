// HMAC against RFC 4231 test cases and against node:crypto.
import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Hsm, HashName } from "../../../src/engine/index.js";
import { hex, newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

const utf8 = (s: string) => new TextEncoder().encode(s);
const nodeName: Record<HashName, string> = { "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

describe("HMAC (RFC 4231)", () => {
  it("test case 1: key 0x0b x 20, 'Hi There'", () => {
    const key = new Uint8Array(20).fill(0x0b);
    const data = utf8("Hi There");
    expect(toHex(hsm.hmac("SHA-256", key, data))).toBe("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    expect(toHex(hsm.hmac("SHA-384", key, data))).toBe(
      "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
    );
    expect(toHex(hsm.hmac("SHA-512", key, data))).toBe(
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
    );
  });

  it("test case 2: key 'Jefe'", () => {
    expect(toHex(hsm.hmac("SHA-256", utf8("Jefe"), utf8("what do ya want for nothing?")))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("test case 6: a 131-byte key, longer than the block, is hashed first", () => {
    const key = new Uint8Array(131).fill(0xaa);
    const data = utf8("Test Using Larger Than Block-Size Key - Hash Key First");
    expect(toHex(hsm.hmac("SHA-256", key, data))).toBe("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  });

  it("random keys and messages match node:crypto", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(nodeName) as HashName[])),
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.uint8Array({ minLength: 0, maxLength: 10_240 }),
        (hash, key, data) => {
          expect(toHex(hsm.hmac(hash, key, data))).toBe(createHmac(nodeName[hash], key).update(data).digest("hex"));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a known answer from the hex helper (guards the helper itself)", () => {
    expect(toHex(hex("00ff10"))).toBe("00ff10");
  });
});

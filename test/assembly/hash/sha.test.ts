// SHA-1/256/384/512 against FIPS 180-4 example values and against node:crypto.
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Hsm, HashName } from "../../../src/engine/index.js";
import { newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

const utf8 = (s: string) => new TextEncoder().encode(s);
const nodeName: Record<HashName, string> = { "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

// FIPS 180-4 example computations (csrc.nist.gov "Examples with Intermediate Values").
const vectors: [HashName, string, string][] = [
  ["SHA-1", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"],
  ["SHA-256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ["SHA-256", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  [
    "SHA-256",
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  ],
  ["SHA-384", "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"],
  [
    "SHA-512",
    "abc",
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
  ],
];

describe("SHA (FIPS 180-4)", () => {
  it.each(vectors)("%s(%j)", (hash, msg, expected) => {
    expect(toHex(hsm.digest(hash, utf8(msg)))).toBe(expected);
  });

  it("SHA-256 and SHA-1 of one million 'a'", () => {
    const a = new Uint8Array(1_000_000).fill(0x61);
    expect(toHex(hsm.digest("SHA-256", a))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    expect(toHex(hsm.digest("SHA-1", a))).toBe("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  });

  it("every length around the block and padding boundaries matches node:crypto", () => {
    for (const hash of Object.keys(nodeName) as HashName[]) {
      for (let len = 0; len <= 260; len++) {
        const data = Uint8Array.from({ length: len }, (_, i) => (i * 7 + len) & 0xff);
        expect(toHex(hsm.digest(hash, data)), `${hash} len ${len}`).toBe(createHash(nodeName[hash]).update(data).digest("hex"));
      }
    }
  });

  it("random inputs of 0 to 10 kB match node:crypto", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(nodeName) as HashName[])),
        fc.uint8Array({ minLength: 0, maxLength: 10_240 }),
        (hash, data) => {
          expect(toHex(hsm.digest(hash, data))).toBe(createHash(nodeName[hash]).update(data).digest("hex"));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses an unknown hash", () => {
    expect(() => hsm.digest("MD5" as HashName, new Uint8Array(1))).toThrow(/unknown hash/);
  });
});

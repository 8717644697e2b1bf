// src/encoding/base64url.ts against Node's Buffer (RFC 4648 §5); src/encoding/bytes.ts; and the tests'
// big-endian integer helpers against BigInt.
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64url, encodeBase64url } from "../../../src/encoding/base64url.js";
import { bitLengthVartime, stripLeadingZeros } from "../../../src/encoding/bytes.js";
import { bigIntToBytes, bytesToBigInt } from "../../helpers/bigint.js";

describe("base64url", () => {
  it("encodes like Buffer's base64url, without padding, for every length 0..64", () => {
    for (let n = 0; n <= 64; n++) {
      const b = randomBytes(n);
      const text = encodeBase64url(b);
      expect(text).toBe(b.toString("base64url"));
      expect(text).not.toMatch(/[=+/]/);
      expect(decodeBase64url(text)).toEqual(new Uint8Array(b));
    }
  });

  it("encodes a view into a larger buffer by its own bytes only", () => {
    const big = randomBytes(40);
    const view = new Uint8Array(big.buffer, big.byteOffset + 5, 10);
    expect(encodeBase64url(view)).toBe(big.subarray(5, 15).toString("base64url"));
  });

  it.each([
    ["", 0],
    ["AA", 1],
    ["AAA", 2],
    ["AAAA", 3],
    ["AA==", 1],
    ["-_-_", 3],
    ["+/+/", 3],
  ])("decodes %j to %i bytes", (text, n) => {
    expect(decodeBase64url(text)?.length).toBe(n);
  });

  it("reads standard base64 and padding as the same bytes", () => {
    const b = Buffer.from("fbff3e", "hex");
    expect(decodeBase64url(b.toString("base64"))).toEqual(new Uint8Array(b));
    expect(decodeBase64url(b.toString("base64url"))).toEqual(new Uint8Array(b));
  });

  it.each(["A", "AAAAA", "a b", "a$", "AA===", "=AA", "AA=A", "é", "\n"])("refuses %j", (text) => {
    expect(decodeBase64url(text)).toBeUndefined();
  });

  it("refuses what is not a string", () => {
    expect(decodeBase64url(42 as unknown as string)).toBeUndefined();
    expect(decodeBase64url(undefined as unknown as string)).toBeUndefined();
  });

  it("decodes any text as Buffer does, or refuses what Buffer would misread (fast-check)", () => {
    const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=*. ";
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...chars), maxLength: 24 }), (text) => {
        const ours = decodeBase64url(text);
        const body = text.replace(/={1,2}$/, "");
        const wellFormed = /^[A-Za-z0-9_+/-]*$/.test(body) && body.length % 4 !== 1;
        if (!wellFormed) expect(ours).toBeUndefined();
        else expect(ours).toEqual(new Uint8Array(Buffer.from(body.replace(/\+/g, "-").replace(/\//g, "_"), "base64url")));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("base64url, strict (RFC 7515 §2: the canonical form only)", () => {
  it("decodes what encodeBase64url writes, for every length 0..64", () => {
    for (let n = 0; n <= 64; n++) {
      const b = randomBytes(n);
      expect(decodeBase64url(b.toString("base64url"), { strict: true })).toEqual(new Uint8Array(b));
    }
  });

  it.each(["AA==", "AAA=", "+/+/", "-_+_", "AB", "AAB", "A", "a b"])("refuses %j", (text) => {
    expect(decodeBase64url(text, { strict: true })).toBeUndefined();
  });

  it.each([
    ["AA", [0]],
    ["AQ", [1]],
    ["AAE", [0, 1]],
    ["-_8", [0xfb, 0xff]],
  ])("decodes %j", (text, bytes) => {
    expect([...decodeBase64url(text, { strict: true })!]).toEqual(bytes);
  });
});

describe("integers", () => {
  it.each([
    [[0, 0, 1], [1]],
    [[0], [0]],
    [[0, 0], [0]],
    [
      [5, 0],
      [5, 0],
    ],
    [[], []],
  ])("stripLeadingZeros(%j) = %j", (input, want) => {
    expect([...stripLeadingZeros(new Uint8Array(input))]).toEqual(want);
  });

  it("bitLengthVartime agrees with BigInt on random values, leading zero bytes included", () => {
    for (let i = 0; i < 200; i++) {
      const b = randomBytes(1 + (i % 40));
      if (i % 3 === 0) b[0] = 0;
      if (i % 5 === 0) b[0] = 1;
      const v = bytesToBigInt(b);
      expect(bitLengthVartime(b)).toBe(v === 0n ? 0 : v.toString(2).length);
    }
    expect(bitLengthVartime(new Uint8Array())).toBe(0);
    expect(bitLengthVartime(new Uint8Array([0, 0]))).toBe(0);
  });

  it("bytesToBigInt and bigIntToBytes agree with BigInt on random values", () => {
    for (let i = 0; i < 50; i++) {
      const b = randomBytes(1 + (i % 40));
      const v = BigInt(`0x${b.toString("hex")}`);
      expect(bytesToBigInt(b)).toBe(v);
      expect(bigIntToBytes(v, b.length)).toEqual(new Uint8Array(b));
    }
    expect(bytesToBigInt(new Uint8Array())).toBe(0n);
    expect(() => bigIntToBytes(256n, 1)).toThrow(RangeError);
  });
});

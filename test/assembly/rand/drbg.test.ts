// The DRBG: output is produced, differs between calls, and has no gross bias.
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm } from "../../../src/engine/index.js";
import { newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

describe("HMAC-DRBG", () => {
  it("returns the requested number of bytes, fresh each time", () => {
    const a = hsm.randomBytes(64);
    const b = hsm.randomBytes(64);
    expect(a.length).toBe(64);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(hsm.randomBytes(0).length).toBe(0);
  });

  it("spans requests longer than one SP 800-90A request (64 KiB)", () => {
    const big = hsm.randomBytes(200_000);
    expect(big.length).toBe(200_000);
    // The four 64 KiB segments must not repeat one another.
    expect(toHex(big.subarray(0, 32))).not.toBe(toHex(big.subarray(65536, 65536 + 32)));
  });

  it("bit frequency is within 6 sigma of one half (monobit)", () => {
    const bytes = hsm.randomBytes(100_000);
    let ones = 0;
    for (const b of bytes) for (let i = 0; i < 8; i++) ones += (b >> i) & 1;
    const n = bytes.length * 8;
    expect(Math.abs(ones - n / 2)).toBeLessThan(6 * Math.sqrt(n / 4));
  });

  it("refuses a negative or oversized length with BAD_LENGTH", () => {
    expect(() => hsm.randomBytes(-1)).toThrow(expect.objectContaining({ code: "BAD_LENGTH" }));
    expect(() => hsm.randomBytes(1 << 30)).toThrow(expect.objectContaining({ code: "BAD_LENGTH" }));
  });
});

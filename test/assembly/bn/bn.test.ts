// The limb arithmetic of bn/ (28-bit unsaturated limbs, Montgomery, modexp) against JS BigInt,
// with fast-check properties and the edge values 0, 1, m-1 and all-ones limbs.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Core } from "../../../src/engine/core.js";
import { newCore } from "../../helpers/core.js";
import { bigToBytes, bitLength, bytesToBig, modInv, modPow } from "../../helpers/bigint.js";

let core: Core;
beforeAll(async () => {
  core = await newCore();
});

const W = 28n;
const byteLen = (x: bigint) => Math.max(1, Math.ceil(bitLength(x) / 8));

function mul(a: bigint, aLen: number, b: bigint, bLen: number): bigint {
  core.writeAll(bigToBytes(a, aLen), bigToBytes(b, bLen));
  const n = core.call("bn_mul", "bn_mul", aLen, bLen);
  return bytesToBig(core.read(n));
}

/** Returns [a b R^-1 mod m, R]. */
function montMul(m: bigint, a: bigint, b: bigint): [bigint, bigint] {
  const len = byteLen(m);
  core.writeAll(bigToBytes(m, len), bigToBytes(a, len), bigToBytes(b, len));
  const L = core.call("bn_mont_mul", "bn_mont_mul", len);
  return [bytesToBig(core.read(len)), 1n << (W * BigInt(L))];
}

function montSqr(m: bigint, a: bigint): [bigint, bigint] {
  const len = byteLen(m);
  core.writeAll(bigToBytes(m, len), bigToBytes(a, len));
  const L = core.call("bn_mont_sqr", "bn_mont_sqr", len);
  return [bytesToBig(core.read(len)), 1n << (W * BigInt(L))];
}

function modexp(m: bigint, a: bigint, e: bigint, ct: boolean, eLen = byteLen(e)): bigint {
  const len = byteLen(m);
  core.writeAll(bigToBytes(m, len), bigToBytes(a, len), bigToBytes(e, eLen));
  core.call("bn_modexp", "bn_modexp", len, eLen, ct ? 1 : 0);
  return bytesToBig(core.read(len));
}

/** An odd modulus of `bits` bits (top bit set). */
const oddModulus = (minBits: number, maxBits: number) =>
  fc.integer({ min: minBits, max: maxBits }).chain((bits) =>
    fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }).map((x) => x | (1n << BigInt(bits - 1)) | 1n),
  );

/** Values below m, biased towards the edges: 0, 1, m-1, m-2, all-ones limbs. */
const below = (m: bigint) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: m - 1n }) },
    { weight: 1, arbitrary: fc.constantFrom(0n, 1n, m - 1n, m > 2n ? m - 2n : 0n) },
    {
      weight: 2,
      arbitrary: fc.integer({ min: 1, max: Math.max(1, Math.floor((bitLength(m) - 1) / 28)) }).map((k) => ((1n << (W * BigInt(k))) - 1n) % m),
    },
  );

/** Moduli whose limbs are all ones (2^(28k) - 1), or nearly powers of two. */
const edgeModuli = [3n, 5n, (1n << 28n) - 1n, (1n << 56n) - 1n, (1n << (28n * 37n)) - 1n, (1n << 1024n) - 1n, (1n << 1024n) + 1n, (1n << 2047n) + 1n, (1n << 4096n) - 1n, (1n << 4095n) + 1n];

describe("bn: plain multiplication", () => {
  it("matches BigInt on random operands up to 4096 bits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 512 }), fc.integer({ min: 1, max: 512 }), fc.nat(), (aLen, bLen, seed) => {
        const a = BigInt.asUintN(aLen * 8, BigInt(seed) * 0x9e3779b97f4a7c15n ** BigInt(aLen));
        const b = BigInt.asUintN(bLen * 8, (BigInt(seed) + 7n) * 0xc2b2ae3d27d4eb4fn ** BigInt(bLen));
        expect(mul(a, aLen, b, bLen)).toBe(a * b);
      }),
      { numRuns: 150 },
    );
  });

  it("edge values: 0, 1, all-ones bytes and all-ones limbs", () => {
    const values = [0n, 1n, (1n << 28n) - 1n, (1n << (28n * 37n)) - 1n, (1n << 1024n) - 1n, (1n << 4096n) - 1n];
    for (const a of values)
      for (const b of values) {
        expect(mul(a, 512, b, 512), `${a} * ${b}`).toBe(a * b);
        expect(mul(a, byteLen(a), b, byteLen(b))).toBe(a * b);
      }
  });

  it("random big values of every size", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 4096n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 4096n) - 1n }), (a, b) => {
        expect(mul(a, byteLen(a), b, byteLen(b))).toBe(a * b);
      }),
      { numRuns: 100 },
    );
  });
});

describe("bn: Montgomery multiplication and squaring", () => {
  it("montMul(a, b) = a b / R mod m, random odd moduli of 2 to 4096 bits", () => {
    fc.assert(
      fc.property(
        oddModulus(2, 4096).chain((m) => fc.tuple(fc.constant(m), below(m), below(m))),
        ([m, a, b]) => {
          const [r, R] = montMul(m, a, b);
          expect(r).toBe((a * b * modInv(R, m)) % m);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("montSqr(a) = a^2 / R mod m", () => {
    fc.assert(
      fc.property(
        oddModulus(2, 4096).chain((m) => fc.tuple(fc.constant(m), below(m))),
        ([m, a]) => {
          const [r, R] = montSqr(m, a);
          expect(r).toBe((a * a * modInv(R, m)) % m);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("edge moduli (all-ones limbs, 2^k + 1) with edge operands", () => {
    for (const m of edgeModuli) {
      const ops = [0n, 1n, m - 1n, m - 2n, (m - 1n) / 2n, ((1n << (28n * BigInt(Math.floor((bitLength(m) - 1) / 28)))) - 1n) % m];
      for (const a of ops)
        for (const b of ops) {
          const [r, R] = montMul(m, a, b);
          expect(r, `m=${m.toString(16)} a=${a.toString(16)} b=${b.toString(16)}`).toBe((a * b * modInv(R, m)) % m);
        }
      for (const a of ops) {
        const [r, R] = montSqr(m, a);
        expect(r).toBe((a * a * modInv(R, m)) % m);
      }
    }
  });

  it("refuses an even modulus, and operands >= m, with BAD_PARAMETER", () => {
    core.writeAll(bigToBytes(10n, 1), bigToBytes(1n, 1), bigToBytes(1n, 1));
    expect(() => core.call("bn_mont_mul", "t", 1)).toThrow(expect.objectContaining({ code: "BAD_PARAMETER" }));
    core.writeAll(bigToBytes(11n, 1), bigToBytes(11n, 1), bigToBytes(1n, 1));
    expect(() => core.call("bn_mont_mul", "t", 1)).toThrow(expect.objectContaining({ code: "BAD_PARAMETER" }));
    expect(() => core.call("bn_mont_mul", "t", 0)).toThrow(expect.objectContaining({ code: "BAD_LENGTH" }));
    expect(() => core.call("bn_mont_mul", "t", 513)).toThrow(expect.objectContaining({ code: "BAD_LENGTH" }));
  });
});

describe("bn: modular exponentiation", () => {
  it("constant-time fixed window and public-exponent versions match BigInt (up to 1024 bits)", () => {
    fc.assert(
      fc.property(
        oddModulus(2, 1024).chain((m) => fc.tuple(fc.constant(m), below(m), fc.bigInt({ min: 0n, max: (1n << 1024n) - 1n }))),
        ([m, a, e]) => {
          const want = modPow(a, e, m);
          expect(modexp(m, a, e, true)).toBe(want);
          expect(modexp(m, a, e, false)).toBe(want);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("edge exponents and bases: 0, 1, m-1, exponents with leading zero bytes", () => {
    for (const m of edgeModuli.slice(0, 7)) {
      for (const a of [0n, 1n, 2n, m - 1n]) {
        for (const e of [0n, 1n, 2n, 3n, 65537n, m - 1n, m - 2n, (1n << 200n) - 1n]) {
          const want = modPow(a, e, m);
          expect(modexp(m, a, e, true), `m=${m} a=${a} e=${e}`).toBe(want);
          expect(modexp(m, a, e, true, byteLen(e) + 3)).toBe(want);
          expect(modexp(m, a, e, false)).toBe(want);
        }
      }
    }
  });

  it("a few 2048- and 4096-bit exponentiations (Fermat on known primes and random moduli)", () => {
    // 2^2203 - 1 is a Mersenne prime (Robinson, 1952): a^(p-1) = 1 for every a not divisible by p.
    const p = (1n << 2203n) - 1n;
    expect(modexp(p, 12345678901234567890n, p - 1n, true)).toBe(1n);
    fc.assert(
      fc.property(oddModulus(3000, 4096).chain((m) => fc.tuple(fc.constant(m), below(m), fc.bigInt({ min: 0n, max: (1n << 400n) - 1n }))), ([m, a, e]) => {
        expect(modexp(m, a, e, true)).toBe(modPow(a, e, m));
      }),
      { numRuns: 6 },
    );
  });
});

// The limb arithmetic of bn/ (28-bit unsaturated limbs, Montgomery, modexp) against JS BigInt,
// with fast-check properties and the edge values 0, 1, m-1 and all-ones limbs.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Core } from "../../../src/engine/core.js";
import { newTestCore } from "../../helpers/core.js";
import { bigToBytes, bitLength, bytesToBig, gcd, modInv, modPow } from "../../helpers/bigint.js";

let core: Core;
beforeAll(async () => {
  core = await newTestCore();
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
  fc
    .integer({ min: minBits, max: maxBits })
    .chain((bits) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }).map((x) => x | (1n << BigInt(bits - 1)) | 1n));

/** Values below m, biased towards the edges: 0, 1, m-1, m-2, all-ones limbs. */
const below = (m: bigint) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: m - 1n }) },
    { weight: 1, arbitrary: fc.constantFrom(0n, 1n, m - 1n, m > 2n ? m - 2n : 0n) },
    {
      weight: 2,
      arbitrary: fc
        .integer({ min: 1, max: Math.max(1, Math.floor((bitLength(m) - 1) / 28)) })
        .map((k) => ((1n << (W * BigInt(k))) - 1n) % m),
    },
  );

/** Moduli whose limbs are all ones (2^(28k) - 1), or nearly powers of two. */
const edgeModuli = [
  3n,
  5n,
  (1n << 28n) - 1n,
  (1n << 56n) - 1n,
  (1n << (28n * 37n)) - 1n,
  (1n << 1024n) - 1n,
  (1n << 1024n) + 1n,
  (1n << 2047n) + 1n,
  (1n << 4096n) - 1n,
  (1n << 4095n) + 1n,
];

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
      fc.property(
        oddModulus(3000, 4096).chain((m) => fc.tuple(fc.constant(m), below(m), fc.bigInt({ min: 0n, max: (1n << 400n) - 1n }))),
        ([m, a, e]) => {
          expect(modexp(m, a, e, true)).toBe(modPow(a, e, m));
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe("bn: paired (two-lane SIMD) Montgomery arithmetic, as used for the CRT halves", () => {
  /** Returns [[rp, rq], R] for the paired export `fn`. */
  function paired(fn: string, len: number, mp: bigint, mq: bigint, ...ops: bigint[]): [bigint[], bigint] {
    core.writeAll(...[mp, mq, ...ops].map((x) => bigToBytes(x, len)));
    const L = core.call(fn, fn, len);
    const out = core.read(2 * len);
    return [[bytesToBig(out.subarray(0, len)), bytesToBig(out.subarray(len))], 1n << (W * BigInt(L))];
  }
  const pair = (minBits: number, maxBits: number) =>
    fc
      .tuple(oddModulus(minBits, maxBits), oddModulus(minBits, maxBits))
      .chain(([p, q]) => fc.tuple(fc.constant(p), fc.constant(q), below(p), below(q), below(p), below(q)));

  it("montMul2 and montSqr2 match BigInt in both lanes (moduli of 2 to 2048 bits, possibly of different sizes)", () => {
    fc.assert(
      fc.property(pair(2, 2048), ([p, q, ap, aq, bp, bq]) => {
        const len = Math.max(byteLen(p), byteLen(q));
        const [[rp, rq], R] = paired("bn_mont_mul2", len, p, q, ap, aq, bp, bq);
        expect(rp).toBe((ap * bp * modInv(R, p)) % p);
        expect(rq).toBe((aq * bq * modInv(R, q)) % q);
        const [[sp, sq]] = paired("bn_mont_sqr2", len, p, q, ap, aq);
        expect(sp).toBe((ap * ap * modInv(R, p)) % p);
        expect(sq).toBe((aq * aq * modInv(R, q)) % q);
      }),
      { numRuns: 300 },
    );
  });

  it("edge operands in both lanes: 0, 1, m-1, all-ones limbs", () => {
    const moduli = edgeModuli.filter((m) => bitLength(m) <= 2048);
    for (const p of moduli)
      for (const q of moduli) {
        const len = Math.max(byteLen(p), byteLen(q));
        const edges = (m: bigint) => [0n, 1n, m - 1n, ((1n << (28n * BigInt(Math.floor((bitLength(m) - 1) / 28)))) - 1n) % m];
        for (const [ap, aq] of edges(p).map((x, i) => [x, edges(q)[3 - i]!])) {
          const [[rp, rq], R] = paired("bn_mont_mul2", len, p, q, ap!, aq, p - 1n, q - 1n);
          expect(rp).toBe((ap! * (p - 1n) * modInv(R, p)) % p);
          expect(rq).toBe((aq * (q - 1n) * modInv(R, q)) % q);
          const [[sp, sq]] = paired("bn_mont_sqr2", len, p, q, ap!, aq);
          expect(sp).toBe((ap! * ap! * modInv(R, p)) % p);
          expect(sq).toBe((aq * aq * modInv(R, q)) % q);
        }
      }
  });

  it("modexp2: two different exponents at once, constant-time windows", () => {
    fc.assert(
      fc.property(
        pair(2, 1024),
        fc.bigInt({ min: 0n, max: (1n << 1024n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 1024n) - 1n }),
        ([p, q, ap, aq], ep, eq) => {
          const len = Math.max(byteLen(p), byteLen(q));
          const eLen = Math.max(byteLen(ep), byteLen(eq));
          core.writeAll(...[p, q, ap, aq].map((x) => bigToBytes(x, len)), bigToBytes(ep, eLen), bigToBytes(eq, eLen));
          core.call("bn_modexp2", "bn_modexp2", len, eLen);
          const out = core.read(2 * len);
          expect(bytesToBig(out.subarray(0, len))).toBe(modPow(ap, ep, p));
          expect(bytesToBig(out.subarray(len))).toBe(modPow(aq, eq, q));
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** a^-1 mod m by the core's variable-time binary Euclid, or null when it reports gcd(a, m) != 1. */
function modInvVartime(m: bigint, a: bigint): bigint | null {
  const len = byteLen(m);
  core.writeAll(bigToBytes(m, len), bigToBytes(a, len));
  const n = core.call("bn_mod_inv_vartime", "bn_mod_inv_vartime", len);
  return n === 0 ? null : bytesToBig(core.read(len));
}

describe("bn: modular inverse (variable time, for blinded values)", () => {
  const check = (m: bigint, a: bigint) => {
    const r = modInvVartime(m, a);
    if (gcd(a, m) !== 1n) {
      expect(r, `${a} mod ${m}`).toBeNull();
      return;
    }
    expect(r, `${a} mod ${m}`).not.toBeNull();
    expect((a * r!) % m, `${a} mod ${m}`).toBe(1n % m);
    expect(r! < m).toBe(true);
    expect(r).toBe(modInv(a, m));
  };

  it("a a^-1 = 1 mod m for random odd moduli of 2 to 4096 bits, and no inverse when gcd(a, m) > 1", () => {
    fc.assert(
      fc.property(
        oddModulus(2, 4096).chain((m) => fc.tuple(fc.constant(m), below(m))),
        ([m, a]) => check(m, a),
      ),
      { numRuns: 300 },
    );
  });

  it("edge moduli and values: 0, 1, m-1, all-ones limbs, common factors", () => {
    for (const m of edgeModuli)
      for (const a of [0n, 1n, 2n, 3n, m - 1n, m - 2n, ((1n << 28n) - 1n) % m, ((1n << 56n) - 1n) % m]) if (a >= 0n && a < m) check(m, a);
    // m = p q with a a multiple of p: no inverse.
    const p = (1n << 127n) - 1n;
    const q = (1n << 89n) - 1n;
    check(p * q, p * 12345n);
    check(p * q, q);
  });
});

describe("bn: primality", () => {
  const isPrime = (x: bigint) => {
    core.reseed();
    const b = bigToBytes(x, byteLen(x));
    core.write(b);
    return core.call("bn_probable_prime", "mr", b.length, 20) === 1;
  };
  const smallFactor = (x: bigint) => {
    const b = bigToBytes(x, byteLen(x));
    core.write(b);
    return core.call("bn_has_small_factor", "td", b.length) === 1;
  };

  it("Miller-Rabin accepts primes and refuses composites, including Carmichael numbers and strong pseudoprimes", async () => {
    const { generatePrimeSync } = await import("node:crypto");
    // Mersenne primes 2^p - 1 (p = 521, 607, 1279, 2203) and primes from node:crypto.
    for (const e of [521n, 607n, 1279n, 2203n]) expect(isPrime((1n << e) - 1n), `M${e}`).toBe(true);
    for (const bits of [256, 512, 1024]) {
      const p = generatePrimeSync(bits, { bigint: true });
      expect(isPrime(p)).toBe(true);
      const q = generatePrimeSync(bits, { bigint: true });
      expect(isPrime(p * q)).toBe(false);
    }
    // Carmichael numbers (OEIS A002997) and 3215031751, a strong pseudoprime to bases 2, 3, 5 and 7.
    for (const c of [561n, 41041n, 825265n, 321197185n, 3215031751n, 2047n * 3n * 5n * 7n * 11n]) expect(isPrime(c), `${c}`).toBe(false);
    expect(isPrime((1n << 2203n) - 3n)).toBe(false);
  });

  it("trial division agrees with BigInt on random numbers and products of small primes", () => {
    const primes: bigint[] = [];
    for (let n = 3n; primes.length < 2048; n += 2n) if (primes.every((p) => p * p > n || n % p !== 0n)) primes.push(n);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n << 100n, max: (1n << 1024n) - 1n }),
        fc.constantFrom(1n, ...primes.slice(-50), 3n, 17881n, 17891n),
        (x, f) => {
          const v = (x | 1n) * f;
          expect(smallFactor(v)).toBe(primes.some((p) => v % p === 0n));
        },
      ),
      { numRuns: 200 },
    );
  });
});

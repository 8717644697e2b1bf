// The f64 kernel (assembly/bn/mont-f64.ts: balanced 24-bit limbs in f64x2 lanes, modulo M = m k)
// and the CRT exponentiations on it (assembly/rsa/crt-f64.ts) against JS BigInt: random operands
// and the extremes of the kernel's exactness argument (every limb at +-2^23, values at +-(M-1)),
// moduli of every size the kernel takes, and those just below 2^1024 and just above 2^1023.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Core } from "../../../src/engine/core.js";
import { newTestCore } from "../../helpers/core.js";
import { bigToBytes, bitLength, bytesToBig, modInv, modPow } from "../../helpers/bigint.js";

let core: Core;
beforeAll(async () => {
  core = await newTestCore();
});

const T = 1n << 24n;
const H = 1n << 23n;
const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
const byteLen = (x: bigint) => Math.max(1, Math.ceil(bitLength(x) / 8));

/** M = m k with k = -m^-1 mod 2^24, computed here independently of the core. */
const bigM = (m: bigint) => m * mod(-modInv(m, T), T);

/** Balanced 24-bit limbs of v (|limb| <= 2^23 below the top one, which takes the rest). */
function balanced(v: bigint, L: number): bigint[] {
  const d: bigint[] = [];
  for (let i = 0; i < L - 1; i++) {
    let x = mod(v, T);
    if (x >= H) x -= T;
    d.push(x);
    v = (v - x) / T;
  }
  d.push(v);
  return d;
}

const value = (limbs: bigint[]) => limbs.reduceRight((acc, x) => acc * T + x, 0n);

/** Two lanes of limbs as the kernel holds them: 16 bytes per limb, lane p then lane q, little-endian f64. */
function pack(p: bigint[], q: bigint[]): Uint8Array {
  const f = new Float64Array(2 * p.length);
  p.forEach((x, i) => {
    f[2 * i] = Number(x);
    f[2 * i + 1] = Number(q[i]);
  });
  return new Uint8Array(f.buffer);
}

function unpack(bytes: Uint8Array, L: number): [bigint[], bigint[]] {
  const f = new Float64Array(bytes.slice().buffer);
  const p: bigint[] = [];
  const q: bigint[] = [];
  for (let i = 0; i < L; i++) {
    expect(Number.isInteger(f[2 * i]) && Number.isInteger(f[2 * i + 1]), `limb ${i} is an integer`).toBe(true);
    p.push(BigInt(f[2 * i]!));
    q.push(BigInt(f[2 * i + 1]!));
  }
  return [p, q];
}

/** Operands in (-M, M) as limbs: random values, and limbs all at +2^23 or -2^23 (or alternating) under the largest top limb allowed. */
function operand(M: bigint, L: number, kind: number, r: bigint): bigint[] {
  if (kind === 0) return balanced(mod(r, 2n * M - 1n) - (M - 1n), L);
  if (kind === 1) return balanced(M - 1n, L);
  if (kind === 2) return balanced(1n - M, L);
  const low = Array.from({ length: L - 1 }, (_, i) => (kind === 3 ? H : kind === 4 ? -H : i % 2 ? H : -H));
  const lowValue = value([...low, 0n]);
  const size = lowValue > 0n ? lowValue : -lowValue;
  if (size > M - 1n) return balanced(lowValue > 0n ? M - 1n : 1n - M, L); // a modulus too small for such limbs
  const top = (M - 1n - size) / T ** BigInt(L - 1); // |top 2^(24 (L-1)) + low| <= M - 1
  return [...low, lowValue > 0n ? top : -top];
}

describe("bn: the f64 kernel (mont-f64.ts)", () => {
  /** Runs the product hook; returns [L, [rp, rq] as limbs]. */
  function product(p: bigint, q: bigint, a: bigint[][], b: bigint[][], square: boolean): [number, bigint[][]] {
    const len = Math.max(byteLen(p), byteLen(q));
    core.writeAll(bigToBytes(p, len), bigToBytes(q, len), pack(a[0]!, a[1]!), pack(b[0]!, b[1]!));
    const L = core.call("bn_f64_mul", "bn_f64_mul", len, square ? 1 : 0);
    return [L, unpack(core.read(16 * L), L)];
  }

  function check(p: bigint, q: bigint, kinds: [number, number], r: bigint[]) {
    const L = core.call("bn_f64_limbs", "bn_f64_limbs", Math.max(bitLength(p), bitLength(q)));
    const Ms = [bigM(p), bigM(q)];
    const R = 1n << (24n * BigInt(L));
    for (const M of Ms) {
      expect(mod(M, T)).toBe(T - 1n); // M = -1 mod 2^24
      expect(R > 16n * M).toBe(true);
    }
    expect(L % 4).toBe(0);
    const a = Ms.map((M, i) => operand(M, L, kinds[0], r[i]!));
    const b = Ms.map((M, i) => operand(M, L, kinds[1], r[i + 2]!));
    for (const square of [false, true]) {
      const [L2, out] = product(p, q, a, square ? a : b, square);
      expect(L2).toBe(L);
      Ms.forEach((M, i) => {
        const x = value(a[i]!);
        const y = square ? x : value(b[i]!);
        const got = value(out[i]!);
        expect(mod(got, M), `lane ${i}, ${square ? "square" : "product"}`).toBe(mod(x * y * modInv(R, M), M));
        expect(got > -M && got < M, "|result| < M").toBe(true);
        for (const d of out[i]!) expect(d >= -H && d <= H, "balanced limbs").toBe(true);
      });
    }
  }

  const odd = (minBits: number, maxBits: number) =>
    fc
      .integer({ min: minBits, max: maxBits })
      .chain((bits) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }).map((x) => x | (1n << BigInt(bits - 1)) | 1n));
  const rand = fc.array(fc.bigInt({ min: 0n, max: (1n << 1600n) - 1n }), { minLength: 4, maxLength: 4 });

  it("matches BigInt on random moduli of 2 to 1412 bits and random or extreme operands", () => {
    fc.assert(
      fc.property(odd(2, 1412), odd(2, 1412), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), rand, (p, q, ka, kb, r) =>
        check(p, q, [ka, kb], r),
      ),
      { numRuns: 150 },
    );
  });

  it("moduli just below 2^1024 and just above 2^1023 (k = 1 and k = 2^24 - 1), extreme operands", () => {
    const edge = [(1n << 1024n) - 1n, (1n << 1024n) - 3n, (1n << 1023n) + 1n, (1n << 1023n) + 3n, (1n << 1412n) - 1n, (1n << 1411n) + 1n];
    const r = [12345n, 67890n, (1n << 1100n) - 1n, 3n ** 600n];
    for (const p of edge)
      for (const q of edge)
        for (let ka = 0; ka < 6; ka++) for (const kb of [0, 1, 2, 3, 4, 5].filter((k) => k >= ka)) check(p, q, [ka, kb], r);
  });
});

describe("rsa: the CRT exponentiations on the f64 kernel (crt-f64.ts)", () => {
  function crt(p: bigint, q: bigint, x: bigint, ep: bigint, eq: bigint): [bigint, bigint] {
    const len = Math.max(byteLen(p), byteLen(q));
    const eLen = Math.max(byteLen(ep), byteLen(eq));
    core.writeAll(bigToBytes(p, len), bigToBytes(q, len), bigToBytes(x, 2 * len), bigToBytes(ep, eLen), bigToBytes(eq, eLen));
    core.call("bn_crt_f64", "bn_crt_f64", len, eLen);
    const out = core.read(2 * len);
    return [bytesToBig(out.subarray(0, len)), bytesToBig(out.subarray(len))];
  }

  const crtCase = (minBits: number, maxBits: number) =>
    fc.tuple(fc.integer({ min: minBits, max: maxBits }), fc.integer({ min: minBits, max: maxBits })).chain(([bp, bq]) =>
      fc.tuple(
        fc.bigInt({ min: 0n, max: (1n << BigInt(bp)) - 1n }).map((x) => x | (1n << BigInt(bp - 1)) | 1n),
        fc.bigInt({ min: 0n, max: (1n << BigInt(bq)) - 1n }).map((x) => x | (1n << BigInt(bq - 1)) | 1n),
        fc.bigInt({ min: 0n, max: (1n << BigInt(bp + bq)) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << BigInt(Math.max(bp, bq))) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << BigInt(Math.max(bp, bq))) - 1n }),
      ),
    );

  it("x^ep mod p and x^eq mod q match BigInt (odd moduli of 128 to 1412 bits)", () => {
    fc.assert(
      fc.property(crtCase(128, 1412), ([p, q, x0, ep, eq]) => {
        const x = x0 % (p * q);
        const [rp, rq] = crt(p, q, x, ep, eq);
        expect(rp).toBe(modPow(x, ep, p));
        expect(rq).toBe(modPow(x, eq, q));
      }),
      { numRuns: 40 },
    );
  });

  it("moduli just below 2^1024 and just above 2^1023, x at the edges", () => {
    const edge = [(1n << 1024n) - 1n, (1n << 1023n) + 1n, (1n << 1024n) - 105n];
    for (const p of edge)
      for (const q of edge)
        for (const x of [0n, 1n, p * q - 1n, p - 1n, q + 1n, (p * q) >> 1n])
          for (const [ep, eq] of [
            [0n, 1n],
            [(1n << 1024n) - 1n, (1n << 1023n) + 12345n],
          ] as const) {
            const [rp, rq] = crt(p, q, x, ep, eq);
            expect(rp).toBe(modPow(x, ep, p));
            expect(rq).toBe(modPow(x, eq, q));
          }
  });

  it("moduli outside the kernel's range are refused", () => {
    expect(() => crt((1n << 127n) - 1n, (1n << 127n) - 1n, 5n, 3n, 3n)).toThrow();
    expect(() => crt((1n << 1413n) - 1n, (1n << 1413n) - 1n, 5n, 3n, 3n)).toThrow();
  });
});

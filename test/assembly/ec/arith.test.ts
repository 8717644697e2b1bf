// The core's field, scalar and point arithmetic against JS BigInt and @noble/curves, through the
// diagnostic export ec_test_op (assembly/ec/testops.ts). fast-check drives random and edge inputs.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Core } from "../../../src/engine/core.js";
import { newTestCore } from "../../helpers/core.js";
import { bigToBytes, bytesToBig, CURVES, mod, modPow } from "../../helpers/ec.js";

let core: Core;
beforeAll(async () => {
  core = await newTestCore();
});

const OP = {
  mul: 1,
  sqr: 2,
  add: 3,
  sub: 4,
  neg: 5,
  inv: 6,
  mulB: 7,
  mulAdd: 8,
  mulSub: 9,
  mulBSub: 10,
  subMulB: 11,
  smul: 16,
  sadd: 17,
  sinv: 18,
  bits2int: 19,
  kG: 32,
  kGvar: 33,
  dbl2: 34,
  padd: 35,
  pdbl: 36,
  jadda: 37,
  jadd: 38,
  jdbl: 39,
};

function run(curve: number, op: number, ...parts: Uint8Array[]): Uint8Array {
  const lens = core.writeAll(...parts);
  const n = core.call(
    "ec_test_op",
    "ec_test_op",
    curve,
    op,
    lens.reduce((a, b) => a + b, 0),
  );
  return core.read(n);
}

/** x^-1 mod m by the extended Euclidean algorithm (a reference independent of Fermat and divsteps). */
function euclidInverse(x: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [m, mod(x, m), 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error("not invertible");
  return mod(s0, m);
}

/** bits2int of RFC 6979 §2.3.2, written from the text: keep the leftmost qlen bits. */
/**
 * Scalars at the edges of the comb's signed-digit recoding (table.ts) for windows of 6 and 7 bits:
 * digits at 2^(W-1) and on either side of it, where a digit turns negative and carries, and a
 * scalar whose every digit sits at the boundary (a carry through every window).
 */
function combEdges(n: bigint): bigint[] {
  const out = [1n, 2n, 3n, n - 1n, (1n << 255n) % n];
  for (const W of [6n, 7n]) {
    const half = 1n << (W - 1n);
    out.push(half - 1n, half, half + 1n, 2n * half, n - half, n - half - 1n);
    let all = 0n;
    for (let i = 0n; i * W < 256n; i++) all += half << (W * i);
    out.push(all % n);
  }
  return out;
}

function bits2intSpec(b: Uint8Array, qlen: number): bigint {
  const v = bytesToBig(b);
  const blen = b.length * 8;
  return blen > qlen ? v >> BigInt(blen - qlen) : v;
}

for (const c of CURVES) {
  describe(`${c.crv} arithmetic`, () => {
    const { p, n, len } = c;
    const b = c.noble.Point.CURVE().b;
    const fe = fc.oneof(
      fc.bigInt({ min: 0n, max: p - 1n }),
      fc.constantFrom(0n, 1n, 2n, p - 1n, p - 2n, p >> 1n, (1n << BigInt(len * 8 - 9)) - 1n, 1n << 200n),
    );
    const sc = fc.oneof(fc.bigInt({ min: 0n, max: n - 1n }), fc.constantFrom(0n, 1n, n - 1n, n - 2n, n >> 1n));
    const enc = (v: bigint) => bigToBytes(v, len);
    const get = (bytes: Uint8Array) => bytesToBig(bytes);

    it("field mul, sqr, add, sub, neg, mulB agree with BigInt", () => {
      fc.assert(
        fc.property(fe, fe, (x, y) => {
          expect(get(run(c.id, OP.mul, enc(x), enc(y)))).toBe(mod(x * y, p));
          expect(get(run(c.id, OP.sqr, enc(x)))).toBe(mod(x * x, p));
          expect(get(run(c.id, OP.add, enc(x), enc(y)))).toBe(mod(x + y, p));
          expect(get(run(c.id, OP.sub, enc(x), enc(y)))).toBe(mod(x - y, p));
          expect(get(run(c.id, OP.neg, enc(x)))).toBe(mod(-x, p));
          // mulB multiplies by b for a = -3 curves and by 3b for secp256k1 (a = 0).
          expect(get(run(c.id, OP.mulB, enc(x)))).toBe(mod(x * (c.crv === "P-256K" ? 3n * b : b), p));
        }),
        { numRuns: 300 },
      );
    });

    it("the fused forms a b + e, a b - e, mulB(a) - e and e - mulB(a) agree with BigInt", () => {
      const bm = c.crv === "P-256K" ? 3n * b : b;
      fc.assert(
        fc.property(fe, fe, fe, (x, y, e) => {
          expect(get(run(c.id, OP.mulAdd, enc(x), enc(y), enc(e)))).toBe(mod(x * y + e, p));
          expect(get(run(c.id, OP.mulSub, enc(x), enc(y), enc(e)))).toBe(mod(x * y - e, p));
          expect(get(run(c.id, OP.mulBSub, enc(x), enc(e)))).toBe(mod(bm * x - e, p));
          expect(get(run(c.id, OP.subMulB, enc(x), enc(e)))).toBe(mod(e - bm * x, p));
        }),
        { numRuns: 300 },
      );
      // The largest sums: (p - 1)^2 + (p - 1), and p - e at both ends.
      for (const [x, y, e] of [
        [p - 1n, p - 1n, p - 1n],
        [p - 1n, p - 1n, 0n],
        [0n, 0n, p - 1n],
        [1n, 1n, 1n],
      ] as const) {
        expect(get(run(c.id, OP.mulAdd, enc(x), enc(y), enc(e)))).toBe(mod(x * y + e, p));
        expect(get(run(c.id, OP.mulSub, enc(x), enc(y), enc(e)))).toBe(mod(x * y - e, p));
      }
    });

    it("field add and sub agree with BigInt on every pair of limb-boundary values (carry and borrow chains)", () => {
      const bits = BigInt(len * 8);
      const edges = new Set([0n, 1n, 2n, p - 1n, p - 2n, (p + 1n) >> 1n, p >> 1n]);
      for (let k = 32n; k < bits; k += 32n) {
        for (const v of [(1n << k) - 1n, 1n << k, (1n << k) + 1n, p - (1n << k), p - (1n << k) - 1n, p - (1n << k) + 1n]) {
          if (v >= 0n && v < p) edges.add(v);
        }
      }
      for (const x of edges) {
        for (const y of edges) {
          expect(get(run(c.id, OP.add, enc(x), enc(y)))).toBe(mod(x + y, p));
          expect(get(run(c.id, OP.sub, enc(x), enc(y)))).toBe(mod(x - y, p));
        }
      }
    });

    it("field inversion agrees with BigInt (0 maps to 0)", () => {
      fc.assert(
        fc.property(fe, (x) => {
          expect(get(run(c.id, OP.inv, enc(x)))).toBe(x === 0n ? 0n : modPow(x, p - 2n, p));
        }),
        { numRuns: 40 },
      );
    });

    it("field inversion (constant-time divsteps on P-256, P-256K, P-384) agrees with the extended Euclid inverse", () => {
      const edge = fc
        .constantFrom(
          1n,
          2n,
          3n,
          p - 1n,
          p - 2n,
          p - 3n,
          (p + 1n) / 2n,
          p >> 1n,
          p >> 2n,
          (1n << BigInt(len * 8 - 1)) - 1n,
          1n << BigInt(len * 8 - 2),
          (p * 2n) / 3n,
          mod(-(1n << 32n), p),
          0x5555555555555555n,
        )
        .map((v) => mod(v, p))
        .filter((v) => v !== 0n);
      fc.assert(
        fc.property(fc.oneof(fc.bigInt({ min: 1n, max: p - 1n }), edge), (x) => {
          const inv = get(run(c.id, OP.inv, enc(x)));
          expect(inv).toBe(euclidInverse(x, p));
          expect(mod(inv * x, p)).toBe(1n);
        }),
        { numRuns: 400 },
      );
      expect(get(run(c.id, OP.inv, enc(0n)))).toBe(0n);
    });

    it("refuses field operands at or above p", () => {
      if (p < 256n ** BigInt(len)) expect(() => run(c.id, OP.mul, enc(p), enc(1n))).toThrow();
      if (p + 5n < 256n ** BigInt(len)) expect(() => run(c.id, OP.sqr, enc(p + 5n))).toThrow();
    });

    it("scalar mul, add and (variable-time) inversion agree with BigInt mod n", () => {
      fc.assert(
        fc.property(sc, sc, (x, y) => {
          expect(get(run(c.id, OP.smul, enc(x), enc(y)))).toBe((x * y) % n);
          expect(get(run(c.id, OP.sadd, enc(x), enc(y)))).toBe((x + y) % n);
          if (x !== 0n) expect(get(run(c.id, OP.sinv, enc(x)))).toBe(modPow(x, n - 2n, n));
        }),
        { numRuns: 200 },
      );
      expect(() => run(c.id, OP.sinv, enc(0n))).toThrow();
    });

    it("bits2int follows RFC 6979 §2.3.2 for every input length", () => {
      const qlen = n.toString(2).length;
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 150 }), (bytes) => {
          expect(get(run(c.id, OP.bits2int, bytes))).toBe(bits2intSpec(bytes, qlen));
        }),
        { numRuns: 300 },
      );
    });

    it("k G, constant-time and variable-time, agrees with @noble/curves", () => {
      const G = c.noble.Point.BASE;
      const check = (k: bigint) => {
        const want = G.multiply(k).toAffine();
        const expected = [...enc(want.x), ...enc(want.y)];
        expect([...run(c.id, OP.kG, enc(k))]).toEqual(expected);
        expect([...run(c.id, OP.kGvar, enc(k))]).toEqual(expected);
      };
      fc.assert(fc.property(fc.oneof(fc.bigInt({ min: 1n, max: n - 1n }), fc.constantFrom(...combEdges(n))), check), { numRuns: 30 });
      for (const k of combEdges(n)) check(k);
    });

    it("u1 G + u2 Q (variable time) agrees with @noble/curves, the identity included", () => {
      const G = c.noble.Point.BASE;
      fc.assert(
        fc.property(sc, sc, fc.bigInt({ min: 1n, max: n - 1n }), (u1, u2, d) => {
          const Q = G.multiply(d);
          const q = Q.toAffine();
          const sum = G.multiplyUnsafe(u1).add(Q.multiplyUnsafe(u2));
          const got = run(c.id, OP.dbl2, enc(u1), enc(u2), enc(q.x), enc(q.y));
          if (sum.equals(c.noble.Point.ZERO)) expect(got.length).toBe(0);
          else expect([...got]).toEqual([...enc(sum.toAffine().x), ...enc(sum.toAffine().y)]);
        }),
        { numRuns: 15 },
      );
      // u1 G + u2 G = O for u1 = n - u2: a Shamir-style intermediate would meet the identity.
      const g = G.toAffine();
      expect(run(c.id, OP.dbl2, enc(n - 5n), enc(5n), enc(g.x), enc(g.y)).length).toBe(0);
      expect([...run(c.id, OP.dbl2, enc(5n), enc(5n), enc(g.x), enc(g.y))]).toEqual([
        ...enc(G.multiply(10n).toAffine().x),
        ...enc(G.multiply(10n).toAffine().y),
      ]);
    });

    it("the Jacobian formulas of verification: P + Q, P + P, P + (-P) = O and 2P, mixed and full", () => {
      const G = c.noble.Point.BASE;
      fc.assert(
        fc.property(fc.bigInt({ min: 1n, max: n - 1n }), fc.bigInt({ min: 1n, max: n - 1n }), (i, j) => {
          const P = G.multiply(i).toAffine();
          const Q = G.multiply(j).toAffine();
          const sum = G.multiply(i).add(G.multiply(j));
          const expectedSum = sum.equals(c.noble.Point.ZERO) ? [] : [...enc(sum.toAffine().x), ...enc(sum.toAffine().y)];
          const twice = G.multiply(i).double().toAffine();
          const expectedTwice = [...enc(twice.x), ...enc(twice.y)];
          for (const op of [OP.jadda, OP.jadd]) {
            expect([...run(c.id, op, enc(P.x), enc(P.y), enc(Q.x), enc(Q.y))]).toEqual(expectedSum);
            expect([...run(c.id, op, enc(P.x), enc(P.y), enc(P.x), enc(P.y))]).toEqual(expectedTwice);
            expect(run(c.id, op, enc(P.x), enc(P.y), enc(P.x), enc(p - P.y)).length).toBe(0);
          }
          expect([...run(c.id, OP.jdbl, enc(P.x), enc(P.y))]).toEqual(expectedTwice);
        }),
        { numRuns: 20 },
      );
    });

    it("the complete formulas: P + Q, P + P, P + (-P) = O, and 2P", () => {
      const G = c.noble.Point.BASE;
      fc.assert(
        fc.property(fc.bigInt({ min: 1n, max: n - 1n }), fc.bigInt({ min: 1n, max: n - 1n }), (i, j) => {
          const P = G.multiply(i).toAffine();
          const Q = G.multiply(j).toAffine();
          const add = run(c.id, OP.padd, enc(P.x), enc(P.y), enc(Q.x), enc(Q.y));
          const sum = G.multiply(i).add(G.multiply(j));
          if (sum.equals(c.noble.Point.ZERO)) expect(add.length).toBe(0);
          else expect([...add]).toEqual([...enc(sum.toAffine().x), ...enc(sum.toAffine().y)]);
          const twice = G.multiply(i).double().toAffine();
          const expected = [...enc(twice.x), ...enc(twice.y)];
          expect([...run(c.id, OP.padd, enc(P.x), enc(P.y), enc(P.x), enc(P.y))]).toEqual(expected);
          expect([...run(c.id, OP.pdbl, enc(P.x), enc(P.y))]).toEqual(expected);
          expect(run(c.id, OP.padd, enc(P.x), enc(P.y), enc(P.x), enc(p - P.y)).length).toBe(0);
        }),
        { numRuns: 20 },
      );
    });
  });
}

// The EC exports on a raw instance: every bad argument gets a status, never a trap, and an
// unseeded DRBG is reported rather than used. fast-check feeds random bytes to the imports.
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { bigToBytes, CURVES } from "../../helpers/ec.js";
import { TEST_WASM } from "../../helpers/wasm.js";

type Exports = Record<string, (...args: number[]) => number> & { memory: WebAssembly.Memory };
const bytes = readFileSync(TEST_WASM); // the test build: ec_set_pure_rfc6979 is a test hook
let x: Exports;
beforeEach(async () => {
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: {
      abort() {
        throw new Error("abort");
      },
    },
  });
  x = instance.exports as unknown as Exports;
});
const write = (data: Uint8Array) => new Uint8Array(x.memory.buffer, x.io_in!(), data.length).set(data);
const seed = () => {
  write(crypto.getRandomValues(new Uint8Array(48)));
  expect(x.rand_seed!(48)).toBe(0);
};
const S = { LENGTH: -1, HANDLE: -2, KIND: -3, ALG: -4, CAPACITY: -6, KEY_INVALID: -7, NOT_SEEDED: -8, PARAM: -9, DIGEST: -12 };

function importFixed(c: (typeof CURVES)[number], d: bigint): number {
  const pub = c.noble.getPublicKey(bigToBytes(d, c.len), false);
  write(new Uint8Array([...pub.subarray(1), ...bigToBytes(d, c.len)]));
  return x.ec_import_private!(c.id, 3 * c.len);
}

describe("EC exports on a raw instance", () => {
  it("report an unseeded DRBG instead of signing or generating", () => {
    expect(x.ec_generate!(1)).toBe(S.NOT_SEEDED);
    const h = importFixed(CURVES[0]!, 42n);
    expect(h).toBeGreaterThan(0);
    write(new Uint8Array(32));
    expect(x.ec_sign!(h, 2, 32)).toBe(S.NOT_SEEDED);
    expect(x.ec_set_pure_rfc6979!(1)).toBe(0);
    expect(x.ec_sign!(h, 2, 32)).toBe(S.NOT_SEEDED); // the blinding factor still needs the DRBG
    expect(x.key_count!()).toBe(1);
  });

  it("refuse bad curve ids, lengths, handles, kinds and hash ids", () => {
    seed();
    expect(x.ec_generate!(0)).toBe(S.PARAM);
    expect(x.ec_generate!(5)).toBe(S.PARAM);
    expect(x.ec_import_private!(1, 95)).toBe(S.LENGTH);
    expect(x.ec_import_private!(7, 96)).toBe(S.PARAM);
    expect(x.ec_import_public!(4, 131)).toBe(S.LENGTH);
    expect(x.ec_public!(-1)).toBe(S.HANDLE);
    expect(x.ec_key_curve!(0x12345)).toBe(S.HANDLE);
    const h = x.ec_generate!(1);
    expect(h).toBeGreaterThan(0);
    expect(x.ec_sign!(h, 99, 32)).toBe(S.ALG);
    expect(x.ec_sign!(h, 2, 0)).toBe(S.DIGEST);
    expect(x.ec_sign!(h, 2, 0x7fffffff)).toBe(S.LENGTH);
    expect(x.ec_verify!(h, 0, 64)).toBe(S.DIGEST);
    expect(x.ec_verify!(h, 32, 0xffffffff)).toBe(S.LENGTH);
    expect(x.ec_verify!(h, 0xffffffff, 64)).toBe(S.LENGTH);
    expect(x.ec_public!(h)).toBe(64);
    write(new Uint8Array(x.memory.buffer, x.io_out!(), 64).slice());
    const pub = x.ec_import_public!(1, 64);
    expect(pub).toBeGreaterThan(0);
    expect(x.ec_sign!(pub, 2, 32)).toBe(S.KIND);
    expect(x.ec_verify!(pub, 32, 64)).toBe(0);
    expect(x.key_destroy!(h)).toBe(0);
    expect(x.ec_sign!(h, 2, 32)).toBe(S.HANDLE);
    expect(x.ec_test_op!(1, 99, 32)).toBe(S.PARAM);
    expect(x.ec_test_op!(1, 1, 5000)).toBe(S.LENGTH);
  });

  it("random bytes given as keys, signatures and test operands get statuses, never traps", () => {
    seed();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.integer({ min: 0, max: 40 }),
        (curve, data, op) => {
          write(data);
          const a = x.ec_import_private!(curve, data.length);
          const b = x.ec_import_public!(curve, data.length);
          expect(a < 0 || x.key_destroy!(a) === 0).toBe(true);
          if (b > 0) {
            expect([0, 1]).toContain(x.ec_verify!(b, 1, Math.max(0, data.length - 1)));
            x.key_destroy!(b);
          }
          const r = x.ec_test_op!(curve, op, data.length);
          expect(Number.isInteger(r)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    expect(x.key_count!()).toBe(0);
  });

  it("a valid public key with garbage signatures of every length is simply invalid", () => {
    seed();
    for (const c of CURVES) {
      const k = importFixed(c, 7n);
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 64 }),
          fc.uint8Array({ minLength: 0, maxLength: 2 * c.len + 2 }),
          (digest, sig) => {
            write(new Uint8Array([...digest, ...sig]));
            expect(x.ec_verify!(k, digest.length, sig.length)).toBe(0);
          },
        ),
        { numRuns: 50 },
      );
    }
  });
});

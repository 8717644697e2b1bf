// Hsm's oct (AES) key management and algorithm dispatch: sizes, algorithm/key matching, handle
// misuse, and that no Hsm method hands the key bytes back.
import { createCipheriv } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Hsm, KeyHandle } from "../../../src/engine/index.js";
import { newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

const err = (f: () => unknown): { code?: string; message: string } => {
  try {
    f();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error("expected an error");
};
const algs = (bits: number) => [`A${bits}KW`, `A${bits}GCM`, `A${bits}CBC`, `A${bits}CBCPAD`];

/** One call of each operation of the algorithm's kind, on valid data. */
function use(h: KeyHandle, alg: string): unknown {
  if (alg.endsWith("KW")) return hsm.wrapKey(h, alg, new Uint8Array(16));
  if (alg.endsWith("GCM")) return hsm.encrypt(h, alg, new Uint8Array(3));
  return hsm.encrypt(h, alg, new Uint8Array(16), { iv: new Uint8Array(16) });
}

describe("generateOct / importOct", () => {
  it.each([128, 192, 256])("a %i-bit key: keyInfo, publicJwk, and every algorithm of its size", (bits) => {
    const g = hsm.generateOct(bits);
    const i = hsm.importOct(new Uint8Array(bits / 8).fill(1));
    for (const h of [g, i]) {
      expect(hsm.keyInfo(h)).toEqual({ kind: "oct", bits });
      expect(hsm.publicJwk(h)).toEqual({ kty: "oct" });
      for (const alg of algs(bits)) expect(() => use(h, alg)).not.toThrow();
      hsm.destroy(h);
    }
  });

  it("generated keys differ and behave like node:crypto under their own material", () => {
    const a = hsm.generateOct(256);
    const b = hsm.generateOct(256);
    const data = new Uint8Array(32).fill(5);
    expect(toHex(hsm.wrapKey(a, "A256KW", data))).not.toBe(toHex(hsm.wrapKey(b, "A256KW", data)));
    hsm.destroy(a);
    hsm.destroy(b);
  });

  it("refuses other key sizes with a clear BAD_LENGTH", () => {
    for (const bits of [0, 64, 127, 160, 255, 512, -128, 1.5, NaN]) {
      const e = err(() => hsm.generateOct(bits));
      expect(e.code).toBe("BAD_LENGTH");
      expect(e.message).toMatch(/128, 192 or 256 bits/);
    }
    for (const len of [0, 1, 8, 15, 17, 20, 31, 33, 64]) {
      const e = err(() => hsm.importOct(new Uint8Array(len)));
      expect(e.code).toBe("BAD_LENGTH");
      expect(e.message).toMatch(new RegExp(`16, 24 or 32 bytes, got ${len}`));
    }
  });
});

describe("algorithms", () => {
  it("an algorithm of another key size is refused with BAD_ALGORITHM naming both sizes", () => {
    for (const bits of [128, 192, 256]) {
      const h = hsm.generateOct(bits);
      for (const other of [128, 192, 256].filter((b) => b !== bits)) {
        for (const alg of algs(other)) {
          const e = err(() => use(h, alg));
          expect(e.code, alg).toBe("BAD_ALGORITHM");
          expect(e.message).toContain(`${alg} needs a ${other}-bit AES key, this key has ${bits} bits`);
        }
      }
      hsm.destroy(h);
    }
  });

  it("KW only wraps, GCM/CBC only encrypt; unknown names are refused", () => {
    const h = hsm.generateOct(128);
    expect(err(() => hsm.encrypt(h, "A128KW", new Uint8Array(16))).code).toBe("BAD_ALGORITHM");
    expect(err(() => hsm.decrypt(h, "A128KW", new Uint8Array(16))).code).toBe("BAD_ALGORITHM");
    expect(err(() => hsm.wrapKey(h, "A128GCM", new Uint8Array(16))).code).toBe("BAD_ALGORITHM");
    expect(err(() => hsm.unwrapKey(h, "A128CBC", new Uint8Array(24))).code).toBe("BAD_ALGORITHM");
    expect(err(() => hsm.encrypt(h, "A128CTR", new Uint8Array(16))).code).toBe("BAD_ALGORITHM");
    expect(err(() => hsm.wrapKey(h, "toString", new Uint8Array(16))).code).toBe("BAD_ALGORITHM");
    expect(err(() => hsm.sign(h, "A128KW", new Uint8Array(32))).code).toBe("BAD_ALGORITHM");
    hsm.destroy(h);
  });
});

describe("handle misuse is refused with BAD_HANDLE", () => {
  const ops = (h: KeyHandle) => [
    () => hsm.wrapKey(h, "A128KW", new Uint8Array(16)),
    () => hsm.unwrapKey(h, "A128KW", new Uint8Array(24)),
    () => hsm.encrypt(h, "A128GCM", new Uint8Array(4)),
    () => hsm.decrypt(h, "A128GCM", new Uint8Array(4), { iv: new Uint8Array(12), tag: new Uint8Array(16) }),
    () => hsm.encrypt(h, "A128CBCPAD", new Uint8Array(4)),
    () => hsm.decrypt(h, "A128CBC", new Uint8Array(16), { iv: new Uint8Array(16) }),
    () => hsm.wrapKeyKwp(h, new Uint8Array(4)),
    () => hsm.unwrapKeyKwp(h, new Uint8Array(16)),
    () => hsm.keyInfo(h),
    () => hsm.publicJwk(h),
  ];
  const refused = (h: number) => {
    for (const op of ops(h as KeyHandle)) expect(err(op).code, `handle ${h}`).toBe("BAD_HANDLE");
  };

  it("destroyed, then stale after new keys were made, and destroyed twice", () => {
    const h = hsm.generateOct(128);
    expect(() => use(h, "A128KW")).not.toThrow();
    hsm.destroy(h);
    refused(h);
    const others = Array.from({ length: 20 }, () => hsm.generateOct(128));
    refused(h);
    expect(err(() => hsm.destroy(h)).code).toBe("BAD_HANDLE");
    for (const o of others) hsm.destroy(o);
  });

  it("zero, negative, out of range and non-integer numbers", () => {
    const live = hsm.generateOct(128);
    for (const h of [0, -1, -live, 0x7fffffff, 0x80000000, 2 ** 32 + live, live + 0.5, NaN, Infinity]) refused(h);
    hsm.destroy(live);
  });

  it("forged: random integers", () => {
    const live = new Set(Array.from({ length: 5 }, () => hsm.generateOct(128) as number));
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (h) => {
        fc.pre(!live.has(h));
        refused(h);
      }),
      { numRuns: 300 },
    );
    for (const h of live) hsm.destroy(h as KeyHandle);
  });

  it("a destroyed key's handle does not reach the key made next in its place", () => {
    const count = hsm.keyCount();
    const h = hsm.importOct(new Uint8Array(16).fill(3));
    hsm.destroy(h);
    const next = hsm.importOct(new Uint8Array(16).fill(4));
    expect(next).not.toBe(h);
    refused(h);
    hsm.destroy(next);
    expect(hsm.keyCount()).toBe(count);
  });
});

describe("key material never comes back out", () => {
  it("wrap, encrypt and their results do not contain the key bytes", () => {
    for (const bits of [128, 192, 256]) {
      const key = crypto.getRandomValues(new Uint8Array(bits / 8));
      const h = hsm.importOct(key);
      const needle = Buffer.from(key);
      const outputs: Uint8Array[] = [
        hsm.wrapKey(h, `A${bits}KW`, new Uint8Array(64)),
        hsm.wrapKeyKwp(h, new Uint8Array(9)),
        ...Object.values(hsm.encrypt(h, `A${bits}GCM`, new Uint8Array(64))),
        ...Object.values(hsm.encrypt(h, `A${bits}CBC`, new Uint8Array(64))),
        ...Object.values(hsm.encrypt(h, `A${bits}CBCPAD`, new Uint8Array(64))),
      ];
      for (const out of outputs) {
        expect(Buffer.from(out).indexOf(needle)).toBe(-1);
        expect(Buffer.from(out).indexOf(needle.subarray(0, 8))).toBe(-1);
      }
      expect(JSON.stringify(hsm.keyInfo(h))).not.toContain(toHex(key));
      expect(JSON.stringify(hsm.publicJwk(h))).toBe('{"kty":"oct"}');
      // And it is the key we gave: node agrees on a wrap under it.
      const c = createCipheriv(`id-aes${bits}-wrap`, key, Buffer.alloc(8, 0xa6));
      expect(toHex(hsm.wrapKey(h, `A${bits}KW`, new Uint8Array(16)))).toBe(toHex(Buffer.concat([c.update(new Uint8Array(16)), c.final()])));
      hsm.destroy(h);
    }
  });
});

// ECDSA verification keeps precomputed multiples of the last public keys it used
// (assembly/ec/qtable.ts, 16 entries, found by curve and full coordinates). node:crypto signs;
// the core must give the same answers however the cache is filled: keys cycled past its size
// (every verification then rebuilds), the same key again, a key and its negation (same x), and
// keys of all four curves interleaved.
import { createHash, generateKeyPairSync, randomBytes, sign as nodeSign } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm, KeyHandle } from "../../../src/engine/index.js";
import { newHsm } from "../../helpers/hsm.js";
import { bigToBytes, bytesToBig, CURVES, type CurveCase } from "../../helpers/ec.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

interface Signed {
  c: CurveCase;
  pub: KeyHandle;
  x: string;
  y: string;
  digest: Uint8Array;
  sig: Uint8Array;
}

function signedBy(c: CurveCase): Signed {
  const pair = generateKeyPairSync("ec", { namedCurve: c.nodeCurve });
  const jwk = pair.publicKey.export({ format: "jwk" });
  const message = randomBytes(48);
  const digest = createHash(c.nodeHash).update(message).digest();
  const sig = nodeSign(c.nodeHash, message, { key: pair.privateKey, dsaEncoding: "ieee-p1363" });
  return { c, pub: hsm.importEcPublic({ crv: c.crv, x: jwk.x!, y: jwk.y! }), x: jwk.x!, y: jwk.y!, digest, sig };
}

function flipped(sig: Uint8Array, bit: number): Uint8Array {
  const bad = Uint8Array.from(sig);
  bad[bit >> 3]! ^= 1 << (bit & 7);
  return bad;
}

describe("ecdsa: verification with cached public-key tables", () => {
  it("40 keys of four curves, cycled three times past the cache size, each verifying its own signature only", () => {
    const keys = Array.from({ length: 40 }, (_, i) => signedBy(CURVES[i % CURVES.length]!));
    for (let round = 0; round < 3; round++) {
      for (const [i, k] of keys.entries()) {
        expect(hsm.verify(k.pub, k.c.alg, k.digest, k.sig), `key ${i} round ${round}`).toBe(true);
        expect(hsm.verify(k.pub, k.c.alg, k.digest, flipped(k.sig, 8 * i + round))).toBe(false);
        // The signature of the next key of the same curve, under this key: refused.
        const other = keys[(i + CURVES.length) % keys.length]!;
        expect(hsm.verify(k.pub, k.c.alg, other.digest, other.sig)).toBe(false);
      }
    }
    for (const k of keys) hsm.destroy(k.pub);
  });

  it("the same key many times in a row, then a key with the same x and the other y", () => {
    for (const c of CURVES) {
      const k = signedBy(c);
      for (let i = 0; i < 20; i++) expect(hsm.verify(k.pub, c.alg, k.digest, k.sig)).toBe(true);
      // -Q = (x, p - y): a different key whose table must not be taken for Q's.
      const negY = Buffer.from(bigToBytes(c.p - bytesToBig(Buffer.from(k.y, "base64url")), c.len)).toString("base64url");
      const neg = hsm.importEcPublic({ crv: c.crv, x: k.x, y: negY });
      expect(hsm.verify(neg, c.alg, k.digest, k.sig), `${c.crv} -Q`).toBe(false);
      expect(hsm.verify(k.pub, c.alg, k.digest, k.sig), `${c.crv} Q after -Q`).toBe(true);
      hsm.destroy(neg);
      hsm.destroy(k.pub);
    }
  });
});

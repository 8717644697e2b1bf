// RSA keys whose primes differ as widely in size as import allows (each prime at least
// ceil(bits(n)/3) bits; vectors/rsa-unbalanced, made by its generate.mjs from node:crypto primes):
// the CRT halves then run at the largest limb counts an imported key can reach (98 limbs of 28 bits
// for a 2730-bit p; assembly/bn/mont-pair.ts; and, for the 2048-bit key, 60 limbs of 24 bits on the
// f64 kernel of assembly/bn/mont-f64.ts, whose limit is 64). node:crypto checks every signature and
// makes every ciphertext.
import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm, RsaPrivateJwk } from "../../../src/engine/index.js";
import { newHsm, toHex } from "../../helpers/hsm.js";

interface UnbalancedKey {
  nBits: number;
  pBits: number;
  qBits: number;
  jwk: RsaPrivateJwk;
}
const { keys } = JSON.parse(readFileSync(new URL("../../../vectors/rsa-unbalanced/keys.json", import.meta.url), "utf8")) as {
  keys: UnbalancedKey[];
};

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

describe("rsa: keys with primes of very different sizes", () => {
  it("has the keys it is meant to test", () => {
    expect(keys.map((k) => `${k.nBits}:${k.pBits}/${k.qBits}`)).toEqual(["2048:1365/683", "4096:2730/1366"]);
  });

  for (const k of keys) {
    it(`${k.nBits}-bit n, ${k.pBits}-bit p, ${k.qBits}-bit q: signatures verify with node:crypto, node:crypto ciphertexts decrypt`, () => {
      const h = hsm.importRsa(k.jwk);
      const pub = crypto.createPublicKey({ key: { kty: "RSA", n: k.jwk.n, e: k.jwk.e }, format: "jwk" });
      for (let i = 0; i < 4; i++) {
        const msg = crypto.randomBytes(40);
        const digest = crypto.createHash("sha256").update(msg).digest();
        expect(crypto.verify("sha256", msg, pub, hsm.sign(h, "RS256", digest)), "RS256").toBe(true);
        const pss = hsm.sign(h, "PS256", digest);
        expect(
          crypto.verify("sha256", msg, { key: pub, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss),
          "PS256",
        ).toBe(true);
        const secret = crypto.randomBytes(32);
        const ct = crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, secret);
        expect(toHex(hsm.decrypt(h, "RSA-OAEP-256", ct))).toBe(toHex(secret));
      }
      hsm.destroy(h);
    });
  }
});

// RSA keys whose primes differ in size import alike through every path (REST import, the engine, BYOK),
// and a prime below the core's bound (a third of n's bits: 683 for 2048, 1024 for 3072, 1366 for 4096;
// assembly/rsa/import.ts) is refused alike through every path. Wycheproof's sig_gen keys (5 of them have
// unequal primes) import through REST and sign exactly as the vectors say.
import * as nc from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm, RsaPrivateJwk } from "../../../src/engine/index.js";
import type { JsonWebKey } from "../../../src/model/index.js";
import { bitLength, bytesToBig, modInv } from "../../helpers/bigint.js";
import { loadWycheproof } from "../../helpers/hsm.js";
import { b64u, bad, ctx, expectKvError, type Fixture, openVault, unb64u } from "./fixture.js";
import { nodePublicKey } from "./node-check.js";
import { keyHsm, transferBlob, transferCiphertext } from "./transfer.js";

let f: Fixture;
let hsm: Hsm;
let kekKid: string;
let kekPublic: nc.KeyObject;
let seq = 0;

beforeAll(async () => {
  f = await openVault();
  hsm = f.engine as unknown as Hsm;
  const kek = await f.vault.keys.createKey("kek", { kty: "RSA-HSM", key_size: 2048, key_ops: ["import"] }, ctx);
  kekKid = kek.key.kid!;
  kekPublic = nodePublicKey(kek.key);
});

const big = (b64: string) => bytesToBig(unb64u(b64));
const b64OfBig = (v: bigint) => {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, "hex").toString("base64url");
};

/** A private JWK from two primes and e (d = e^-1 mod lcm(p-1, q-1), as FIPS 186-5 §A.1.1 makes it). */
function jwkOf(p: bigint, q: bigint, e = 65537n): RsaPrivateJwk & JsonWebKey {
  const g = (a: bigint, b: bigint): bigint => (b === 0n ? a : g(b, a % b));
  const lambda = ((p - 1n) * (q - 1n)) / g(p - 1n, q - 1n);
  const d = modInv(e, lambda);
  const n = p * q;
  return {
    kty: "RSA",
    n: b64OfBig(n),
    e: b64OfBig(e),
    d: b64OfBig(d),
    p: b64OfBig(p),
    q: b64OfBig(q),
    dp: b64OfBig(d % (p - 1n)),
    dq: b64OfBig(d % (q - 1n)),
    qi: b64OfBig(modInv(q, p)),
  };
}

/** Two primes of pBits and qBits whose product has exactly nBits bits. */
function primes(nBits: number, pBits: number, qBits: number): [bigint, bigint] {
  for (;;) {
    const p = nc.generatePrimeSync(pBits, { bigint: true });
    const q = nc.generatePrimeSync(qBits, { bigint: true });
    if (bitLength(p * q) === nBits && p !== q) return [p, q];
  }
}

const pkcs8Of = (jwk: JsonWebKey): Buffer =>
  nc.createPrivateKey({ key: jwk as nc.JsonWebKey, format: "jwk" }).export({ format: "der", type: "pkcs8" }) as Buffer;

const byokBody = (der: Uint8Array) => ({ key: { kty: "RSA-HSM", key_hsm: keyHsm(transferBlob({ kid: kekKid, kekPublic, target: der })) } });

/** Imports the key through REST, the engine and BYOK; signs one digest with each; returns the three signatures. */
async function signThroughEveryPath(jwk: JsonWebKey, der: Uint8Array, alg: string, digest: Uint8Array): Promise<Uint8Array[]> {
  const name = `k${++seq}`;
  const rest = await f.vault.keys.importKey(`${name}-rest`, { key: jwk }, ctx);
  const byok = await f.vault.keys.importKey(`${name}-byok`, byokBody(der), ctx);
  expect(byok.key.n).toBe(rest.key.n);
  const sigs: Uint8Array[] = [];
  for (const kv of [`${name}-rest`, `${name}-byok`]) {
    sigs.push(unb64u((await f.vault.keys.sign(kv, undefined, { alg, value: b64u(digest) }, ctx)).value!));
  }
  const h = hsm.importRsa(jwk as RsaPrivateJwk);
  sigs.push(hsm.sign(h, alg, digest));
  hsm.destroy(h);
  return sigs;
}

describe("primes of unequal size", () => {
  it.each([
    [2048, 1365, 683],
    [2048, 1024, 1024],
    [3072, 2048, 1024],
  ])("n of %i bits from primes of %i and %i bits imports through REST, the engine and BYOK", async (nBits, pBits, qBits) => {
    const [p, q] = primes(nBits, pBits, qBits);
    const jwk = jwkOf(p, q);
    const digest = nc.randomBytes(32);
    const sigs = await signThroughEveryPath(jwk, pkcs8Of(jwk), "RS256", digest);
    // PKCS#1 v1.5 is deterministic: node:crypto's signature (EMSA-PKCS1-v1_5 of the SHA-256 DigestInfo,
    // RFC 8017 §9.2) with the same key is the same bytes.
    const nodeSig = nc.privateEncrypt(
      { key: nc.createPrivateKey({ key: jwk as nc.JsonWebKey, format: "jwk" }), padding: nc.constants.RSA_PKCS1_PADDING },
      Buffer.concat([Buffer.from("3031300d060960864801650304020105000420", "hex"), digest]),
    );
    for (const s of sigs) expect(Buffer.from(s).toString("hex")).toBe(nodeSig.toString("hex"));
  });

  it.each([
    [2048, 1366, 682, 683],
    [2048, 1536, 512, 683],
    [3072, 2049, 1023, 1024],
  ])(
    "n of %i bits with a prime of %i and one of %i bits is refused through every path (the bound is %i bits)",
    async (nBits, pBits, qBits, bound) => {
      const [p, q] = primes(nBits, pBits, qBits);
      const jwk = jwkOf(p, q);
      const why = `'p' and 'q' must each have at least ${bound} bits, a third of the modulus`;
      await expectKvError(f.vault.keys.importKey(`small-${++seq}`, { key: jwk }, ctx), bad(`JSON Web Key: ${why}`));
      expect(() => hsm.importRsa(jwk as RsaPrivateJwk)).toThrow(
        expect.objectContaining({ code: "INVALID_KEY", reason: "RSA_PRIME_SIZE", message: `importRsa: ${why}` }),
      );
      const before = hsm.keyCount();
      await expectKvError(
        f.vault.keys.importKey(`small-${++seq}`, byokBody(pkcs8Of(jwk)), ctx),
        bad("The transferred key is not an RSA private key of 2048, 3072 or 4096 bits in PKCS#8, as kty RSA-HSM requires."),
      );
      expect(hsm.keyCount()).toBe(before);
      // The engine's BYOK import says why: the same reason as the other paths.
      const kek = hsm.generateRsa(2048);
      const kekPub = nc.createPublicKey({ key: { ...hsm.publicJwk(kek) } as nc.JsonWebKey, format: "jwk" });
      expect(() => hsm.importTransferBlob(kek, transferCiphertext(kekPub, pkcs8Of(jwk)), { kty: "RSA" })).toThrow(
        expect.objectContaining({ code: "INVALID_KEY", reason: "RSA_PRIME_SIZE", message: `importTransferBlob: ${why}` }),
      );
      hsm.destroy(kek);
      expect(hsm.keyCount()).toBe(before);
    },
  );
});

describe("Wycheproof RSASSA-PKCS1-v1_5 sig_gen keys, imported through REST", () => {
  const RS: Record<string, string> = { "SHA-256": "RS256", "SHA-384": "RS384", "SHA-512": "RS512" };
  for (const size of [2048, 3072]) {
    it(`rsa_pkcs1_${size}_sig_gen_test.json: every key with a JWK imports, and signs byte for byte as the vectors say`, async () => {
      const data = loadWycheproof(`rsa_pkcs1_${size}_sig_gen_test.json`);
      if (!data) return;
      let unequal = 0;
      let signed = 0;
      for (const g of data.testGroups) {
        if (!g.privateKeyJwk) continue; // two 2048-bit groups come only as PKCS#8: imported through BYOK below
        const jwk = { ...g.privateKeyJwk, kty: "RSA" } as JsonWebKey;
        if (bitLength(big(jwk.p!)) !== bitLength(big(jwk.q!))) unequal++;
        const name = `wp-${size}-${++seq}`;
        const imported = await f.vault.keys.importKey(name, { key: jwk }, ctx);
        expect(imported.key.n).toBe(jwk.n);
        const alg = RS[g.sha];
        if (!alg) continue; // SHA-224 / SHA-1 groups: Key Vault has no such algorithm
        for (const t of g.tests) {
          const digest = nc.createHash(g.sha.replace("-", "").toLowerCase()).update(Buffer.from(t.msg, "hex")).digest();
          const sig = await f.vault.keys.sign(name, undefined, { alg, value: b64u(digest) }, ctx);
          expect(unb64u(sig.value!).toString("hex"), `tcId ${t.tcId}`).toBe(t.sig);
          signed++;
        }
      }
      expect(unequal).toBe(size === 2048 ? 3 : 2);
      expect(signed).toBeGreaterThan(0);
    });

    it(`rsa_pkcs1_${size}_sig_gen_test.json: every key imports through BYOK from its PKCS#8`, async () => {
      const data = loadWycheproof(`rsa_pkcs1_${size}_sig_gen_test.json`);
      if (!data) return;
      for (const g of data.testGroups) {
        const imported = await f.vault.keys.importKey(`wpb-${size}-${++seq}`, byokBody(Buffer.from(g.privateKeyPkcs8, "hex")), ctx);
        expect(imported.key.kty).toBe("RSA-HSM");
        const n = nc
          .createPrivateKey({ key: Buffer.from(g.privateKeyPkcs8, "hex"), format: "der", type: "pkcs8" })
          .export({ format: "jwk" }).n;
        expect(imported.key.n).toBe(n);
      }
    });
  }
});

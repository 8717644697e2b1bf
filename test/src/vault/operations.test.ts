// Vault's cryptographic operations, checked against node:crypto in both directions: what the vault
// makes, OpenSSL opens; what OpenSSL makes with the public JWK from getKey, the vault opens.
import * as nc from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ecKey, octKey, rsaKey } from "../jwk/keys.js";
import { b64u, bad, ctx, expectKvError, openVault, unb64u, type Fixture } from "./fixture.js";
import { HASH_OF, aesKw, aesKwUnwrap, nodeDecrypt, nodeEncrypt, nodePublicKey, signOptions } from "./node-check.js";

let f: Fixture;
const rsa = rsaKey(2048);
const DECRYPT_FAILED = bad("The ciphertext could not be decrypted: it is not authentic or not correctly padded.");

beforeAll(async () => {
  f = await openVault();
  await f.vault.keys.importKey("rsa", { key: rsa.jwk }, ctx);
  await f.vault.keys.createKey("rsa-made", { kty: "RSA-HSM" }, ctx);
});

const publicOf = async (name: string) => nodePublicKey((await f.vault.keys.getKey(name, undefined, ctx)).key);

describe("RSA encrypt/decrypt and wrapKey/unwrapKey", () => {
  const cases = ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"].flatMap(
    (alg) =>
      [
        ["encrypt", alg],
        ["wrapKey", alg],
      ] as const,
  );

  it.each(cases)("%s with %s: the vault's output opens in node and in the vault", async (op, alg) => {
    const data = nc.randomBytes(32);
    const out =
      op === "encrypt"
        ? await f.vault.keys.encrypt("rsa", undefined, { alg, value: b64u(data) }, ctx)
        : await f.vault.keys.wrapKey("rsa", undefined, { alg, value: b64u(data) }, ctx);
    const { key } = await f.vault.keys.getKey("rsa", undefined, ctx);
    expect(out.kid).toBe(key.kid);
    expect(Object.keys(out).sort()).toEqual(["kid", "value"]);
    const ct = unb64u(out.value);
    expect(ct.length).toBe(256);
    expect(nodeDecrypt(alg, rsa.privateKey, ct)).toEqual(data);
    const back =
      op === "encrypt"
        ? await f.vault.keys.decrypt("rsa", undefined, { alg, value: out.value }, ctx)
        : await f.vault.keys.unwrapKey("rsa", undefined, { alg, value: out.value }, ctx);
    expect(unb64u(back.value)).toEqual(data);
    expect(back.kid).toBe(key.kid);
  });

  it.each(cases)("%s with %s: node's output (to the public JWK) opens in the vault", async (op, alg) => {
    const data = nc.randomBytes(24);
    const ct = nodeEncrypt(alg, await publicOf("rsa"), data);
    const back =
      op === "encrypt"
        ? await f.vault.keys.decrypt("rsa", undefined, { alg, value: b64u(ct) }, ctx)
        : await f.vault.keys.unwrapKey("rsa", undefined, { alg, value: b64u(ct) }, ctx);
    expect(unb64u(back.value)).toEqual(data);
  });

  it.each(["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"])("a key the core generated: %s both ways", async (alg) => {
    const data = nc.randomBytes(16);
    const ct = nodeEncrypt(alg, await publicOf("rsa-made"), data);
    expect(unb64u((await f.vault.keys.decrypt("rsa-made", undefined, { alg, value: b64u(ct) }, ctx)).value)).toEqual(data);
    const out = await f.vault.keys.encrypt("rsa-made", undefined, { alg, value: b64u(data) }, ctx);
    expect(unb64u((await f.vault.keys.decrypt("rsa-made", undefined, { alg, value: out.value }, ctx)).value)).toEqual(data);
  });

  it.each([
    ["RSA1_5", 245],
    ["RSA-OAEP", 214],
    ["RSA-OAEP-256", 190],
  ] as const)("%s takes at most %i bytes on a 2048-bit key (RFC 8017 §7)", async (alg, max) => {
    const ok = await f.vault.keys.encrypt("rsa", undefined, { alg, value: b64u(Buffer.alloc(max, 1)) }, ctx);
    expect(nodeDecrypt(alg, rsa.privateKey, unb64u(ok.value))).toEqual(Buffer.alloc(max, 1));
    const err = await f.vault.keys.encrypt("rsa", undefined, { alg, value: b64u(Buffer.alloc(max + 1, 1)) }, ctx).catch((e) => e);
    expect({ status: err.status, code: err.code }).toEqual({ status: 400, code: "BadParameter" });
  });

  it.each(["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"])("%s: a changed ciphertext is refused with the generic message", async (alg) => {
    const ct = nodeEncrypt(alg, await publicOf("rsa"), Buffer.from("secret"));
    ct[100]! ^= 0x40;
    await expectKvError(f.vault.keys.decrypt("rsa", undefined, { alg, value: b64u(ct) }, ctx), DECRYPT_FAILED);
    await expectKvError(f.vault.keys.unwrapKey("rsa", undefined, { alg, value: b64u(ct) }, ctx), DECRYPT_FAILED);
  });

  it("an OAEP ciphertext decrypted as OAEP-256 is refused", async () => {
    const ct = nodeEncrypt("RSA-OAEP", await publicOf("rsa"), Buffer.from("secret"));
    await expectKvError(f.vault.keys.decrypt("rsa", undefined, { alg: "RSA-OAEP-256", value: b64u(ct) }, ctx), DECRYPT_FAILED);
  });
});

describe("RSA sign/verify", () => {
  const algs = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];

  it.each(
    algs.flatMap((alg) => [
      ["rsa", alg],
      ["rsa-made", alg],
    ]),
  )("%s %s: the vault's signature verifies in node", async (name, alg) => {
    const msg = nc.randomBytes(100);
    const digest = nc.createHash(HASH_OF[alg]!).update(msg).digest();
    const sig = await f.vault.keys.sign(name, undefined, { alg, value: b64u(digest) }, ctx);
    expect(sig.kid).toBe((await f.vault.keys.getKey(name, undefined, ctx)).key.kid);
    expect(unb64u(sig.value).length).toBe(256);
    expect(nc.verify(HASH_OF[alg]!, msg, signOptions(alg, await publicOf(name)) as nc.VerifyKeyObjectInput, unb64u(sig.value))).toBe(true);
    expect((await f.vault.keys.verify(name, undefined, { alg, digest: b64u(digest), value: sig.value }, ctx)).value).toBe(true);
  });

  it.each(algs)("%s: node's signature verifies in the vault, and a changed one does not", async (alg) => {
    const msg = nc.randomBytes(50);
    const digest = nc.createHash(HASH_OF[alg]!).update(msg).digest();
    const sig = nc.sign(HASH_OF[alg]!, msg, signOptions(alg, rsa.privateKey) as nc.SignKeyObjectInput);
    expect(await f.vault.keys.verify("rsa", undefined, { alg, digest: b64u(digest), value: b64u(sig) }, ctx)).toEqual({ value: true });
    const other = Buffer.from(digest);
    other[0]! ^= 1;
    expect(await f.vault.keys.verify("rsa", undefined, { alg, digest: b64u(other), value: b64u(sig) }, ctx)).toEqual({ value: false });
    const changed = Buffer.from(sig);
    changed[17]! ^= 0x10;
    expect(await f.vault.keys.verify("rsa", undefined, { alg, digest: b64u(digest), value: b64u(changed) }, ctx)).toEqual({ value: false });
  });

  it("RS256 signatures are deterministic and equal node's (RFC 8017 §8.2)", async () => {
    const msg = Buffer.from("deterministic");
    const digest = nc.createHash("sha256").update(msg).digest();
    const sig = await f.vault.keys.sign("rsa", undefined, { alg: "RS256", value: b64u(digest) }, ctx);
    expect(unb64u(sig.value)).toEqual(nc.sign("sha256", msg, rsa.privateKey));
  });

  it("a PS256 signature does not verify as RS256", async () => {
    const msg = Buffer.from("pss");
    const digest = nc.createHash("sha256").update(msg).digest();
    const sig = nc.sign("sha256", msg, signOptions("PS256", rsa.privateKey) as nc.SignKeyObjectInput);
    expect((await f.vault.keys.verify("rsa", undefined, { alg: "RS256", digest: b64u(digest), value: b64u(sig) }, ctx)).value).toBe(false);
  });
});

describe("EC sign/verify", () => {
  const curves = [
    ["P-256", "ES256"],
    ["P-256K", "ES256K"],
    ["P-384", "ES384"],
    ["P-521", "ES512"],
  ] as const;
  const keys = Object.fromEntries(curves.map(([crv]) => [crv, ecKey(crv)]));
  beforeAll(async () => {
    for (const [crv] of curves) {
      await f.vault.keys.importKey(`ec-${crv}`, { key: keys[crv]!.jwk }, ctx);
      await f.vault.keys.createKey(`ec-made-${crv}`, { kty: "EC-HSM", crv }, ctx);
    }
  });

  it.each(
    curves.flatMap(([crv, alg]) => [
      [`ec-${crv}`, alg],
      [`ec-made-${crv}`, alg],
    ]),
  )("%s %s: the vault's raw r‖s verifies in node", async (name, alg) => {
    const msg = nc.randomBytes(64);
    const digest = nc.createHash(HASH_OF[alg]!).update(msg).digest();
    const sig = await f.vault.keys.sign(name, undefined, { alg, value: b64u(digest) }, ctx);
    const size = alg === "ES512" ? 132 : alg === "ES384" ? 96 : 64;
    expect(unb64u(sig.value).length).toBe(size);
    expect(nc.verify(HASH_OF[alg]!, msg, signOptions(alg, await publicOf(name)) as nc.VerifyKeyObjectInput, unb64u(sig.value))).toBe(true);
    expect((await f.vault.keys.verify(name, undefined, { alg, digest: b64u(digest), value: sig.value }, ctx)).value).toBe(true);
  });

  it.each(curves)("%s %s: node's signature verifies in the vault, and a changed one does not", async (crv, alg) => {
    const msg = nc.randomBytes(64);
    const digest = nc.createHash(HASH_OF[alg]!).update(msg).digest();
    const sig = nc.sign(HASH_OF[alg]!, msg, signOptions(alg, keys[crv]!.privateKey) as nc.SignKeyObjectInput);
    expect(await f.vault.keys.verify(`ec-${crv}`, undefined, { alg, digest: b64u(digest), value: b64u(sig) }, ctx)).toEqual({
      value: true,
    });
    const changed = Buffer.from(sig);
    changed[changed.length - 1]! ^= 1;
    expect(await f.vault.keys.verify(`ec-${crv}`, undefined, { alg, digest: b64u(digest), value: b64u(changed) }, ctx)).toEqual({
      value: false,
    });
    expect(await f.vault.keys.verify(`ec-made-${crv}`, undefined, { alg, digest: b64u(digest), value: b64u(sig) }, ctx)).toEqual({
      value: false,
    });
  });
});

describe("oct (AES)", () => {
  const sizes = [128, 192, 256] as const;
  const keys = Object.fromEntries(sizes.map((bits) => [bits, octKey(bits).k]));
  beforeAll(async () => {
    for (const bits of sizes) await f.vault.keys.importKey(`aes-${bits}`, { key: { kty: "oct-HSM", k: b64u(keys[bits]!) } }, ctx);
  });

  it.each(sizes)("A%iGCM: the vault makes a 12-byte IV; node opens the result, with and without aad", async (bits) => {
    for (const aad of [undefined, nc.randomBytes(20)]) {
      const pt = nc.randomBytes(45);
      const out = await f.vault.keys.encrypt(
        `aes-${bits}`,
        undefined,
        { alg: `A${bits}GCM`, value: b64u(pt), ...(aad ? { aad: b64u(aad) } : {}) },
        ctx,
      );
      const iv = unb64u(out.iv!);
      const tag = unb64u(out.tag!);
      expect(iv.length).toBe(12);
      expect(tag.length).toBe(16);
      if (aad) expect(out.aad).toBe(b64u(aad));
      const d = nc.createDecipheriv(`aes-${bits}-gcm`, keys[bits]!, iv);
      if (aad) d.setAAD(aad);
      d.setAuthTag(tag);
      expect(Buffer.concat([d.update(unb64u(out.value)), d.final()])).toEqual(pt);
    }
  });

  it.each(sizes)("A%iGCM: node's ciphertext opens in the vault; a changed tag, aad or ciphertext does not", async (bits) => {
    const pt = nc.randomBytes(33);
    const iv = nc.randomBytes(12);
    const aad = Buffer.from("header");
    const c = nc.createCipheriv(`aes-${bits}-gcm`, keys[bits]!, iv);
    c.setAAD(aad);
    const ct = Buffer.concat([c.update(pt), c.final()]);
    const tag = c.getAuthTag();
    const body = { alg: `A${bits}GCM`, value: b64u(ct), iv: b64u(iv), tag: b64u(tag), aad: b64u(aad) };
    expect(unb64u((await f.vault.keys.decrypt(`aes-${bits}`, undefined, body, ctx)).value)).toEqual(pt);
    const flip = (b: Buffer) => {
      const x = Buffer.from(b);
      x[0]! ^= 1;
      return b64u(x);
    };
    await expectKvError(f.vault.keys.decrypt(`aes-${bits}`, undefined, { ...body, tag: flip(tag) }, ctx), DECRYPT_FAILED);
    await expectKvError(f.vault.keys.decrypt(`aes-${bits}`, undefined, { ...body, aad: flip(aad) }, ctx), DECRYPT_FAILED);
    await expectKvError(f.vault.keys.decrypt(`aes-${bits}`, undefined, { ...body, value: flip(ct) }, ctx), DECRYPT_FAILED);
    const { aad: _a, ...noAad } = body;
    await expectKvError(f.vault.keys.decrypt(`aes-${bits}`, undefined, noAad, ctx), DECRYPT_FAILED);
  });

  it.each(sizes)("A%iCBC with the client's IV equals node's AES-CBC; without one the vault makes it", async (bits) => {
    const pt = nc.randomBytes(48);
    const iv = nc.randomBytes(16);
    const c = nc.createCipheriv(`aes-${bits}-cbc`, keys[bits]!, iv).setAutoPadding(false);
    const want = Buffer.concat([c.update(pt), c.final()]);
    const out = await f.vault.keys.encrypt(`aes-${bits}`, undefined, { alg: `A${bits}CBC`, value: b64u(pt), iv: b64u(iv) }, ctx);
    expect(unb64u(out.value)).toEqual(want);
    expect(
      unb64u((await f.vault.keys.decrypt(`aes-${bits}`, undefined, { alg: `A${bits}CBC`, value: b64u(want), iv: b64u(iv) }, ctx)).value),
    ).toEqual(pt);
    const made = await f.vault.keys.encrypt(`aes-${bits}`, undefined, { alg: `A${bits}CBC`, value: b64u(pt) }, ctx);
    const d = nc.createDecipheriv(`aes-${bits}-cbc`, keys[bits]!, unb64u(made.iv!)).setAutoPadding(false);
    expect(Buffer.concat([d.update(unb64u(made.value)), d.final()])).toEqual(pt);
  });

  it.each(sizes)("A%iCBCPAD equals node's AES-CBC with PKCS#7 padding", async (bits) => {
    for (const len of [0, 1, 15, 16, 17]) {
      const pt = nc.randomBytes(len);
      const iv = nc.randomBytes(16);
      const c = nc.createCipheriv(`aes-${bits}-cbc`, keys[bits]!, iv);
      const want = Buffer.concat([c.update(pt), c.final()]);
      const out = await f.vault.keys.encrypt(`aes-${bits}`, undefined, { alg: `A${bits}CBCPAD`, value: b64u(pt), iv: b64u(iv) }, ctx);
      expect(unb64u(out.value)).toEqual(want);
      expect(
        unb64u(
          (await f.vault.keys.decrypt(`aes-${bits}`, undefined, { alg: `A${bits}CBCPAD`, value: b64u(want), iv: b64u(iv) }, ctx)).value,
        ),
      ).toEqual(pt);
    }
  });

  it.each(sizes)("A%iKW equals node's RFC 3394 wrap, and unwraps node's", async (bits) => {
    for (const len of [16, 24, 32, 64]) {
      const key = nc.randomBytes(len);
      const out = await f.vault.keys.wrapKey(`aes-${bits}`, undefined, { alg: `A${bits}KW`, value: b64u(key) }, ctx);
      expect(unb64u(out.value)).toEqual(aesKw(keys[bits]!, key));
      expect(aesKwUnwrap(keys[bits]!, unb64u(out.value))).toEqual(key);
      const back = await f.vault.keys.unwrapKey(`aes-${bits}`, undefined, { alg: `A${bits}KW`, value: b64u(aesKw(keys[bits]!, key)) }, ctx);
      expect(unb64u(back.value)).toEqual(key);
    }
  });

  it.each(sizes)("A%iKW: a changed wrapped key is refused with the generic message", async (bits) => {
    const wrapped = aesKw(keys[bits]!, nc.randomBytes(32));
    wrapped[5]! ^= 1;
    await expectKvError(f.vault.keys.unwrapKey(`aes-${bits}`, undefined, { alg: `A${bits}KW`, value: b64u(wrapped) }, ctx), DECRYPT_FAILED);
  });

  it("GCM decryption needs iv and tag; CBC decryption needs iv", async () => {
    await expectKvError(
      f.vault.keys.decrypt("aes-256", undefined, { alg: "A256GCM", value: "AAAA", iv: b64u(Buffer.alloc(12)) }, ctx),
      bad("A256GCM decryption needs 'iv' and 'tag'."),
    );
    await expectKvError(
      f.vault.keys.decrypt("aes-256", undefined, { alg: "A256GCM", value: "AAAA", tag: b64u(Buffer.alloc(16)) }, ctx),
      bad("A256GCM decryption needs 'iv' and 'tag'."),
    );
    await expectKvError(
      f.vault.keys.decrypt("aes-128", undefined, { alg: "A128CBC", value: b64u(Buffer.alloc(16)) }, ctx),
      bad("A128CBC decryption needs 'iv'."),
    );
    await expectKvError(
      f.vault.keys.decrypt("aes-128", undefined, { alg: "A128CBCPAD", value: b64u(Buffer.alloc(16)) }, ctx),
      bad("A128CBCPAD decryption needs 'iv'."),
    );
  });
});

describe("an -HSM key and a software key behave alike, except for kty", () => {
  it("RSA: the same JWK gives the same public key and the same RS256 signature", async () => {
    const k = rsaKey(2048);
    const soft = await f.vault.keys.importKey("alike-rsa", { key: { ...k.jwk, kty: "RSA" } }, ctx);
    const hsm = await f.vault.keys.importKey("alike-rsa-hsm", { key: { ...k.jwk, kty: "RSA-HSM" } }, ctx);
    const strip = (b: typeof soft) => ({ ...b, key: { ...b.key, kid: undefined, kty: undefined } });
    expect(strip(hsm)).toEqual(strip(soft));
    expect([soft.key.kty, hsm.key.kty]).toEqual(["RSA", "RSA-HSM"]);
    const digest = b64u(nc.randomBytes(32));
    const s1 = await f.vault.keys.sign("alike-rsa", undefined, { alg: "RS256", value: digest }, ctx);
    const s2 = await f.vault.keys.sign("alike-rsa-hsm", undefined, { alg: "RS256", value: digest }, ctx);
    expect(s2.value).toBe(s1.value);
    const ct = await f.vault.keys.encrypt("alike-rsa-hsm", undefined, { alg: "RSA-OAEP", value: digest }, ctx);
    expect((await f.vault.keys.decrypt("alike-rsa", undefined, { alg: "RSA-OAEP", value: ct.value }, ctx)).value).toBe(digest);
  });

  it("EC: each verifies the other's signatures", async () => {
    const k = ecKey("P-384");
    await f.vault.keys.importKey("alike-ec", { key: k.jwk }, ctx);
    await f.vault.keys.importKey("alike-ec-hsm", { key: k.jwk, Hsm: true }, ctx);
    const digest = b64u(nc.randomBytes(48));
    const s = await f.vault.keys.sign("alike-ec-hsm", undefined, { alg: "ES384", value: digest }, ctx);
    expect((await f.vault.keys.verify("alike-ec", undefined, { alg: "ES384", digest, value: s.value }, ctx)).value).toBe(true);
  });

  it("oct: the same key wraps to the same bytes", async () => {
    const { jwk } = octKey(256);
    await f.vault.keys.importKey("alike-oct", { key: jwk }, ctx);
    await f.vault.keys.importKey("alike-oct-hsm", { key: { ...jwk, kty: "oct-HSM" } }, ctx);
    const value = b64u(nc.randomBytes(32));
    const a = await f.vault.keys.wrapKey("alike-oct", undefined, { alg: "A256KW", value }, ctx);
    const b = await f.vault.keys.wrapKey("alike-oct-hsm", undefined, { alg: "A256KW", value }, ctx);
    expect(b.value).toBe(a.value);
  });
});

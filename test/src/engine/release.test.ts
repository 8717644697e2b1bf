// Exportable keys and release in the core: only a key made exportable when it was made leaves, and
// then only wrapped for the target; what the target unwraps with node:crypto is the same key (its
// public part matches the HSM's, and it signs or decrypts what the HSM does).
import { createCipheriv, createHash, generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm, KeyHandle } from "../../../src/engine/index.js";
import { errorCode, newHsm } from "../../helpers/hsm.js";
import { pkcs8Key, rsaPartsAgree, unwrapRelease } from "../../helpers/release.js";

let hsm: Hsm;
let target: { privateKey: KeyObject; jwk: { n: string; e: string } };
let domain: KeyHandle;
beforeAll(async () => {
  hsm = await newHsm();
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = pair.publicKey.export({ format: "jwk" });
  target = { privateKey: pair.privateKey, jwk: { n: jwk.n!, e: jwk.e! } };
  domain = hsm.generateSealingKey();
});

const ENCS = ["CKM_RSA_AES_KEY_WRAP", "RSA_AES_KEY_WRAP_256", "RSA_AES_KEY_WRAP_384"] as const;

function exportable(make: () => KeyHandle): KeyHandle {
  const h = make();
  hsm.makeExportable(h);
  return h;
}

describe("RSA keys released as PKCS#8", () => {
  it.each([2048, 3072, 4096])("a generated %i-bit key: its parts agree, n and e match, and it signs as the HSM does", (bits) => {
    const h = exportable(() => hsm.generateRsa(bits as 2048));
    const der = unwrapRelease(hsm.releaseKey(h, target.jwk, "CKM_RSA_AES_KEY_WRAP"), target.privateKey);
    const key = pkcs8Key(der);
    const jwk = key.export({ format: "jwk" });
    const pub = hsm.publicJwk(h);
    expect([jwk.n, jwk.e]).toEqual([pub.n, pub.e]);
    expect(rsaPartsAgree(jwk)).toBe(true);
    // RS256 is deterministic: node's signature with the released key equals the HSM's.
    const digest = createHash("sha256").update("released").digest();
    const ours = hsm.sign(h, "RS256", digest);
    expect(Buffer.from(nodeSign("sha256", Buffer.from("released"), key)).equals(Buffer.from(ours))).toBe(true);
    hsm.destroy(h);
  });

  it("an imported key with e = 3 and unbalanced primes comes back with node's own p, q, dp, dq, qi", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 3 });
    const src = privateKey.export({ format: "jwk" });
    const h = exportable(() => hsm.importRsa(src as never));
    const jwk = pkcs8Key(
      unwrapRelease(hsm.releaseKey(h, target.jwk, "RSA_AES_KEY_WRAP_256"), target.privateKey, "RSA_AES_KEY_WRAP_256"),
    ).export({
      format: "jwk",
    });
    for (const m of ["n", "e", "p", "q", "dp", "dq", "qi"] as const) expect(jwk[m], m).toBe(src[m]);
    expect(rsaPartsAgree(jwk)).toBe(true);
    hsm.destroy(h);
  });

  it.each(ENCS)("enc %s: the ephemeral key is OAEP-wrapped with that hash", (enc) => {
    const h = exportable(() => hsm.generateRsa(2048));
    const wrapped = hsm.releaseKey(h, target.jwk, enc);
    expect(wrapped.length).toBeGreaterThan(256 + 1000);
    expect(() => pkcs8Key(unwrapRelease(wrapped, target.privateKey, enc))).not.toThrow();
    // The other hashes do not open it.
    for (const other of ENCS.filter((x) => x !== enc)) expect(() => unwrapRelease(wrapped, target.privateKey, other)).toThrow();
    hsm.destroy(h);
  });
});

describe("EC keys released as PKCS#8", () => {
  it.each([
    ["P-256", "prime256v1", "sha256"],
    ["P-256K", "secp256k1", "sha256"],
    ["P-384", "secp384r1", "sha384"],
    ["P-521", "secp521r1", "sha512"],
  ])("%s: node reads the key; its public point is the HSM's, and the HSM verifies node's signature", (crv, nodeCurve, hash) => {
    const h = exportable(() => hsm.generateEc(crv as "P-256"));
    const key = pkcs8Key(unwrapRelease(hsm.releaseKey(h, target.jwk, "CKM_RSA_AES_KEY_WRAP"), target.privateKey));
    expect(key.asymmetricKeyDetails?.namedCurve).toBe(nodeCurve);
    const jwk = key.export({ format: "jwk" });
    const pub = hsm.publicJwk(h);
    expect([jwk.x, jwk.y]).toEqual([pub.x, pub.y]);
    const data = Buffer.from("released ec");
    const sig = nodeSign(hash, data, { key, dsaEncoding: "ieee-p1363" });
    expect(hsm.ecdsaVerifyDigest(h, createHash(hash).update(data).digest(), sig)).toBe(true);
    hsm.destroy(h);
  });

  it("an imported key comes back with node's own d", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const src = privateKey.export({ format: "jwk" });
    const h = exportable(() => hsm.importEc({ crv: "P-384", x: src.x!, y: src.y!, d: src.d! } as never));
    const jwk = pkcs8Key(unwrapRelease(hsm.releaseKey(h, target.jwk, "CKM_RSA_AES_KEY_WRAP"), target.privateKey)).export({ format: "jwk" });
    expect(jwk.d).toBe(src.d);
    hsm.destroy(h);
  });
});

describe("oct keys released raw", () => {
  it.each([16, 24, 32])("an imported %i-byte key comes back byte for byte", (len) => {
    const raw = Uint8Array.from({ length: len }, (_, i) => (i * 37 + 11) & 0xff);
    const h = exportable(() => hsm.importOct(raw));
    expect(Buffer.from(unwrapRelease(hsm.releaseKey(h, target.jwk, "CKM_RSA_AES_KEY_WRAP"), target.privateKey))).toEqual(Buffer.from(raw));
    hsm.destroy(h);
  });

  it.each([128, 192, 256])("a generated %i-bit key: node's AES-GCM with the released key matches the HSM's", (bits) => {
    const h = exportable(() => hsm.generateOct(bits));
    const raw = unwrapRelease(hsm.releaseKey(h, target.jwk, "RSA_AES_KEY_WRAP_384"), target.privateKey, "RSA_AES_KEY_WRAP_384");
    expect(raw.length).toBe(bits / 8);
    const iv = Buffer.alloc(12, 7);
    const pt = Buffer.from("sixteen byte msg and more");
    const c = createCipheriv(`aes-${bits}-gcm` as "aes-256-gcm", raw, iv);
    const ct = Buffer.concat([c.update(pt), c.final()]);
    expect(Buffer.from(hsm.decrypt(h, `A${bits}GCM`, ct, { iv, tag: c.getAuthTag() }))).toEqual(pt);
    hsm.destroy(h);
  });
});

describe("only exportable keys leave", () => {
  it("a key not made exportable is refused, whatever the target or enc", () => {
    for (const h of [hsm.generateRsa(2048), hsm.generateEc("P-256"), hsm.generateOct(256)]) {
      expect(hsm.isExportable(h)).toBe(false);
      for (const enc of ENCS) expect(errorCode(() => hsm.releaseKey(h, target.jwk, enc))).toBe("NOT_EXPORTABLE");
      hsm.destroy(h);
    }
  });

  it("exportability is fixed once a key is sealed; unsealing keeps it as it was", () => {
    const plain = hsm.generateEc("P-256");
    const sealedPlain = hsm.seal(domain, plain);
    expect(errorCode(() => hsm.makeExportable(plain))).toBe("BAD_PARAMETER");
    const again = hsm.unseal(domain, sealedPlain);
    expect(errorCode(() => hsm.makeExportable(again))).toBe("BAD_PARAMETER");
    expect(errorCode(() => hsm.releaseKey(again, target.jwk, "CKM_RSA_AES_KEY_WRAP"))).toBe("NOT_EXPORTABLE");

    const exp = exportable(() => hsm.generateEc("P-256"));
    const reopened = hsm.unseal(domain, hsm.seal(domain, exp));
    expect(hsm.isExportable(reopened)).toBe(true);
    const key = pkcs8Key(unwrapRelease(hsm.releaseKey(reopened, target.jwk, "CKM_RSA_AES_KEY_WRAP"), target.privateKey));
    expect(key.export({ format: "jwk" }).x).toBe(hsm.publicJwk(exp).x);
    for (const h of [plain, again, exp, reopened]) hsm.destroy(h);
  });

  it("a sealed blob whose exportable flag is flipped does not open", () => {
    const h = hsm.generateOct(128);
    const blob = hsm.seal(domain, h);
    blob[6] ^= 1;
    expect(errorCode(() => hsm.unseal(domain, blob))).toBe("UNSEAL_FAILED");
    hsm.destroy(h);
  });

  it("public keys, sealing keys and bad targets are refused", () => {
    const exp = exportable(() => hsm.generateOct(128));
    const pub = hsm.importRsaPublic(target.jwk);
    expect(errorCode(() => hsm.makeExportable(pub))).toBe("WRONG_KEY_KIND");
    expect(errorCode(() => hsm.makeExportable(domain))).toBe("WRONG_KEY_KIND");
    expect(errorCode(() => hsm.releaseKey(exp, { n: "AQAB", e: "AQAB" }, "CKM_RSA_AES_KEY_WRAP"))).toBe("INVALID_KEY");
    expect(errorCode(() => hsm.releaseKey(exp, target.jwk, "RSA-OAEP" as never))).toBe("BAD_ALGORITHM");
    hsm.destroy(exp);
    hsm.destroy(pub);
  });

  it("the target can decrypt what it was sent and nobody else: a second key does not open it", () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const h = exportable(() => hsm.generateOct(256));
    const wrapped = hsm.releaseKey(h, target.jwk, "CKM_RSA_AES_KEY_WRAP");
    expect(() => unwrapRelease(wrapped, other)).toThrow();
    expect(unwrapRelease(wrapped, target.privateKey).length).toBe(32);
    hsm.destroy(h);
  });
});

describe("backups of any size", () => {
  it("a 3 MiB payload goes through the 1 MiB I/O buffer, round trips, and any changed byte is refused", () => {
    const aad = new TextEncoder().encode("header");
    const payload = Uint8Array.from({ length: 3 * 1024 * 1024 + 5 }, (_, i) => (i * 131) & 0xff);
    const blob = hsm.backupEncrypt(domain, aad, payload);
    expect(blob.length).toBe(12 + payload.length + 16);
    expect(Buffer.from(hsm.backupDecrypt(domain, aad, blob)).equals(Buffer.from(payload))).toBe(true);
    for (const at of [0, 12, 2 * 1024 * 1024, blob.length - 1]) {
      const bad = blob.slice();
      bad[at]! ^= 0x80;
      expect(errorCode(() => hsm.backupDecrypt(domain, aad, bad))).toBe("DECRYPT_FAILED");
    }
    expect(errorCode(() => hsm.backupDecrypt(domain, new TextEncoder().encode("Header"), blob))).toBe("DECRYPT_FAILED");
    expect(errorCode(() => hsm.backupDecrypt(domain, aad, blob.subarray(0, blob.length - 1)))).toBe("DECRYPT_FAILED");
  });

  it.each([0, 1, 15, 16, 17, 524288, 524289])(
    "%i bytes: the pieces agree with AES-256-GCM done at once by the core's one-shot export",
    async (n) => {
      const { newCore } = await import("../../helpers/core.js");
      const core = await newCore();
      const kek = core.call("seal_domain_generate", "t");
      const aad = Uint8Array.of(1, 2, 3);
      const pt = Uint8Array.from({ length: n }, (_, i) => i & 0xff);
      // one-shot (api/seal.ts backup_encrypt) -> pieces (backup_stream_*), and back.
      core.writeAll(aad, pt);
      const once = core.read(core.call("backup_encrypt", "t", kek, aad.length, pt.length));
      const { backupDecryptStream, backupEncryptStream } = await import("../../../src/engine/backup-stream.js");
      expect(Buffer.from(backupDecryptStream(core, kek, aad, once))).toEqual(Buffer.from(pt));
      const pieces = backupEncryptStream(core, kek, aad, pt);
      core.writeAll(aad, pieces);
      expect(Buffer.from(core.read(core.call("backup_decrypt", "t", kek, aad.length, pieces.length)))).toEqual(Buffer.from(pt));
    },
  );
});

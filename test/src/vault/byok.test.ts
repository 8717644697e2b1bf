// BYOK: import of a transfer blob (key_hsm) under a vault KEK whose key_ops include import. The blobs are
// made with node:crypto alone; the round trips check the imported keys against node:crypto.
import * as nc from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ecKey, octKey, rsaKey } from "../jwk/keys.js";
import {
  b64u,
  bad,
  ctx,
  deletedConflict,
  expectKvError,
  notFound,
  opForbidden,
  openVault,
  type ExpectedError,
  type Fixture,
} from "./fixture.js";
import { aesKw, nodeEncrypt, nodePublicKey } from "./node-check.js";
import { keyHsm, pkcs8, transferBlob } from "./transfer.js";

let f: Fixture;
let kekKid: string;
let kekPublic: nc.KeyObject;
let kek2Kid: string;
let kek2Public: nc.KeyObject;
const kek2 = rsaKey(2048);

beforeAll(async () => {
  f = await openVault();
  const kek = await f.vault.keys.createKey("kek", { kty: "RSA-HSM", key_size: 2048, key_ops: ["import"] }, ctx);
  kekKid = kek.key.kid!;
  kekPublic = nodePublicKey(kek.key);
  // A second KEK, imported, so that a blob for one can be sent to the other.
  const k2 = await f.vault.keys.importKey("kek2", { key: { ...kek2.jwk, kty: "RSA-HSM", key_ops: ["import"] } }, ctx);
  kek2Kid = k2.key.kid!;
  kek2Public = nodePublicKey(k2.key);
  await f.vault.keys.importKey("kek-no-import", { key: { ...rsaKey(2048).jwk, kty: "RSA-HSM" } }, ctx);
  await f.vault.keys.importKey(
    "kek-disabled",
    { key: { ...kek2.jwk, kty: "RSA-HSM", key_ops: ["import"] }, attributes: { enabled: false } },
    ctx,
  );
  await f.vault.keys.importKey("ec-key", { key: ecKey("P-256").jwk }, ctx);
  await f.vault.keys.importKey("rsa-soft", { key: kek2.jwk }, ctx);
});

const blobFor = (target: Uint8Array, o: Partial<Parameters<typeof transferBlob>[0]> = {}) =>
  keyHsm(transferBlob({ kid: kekKid, kekPublic, target, ...o }));

describe("round trips", () => {
  it.each([2048, 3072])("RSA %i: the public key is the target's, it signs and decrypts like it", async (bits) => {
    const target = rsaKey(bits);
    const b = await f.vault.keys.importKey(
      `byok-rsa-${bits}`,
      { key: { kty: "RSA-HSM", key_hsm: blobFor(pkcs8(target.privateKey)) } },
      ctx,
    );
    expect(b.key).toEqual({
      kid: b.key.kid,
      kty: "RSA-HSM",
      key_ops: ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"],
      n: target.jwk.n,
      e: target.jwk.e,
    });
    const msg = Buffer.from("byok rsa");
    const sig = await f.vault.keys.sign(
      `byok-rsa-${bits}`,
      undefined,
      { alg: "PS256", value: b64u(nc.createHash("sha256").update(msg).digest()) },
      ctx,
    );
    expect(
      nc.verify(
        "sha256",
        msg,
        { key: target.publicKey, padding: nc.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        Buffer.from(sig.value, "base64url"),
      ),
    ).toBe(true);
    const data = nc.randomBytes(32);
    const ct = nodeEncrypt("RSA-OAEP-256", target.publicKey, data);
    expect(
      Buffer.from(
        (await f.vault.keys.decrypt(`byok-rsa-${bits}`, undefined, { alg: "RSA-OAEP-256", value: b64u(ct) }, ctx)).value,
        "base64url",
      ),
    ).toEqual(data);
  });

  it.each([
    ["P-256", "sha256", "ES256"],
    ["P-256K", "sha256", "ES256K"],
    ["P-384", "sha384", "ES384"],
    ["P-521", "sha512", "ES512"],
  ] as const)("EC %s: the public point is the target's, and it signs like it", async (crv, hash, alg) => {
    const target = ecKey(crv);
    const b = await f.vault.keys.importKey(
      `byok-ec-${crv}`,
      { key: { kty: "EC-HSM", crv, key_hsm: blobFor(pkcs8(target.privateKey)) } },
      ctx,
    );
    expect(b.key).toEqual({ kid: b.key.kid, kty: "EC-HSM", key_ops: ["sign", "verify"], crv, x: target.jwk.x, y: target.jwk.y });
    const msg = Buffer.from("byok ec");
    const sig = await f.vault.keys.sign(`byok-ec-${crv}`, undefined, { alg, value: b64u(nc.createHash(hash).update(msg).digest()) }, ctx);
    expect(nc.verify(hash, msg, { key: target.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(sig.value, "base64url"))).toBe(true);
  });

  it.each([128, 192, 256])("oct %i: it wraps like the target key", async (bits) => {
    const { k } = octKey(bits);
    const b = await f.vault.keys.importKey(`byok-oct-${bits}`, { key: { kty: "oct-HSM", key_hsm: blobFor(k) } }, ctx);
    expect(b.key).toEqual({ kid: b.key.kid, kty: "oct-HSM", key_ops: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] });
    const data = nc.randomBytes(24);
    const out = await f.vault.keys.wrapKey(`byok-oct-${bits}`, undefined, { alg: `A${bits}KW`, value: b64u(data) }, ctx);
    expect(Buffer.from(out.value, "base64url")).toEqual(aesKw(k, data));
  });

  it("key_ops, attributes and tags of the request are kept; the KEK may be named without a version", async () => {
    const { k } = octKey(256);
    const versionless = kekKid.slice(0, kekKid.lastIndexOf("/"));
    const b = await f.vault.keys.importKey(
      "byok-attrs",
      {
        key: { kty: "oct-HSM", key_ops: ["wrapKey", "unwrapKey"], key_hsm: blobFor(k, { kid: versionless }) },
        attributes: { enabled: false },
        tags: { src: "byok" },
      },
      ctx,
    );
    expect(b.key.key_ops).toEqual(["wrapKey", "unwrapKey"]);
    expect(b.attributes.enabled).toBe(false);
    expect(b.tags).toEqual({ src: "byok" });
  });

  it("imports that cross KEKs run concurrently, and a KEK may receive a version under another KEK", async () => {
    // kek-a and kek-b are KEKs; each gets a BYOK RSA version wrapped under the other, at the same time.
    const a = rsaKey(2048);
    const b = rsaKey(2048);
    const kekA = await f.vault.keys.importKey("kek-a", { key: { ...a.jwk, kty: "RSA-HSM", key_ops: ["import"] } }, ctx);
    const kekB = await f.vault.keys.importKey("kek-b", { key: { ...b.jwk, kty: "RSA-HSM", key_ops: ["import"] } }, ctx);
    const t1 = rsaKey(2048);
    const t2 = rsaKey(2048);
    const [r1, r2] = await Promise.all([
      f.vault.keys.importKey(
        "kek-a",
        {
          key: {
            kty: "RSA-HSM",
            key_ops: ["import"],
            key_hsm: keyHsm(transferBlob({ kid: kekB.key.kid!, kekPublic: b.publicKey, target: pkcs8(t1.privateKey) })),
          },
        },
        ctx,
      ),
      f.vault.keys.importKey(
        "kek-b",
        {
          key: {
            kty: "RSA-HSM",
            key_ops: ["import"],
            key_hsm: keyHsm(transferBlob({ kid: kekA.key.kid!, kekPublic: a.publicKey, target: pkcs8(t2.privateKey) })),
          },
        },
        ctx,
      ),
    ]);
    expect(r1.key.n).toBe(t1.jwk.n);
    expect(r2.key.n).toBe(t2.jwk.n);
  });

  it("a second BYOK import under the same name adds a version", async () => {
    const first = (await f.vault.keys.getKey("byok-oct-128", undefined, ctx)).key.kid;
    const b = await f.vault.keys.importKey(
      "byok-oct-128",
      { key: { kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { kid: kek2Kid, kekPublic: kek2Public }) } },
      ctx,
    );
    expect(b.key.kid).not.toBe(first);
    expect((await f.vault.keys.listKeyVersions("byok-oct-128", {}, ctx)).value.length).toBe(2);
  });
});

describe("refusals, each precise, each leaving nothing behind", () => {
  const unwrapFailed = bad(
    "The transfer blob could not be unwrapped with the key exchange key: it was made for another key, or it is corrupt.",
  );
  const notRsa = bad("The transferred key is not an RSA private key of 2048, 3072 or 4096 bits in PKCS#8, as kty RSA-HSM requires.");
  const notP256 = bad("The transferred key is not an EC private key on P-256 in PKCS#8, as kty EC-HSM with crv P-256 requires.");
  const notAes = bad("The transferred key is not an AES key of 16, 24 or 32 bytes, as kty oct-HSM requires.");
  const ecTarget = ecKey("P-384");
  const rsaTarget = rsaKey(2048);

  const cases: [string, () => unknown, ExpectedError][] = [
    [
      "a KEK without import",
      () => ({
        kty: "oct-HSM",
        key_hsm: blobFor(octKey(128).k, { kid: kekKid.replace("/kek/", "/kek-no-import/").replace(/\/[0-9a-f]{32}$/, "") }),
      }),
      opForbidden("import"),
    ],
    [
      "a disabled KEK",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { kid: "https://vault.test/keys/kek-disabled" }) }),
      { status: 403, code: "Forbidden", message: "Operation import is not allowed on a disabled key." },
    ],
    ["a blob made for another KEK", () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { kekPublic: kek2Public }) }), unwrapFailed],
    [
      "a blob whose AES-KWP part is changed",
      () => ({
        kty: "oct-HSM",
        key_hsm: blobFor(octKey(128).k, {
          mutate: (c) => {
            c[c.length - 3]! ^= 1;
            return c;
          },
        }),
      }),
      unwrapFailed,
    ],
    [
      "a blob whose RSA part is changed",
      () => ({
        kty: "oct-HSM",
        key_hsm: blobFor(octKey(128).k, {
          mutate: (c) => {
            c[10]! ^= 1;
            return c;
          },
        }),
      }),
      unwrapFailed,
    ],
    [
      "a ciphertext of only the RSA part",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { mutate: (c) => c.subarray(0, 256) }) }),
      bad(
        "The transfer blob's ciphertext (256 bytes) is not the key exchange key's 256-byte RSA-OAEP block followed by an AES-KWP-wrapped key.",
      ),
    ],
    [
      "a ciphertext shorter than the KEK's modulus",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { mutate: (c) => c.subarray(0, 100) }) }),
      bad(
        "The transfer blob's ciphertext (100 bytes) is not the key exchange key's 256-byte RSA-OAEP block followed by an AES-KWP-wrapped key.",
      ),
    ],
    ["an EC key sent as RSA-HSM", () => ({ kty: "RSA-HSM", key_hsm: blobFor(pkcs8(ecTarget.privateKey)) }), notRsa],
    ["an RSA key sent as EC-HSM", () => ({ kty: "EC-HSM", crv: "P-256", key_hsm: blobFor(pkcs8(rsaTarget.privateKey)) }), notP256],
    ["a P-384 key sent as P-256", () => ({ kty: "EC-HSM", crv: "P-256", key_hsm: blobFor(pkcs8(ecTarget.privateKey)) }), notP256],
    ["an oct key of 20 bytes", () => ({ kty: "oct-HSM", key_hsm: blobFor(nc.randomBytes(20)) }), notAes],
    ["an oct key of 64 bytes", () => ({ kty: "oct-HSM", key_hsm: blobFor(nc.randomBytes(64)) }), notAes],
    ["garbage instead of PKCS#8", () => ({ kty: "RSA-HSM", key_hsm: blobFor(nc.randomBytes(300)) }), notRsa],
    ["an RSA 1024 key", () => ({ kty: "RSA-HSM", key_hsm: blobFor(pkcs8(rsaKey(1024).privateKey)) }), notRsa],
    [
      "a KEK that does not exist",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { kid: "https://vault.test/keys/no-such-kek" }) }),
      bad("The key exchange key https://vault.test/keys/no-such-kek was not found in this vault."),
    ],
    [
      "a KEK version that does not exist",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { kid: `https://vault.test/keys/kek/${"0".repeat(32)}` }) }),
      bad(`The key exchange key https://vault.test/keys/kek/${"0".repeat(32)} was not found in this vault.`),
    ],
    [
      "a kid that names no key",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { kid: "kek" }) }),
      bad('The transfer blob names a key exchange key by an invalid kid: "kek".'),
    ],
    [
      "a KEK that is an EC key",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { kid: "https://vault.test/keys/ec-key" }) }),
      bad("The key exchange key must be an RSA-HSM key."),
    ],
    [
      "a KEK that is a software RSA key",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { kid: "https://vault.test/keys/rsa-soft" }) }),
      bad("The key exchange key must be an RSA-HSM key."),
    ],
    [
      "a target kty without -HSM",
      () => ({ kty: "RSA", key_hsm: blobFor(pkcs8(rsaTarget.privateKey)) }),
      bad("A key_hsm transfer blob can only be imported as RSA-HSM, EC-HSM or oct-HSM."),
    ],
    [
      "an EC-HSM target without crv",
      () => ({ kty: "EC-HSM", key_hsm: blobFor(pkcs8(ecTarget.privateKey)) }),
      bad("An EC-HSM transfer blob needs 'crv' (P-256, P-256K, P-384 or P-521); got undefined."),
    ],
    [
      "an EC-HSM target on an unknown curve",
      () => ({ kty: "EC-HSM", crv: "P-192", key_hsm: blobFor(pkcs8(ecTarget.privateKey)) }),
      bad(`An EC-HSM transfer blob needs 'crv' (P-256, P-256K, P-384 or P-521); got "P-192".`),
    ],
    [
      "key_hsm that is not base64url",
      () => ({ kty: "oct-HSM", key_hsm: "{not base64}" }),
      bad("key_hsm must be a base64url-encoded transfer blob."),
    ],
    ["key_hsm that is a number", () => ({ kty: "oct-HSM", key_hsm: 5 }), bad("key_hsm must be a base64url-encoded transfer blob.")],
    [
      "key_hsm that is not JSON",
      () => ({ kty: "oct-HSM", key_hsm: b64u(Buffer.from("hello")) }),
      bad("key_hsm does not hold a JSON transfer blob."),
    ],
    [
      "a blob without header",
      () => ({ kty: "oct-HSM", key_hsm: keyHsm({ schema_version: "1.0.0", ciphertext: "AAAA" }) }),
      bad("The transfer blob has no header."),
    ],
    ["a blob that is JSON null", () => ({ kty: "oct-HSM", key_hsm: keyHsm(null) }), bad("The transfer blob has no header.")],
    [
      "a header without kid",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { header: { kid: undefined } }) }),
      bad("The transfer blob's header must name the key exchange key in 'kid'."),
    ],
    [
      "a header with alg RSA-OAEP",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { header: { alg: "RSA-OAEP" } }) }),
      bad('The transfer blob\'s header.alg must be "dir"; got "RSA-OAEP".'),
    ],
    [
      "a header with another enc",
      () => ({ kty: "oct-HSM", key_hsm: blobFor(octKey(128).k, { header: { enc: "A256GCM" } }) }),
      bad('The transfer blob\'s header.enc must be "CKM_RSA_AES_KEY_WRAP"; got "A256GCM".'),
    ],
    [
      "a blob without ciphertext",
      () => ({
        kty: "oct-HSM",
        key_hsm: keyHsm({ schema_version: "1.0.0", header: { kid: kekKid, alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP" } }),
      }),
      bad("The transfer blob's ciphertext must be base64url."),
    ],
    [
      "a blob with an empty ciphertext",
      () => ({
        kty: "oct-HSM",
        key_hsm: keyHsm({ schema_version: "1.0.0", header: { kid: kekKid, alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP" }, ciphertext: "" }),
      }),
      bad("The transfer blob's ciphertext must be base64url."),
    ],
  ];

  it.each(cases.map((c, i) => [...c, `byok-refused-${i}`] as const))("%s", async (_what, key, want, name) => {
    const count = f.engine.keyCount();
    const names = (await f.store.names("key")).sort();
    await expectKvError(f.vault.keys.importKey(name, { key: key() as any }, ctx), want);
    expect(f.engine.keyCount()).toBe(count);
    expect((await f.store.names("key")).sort()).toEqual(names);
    await expectKvError(f.vault.keys.getKey(name, undefined, ctx), notFound(name));
  });

  // DESIGN.md (BYOK import) and the Azure BYOK specification make the ephemeral key AES-256.
  it("a blob wrapped with an AES-128 ephemeral key is refused", async () => {
    const aes = nc.randomBytes(16);
    const kwp = nc.createCipheriv("id-aes128-wrap-pad", aes, Buffer.from("a65959a6", "hex"));
    const ct = Buffer.concat([
      nc.publicEncrypt({ key: kekPublic, padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, aes),
      kwp.update(octKey(128).k),
      kwp.final(),
    ]);
    const key_hsm = keyHsm({
      schema_version: "1.0.0",
      header: { kid: kekKid, alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP" },
      ciphertext: b64u(ct),
    });
    await expectKvError(f.vault.keys.importKey("byok-aes128", { key: { kty: "oct-HSM", key_hsm } }, ctx), unwrapFailed);
  });

  it("a deleted target name gets 409, and the unwrapped key does not stay in the engine", async () => {
    await f.vault.keys.importKey("byok-deleted", { key: octKey(128).jwk }, ctx);
    await f.vault.keys.deleteKey("byok-deleted", ctx);
    const count = f.engine.keyCount();
    await expectKvError(
      f.vault.keys.importKey("byok-deleted", { key: { kty: "oct-HSM", key_hsm: blobFor(octKey(128).k) } }, ctx),
      deletedConflict("byok-deleted"),
    );
    expect(f.engine.keyCount()).toBe(count);
  });

  it("the KEK cannot be used for anything but import", async () => {
    await expectKvError(f.vault.keys.encrypt("kek", undefined, { alg: "RSA-OAEP", value: "AAAA" }, ctx), opForbidden("encrypt"));
    await expectKvError(f.vault.keys.unwrapKey("kek", undefined, { alg: "RSA-OAEP", value: "AAAA" }, ctx), opForbidden("unwrapKey"));
  });
});

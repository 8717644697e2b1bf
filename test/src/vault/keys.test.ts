// Vault key management: createKey, importKey, getKey, updateKey, listKeys, listKeyVersions, and
// the name and body rules, with Key Vault's status, code and message for every refusal.
import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { KeyBundle, JsonWebKey } from "../../../src/vault/index.js";
import { ecKey, octKey, rsaKey } from "../jwk/keys.js";
import { DAY, T0, b64u, bad, ctx, expectKvError, notFound, openVault, type Fixture } from "./fixture.js";

const RSA_OPS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];
const EC_OPS = ["sign", "verify"];
const OCT_OPS = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "k", "key_hsm"];
const VERSION = /^[0-9a-f]{32}$/;

let f: Fixture;
beforeAll(async () => {
  f = await openVault();
});

function versionOf(bundle: KeyBundle, name: string): string {
  const prefix = `https://vault.test/keys/${name}/`;
  expect(bundle.key.kid!.startsWith(prefix)).toBe(true);
  const v = bundle.key.kid!.slice(prefix.length);
  expect(v).toMatch(VERSION);
  return v;
}

function expectFreshAttributes(bundle: KeyBundle, now: number): void {
  expect(bundle.attributes).toEqual({
    enabled: true,
    created: now,
    updated: now,
    recoveryLevel: "Recoverable+Purgeable",
    recoverableDays: 90,
    exportable: false,
  });
}

function expectPublicOnly(jwk: JsonWebKey): void {
  for (const m of PRIVATE) expect(jwk, m).not.toHaveProperty(m);
}

/** Signs through the vault and checks the signature with node:crypto on the public JWK from getKey. */
async function signChecksWithNode(name: string, alg: string, hash: string, opts: object = {}): Promise<void> {
  const msg = Buffer.from(`message for ${name}`);
  const digest = createHash(hash).update(msg).digest();
  const sig = await f.vault.keys.sign(name, undefined, { alg, value: b64u(digest) }, ctx);
  const { key } = await f.vault.keys.getKey(name, undefined, ctx);
  const pub = createPublicKey({
    key: { ...key, kty: key.kty!.replace("-HSM", ""), ...(key.crv === "P-256K" ? { crv: "secp256k1" } : {}) } as any,
    format: "jwk",
  });
  expect(nodeVerify(hash, msg, { key: pub, ...opts } as any, Buffer.from(sig.value, "base64url"))).toBe(true);
}

describe("createKey", () => {
  it.each([
    ["RSA", 2048, undefined],
    ["RSA-HSM", 2048, 3],
    ["RSA", 3072, undefined],
    ["RSA-HSM", 4096, undefined],
  ] as const)(
    "%s %i (public_exponent %s): kty, modulus size, exponent, default key_ops, attributes, and a key that works",
    async (kty, size, e) => {
      const name = `rsa-${kty}-${size}`;
      const b = await f.vault.keys.createKey(name, { kty, key_size: size, ...(e ? { public_exponent: e } : {}) }, ctx);
      versionOf(b, name);
      expect(b.key.kty).toBe(kty);
      expect(b.key.key_ops).toEqual(RSA_OPS);
      expect(Buffer.from(b.key.n!, "base64url").length).toBe(size / 8);
      expect(Buffer.from(b.key.n!, "base64url")[0]! & 0x80).toBe(0x80);
      expect(b.key.e).toBe(e === 3 ? "Aw" : "AQAB");
      expectFreshAttributes(b, T0);
      expectPublicOnly(b.key);
      expect(b.tags).toBeUndefined();
      await signChecksWithNode(name, "RS256", "sha256");
    },
  );

  it("RSA-HSM without key_size is 2048 bits, and import is allowed in its key_ops (a KEK)", async () => {
    const b = await f.vault.keys.createKey("rsa-default", { kty: "RSA-HSM", key_ops: ["import"] }, ctx);
    expect(Buffer.from(b.key.n!, "base64url").length).toBe(256);
    expect(b.key.key_ops).toEqual(["import"]);
  });

  it.each([
    ["EC", "P-256", "ES256", "sha256"],
    ["EC-HSM", "P-256K", "ES256K", "sha256"],
    ["EC", "P-384", "ES384", "sha384"],
    ["EC-HSM", "P-521", "ES512", "sha512"],
    ["EC-HSM", "P-256", "ES256", "sha256"],
    ["EC", "P-521", "ES512", "sha512"],
  ] as const)("%s %s: kty, crv, coordinates, default key_ops, and a key that works", async (kty, crv, alg, hash) => {
    const name = `ec-${kty}-${crv}`;
    const b = await f.vault.keys.createKey(name, { kty, crv }, ctx);
    expect(b.key).toMatchObject({ kty, crv, key_ops: EC_OPS });
    const size = crv === "P-521" ? 66 : crv === "P-384" ? 48 : 32;
    expect(Buffer.from(b.key.x!, "base64url").length).toBe(size);
    expect(Buffer.from(b.key.y!, "base64url").length).toBe(size);
    expectFreshAttributes(b, T0);
    expectPublicOnly(b.key);
    await signChecksWithNode(name, alg, hash, { dsaEncoding: "ieee-p1363" });
  });

  it("EC without crv is P-256; a key_size that matches the curve is accepted", async () => {
    expect((await f.vault.keys.createKey("ec-default", { kty: "EC" }, ctx)).key.crv).toBe("P-256");
    expect((await f.vault.keys.createKey("ec-sized", { kty: "EC", crv: "P-384", key_size: 384 }, ctx)).key.crv).toBe("P-384");
  });

  it.each([
    ["oct", 128],
    ["oct-HSM", 192],
    ["oct", 256],
    ["oct-HSM", 128],
    ["oct-HSM", 256],
  ] as const)("%s %i: kty, default key_ops, no key material", async (kty, size) => {
    const name = `oct-${kty}-${size}`;
    const b = await f.vault.keys.createKey(name, { kty, key_size: size }, ctx);
    expect(b.key).toEqual({ kid: b.key.kid, kty, key_ops: OCT_OPS });
    expectFreshAttributes(b, T0);
    // The size shows in what the key accepts: its own A*KW works, another size is refused.
    const wrapped = await f.vault.keys.wrapKey(name, undefined, { alg: `A${size}KW`, value: b64u(Buffer.alloc(16, 7)) }, ctx);
    expect(Buffer.from(wrapped.value, "base64url").length).toBe(24);
  });

  it("oct without key_size is 256 bits", async () => {
    await f.vault.keys.createKey("oct-default", { kty: "oct" }, ctx);
    await expect(
      f.vault.keys.wrapKey("oct-default", undefined, { alg: "A256KW", value: b64u(Buffer.alloc(16)) }, ctx),
    ).resolves.toBeTruthy();
  });

  it("key_ops, attributes and tags from the request are kept", async () => {
    const b = await f.vault.keys.createKey(
      "with-everything",
      {
        kty: "EC",
        crv: "P-256",
        key_ops: ["verify"],
        attributes: { enabled: false, nbf: T0 + 10, exp: T0 + 100 },
        tags: { team: "a", env: "" },
      },
      ctx,
    );
    expect(b.key.key_ops).toEqual(["verify"]);
    expect(b.attributes).toEqual({
      enabled: false,
      nbf: T0 + 10,
      exp: T0 + 100,
      created: T0,
      updated: T0,
      recoveryLevel: "Recoverable+Purgeable",
      recoverableDays: 90,
      exportable: false,
    });
    expect(b.tags).toEqual({ team: "a", env: "" });
  });

  const refusals: [string, string, unknown, string][] = [
    ["a null body", "k", null, "The request body must be a JSON object."],
    ["an array body", "k", [], "The request body must be a JSON object."],
    ["no kty", "k", {}, "The kty undefined is not supported; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM."],
    ["an unknown kty", "k", { kty: "RSA-X" }, 'The kty "RSA-X" is not supported; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM.'],
    ["RSA 1024", "k", { kty: "RSA", key_size: 1024 }, "RSA key_size must be 2048, 3072 or 4096; got 1024."],
    ["RSA 2047", "k", { kty: "RSA-HSM", key_size: 2047 }, "RSA key_size must be 2048, 3072 or 4096; got 2047."],
    ["RSA key_size as a string", "k", { kty: "RSA", key_size: "2048" }, 'RSA key_size must be 2048, 3072 or 4096; got "2048".'],
    [
      "an even public_exponent",
      "k",
      { kty: "RSA", public_exponent: 65536 },
      "public_exponent must be an odd integer of at least 3; got 65536.",
    ],
    ["public_exponent 1", "k", { kty: "RSA", public_exponent: 1 }, "public_exponent must be an odd integer of at least 3; got 1."],
    [
      "public_exponent 2^32 + 1",
      "k",
      { kty: "RSA", public_exponent: 2 ** 32 + 1 },
      "public_exponent must be an odd integer of at least 3; got 4294967297.",
    ],
    [
      "an unknown curve",
      "k",
      { kty: "EC", crv: "secp256k1" },
      'The curve "secp256k1" is not supported; use P-256, P-256K, P-384 or P-521.',
    ],
    [
      "a key_size that does not match the curve",
      "k",
      { kty: "EC-HSM", crv: "P-256", key_size: 384 },
      "key_size 384 does not match the curve P-256.",
    ],
    ["oct 512", "k", { kty: "oct", key_size: 512 }, "oct key_size must be 128, 192 or 256; got 512."],
    ["oct 64", "k", { kty: "oct-HSM", key_size: 64 }, "oct key_size must be 128, 192 or 256; got 64."],
    [
      "import on a software RSA key",
      "k",
      { kty: "RSA", key_ops: ["import"] },
      "The import operation is only allowed on RSA-HSM keys, as a key exchange key.",
    ],
    [
      "import on an EC-HSM key",
      "k",
      { kty: "EC-HSM", key_ops: ["import"] },
      "The import operation is only allowed on RSA-HSM keys, as a key exchange key.",
    ],
    ["sign on an oct key", "k", { kty: "oct", key_ops: ["sign"] }, "Operation sign is not supported for key type oct."],
    [
      "an unknown operation",
      "k",
      { kty: "RSA", key_ops: ["delete"] },
      'Invalid key operation "delete"; valid operations are encrypt, decrypt, sign, verify, wrapKey, unwrapKey, import, export.',
    ],
    [
      "exportable without a release policy",
      "k",
      { kty: "EC-HSM", attributes: { exportable: true } },
      "AKV.SKR.1004: Exportable keys must have release policy.",
    ],
    ["exp before nbf", "k", { kty: "EC", attributes: { nbf: 10, exp: 5 } }, "attributes.exp must be later than attributes.nbf."],
    [
      "16 tags",
      "k",
      { kty: "EC", tags: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, "v"])) },
      "A key may have at most 15 tags; got 16.",
    ],
    [
      "a bad name",
      "bad_name",
      { kty: "EC" },
      "The key name \"bad_name\" is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.",
    ],
    [
      "a 128-character name",
      "a".repeat(128),
      { kty: "EC" },
      `The key name "${"a".repeat(128)}" is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.`,
    ],
  ];
  it.each(refusals)("refuses %s", async (_what, name, body, message) => {
    const before = f.engine.keyCount();
    await expectKvError(f.vault.keys.createKey(name, body as any, ctx), bad(message));
    expect(f.engine.keyCount()).toBe(before);
  });

  it("a 127-character name with every allowed character class is accepted", async () => {
    const name = "aZ0-".repeat(32).slice(0, 127);
    await f.vault.keys.createKey(name, { kty: "oct", key_size: 128 }, ctx);
    expect((await f.vault.keys.getKey(name, undefined, ctx)).key.kid).toMatch(new RegExp(`/keys/${name}/[0-9a-f]{32}$`));
  });
});

describe("importKey", () => {
  const rsa = rsaKey(2048);
  const rsa3072 = rsaKey(3072);

  it.each([
    ["RSA", undefined, "RSA"],
    ["RSA", true, "RSA-HSM"],
    ["RSA-HSM", undefined, "RSA-HSM"],
    ["RSA-HSM", false, "RSA-HSM"],
    ["RSA", false, "RSA"],
  ] as const)("RSA JWK with kty %s and Hsm %s is reported as %s, with the exact public bytes", async (kty, hsm, reported) => {
    const name = `imp-rsa-${kty}-${hsm}`;
    const b = await f.vault.keys.importKey(name, { key: { ...rsa.jwk, kty }, ...(hsm !== undefined ? { Hsm: hsm } : {}) }, ctx);
    expect(b.key.kty).toBe(reported);
    expect(b.key.n).toBe(rsa.jwk.n);
    expect(b.key.e).toBe(rsa.jwk.e);
    expect(b.key.key_ops).toEqual(RSA_OPS);
    expectPublicOnly(b.key);
    expectFreshAttributes(b, T0);
    versionOf(b, name);
  });

  it("RSA 3072 keeps its size and public bytes", async () => {
    const b = await f.vault.keys.importKey("imp-rsa3072", { key: rsa3072.jwk }, ctx);
    expect(b.key.n).toBe(rsa3072.jwk.n);
    await signChecksWithNode("imp-rsa3072", "PS384", "sha384", { padding: 6, saltLength: 48 });
  });

  it.each(["P-256", "P-256K", "P-384", "P-521"] as const)("EC %s: exact x and y (fixed length, RFC 7518 §6.2.1)", async (crv) => {
    const k = ecKey(crv);
    const b = await f.vault.keys.importKey(`imp-ec-${crv}`, { key: { ...k.jwk, kty: "EC-HSM" } }, ctx);
    expect(b.key).toEqual({ kid: b.key.kid, kty: "EC-HSM", key_ops: EC_OPS, crv, x: k.jwk.x, y: k.jwk.y });
  });

  it.each([128, 192, 256])("oct %i", async (bits) => {
    const { jwk } = octKey(bits);
    const b = await f.vault.keys.importKey(`imp-oct-${bits}`, { key: { ...jwk, key_ops: ["wrapKey", "unwrapKey"] }, Hsm: true }, ctx);
    expect(b.key).toEqual({ kid: b.key.kid, kty: "oct-HSM", key_ops: ["wrapKey", "unwrapKey"] });
  });

  it("attributes and tags of the request are kept; key_ops come from the JWK", async () => {
    const b = await f.vault.keys.importKey(
      "imp-attrs",
      { key: { ...rsa.jwk, key_ops: ["sign"] }, attributes: { exp: T0 + DAY }, tags: { a: "b" } },
      ctx,
    );
    expect(b.key.key_ops).toEqual(["sign"]);
    expect(b.attributes.exp).toBe(T0 + DAY);
    expect(b.tags).toEqual({ a: "b" });
  });

  it("an RSA-HSM import may be a KEK (key_ops import)", async () => {
    const b = await f.vault.keys.importKey("imp-kek", { key: { ...rsa.jwk, kty: "RSA-HSM", key_ops: ["import"] } }, ctx);
    expect(b.key.key_ops).toEqual(["import"]);
  });

  const refusals: [string, unknown, string][] = [
    ["a null body", null, "The request body must be a JSON object."],
    ["no key", {}, "The request must carry the key to import in 'key'."],
    ["a key that is a string", { key: "abc" }, "The request must carry the key to import in 'key'."],
    ["Hsm as a string", { key: rsa.jwk, Hsm: "true" }, "'Hsm' must be true or false."],
    [
      "an unknown kty",
      { key: { ...rsa.jwk, kty: "RSA-PSS" } },
      'JSON Web Key: unsupported kty "RSA-PSS"; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM.',
    ],
    [
      "a public RSA key",
      { key: { kty: "RSA", n: rsa.jwk.n, e: rsa.jwk.e } },
      "JSON Web Key: an RSA key for import must be private: missing member 'd'",
    ],
    ["an RSA key without qi", { key: { ...rsa.jwk, qi: undefined } }, "JSON Web Key: missing member 'qi'"],
    ["an RSA key whose parts disagree", { key: { ...rsa.jwk, dq: rsa.jwk.dp } }, "JSON Web Key: 'dq' does not equal d mod (q-1)"],
    ["an EC key off its curve", { key: { ...ecKey("P-384").jwk, crv: "P-521" } }, "JSON Web Key: 'x' must be 66 bytes for P-521, got 48"],
    [
      "an oct key of 100 bits",
      { key: { kty: "oct", k: "AAAAAAAAAAAAAAAAAA" } },
      "JSON Web Key: an oct key of 104 bits is not supported; use 128, 192 or 256 bits",
    ],
    [
      "import in key_ops of a software key",
      { key: { ...rsa.jwk, key_ops: ["import"] } },
      "The import operation is only allowed on RSA-HSM keys, as a key exchange key.",
    ],
    [
      "sign in key_ops of an oct key",
      { key: { ...octKey(128).jwk, key_ops: ["sign"] } },
      "Operation sign is not supported for key type oct.",
    ],
    [
      "16 tags",
      { key: octKey(128).jwk, tags: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, "v"])) },
      "A key may have at most 15 tags; got 16.",
    ],
  ];
  it.each(refusals)("refuses %s", async (_what, body, message) => {
    const before = f.engine.keyCount();
    await expectKvError(f.vault.keys.importKey("imp-refused", body as any, ctx), bad(message));
    expect(f.engine.keyCount()).toBe(before);
    await expectKvError(f.vault.keys.getKey("imp-refused", undefined, ctx), notFound("imp-refused"));
  });
});

describe("versions, getKey and updateKey", () => {
  let versions: string[];
  beforeAll(async () => {
    versions = [];
    for (let i = 0; i < 4; i++) {
      f.clock.advance(60);
      const b = await f.vault.keys.importKey("multi", { key: octKey(128).jwk, tags: { i: String(i) } }, ctx);
      versions.push(versionOf(b, "multi"));
    }
  });

  it("every version has its own 32-hex id", () => {
    expect(new Set(versions).size).toBe(4);
    for (const v of versions) expect(v).toMatch(VERSION);
  });

  it.each([undefined, ""])("getKey with version %j is the newest version", async (version) => {
    const b = await f.vault.keys.getKey("multi", version, ctx);
    expect(b.key.kid).toBe(`https://vault.test/keys/multi/${versions[3]}`);
    expect(b.tags).toEqual({ i: "3" });
  });

  it("getKey of each version gives that version", async () => {
    for (const [i, v] of versions.entries()) {
      const b = await f.vault.keys.getKey("multi", v, ctx);
      expect(b.key.kid).toBe(`https://vault.test/keys/multi/${v}`);
      expect(b.tags).toEqual({ i: String(i) });
    }
  });

  it.each([
    ["an unknown key", "nope", undefined, notFound("nope")],
    ["an unknown version", "multi", "0123456789abcdef0123456789abcdef", notFound("multi", "0123456789abcdef0123456789abcdef")],
    ["an uppercase version", "multi", "VERSION", notFound("multi", "VERSION")],
    [
      "a bad name",
      "bad.name",
      undefined,
      bad("The key name \"bad.name\" is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'."),
    ],
  ] as const)("getKey of %s", async (_what, name, version, want) => {
    await expectKvError(f.vault.keys.getKey(name, version, ctx), want);
  });

  it("updateKey changes attributes, tags and key_ops of one version and stamps updated", async () => {
    const created = (await f.vault.keys.getKey("multi", versions[1], ctx)).attributes.created!;
    f.clock.advance(500);
    const b = await f.vault.keys.updateKey(
      "multi",
      versions[1],
      {
        key_ops: ["wrapKey"],
        attributes: { enabled: false, exp: T0 + 30 * DAY, created: 1, recoveryLevel: "Purgeable" } as any,
        tags: { new: "tag" },
      },
      ctx,
    );
    expect(b.key.kid).toBe(`https://vault.test/keys/multi/${versions[1]}`);
    expect(b.key.key_ops).toEqual(["wrapKey"]);
    expect(b.tags).toEqual({ new: "tag" });
    expect(b.attributes).toEqual({
      enabled: false,
      exp: T0 + 30 * DAY,
      created,
      updated: f.clock.seconds,
      recoveryLevel: "Recoverable+Purgeable",
      recoverableDays: 90,
      exportable: false,
    });
    expect(await f.vault.keys.getKey("multi", versions[1], ctx)).toEqual(b);
    // The newest version is untouched.
    const current = await f.vault.keys.getKey("multi", undefined, ctx);
    expect(current.attributes.enabled).toBe(true);
    expect(current.tags).toEqual({ i: "3" });
  });

  it("updateKey without a version updates the newest; members not sent are kept", async () => {
    const before = await f.vault.keys.getKey("multi", undefined, ctx);
    f.clock.advance(1);
    const b = await f.vault.keys.updateKey("multi", undefined, { attributes: { nbf: T0 } }, ctx);
    expect(b.key.kid).toBe(before.key.kid);
    expect(b.key.key_ops).toEqual(before.key.key_ops);
    expect(b.tags).toEqual(before.tags);
    expect(b.attributes).toEqual({ ...before.attributes, nbf: T0, updated: f.clock.seconds });
  });

  it.each([
    ["exp before the stored nbf", { attributes: { exp: T0 - 1 } }, bad("attributes.exp must be later than attributes.nbf.")],
    [
      "exportable",
      { attributes: { exportable: true } },
      bad("AKV.SKR.1003: The exportable attribute of an existing key cannot be changed."),
    ],
    [
      "16 tags",
      { tags: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, "v"])) },
      bad("A key may have at most 15 tags; got 16."),
    ],
    ["sign on an oct key", { key_ops: ["sign"] }, bad("Operation sign is not supported for key type oct.")],
    ["a body that is not an object", "x", bad("The request body must be a JSON object.")],
  ] as const)("updateKey refuses %s and changes nothing", async (_what, body, want) => {
    const before = await f.vault.keys.getKey("multi", undefined, ctx);
    await expectKvError(f.vault.keys.updateKey("multi", undefined, body as any, ctx), want);
    expect(await f.vault.keys.getKey("multi", undefined, ctx)).toEqual(before);
  });

  it.each([
    ["an unknown key", "nope", undefined, notFound("nope")],
    ["an unknown version", "multi", "f".repeat(32), notFound("multi", "f".repeat(32))],
    ["a bad name", "a b", undefined, bad("The key name \"a b\" is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.")],
  ] as const)("updateKey of %s", async (_what, name, version, want) => {
    await expectKvError(f.vault.keys.updateKey(name, version, { tags: {} }, ctx), want);
  });
});

describe("lists", () => {
  let g: Fixture;
  const names = Array.from({ length: 30 }, (_, i) => `list-${String(i).padStart(2, "0")}`);
  beforeAll(async () => {
    g = await openVault();
    for (const name of names) await g.vault.keys.importKey(name, { key: octKey(128).jwk, tags: { n: name } }, ctx);
    for (let i = 0; i < 4; i++) await g.vault.keys.importKey("list-05", { key: octKey(128).jwk }, ctx);
    await g.vault.keys.deleteKey("list-07", ctx);
  });

  async function all<T>(
    first: { value: T[]; nextLink: string | null },
    next: (maxresults: number, skiptoken: string) => Promise<{ value: T[]; nextLink: string | null }>,
  ) {
    const pages = [first.value];
    let r = first;
    while (r.nextLink) {
      const url = new URL(r.nextLink);
      r = await next(Number(url.searchParams.get("maxresults")), url.searchParams.get("$skiptoken")!);
      pages.push(r.value);
    }
    return pages;
  }

  it("listKeys pages through every live key once, with versionless kids, attributes, tags and managed", async () => {
    const pages = await all(await g.vault.keys.listKeys({ maxresults: 7 }, ctx), (maxresults, skiptoken) =>
      g.vault.keys.listKeys({ maxresults, skiptoken }, ctx),
    );
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 1]);
    const items = pages.flat();
    expect(items.map((i) => i.kid)).toEqual(names.filter((n) => n !== "list-07").map((n) => `https://vault.test/keys/${n}`));
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(
        item.kid.endsWith("/list-05") ? ["attributes", "kid", "managed"] : ["attributes", "kid", "managed", "tags"],
      );
      expect(item.managed).toBe(false);
      expect(item.attributes.recoveryLevel).toBe("Recoverable+Purgeable");
    }
    expect(items.find((i) => i.kid.endsWith("/list-03"))!.tags).toEqual({ n: "list-03" });
    // The item of a key shows its newest version's attributes and tags (list-05's newest has no tags).
    expect(items.find((i) => i.kid.endsWith("/list-05"))!.tags).toBeUndefined();
  });

  it("listKeys without maxresults gives 25 and a nextLink", async () => {
    const r = await g.vault.keys.listKeys({}, ctx);
    expect(r.value.length).toBe(25);
    expect(r.nextLink).toMatch(/^https:\/\/vault\.test\/keys\?/);
  });

  it("listKeyVersions pages through every version with versioned kids", async () => {
    const pages = await all(await g.vault.keys.listKeyVersions("list-05", { maxresults: 2 }, ctx), (maxresults, skiptoken) =>
      g.vault.keys.listKeyVersions("list-05", { maxresults, skiptoken }, ctx),
    );
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const kids = pages.flat().map((i) => i.kid);
    const newest = (await g.vault.keys.getKey("list-05", undefined, ctx)).key.kid;
    expect(kids.at(-1)).toBe(newest);
    expect(new Set(kids).size).toBe(5);
    for (const kid of kids) expect(kid).toMatch(/^https:\/\/vault\.test\/keys\/list-05\/[0-9a-f]{32}$/);
    for (const kid of kids) await expect(g.vault.keys.getKey("list-05", kid.split("/").at(-1), ctx)).resolves.toBeTruthy();
  });

  it.each([
    [
      "listKeys with maxresults 0",
      () => g.vault.keys.listKeys({ maxresults: 0 }, ctx),
      bad("maxresults must be a whole number from 1 to 25; got 0."),
    ],
    [
      "listKeys with maxresults 26",
      () => g.vault.keys.listKeys({ maxresults: 26 }, ctx),
      bad("maxresults must be a whole number from 1 to 25; got 26."),
    ],
    [
      "listKeyVersions with maxresults 26",
      () => g.vault.keys.listKeyVersions("list-05", { maxresults: 26 }, ctx),
      bad("maxresults must be a whole number from 1 to 25; got 26."),
    ],
    [
      "listKeys with a bad token",
      () => g.vault.keys.listKeys({ skiptoken: "xyz" }, ctx),
      bad("The $skiptoken is invalid or belongs to another list."),
    ],
    [
      "listKeyVersions with a bad name",
      () => g.vault.keys.listKeyVersions("no_pe", {}, ctx),
      bad("The key name \"no_pe\" is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'."),
    ],
  ] as const)("%s", async (_what, call, want) => {
    await expectKvError(call(), want);
  });

  // Key Vault answers an empty list, not 404 (JS SDK test "list 0 versions of a non-existing key" and
  // its recording: 200 {"value":[],"nextLink":null}).
  it.each([
    ["a deleted key", "list-07"],
    ["an unknown key", "nope"],
  ])("listKeyVersions of %s is an empty list", async (_what, name) => {
    expect(await g.vault.keys.listKeyVersions(name, {}, ctx)).toEqual({ value: [], nextLink: null });
  });

  it("a token from the versions list of one key is refused for another", async () => {
    const r = await g.vault.keys.listKeyVersions("list-05", { maxresults: 1 }, ctx);
    const token = new URL(r.nextLink!).searchParams.get("$skiptoken")!;
    await expectKvError(
      g.vault.keys.listKeyVersions("list-06", { skiptoken: token }, ctx),
      bad("The $skiptoken is invalid or belongs to another list."),
    );
    await expectKvError(g.vault.keys.listKeys({ skiptoken: token }, ctx), bad("The $skiptoken is invalid or belongs to another list."));
  });
});

describe("getRandomBytes", () => {
  it.each([1, 2, 32, 127, 128])("%i bytes", async (count) => {
    const r = await f.vault.keys.getRandomBytes({ count });
    expect(Buffer.from(r.value, "base64url").length).toBe(count);
    expect(r.value).toMatch(/^[A-Za-z0-9_-]*$/);
  });

  it("two draws differ", async () => {
    const a = await f.vault.keys.getRandomBytes({ count: 32 });
    const b = await f.vault.keys.getRandomBytes({ count: 32 });
    expect(a.value).not.toBe(b.value);
  });

  it.each([0, 129, -1, 1.5, "8", null, undefined, 2 ** 53])("count %j is refused", async (count) => {
    await expectKvError(
      f.vault.keys.getRandomBytes({ count } as any),
      bad(`count must be a whole number from 1 to 128; got ${JSON.stringify(count)}.`),
    );
  });

  it("a body that is not an object is refused", async () => {
    await expectKvError(f.vault.keys.getRandomBytes(null as any), bad("The request body must be a JSON object."));
  });
});

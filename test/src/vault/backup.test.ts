// backupKey and restoreKey: the protected format (DESIGN.md), a round trip that keeps every version,
// and restore's refusals (one generic message, nothing written) for every changed byte, every truncation,
// another domain, an unknown format version, and authentic blobs whose contents are wrong.
import * as nc from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORMAT_VERSION, MAGIC, decodeHeader, encodeHeader } from "../../../src/vault/lifecycle/backup-format.js";
import { openSecurityDomain } from "../../../src/vault/domain.js";
import { ecKey, octKey } from "../jwk/keys.js";
import { DAY, T0, b64u, bad, ctx, deletedConflict, expectKvError, notFound, openVault, type Fixture } from "./fixture.js";
import { aesKw } from "./node-check.js";

// Key Vault's own answer (JS SDK recording "fails to restore a key with a malformed backup", 7.4-preview.1).
const INVALID = { status: 400, code: "Malformed backup blob", message: "Backup blob contains invalid or corrupt version." };
const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let a: Fixture;
const ec1 = ecKey("P-256");
const ec2 = ecKey("P-256");
const oct1 = octKey(128);
const oct2 = octKey(128);

beforeAll(async () => {
  a = await openVault({ securityDomainFile: join(dir, "domain.json") });
});

/** Everything a client can read about a key, to compare before and after. */
async function snapshot(f: Fixture, name: string) {
  const versions = (await f.vault.keys.listKeyVersions(name, {}, ctx)).value;
  return {
    current: await f.vault.keys.getKey(name, undefined, ctx),
    versions: await Promise.all(versions.map((v) => f.vault.keys.getKey(name, v.kid.split("/").at(-1), ctx))),
    items: versions,
    policy: await f.vault.keys.getRotationPolicy(name, ctx),
  };
}

/** Restore attempts that must fail leave the store and the engine exactly as they were. */
async function expectRefusedWithoutWrites(f: Fixture, value: string): Promise<void> {
  const names = (await f.store.names("key")).sort();
  const count = f.engine.keyCount();
  await expectKvError(f.vault.keys.restoreKey({ value }, ctx), INVALID);
  expect((await f.store.names("key")).sort()).toEqual(names);
  expect(f.engine.keyCount()).toBe(count);
}

describe("round trip", () => {
  let value: string;
  let before: Awaited<ReturnType<typeof snapshot>>;
  let versions: string[];

  beforeAll(async () => {
    a.clock.set(T0);
    versions = [];
    versions.push(versionOf((await a.vault.keys.importKey("bk", { key: ec1.jwk, tags: { v: "1" } }, ctx)).key.kid));
    a.clock.advance(DAY);
    versions.push(versionOf((await a.vault.keys.rotateKey("bk", ctx)).key.kid));
    a.clock.advance(DAY);
    versions.push(
      versionOf(
        (
          await a.vault.keys.importKey(
            "bk",
            { key: { ...ec2.jwk, key_ops: ["verify"] }, attributes: { exp: T0 + 400 * DAY }, tags: { v: "3" } },
            ctx,
          )
        ).key.kid,
      ),
    );
    await a.vault.keys.updateKey("bk", versions[0], { attributes: { enabled: false } }, ctx);
    await a.vault.keys.updateRotationPolicy(
      "bk",
      { lifetimeActions: [{ trigger: { timeAfterCreate: "P300D" }, action: { type: "Rotate" } }], attributes: { expiryTime: "P400D" } },
      ctx,
    );
    before = await snapshot(a, "bk");
    a.clock.advance(DAY);
    value = (await a.vault.keys.backupKey("bk", ctx)).value;
  });

  it("the blob is base64url of the documented format: magic, version, domain id, name, time, then the sealed payload", () => {
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    const blob = Buffer.from(value, "base64url");
    expect(blob.subarray(0, 8)).toEqual(Buffer.from(MAGIC));
    const parts = decodeHeader(new Uint8Array(blob))!;
    expect(parts.header).toEqual({ formatVersion: FORMAT_VERSION, domainId: expect.any(Uint8Array), name: "bk", created: T0 + 3 * DAY });
    expect(Buffer.from(parts.header.domainId).toString("hex")).toBe(a.vault.securityDomainId);
    // No public or private member of the keys shows in clear: the payload is encrypted.
    for (const v of before.versions) expect(blob.includes(Buffer.from(v.key.x!, "base64url"))).toBe(false);
    expect(blob.includes(Buffer.from("verify"))).toBe(false);
  });

  it("two backups of the same key differ (fresh IV) and both restore", async () => {
    const again = (await a.vault.keys.backupKey("bk", ctx)).value;
    expect(again).not.toBe(value);
  });

  it("restore after purge brings back every version with its id, attributes, tags, key_ops and the rotation policy", async () => {
    await a.vault.keys.deleteKey("bk", ctx);
    await a.vault.keys.purgeDeletedKey("bk", ctx);
    await expectKvError(a.vault.keys.getKey("bk", undefined, ctx), notFound("bk"));
    const restored = await a.vault.keys.restoreKey({ value }, ctx);
    expect(restored).toEqual(before.current);
    expect(await snapshot(a, "bk")).toEqual(before);
    expect(before.items.map((i) => versionOf(i.kid))).toEqual(versions);
  });

  it("the restored keys work: each version signs or verifies with its own key", async () => {
    const msg = Buffer.from("after restore");
    const digest = b64u(nc.createHash("sha256").update(msg).digest());
    // Version 3 (imported ec2, verify only) verifies node's signature by ec2, and may not sign.
    const sig3 = nc.sign("sha256", msg, { key: ec2.privateKey, dsaEncoding: "ieee-p1363" });
    expect((await a.vault.keys.verify("bk", versions[2], { alg: "ES256", digest, value: b64u(sig3) }, ctx)).value).toBe(true);
    await expectKvError(a.vault.keys.sign("bk", undefined, { alg: "ES256", value: digest }, ctx), {
      status: 403,
      code: "Forbidden",
      message: "Operation sign is not permitted on this key.",
      innerCode: "KeyOperationForbidden",
    });
    // Version 2 (the rotated one) signs; node verifies on the public JWK it had before the backup.
    const sig2 = await a.vault.keys.sign("bk", versions[1], { alg: "ES256", value: digest }, ctx);
    const pub2 = nc.createPublicKey({
      key: { kty: "EC", crv: "P-256", x: before.versions[1]!.key.x!, y: before.versions[1]!.key.y! },
      format: "jwk",
    });
    expect(nc.verify("sha256", msg, { key: pub2, dsaEncoding: "ieee-p1363" }, Buffer.from(sig2.value, "base64url"))).toBe(true);
    // Version 1 is still disabled; enabling it, it signs with ec1.
    await expectKvError(a.vault.keys.sign("bk", versions[0], { alg: "ES256", value: digest }, ctx), {
      status: 403,
      code: "Forbidden",
      message: "Operation sign is not allowed on a disabled key.",
    });
    await a.vault.keys.updateKey("bk", versions[0], { attributes: { enabled: true } }, ctx);
    const sig1 = await a.vault.keys.sign("bk", versions[0], { alg: "ES256", value: digest }, ctx);
    expect(nc.verify("sha256", msg, { key: ec1.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(sig1.value, "base64url"))).toBe(true);
    await a.vault.keys.updateKey("bk", versions[0], { attributes: { enabled: false } }, ctx);
  });

  it("a name that exists gets 409, and nothing changes", async () => {
    const now = await snapshot(a, "bk");
    await expectKvError(a.vault.keys.restoreKey({ value }, ctx), {
      status: 409,
      code: "Conflict",
      message: "Key bk already exists. A backup can only be restored under a name that is not in use.",
    });
    expect(await snapshot(a, "bk")).toEqual(now);
  });

  it("a deleted name gets 409 ObjectIsDeletedButRecoverable", async () => {
    await a.vault.keys.deleteKey("bk", ctx);
    await expectKvError(a.vault.keys.restoreKey({ value }, ctx), deletedConflict("bk"));
    await a.vault.keys.recoverDeletedKey("bk", ctx);
  });

  it("another vault that shares the security domain (file) restores it, in another engine instance", async () => {
    const c = await openVault({ securityDomainFile: join(dir, "domain.json") });
    expect(c.vault.securityDomainId).toBe(a.vault.securityDomainId);
    await c.vault.keys.restoreKey({ value }, ctx);
    expect(await snapshot(c, "bk")).toEqual(before);
    const digest = b64u(nc.randomBytes(32));
    const sig = await c.vault.keys.sign("bk", versions[1], { alg: "ES256", value: digest }, ctx);
    expect((await a.vault.keys.verify("bk", versions[1], { alg: "ES256", digest, value: sig.value }, ctx)).value).toBe(true);
  });

  it("a vault of another security domain refuses it, writing nothing", async () => {
    const b = await openVault();
    expect(b.vault.securityDomainId).not.toBe(a.vault.securityDomainId);
    await expectRefusedWithoutWrites(b, value);
    expect(await b.store.names("key")).toEqual([]);
  });
});

describe("tampering", () => {
  let value: string;
  let blob: Buffer;
  let t: Fixture;

  beforeAll(async () => {
    t = await openVault();
    await t.vault.keys.importKey("tamper", { key: oct1.jwk, tags: { a: "b" } }, ctx);
    await t.vault.keys.importKey("tamper", { key: { ...oct2.jwk, key_ops: ["wrapKey"] } }, ctx);
    value = (await t.vault.keys.backupKey("tamper", ctx)).value;
    blob = Buffer.from(value, "base64url");
    await t.vault.keys.deleteKey("tamper", ctx);
    await t.vault.keys.purgeDeletedKey("tamper", ctx);
  });

  it("every single-byte change is refused with the generic message, and nothing is written", async () => {
    const names = await t.store.names("key");
    const count = t.engine.keyCount();
    let refused = 0;
    for (let i = 0; i < blob.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const changed = Buffer.from(blob);
        changed[i]! ^= mask;
        await expectKvError(t.vault.keys.restoreKey({ value: b64u(changed) }, ctx), INVALID);
        refused++;
      }
    }
    expect(refused).toBe(2 * blob.length);
    expect(await t.store.names("key")).toEqual(names);
    expect(t.engine.keyCount()).toBe(count);
  });

  it("every truncation is refused, and so is an appended byte", async () => {
    const count = t.engine.keyCount();
    for (let len = 0; len < blob.length; len++) {
      await expectKvError(t.vault.keys.restoreKey({ value: b64u(blob.subarray(0, len)) }, ctx), INVALID);
    }
    await expectKvError(t.vault.keys.restoreKey({ value: b64u(Buffer.concat([blob, Buffer.from([0])])) }, ctx), INVALID);
    expect(await t.store.names("key")).toEqual([]);
    expect(t.engine.keyCount()).toBe(count);
  });

  it("the untouched blob still restores (the loops above refused for the right reason), and its keys work", async () => {
    await t.vault.keys.restoreKey({ value }, ctx);
    const data = nc.randomBytes(16);
    const out = await t.vault.keys.wrapKey("tamper", undefined, { alg: "A128KW", value: b64u(data) }, ctx);
    expect(Buffer.from(out.value, "base64url")).toEqual(aesKw(oct2.k, data));
    const first = (await t.vault.keys.listKeyVersions("tamper", {}, ctx)).value[0]!.kid.split("/").at(-1);
    const out1 = await t.vault.keys.wrapKey("tamper", first, { alg: "A128KW", value: b64u(data) }, ctx);
    expect(Buffer.from(out1.value, "base64url")).toEqual(aesKw(oct1.k, data));
  });

  it.each([
    ["no value", {}],
    ["a value that is not base64url", { value: "not base64!" }],
    ["a value that is a number", { value: 12 }],
  ])("%s is refused", async (_what, body) => {
    await expectKvError(t.vault.keys.restoreKey(body as any, ctx), bad("The backup blob must be a base64url string in 'value'."));
  });

  it("a body that is not an object is refused", async () => {
    await expectKvError(t.vault.keys.restoreKey(null as any, ctx), bad("The request body must be a JSON object."));
  });

  it("backupKey of unknown or badly named keys", async () => {
    await expectKvError(t.vault.keys.backupKey("nope", ctx), notFound("nope"));
    await expectKvError(
      t.vault.keys.backupKey("no pe", ctx),
      bad(`The key name "no pe" is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.`),
    );
  });
});

describe("authentic blobs that must still be refused (made with the domain key itself)", () => {
  let s: Fixture;
  let other: Fixture;
  let ours: Awaited<ReturnType<typeof openSecurityDomain>>;
  let theirs: Awaited<ReturnType<typeof openSecurityDomain>>;
  let payload: { kind: string; versions: any[]; state?: unknown };
  let foreignSealed: string;

  beforeAll(async () => {
    s = await openVault();
    other = await openVault(); // its own engine: an engine holds one domain for life
    // Second handles to each vault's domain key, opened from its store the way the vault opens it.
    ours = await openSecurityDomain(s.engine, s.store, {});
    theirs = await openSecurityDomain(other.engine, other.store, {});
    await s.vault.keys.importKey("src", { key: oct1.jwk }, ctx);
    payload = { kind: "key", versions: (await s.store.get("key", "src"))!.versions };
    await other.vault.keys.importKey("foreign", { key: oct2.jwk }, ctx);
    foreignSealed = (await other.store.get("key", "foreign"))!.versions[0]!.sealed!;
  });

  function craft(o: {
    formatVersion?: number;
    domainId?: Uint8Array;
    name?: string;
    payload?: unknown;
    raw?: Uint8Array;
    key?: typeof ours;
  }): string {
    const header = encodeHeader({
      formatVersion: o.formatVersion ?? FORMAT_VERSION,
      domainId: o.domainId ?? ours.id,
      name: o.name ?? "crafted",
      created: T0,
    });
    const plain = o.raw ?? new TextEncoder().encode(JSON.stringify(o.payload ?? payload));
    const engine = o.key === theirs ? other.engine : s.engine;
    const sealed = engine.backupEncrypt((o.key ?? ours).handle, header, plain);
    return b64u(Buffer.concat([header, sealed]));
  }

  it("a key backup in format 1 (made before the object lifecycle: flat versions) still restores", async () => {
    const flat = payload.versions.map((v) => ({
      version: v.version,
      kty: v.props.kty,
      keySize: v.props.keySize,
      keyOps: v.props.keyOps,
      attributes: v.attributes,
      publicJwk: v.props.publicJwk,
      sealed: v.sealed,
    }));
    const value = craft({
      formatVersion: 1,
      name: "legacy-ok",
      payload: { versions: flat, rotationPolicy: { lifetimeActions: [], attributes: {} } },
    });
    const restored = await s.vault.keys.restoreKey({ value }, ctx);
    expect(restored.key.kid).toBe(`https://vault.test/keys/legacy-ok/${payload.versions[0].version}`);
    expect(restored.key.kty).toBe(payload.versions[0].props.kty);
    const wrapped = await s.vault.keys.wrapKey("legacy-ok", undefined, { alg: "A128KW", value: b64u(new Uint8Array(16)) }, ctx);
    expect((await s.vault.keys.unwrapKey("src", undefined, { alg: "A128KW", value: wrapped.value }, ctx)).value).toBe(
      b64u(new Uint8Array(16)),
    );
  });

  it("the crafting itself is right: a well-formed blob restores", async () => {
    await s.vault.keys.restoreKey({ value: craft({ name: "crafted-ok" }) }, ctx);
    expect((await s.vault.keys.getKey("crafted-ok", undefined, ctx)).key.kid).toBe(
      `https://vault.test/keys/crafted-ok/${payload.versions[0].version}`,
    );
  });

  it.each([
    [`an unknown format version (${FORMAT_VERSION + 1})`, () => craft({ formatVersion: FORMAT_VERSION + 1 })],
    ["format version 0", () => craft({ formatVersion: 0 })],
    ["another domain's id in the header, under our key", () => craft({ domainId: theirs.id })],
    ["our domain's id in the header, under another domain's key", () => craft({ key: theirs })],
    ["another domain's blob altogether", () => craft({ domainId: theirs.id, key: theirs })],
    ["a name that breaks the name rules", () => craft({ name: "bad_name" })],
    ["an empty name", () => craft({ name: "" })],
    ["a payload that is not JSON", () => craft({ raw: new TextEncoder().encode("{not json") })],
    ["a payload that is not UTF-8", () => craft({ raw: new Uint8Array([0xff, 0xfe, 0x7b]) })],
    ["no versions", () => craft({ payload: { ...payload, versions: [] } })],
    ["versions not an array", () => craft({ payload: { ...payload, versions: {} } })],
    [
      "a version without sealed material",
      () => craft({ payload: { ...payload, versions: [{ ...payload.versions[0], sealed: undefined }] } }),
    ],
    ["a version with a bad version id", () => craft({ payload: { ...payload, versions: [{ ...payload.versions[0], version: "ABC" }] } })],
    [
      "a version with an unknown kty",
      () => craft({ payload: { ...payload, versions: [{ ...payload.versions[0], props: { ...payload.versions[0].props, kty: "DSA" } }] } }),
    ],
    ["another kind of object (a secret)", () => craft({ payload: { ...payload, kind: "secret" } })],
    ["no kind", () => craft({ payload: { ...payload, kind: undefined } })],
    ["a key backup in format 1 whose versions are in format 2's shape", () => craft({ formatVersion: 1 })],
    [
      "a version sealed under another domain",
      () => craft({ payload: { ...payload, versions: [{ ...payload.versions[0], sealed: foreignSealed }] } }),
    ],
    [
      "a version whose sealed material is changed",
      () => {
        const sealed = Buffer.from(payload.versions[0].sealed, "base64url");
        sealed[sealed.length - 1]! ^= 1;
        return craft({ payload: { ...payload, versions: [{ ...payload.versions[0], sealed: b64u(sealed) }] } });
      },
    ],
    [
      "a second version sealed under another domain after a good one",
      () =>
        craft({
          payload: {
            ...payload,
            versions: [payload.versions[0], { ...payload.versions[0], version: "a".repeat(32), sealed: foreignSealed }],
          },
        }),
    ],
  ] as const)("%s", async (_what, make) => {
    await expectRefusedWithoutWrites(s, make());
    await expectKvError(s.vault.keys.getKey("crafted", undefined, ctx), notFound("crafted"));
  });
});

function versionOf(kid: string | undefined): string {
  return kid!.split("/").at(-1)!;
}

// Soft delete: deleteKey, getDeletedKey, listDeletedKeys, recoverDeletedKey, purgeDeletedKey, the 409 on a
// deleted name, and the purge date driven by the injectable clock.
import * as nc from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { ecKey, octKey } from "../jwk/keys.js";
import { DAY, T0, b64u, bad, ctx, deletedConflict, expectKvError, notFound, newEngine, openVault, type Fixture } from "./fixture.js";
import { aesKw } from "./node-check.js";

const deletedNotFound = (name: string) => ({ status: 404, code: "KeyNotFound", message: `Deleted Key not found: ${name}` });

let f: Fixture;
beforeEach(async () => {
  f = await openVault();
});

async function threeVersions(name: string) {
  const keys = [octKey(256), octKey(256), octKey(256)];
  const versions: string[] = [];
  for (const k of keys)
    versions.push((await f.vault.keys.importKey(name, { key: k.jwk, tags: { t: name } }, ctx)).key.kid!.split("/").at(-1)!);
  return { keys, versions };
}

describe("deleteKey", () => {
  it("returns the DeletedKeyBundle of the newest version with recoveryId, deletedDate and scheduledPurgeDate (+90 days)", async () => {
    const { versions } = await threeVersions("del");
    f.clock.advance(1000);
    const d = await f.vault.keys.deleteKey("del", ctx);
    expect(d).toEqual({
      key: { kid: `https://vault.test/keys/del/${versions[2]}`, kty: "oct", key_ops: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] },
      attributes: {
        enabled: true,
        created: T0,
        updated: T0,
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
        exportable: false,
      },
      tags: { t: "del" },
      recoveryId: "https://vault.test/deletedkeys/del",
      deletedDate: T0 + 1000,
      scheduledPurgeDate: T0 + 1000 + 90 * DAY,
    });
    expect(await f.vault.keys.getDeletedKey("del", ctx)).toEqual(d);
  });

  it("a deleted key is gone from getKey, every operation, listKeys and listKeyVersions, and is in listDeletedKeys", async () => {
    const { versions } = await threeVersions("gone");
    await f.vault.keys.importKey("stays", { key: octKey(128).jwk }, ctx);
    await f.vault.keys.deleteKey("gone", ctx);
    await expectKvError(f.vault.keys.getKey("gone", undefined, ctx), notFound("gone"));
    await expectKvError(f.vault.keys.getKey("gone", versions[0], ctx), notFound("gone"));
    await expectKvError(f.vault.keys.wrapKey("gone", versions[1], { alg: "A256KW", value: b64u(Buffer.alloc(16)) }, ctx), notFound("gone"));
    await expectKvError(f.vault.keys.updateKey("gone", undefined, { tags: {} }, ctx), notFound("gone"));
    expect(await f.vault.keys.listKeyVersions("gone", {}, ctx)).toEqual({ value: [], nextLink: null });
    await expectKvError(f.vault.keys.backupKey("gone", ctx), notFound("gone"));
    await expectKvError(f.vault.keys.rotateKey("gone", ctx), notFound("gone"));
    await expectKvError(f.vault.keys.getRotationPolicy("gone", ctx), notFound("gone"));
    await expectKvError(f.vault.keys.deleteKey("gone", ctx), notFound("gone"));
    expect((await f.vault.keys.listKeys({}, ctx)).value.map((i) => i.kid)).toEqual(["https://vault.test/keys/stays"]);
    const deleted = await f.vault.keys.listDeletedKeys({}, ctx);
    expect(deleted.value).toEqual([
      {
        kid: "https://vault.test/keys/gone",
        attributes: {
          enabled: true,
          created: T0,
          updated: T0,
          recoveryLevel: "Recoverable+Purgeable",
          recoverableDays: 90,
          exportable: false,
        },
        tags: { t: "gone" },
        managed: false,
        recoveryId: "https://vault.test/deletedkeys/gone",
        deletedDate: T0,
        scheduledPurgeDate: T0 + 90 * DAY,
      },
    ]);
    expect(deleted.nextLink).toBeNull();
  });

  it("a deleted name gets 409 on createKey, importKey and BYOK import, and nothing is written or left in the engine", async () => {
    await f.vault.keys.createKey("taken", { kty: "EC" }, ctx);
    await f.vault.keys.deleteKey("taken", ctx);
    const count = f.engine.keyCount();
    const before = await f.store.get("key", "taken");
    await expectKvError(f.vault.keys.createKey("taken", { kty: "EC" }, ctx), deletedConflict("taken"));
    await expectKvError(f.vault.keys.createKey("taken", { kty: "oct" }, ctx), deletedConflict("taken"));
    await expectKvError(f.vault.keys.importKey("taken", { key: ecKey("P-256").jwk }, ctx), deletedConflict("taken"));
    expect(f.engine.keyCount()).toBe(count);
    expect(await f.store.get("key", "taken")).toEqual(before);
  });

  it("listDeletedKeys pages with maxresults", async () => {
    for (let i = 0; i < 5; i++) {
      await f.vault.keys.importKey(`d${i}`, { key: octKey(128).jwk }, ctx);
      await f.vault.keys.deleteKey(`d${i}`, ctx);
    }
    const first = await f.vault.keys.listDeletedKeys({ maxresults: 2 }, ctx);
    expect(first.value.map((i) => i.kid)).toEqual(["https://vault.test/keys/d0", "https://vault.test/keys/d1"]);
    expect(first.nextLink).toMatch(/^https:\/\/vault\.test\/deletedkeys\?/);
    const url = new URL(first.nextLink!);
    const second = await f.vault.keys.listDeletedKeys({ maxresults: 2, skiptoken: url.searchParams.get("$skiptoken")! }, ctx);
    expect(second.value.map((i) => i.kid)).toEqual(["https://vault.test/keys/d2", "https://vault.test/keys/d3"]);
    await expectKvError(
      f.vault.keys.listDeletedKeys({ maxresults: 30 }, ctx),
      bad("maxresults must be a whole number from 1 to 25; got 30."),
    );
  });

  it.each([
    ["getDeletedKey", () => f.vault.keys.getDeletedKey("live", ctx)],
    ["recoverDeletedKey", () => f.vault.keys.recoverDeletedKey("live", ctx)],
    ["purgeDeletedKey", () => f.vault.keys.purgeDeletedKey("live", ctx)],
  ] as const)("%s of a live key is 404", async (_op, call) => {
    await f.vault.keys.importKey("live", { key: octKey(128).jwk }, ctx);
    await expectKvError(call(), deletedNotFound("live"));
    await expect(f.vault.keys.getKey("live", undefined, ctx)).resolves.toBeTruthy();
  });

  it.each([
    ["deleteKey", () => f.vault.keys.deleteKey("bad_name", ctx)],
    ["getDeletedKey", () => f.vault.keys.getDeletedKey("bad_name", ctx)],
    ["recoverDeletedKey", () => f.vault.keys.recoverDeletedKey("bad_name", ctx)],
    ["purgeDeletedKey", () => f.vault.keys.purgeDeletedKey("bad_name", ctx)],
  ] as const)("%s with a bad name is 400", async (_op, call) => {
    await expectKvError(call(), bad(`The key name "bad_name" is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.`));
  });

  it("unknown names are 404", async () => {
    await expectKvError(f.vault.keys.deleteKey("nope", ctx), notFound("nope"));
    await expectKvError(f.vault.keys.getDeletedKey("nope", ctx), deletedNotFound("nope"));
  });
});

describe("recoverDeletedKey", () => {
  it("restores every version, with its ids, attributes and tags, and every version works again", async () => {
    const { keys, versions } = await threeVersions("rec");
    await f.vault.keys.updateKey("rec", versions[0], { attributes: { enabled: false } }, ctx);
    const beforeVersions = await f.vault.keys.listKeyVersions("rec", {}, ctx);
    await f.vault.keys.deleteKey("rec", ctx);
    f.clock.advance(10 * DAY);
    const b = await f.vault.keys.recoverDeletedKey("rec", ctx);
    expect(b.key.kid).toBe(`https://vault.test/keys/rec/${versions[2]}`);
    expect(b).not.toHaveProperty("recoveryId");
    expect(await f.vault.keys.listKeyVersions("rec", {}, ctx)).toEqual(beforeVersions);
    const data = nc.randomBytes(32);
    for (const i of [1, 2]) {
      const out = await f.vault.keys.wrapKey("rec", versions[i], { alg: "A256KW", value: b64u(data) }, ctx);
      expect(Buffer.from(out.value, "base64url")).toEqual(aesKw(keys[i]!.k, data));
    }
    await expectKvError(f.vault.keys.getDeletedKey("rec", ctx), deletedNotFound("rec"));
    expect((await f.vault.keys.listDeletedKeys({}, ctx)).value).toEqual([]);
  });
});

describe("purgeDeletedKey", () => {
  it("wipes the key from the engine and the store; the name is free again", async () => {
    const baseline = f.engine.keyCount();
    const { versions } = await threeVersions("purge-me");
    // Use every version so that each has an unsealed copy in the engine.
    for (const v of versions) await f.vault.keys.wrapKey("purge-me", v, { alg: "A256KW", value: b64u(Buffer.alloc(16)) }, ctx);
    expect(f.engine.keyCount()).toBeGreaterThan(baseline);
    await f.vault.keys.deleteKey("purge-me", ctx);
    await expect(f.vault.keys.purgeDeletedKey("purge-me", ctx)).resolves.toBeUndefined();
    expect(f.engine.keyCount()).toBe(baseline);
    expect(await f.store.get("key", "purge-me")).toBeUndefined();
    expect(await f.store.names("key")).not.toContain("purge-me");
    await expectKvError(f.vault.keys.getDeletedKey("purge-me", ctx), deletedNotFound("purge-me"));
    await expectKvError(f.vault.keys.recoverDeletedKey("purge-me", ctx), deletedNotFound("purge-me"));
    await expectKvError(f.vault.keys.purgeDeletedKey("purge-me", ctx), deletedNotFound("purge-me"));
    const again = await f.vault.keys.importKey("purge-me", { key: octKey(128).jwk }, ctx);
    expect(versions).not.toContain(again.key.kid!.split("/").at(-1));
    expect((await f.vault.keys.listKeyVersions("purge-me", {}, ctx)).value.length).toBe(1);
  });

  it("the clock purges a deleted key at its scheduledPurgeDate, not before", async () => {
    const baseline = f.engine.keyCount();
    await f.vault.keys.importKey("timed", { key: octKey(128).jwk }, ctx);
    const d = await f.vault.keys.deleteKey("timed", ctx);
    f.clock.set(d.scheduledPurgeDate - 1);
    await expect(f.vault.keys.getDeletedKey("timed", ctx)).resolves.toEqual(d);
    expect((await f.vault.keys.listDeletedKeys({}, ctx)).value.length).toBe(1);
    f.clock.set(d.scheduledPurgeDate);
    await expectKvError(f.vault.keys.getDeletedKey("timed", ctx), deletedNotFound("timed"));
    expect(await f.store.get("key", "timed")).toBeUndefined();
    expect(f.engine.keyCount()).toBe(baseline);
    await expect(f.vault.keys.createKey("timed", { kty: "oct" }, ctx)).resolves.toBeTruthy();
  });

  it("listDeletedKeys drops keys whose purge date has passed", async () => {
    await f.vault.keys.importKey("old", { key: octKey(128).jwk }, ctx);
    await f.vault.keys.deleteKey("old", ctx);
    f.clock.advance(50 * DAY);
    await f.vault.keys.importKey("young", { key: octKey(128).jwk }, ctx);
    await f.vault.keys.deleteKey("young", ctx);
    f.clock.advance(41 * DAY);
    expect((await f.vault.keys.listDeletedKeys({}, ctx)).value.map((i) => i.kid)).toEqual(["https://vault.test/keys/young"]);
    expect(await f.store.names("key")).toEqual(["young"]);
  });

  it("a vault opened with recoverableDays 7 schedules the purge 7 days out", async () => {
    const { Vault } = await import("../../../src/vault/index.js");
    const vault = await Vault.open({ hsm: await newEngine(), clock: f.clock.now, recoverableDays: 7 });
    const b = await vault.keys.importKey("short", { key: octKey(128).jwk }, ctx);
    expect(b.attributes.recoverableDays).toBe(7);
    const d = await vault.keys.deleteKey("short", ctx);
    expect(d.scheduledPurgeDate - d.deletedDate).toBe(7 * DAY);
  });
});

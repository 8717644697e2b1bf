// Object names are case-insensitive, as Key Vault's identifiers are: every operation finds an object
// whatever the casing of the request, and identifiers keep the casing given at creation.
import { describe, expect, it } from "vitest";
import { DAY, ctx, deletedConflict, expectKvError, openVault } from "./fixture.js";

describe("case-insensitive names", () => {
  it("get, update, operate, rotate, list versions and back up by any casing; the kid keeps the creation casing", async () => {
    const { vault } = await openVault();
    const created = await vault.keys.createKey("MyKey", { kty: "EC", crv: "P-256" }, ctx);
    const version = created.key.kid!.split("/").at(-1)!;
    expect(created.key.kid).toBe(`https://vault.test/keys/MyKey/${version}`);
    for (const name of ["mykey", "MYKEY", "mYkEy"]) {
      expect((await vault.keys.getKey(name, undefined, ctx)).key.kid).toBe(created.key.kid);
      expect((await vault.keys.getKey(name, version, ctx)).key.kid).toBe(created.key.kid);
    }
    const digest = Buffer.alloc(32, 7).toString("base64url");
    const sig = await vault.keys.sign("MYKEY", undefined, { alg: "ES256", value: digest }, ctx);
    expect(sig.kid).toBe(created.key.kid);
    expect((await vault.keys.verify("mykey", version, { alg: "ES256", digest, value: sig.value }, ctx)).value).toBe(true);
    await vault.keys.updateKey("MYKEY", undefined, { tags: { t: "1" } }, ctx);
    expect((await vault.keys.getKey("MyKey", undefined, ctx)).tags).toEqual({ t: "1" });
    const rotated = await vault.keys.rotateKey("mykey", ctx);
    expect(rotated.key.kid).toMatch(/^https:\/\/vault\.test\/keys\/MyKey\/[0-9a-f]{32}$/);
    const versions = await vault.keys.listKeyVersions("MYKEY", {}, ctx);
    expect(versions.value.map((i) => i.kid)).toEqual([created.key.kid, rotated.key.kid]);
    expect((await vault.keys.listKeys({}, ctx)).value.map((i) => i.kid)).toEqual(["https://vault.test/keys/MyKey"]);
    expect((await vault.keys.getRotationPolicy("MYKEY", ctx)).id).toBe("https://vault.test/keys/MyKey/rotationpolicy");
  });

  it("create under another casing adds a version to the same key, not a second key", async () => {
    const { vault } = await openVault();
    await vault.keys.createKey("Shared", { kty: "oct", key_size: 128 }, ctx);
    const second = await vault.keys.createKey("SHARED", { kty: "oct", key_size: 128 }, ctx);
    expect(second.key.kid).toMatch(/\/keys\/Shared\/[0-9a-f]{32}$/);
    expect((await vault.keys.listKeys({}, ctx)).value).toHaveLength(1);
    expect((await vault.keys.listKeyVersions("shared", {}, ctx)).value).toHaveLength(2);
  });

  it("delete, the deleted name's conflict, recover and purge by any casing", async () => {
    const { vault, clock } = await openVault();
    await vault.keys.createKey("Gone", { kty: "oct", key_size: 128 }, ctx);
    const deleted = await vault.keys.deleteKey("GONE", ctx);
    expect(deleted.recoveryId).toBe("https://vault.test/deletedkeys/Gone");
    await expectKvError(vault.keys.createKey("gone", { kty: "oct" }, ctx), deletedConflict("Gone"));
    expect((await vault.keys.getDeletedKey("gOnE", ctx)).key.kid).toMatch(/\/keys\/Gone\//);
    await vault.keys.recoverDeletedKey("gone", ctx);
    await vault.keys.deleteKey("Gone", ctx);
    await vault.keys.purgeDeletedKey("GONE", ctx);
    expect((await vault.keys.listDeletedKeys({}, ctx)).value).toEqual([]);
    clock.advance(DAY);
    await vault.keys.createKey("gone", { kty: "oct", key_size: 128 }, ctx);
    expect((await vault.keys.listKeys({}, ctx)).value.map((i) => i.kid)).toEqual(["https://vault.test/keys/gone"]);
  });

  it("a backup restores under its creation casing, and collides with the name in any casing", async () => {
    const { vault } = await openVault();
    await vault.keys.createKey("Backed", { kty: "oct", key_size: 128 }, ctx);
    const { value } = await vault.keys.backupKey("BACKED", ctx);
    await expectKvError(vault.keys.restoreKey({ value }, ctx), {
      status: 409,
      code: "Conflict",
      message: "Key Backed already exists. A backup can only be restored under a name that is not in use.",
    });
    await vault.keys.deleteKey("backed", ctx);
    await vault.keys.purgeDeletedKey("backed", ctx);
    expect((await vault.keys.restoreKey({ value }, ctx)).key.kid).toMatch(/\/keys\/Backed\//);
  });

  it("lists come in case-folded name order, whatever the casing", async () => {
    const { vault } = await openVault();
    for (const name of ["bravo", "Alpha", "charlie", "ALPHA2"]) await vault.keys.createKey(name, { kty: "oct", key_size: 128 }, ctx);
    const names = (await vault.keys.listKeys({ maxresults: 3 }, ctx)).value.map((i) => i.kid.split("/").at(-1));
    expect(names).toEqual(["Alpha", "ALPHA2", "bravo"]);
  });
});

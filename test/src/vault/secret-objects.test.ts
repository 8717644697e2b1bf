// Secrets on the shared lifecycle (src/vault/secrets): set, get, update, versions, soft delete, backup,
// the value limit, disabled and managed secrets, and values sealed in the store.
import { describe, expect, it } from "vitest";
import type { SecretState, SecretVersionProps, VersionRecord } from "../../../src/store/types.js";
import { DAY, bad, ctx, expectKvError, openVault } from "./fixture.js";

const secretNotFound = (name: string, version?: string) => ({
  status: 404,
  code: "SecretNotFound",
  message: `A secret with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault.`,
});
const disabled = {
  status: 403,
  code: "Forbidden",
  message: "Operation get is not allowed on a disabled secret.",
  innerCode: "SecretDisabled",
};
const versionOf = (id: string) => id.split("/").at(-1)!;

describe("set and get", () => {
  it("set makes a new version each time; get answers the current one or a given one, with value, contentType, attributes and tags", async () => {
    const { vault, clock } = await openVault();
    const first = await vault.secrets.setSecret("s1", { value: "one", contentType: "text/plain", tags: { a: "b" } }, ctx);
    expect(first).toEqual({
      value: "one",
      id: `https://vault.test/secrets/s1/${versionOf(first.id)}`,
      contentType: "text/plain",
      attributes: {
        enabled: true,
        created: clock.seconds,
        updated: clock.seconds,
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
      },
      tags: { a: "b" },
    });
    expect(versionOf(first.id)).toMatch(/^[0-9a-f]{32}$/);
    clock.advance(5);
    const second = await vault.secrets.setSecret("s1", { value: "two", attributes: { exp: clock.seconds + DAY } }, ctx);
    expect(versionOf(second.id)).not.toBe(versionOf(first.id));
    expect(await vault.secrets.getSecret("s1", undefined, ctx)).toEqual(second);
    expect(await vault.secrets.getSecret("s1", "", ctx)).toEqual(second);
    expect(await vault.secrets.getSecret("s1", versionOf(first.id), ctx)).toEqual(first);
    expect(second).not.toHaveProperty("contentType");
    expect(second).not.toHaveProperty("managed");
    expect(second).not.toHaveProperty("kid");
  });

  it.each([
    ["empty", ""],
    ["unicode", "päß 🔑 \u0000 ✓ \u{10ffff}"],
    ["25 KB exactly", "x".repeat(25 * 1024)],
    ["25 KB of 3-byte characters exactly", "€".repeat((25 * 1024) / 4) + "x".repeat(25 * 1024 - ((25 * 1024) / 4) * 3)],
    ["JSON-looking", '{"value":"nested"}'],
  ])("a value that is %s round-trips", async (_what, value) => {
    const { vault } = await openVault();
    expect(new TextEncoder().encode(value).length).toBeLessThanOrEqual(25 * 1024);
    expect((await vault.secrets.setSecret("v", { value }, ctx)).value).toBe(value);
    expect((await vault.secrets.getSecret("v", undefined, ctx)).value).toBe(value);
  });

  it("a value over 25 KB (one byte over, or in UTF-8 bytes) is refused with 400, and nothing is stored", async () => {
    const { vault, store } = await openVault();
    await expectKvError(
      vault.secrets.setSecret("big", { value: "x".repeat(25 * 1024 + 1) }, ctx),
      bad("The secret value is 25601 bytes of UTF-8; Key Vault's limit is 25600 bytes (25 KB)."),
    );
    await expectKvError(
      vault.secrets.setSecret("big", { value: "€".repeat(9000) }, ctx),
      bad("The secret value is 27000 bytes of UTF-8; Key Vault's limit is 25600 bytes (25 KB)."),
    );
    expect(await store.names("secret")).toEqual([]);
  });

  it.each([
    [{}, "The secret value must be a string in 'value'."],
    [{ value: 5 }, "The secret value must be a string in 'value'."],
    [{ value: null }, "The secret value must be a string in 'value'."],
    [{ value: "v", contentType: 7 }, "contentType must be a string."],
    [{ value: "v", contentType: "t".repeat(256) }, "contentType must be at most 255 characters; got 256."],
    [{ value: "v", tags: { a: 1 } }, 'The value of tag "a" must be a string.'],
    [{ value: "v", attributes: { nbf: 10, exp: 5 } }, "attributes.exp must be later than attributes.nbf."],
  ])("a bad set body %j is refused: %s", async (body, message) => {
    const { vault } = await openVault();
    await expectKvError(vault.secrets.setSecret("s", body as never, ctx), bad(message));
  });

  it("a bad name is refused naming the secret", async () => {
    const { vault } = await openVault();
    await expectKvError(
      vault.secrets.setSecret("bad_name", { value: "v" }, ctx),
      bad(`The secret name "bad_name" is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.`),
    );
  });

  it("a missing secret or version is 404 SecretNotFound; the versions of a missing secret are an empty list", async () => {
    const { vault } = await openVault();
    await expectKvError(vault.secrets.getSecret("nope", undefined, ctx), secretNotFound("nope"));
    await vault.secrets.setSecret("here", { value: "v" }, ctx);
    await expectKvError(vault.secrets.getSecret("here", "0".repeat(32), ctx), secretNotFound("here", "0".repeat(32)));
    expect(await vault.secrets.listSecretVersions("nope", {}, ctx)).toEqual({ value: [], nextLink: null });
  });

  it("names are case-insensitive and keep the casing of creation", async () => {
    const { vault } = await openVault();
    const s = await vault.secrets.setSecret("MySecret", { value: "v1" }, ctx);
    await vault.secrets.setSecret("MYSECRET", { value: "v2" }, ctx);
    expect((await vault.secrets.getSecret("mysecret", versionOf(s.id), ctx)).value).toBe("v1");
    expect((await vault.secrets.getSecret("mysecret", undefined, ctx)).id).toMatch(/\/secrets\/MySecret\//);
    expect((await vault.secrets.listSecretVersions("mYsEcReT", {}, ctx)).value).toHaveLength(2);
  });

  it("secrets and keys are separate name spaces", async () => {
    const { vault } = await openVault();
    await vault.keys.createKey("shared-name", { kty: "oct", key_size: 128 }, ctx);
    await vault.secrets.setSecret("shared-name", { value: "v" }, ctx);
    expect((await vault.secrets.getSecret("shared-name", undefined, ctx)).value).toBe("v");
    await vault.keys.deleteKey("shared-name", ctx);
    expect((await vault.secrets.getSecret("shared-name", undefined, ctx)).value).toBe("v");
  });
});

describe("update", () => {
  it("changes contentType, attributes and tags of one version, answers without the value, and keeps the value", async () => {
    const { vault, clock } = await openVault();
    const first = await vault.secrets.setSecret("u", { value: "keep me", tags: { a: "1" } }, ctx);
    await vault.secrets.setSecret("u", { value: "newer" }, ctx);
    clock.advance(60);
    const updated = await vault.secrets.updateSecret(
      "u",
      versionOf(first.id),
      { contentType: "application/json", attributes: { enabled: false, nbf: 1, exp: 2_000_000_000 }, tags: { b: "2" } },
      ctx,
    );
    expect(updated).toEqual({
      id: first.id,
      contentType: "application/json",
      attributes: { ...first.attributes, enabled: false, nbf: 1, exp: 2_000_000_000, updated: clock.seconds },
      tags: { b: "2" },
    });
    await vault.secrets.updateSecret("u", versionOf(first.id), { attributes: { enabled: true } }, ctx);
    const read = await vault.secrets.getSecret("u", versionOf(first.id), ctx);
    expect(read.value).toBe("keep me");
    expect(read.contentType).toBe("application/json");
    expect(read.tags).toEqual({ b: "2" });
  });

  it("an empty version updates the current one; members not sent are kept", async () => {
    const { vault } = await openVault();
    await vault.secrets.setSecret("u2", { value: "v", contentType: "ct", tags: { t: "1" } }, ctx);
    const updated = await vault.secrets.updateSecret("u2", "", { attributes: { exp: 2_000_000_000 } }, ctx);
    expect(updated.contentType).toBe("ct");
    expect(updated.tags).toEqual({ t: "1" });
    expect(updated.attributes.exp).toBe(2_000_000_000);
  });

  it("a value in an update body is refused: a value never changes", async () => {
    const { vault } = await openVault();
    await vault.secrets.setSecret("u3", { value: "v" }, ctx);
    await expectKvError(
      vault.secrets.updateSecret("u3", undefined, { value: "other" } as never, ctx),
      bad("The value of a secret cannot be changed; set a new version with PUT /secrets/{name}."),
    );
    expect((await vault.secrets.getSecret("u3", undefined, ctx)).value).toBe("v");
  });
});

describe("disabled and outside nbf/exp", () => {
  it("a disabled version is 403 SecretDisabled on get; other versions and lists still answer", async () => {
    const { vault } = await openVault();
    const first = await vault.secrets.setSecret("d", { value: "one" }, ctx);
    const second = await vault.secrets.setSecret("d", { value: "two", attributes: { enabled: false } }, ctx);
    await expectKvError(vault.secrets.getSecret("d", undefined, ctx), disabled);
    await expectKvError(vault.secrets.getSecret("d", versionOf(second.id), ctx), disabled);
    expect((await vault.secrets.getSecret("d", versionOf(first.id), ctx)).value).toBe("one");
    expect((await vault.secrets.listSecretVersions("d", {}, ctx)).value.map((i) => i.attributes.enabled)).toEqual([true, false]);
  });

  it("nbf and exp are informational: a secret is read before nbf and after exp", async () => {
    const { vault, clock } = await openVault();
    await vault.secrets.setSecret("early", { value: "e", attributes: { nbf: clock.seconds + DAY } }, ctx);
    await vault.secrets.setSecret("late", { value: "l", attributes: { exp: clock.seconds + 10 } }, ctx);
    clock.advance(60);
    expect((await vault.secrets.getSecret("early", undefined, ctx)).value).toBe("e");
    expect((await vault.secrets.getSecret("late", undefined, ctx)).value).toBe("l");
  });
});

describe("lists", () => {
  it("list pages through live secrets once, without values; versions list every version", async () => {
    const { vault } = await openVault();
    for (let i = 0; i < 7; i++) await vault.secrets.setSecret(`l${i}`, { value: `secret-value-${i}`, contentType: "text/plain" }, ctx);
    await vault.secrets.setSecret("l3", { value: "again" }, ctx);
    await vault.secrets.deleteSecret("l5", ctx);
    const seen: string[] = [];
    let page = await vault.secrets.listSecrets({ maxresults: 2 }, ctx);
    for (;;) {
      for (const item of page.value) {
        expect(item).not.toHaveProperty("value");
        seen.push(item.id);
      }
      if (!page.nextLink) break;
      page = await vault.secrets.listSecrets({ maxresults: 2, skiptoken: new URL(page.nextLink).searchParams.get("$skiptoken")! }, ctx);
    }
    expect(seen).toEqual(["l0", "l1", "l2", "l3", "l4", "l6"].map((n) => `https://vault.test/secrets/${n}`));
    const versions = await vault.secrets.listSecretVersions("l3", {}, ctx);
    expect(versions.value).toHaveLength(2);
    expect(versions.value[0]).toMatchObject({ contentType: "text/plain" });
    expect(versions.value[1]).not.toHaveProperty("contentType");
  });
});

describe("soft delete", () => {
  it("delete, 409 on reuse, get deleted, list deleted, recover, delete again, purge", async () => {
    const { vault, clock } = await openVault();
    await vault.secrets.setSecret("sd", { value: "v", tags: { t: "1" } }, ctx);
    const deleted = await vault.secrets.deleteSecret("sd", ctx);
    expect(deleted).toMatchObject({
      recoveryId: "https://vault.test/deletedsecrets/sd",
      deletedDate: clock.seconds,
      scheduledPurgeDate: clock.seconds + 90 * DAY,
      tags: { t: "1" },
    });
    expect(deleted).not.toHaveProperty("value");
    await expectKvError(vault.secrets.getSecret("sd", undefined, ctx), secretNotFound("sd"));
    await expectKvError(vault.secrets.setSecret("sd", { value: "new" }, ctx), {
      status: 409,
      code: "Conflict",
      message:
        "Secret sd is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.",
      innerCode: "ObjectIsDeletedButRecoverable",
    });
    expect(await vault.secrets.getDeletedSecret("sd", ctx)).toEqual(deleted);
    expect((await vault.secrets.listDeletedSecrets({}, ctx)).value.map((i) => i.recoveryId)).toEqual([
      "https://vault.test/deletedsecrets/sd",
    ]);
    const recovered = await vault.secrets.recoverDeletedSecret("sd", ctx);
    expect(recovered).not.toHaveProperty("value");
    expect((await vault.secrets.getSecret("sd", undefined, ctx)).value).toBe("v");
    await vault.secrets.deleteSecret("sd", ctx);
    await vault.secrets.purgeDeletedSecret("sd", ctx);
    await expectKvError(vault.secrets.getDeletedSecret("sd", ctx), {
      status: 404,
      code: "SecretNotFound",
      message: "Deleted Secret not found: sd",
    });
    await vault.secrets.setSecret("sd", { value: "fresh" }, ctx);
    expect((await vault.secrets.listSecretVersions("sd", {}, ctx)).value).toHaveLength(1);
  });

  it("a deleted, disabled secret answers get-deleted with 403 SecretDisabled, as the service does", async () => {
    const { vault } = await openVault();
    await vault.secrets.setSecret("dd", { value: "v", attributes: { enabled: false } }, ctx);
    await vault.secrets.deleteSecret("dd", ctx);
    await expectKvError(vault.secrets.getDeletedSecret("dd", ctx), disabled);
  });

  it("a deleted secret is purged when its purge date passes", async () => {
    const { vault, clock, store } = await openVault();
    await vault.secrets.setSecret("timed", { value: "v" }, ctx);
    await vault.secrets.deleteSecret("timed", ctx);
    clock.advance(90 * DAY);
    expect((await vault.secrets.listDeletedSecrets({}, ctx)).value).toEqual([]);
    expect(await store.get("secret", "timed")).toBeUndefined();
  });
});

describe("managed secrets (those that back a certificate)", () => {
  it("cannot be set, updated or deleted through the secrets API; they can be read", async () => {
    const { vault, store } = await openVault();
    await vault.secrets.setSecret("cert", { value: "pfx", contentType: "application/x-pkcs12" }, ctx);
    // What the certificates kind records: the secret is managed, its versions name the key.
    const rec = (await store.get("secret", "cert"))!;
    const v = rec.versions[0] as VersionRecord<SecretVersionProps>;
    await store.put({
      ...rec,
      state: { managed: true } satisfies SecretState,
      versions: [{ ...v, props: { ...v.props, kid: "https://vault.test/keys/cert/abc" } }],
    });
    const managed = (verb: string) => ({
      status: 403,
      code: "Forbidden",
      message: `Operation "${verb}" is not allowed as this object's lifetime is managed by Key Vault.`,
      innerCode: "SecretManagedByKeyVault",
    });
    await expectKvError(vault.secrets.setSecret("cert", { value: "other" }, ctx), managed("set"));
    await expectKvError(vault.secrets.updateSecret("cert", undefined, { tags: { a: "b" } }, ctx), managed("update"));
    await expectKvError(vault.secrets.deleteSecret("cert", ctx), managed("delete"));
    const read = await vault.secrets.getSecret("cert", undefined, ctx);
    expect(read).toMatchObject({
      value: "pfx",
      managed: true,
      kid: "https://vault.test/keys/cert/abc",
      contentType: "application/x-pkcs12",
    });
    expect((await vault.secrets.listSecrets({}, ctx)).value[0]).toMatchObject({ managed: true });
    expect((await store.get("secret", "cert"))!.versions).toHaveLength(1);
  });
});

describe("sealing", () => {
  it("the store holds no value in clear; a sealed value moved to another version or secret does not open", async () => {
    const { vault, store } = await openVault();
    const a = await vault.secrets.setSecret("a", { value: "alpha-secret-value" }, ctx);
    await vault.secrets.setSecret("b", { value: "bravo-secret-value" }, ctx);
    const json = JSON.stringify([await store.get("secret", "a"), await store.get("secret", "b")]);
    for (const needle of [
      "alpha-secret-value",
      "bravo-secret-value",
      Buffer.from("alpha-secret-value").toString("base64url"),
      Buffer.from("alpha-secret-value").toString("hex"),
    ]) {
      expect(json).not.toContain(needle);
    }
    // Swap the sealed values of two secrets in the store: neither opens (they are bound to name and version).
    const ra = (await store.get("secret", "a"))!;
    const rb = (await store.get("secret", "b"))!;
    await store.put({ ...ra, versions: [{ ...ra.versions[0]!, sealed: rb.versions[0]!.sealed }] });
    await expectKvError(vault.secrets.getSecret("a", versionOf(a.id), ctx), {
      status: 500,
      code: "InternalError",
      message: `The stored value of secret a/${versionOf(a.id)} does not open under this vault's security domain.`,
    });
  });
});

describe("backup and restore", () => {
  it("restores every version with its id, value, contentType, attributes and tags, under the same domain only", async () => {
    const { vault } = await openVault();
    const v1 = await vault.secrets.setSecret("bk", { value: "first", contentType: "a", tags: { x: "1" } }, ctx);
    const v2 = await vault.secrets.setSecret("bk", { value: "second", attributes: { enabled: false } }, ctx);
    const { value } = await vault.secrets.backupSecret("bk", ctx);
    await expectKvError(vault.secrets.restoreSecret({ value }, ctx), {
      status: 409,
      code: "Conflict",
      message: "Secret bk already exists. A backup can only be restored under a name that is not in use.",
    });
    await vault.secrets.deleteSecret("bk", ctx);
    await vault.secrets.purgeDeletedSecret("bk", ctx);
    const restored = await vault.secrets.restoreSecret({ value }, ctx);
    expect(restored).toEqual({ ...v2, value: undefined } as unknown as typeof restored);
    expect(await vault.secrets.getSecret("bk", versionOf(v1.id), ctx)).toEqual(v1);
    // Another vault (another domain) refuses it, and writes nothing.
    const other = await openVault();
    await expectKvError(other.vault.secrets.restoreSecret({ value }, ctx), {
      status: 400,
      code: "Malformed backup blob",
      message: "Backup blob contains invalid or corrupt version.",
    });
    expect(await other.store.names("secret")).toEqual([]);
  });

  it("a secret's backup does not restore as a key, nor a key's as a secret", async () => {
    const { vault } = await openVault();
    await vault.secrets.setSecret("cross", { value: "v" }, ctx);
    await vault.keys.createKey("crossk", { kty: "oct", key_size: 128 }, ctx);
    const s = await vault.secrets.backupSecret("cross", ctx);
    const k = await vault.keys.backupKey("crossk", ctx);
    const invalid = { status: 400, code: "Malformed backup blob", message: "Backup blob contains invalid or corrupt version." };
    await expectKvError(vault.keys.restoreKey({ value: s.value }, ctx), invalid);
    await expectKvError(vault.secrets.restoreSecret({ value: k.value }, ctx), invalid);
  });
});

// Soft delete with a delay (--delete-delay-ms): a delete or recover answers at once, and other reads
// see it only after the delay, as on the real service (the JS SDK's recording "can get the versions
// of a key" shows GET /deletedkeys/{name} 404 twice, then 200, right after the DELETE). The SDKs'
// pollers wait it out; e2e/release.test.ts drives the real poller.
import { describe, expect, it } from "vitest";
import { ctx, expectKvError, notFound, openVault, TestClock } from "./fixture.js";

const deletedNotFound = (name: string) => ({ status: 404, code: "KeyNotFound", message: `Deleted Key not found: ${name}` });

describe("a delete delay of 500 ms", () => {
  it("delete answers at once; the deleted key is seen only after the delay, and the live one is gone at once", async () => {
    const clock = new TestClock();
    const f = await openVault({ clock, vault: { deleteDelayMs: 500 } });
    await f.vault.keys.createKey("k", { kty: "EC" }, ctx);
    const d = await f.vault.keys.deleteKey("k", ctx);
    expect(d.recoveryId).toBe(`${ctx.vaultUrl}/deletedkeys/k`);
    await expectKvError(f.vault.keys.getKey("k", undefined, ctx), notFound("k"));
    await expectKvError(f.vault.keys.getDeletedKey("k", ctx), deletedNotFound("k"));
    expect((await f.vault.keys.listDeletedKeys({}, ctx)).value).toEqual([]);
    await expectKvError(f.vault.keys.recoverDeletedKey("k", ctx), deletedNotFound("k"));
    await expectKvError(f.vault.keys.purgeDeletedKey("k", ctx), deletedNotFound("k"));
    // The name is held meanwhile.
    await expectKvError(f.vault.keys.createKey("k", { kty: "EC" }, ctx), {
      status: 409,
      code: "Conflict",
      message: /deleted but recoverable/,
      innerCode: "ObjectIsDeletedButRecoverable",
    });
    clock.ms += 499;
    await expectKvError(f.vault.keys.getDeletedKey("k", ctx), deletedNotFound("k"));
    clock.ms += 1;
    expect((await f.vault.keys.getDeletedKey("k", ctx)).recoveryId).toBe(d.recoveryId);
    expect((await f.vault.keys.listDeletedKeys({}, ctx)).value.map((x) => x.kid)).toEqual([`${ctx.vaultUrl}/keys/k`]);
  });

  it("recover answers at once; the key is live for other reads only after the delay", async () => {
    const clock = new TestClock();
    const f = await openVault({ clock, vault: { deleteDelayMs: 500 } });
    const made = await f.vault.keys.createKey("r", { kty: "EC" }, ctx);
    await f.vault.keys.deleteKey("r", ctx);
    clock.ms += 500;
    expect((await f.vault.keys.recoverDeletedKey("r", ctx)).key.kid).toBe(made.key.kid);
    await expectKvError(f.vault.keys.getKey("r", undefined, ctx), notFound("r"));
    await expectKvError(f.vault.keys.getDeletedKey("r", ctx), deletedNotFound("r"));
    expect((await f.vault.keys.listKeys({}, ctx)).value).toEqual([]);
    clock.ms += 500;
    expect((await f.vault.keys.getKey("r", undefined, ctx)).key.kid).toBe(made.key.kid);
    expect((await f.vault.keys.listKeys({}, ctx)).value).toHaveLength(1);
  });

  it("without a delay (the default), both are seen at once", async () => {
    const f = await openVault();
    await f.vault.keys.createKey("z", { kty: "EC" }, ctx);
    await f.vault.keys.deleteKey("z", ctx);
    expect((await f.vault.keys.getDeletedKey("z", ctx)).recoveryId).toBe(`${ctx.vaultUrl}/deletedkeys/z`);
    await f.vault.keys.recoverDeletedKey("z", ctx);
    expect((await f.vault.keys.getKey("z", undefined, ctx)).key.kid).toMatch(/\/keys\/z\//);
    expect(f.store).toBeDefined();
    const stored = await f.store.get("key", "z");
    expect(stored).not.toHaveProperty("settling");
  });

  it("a negative or fractional delay is refused when the vault opens", async () => {
    await expect(openVault({ vault: { deleteDelayMs: -1 } })).rejects.toThrow("deleteDelayMs must be a whole number of ms >= 0, got -1");
    await expect(openVault({ vault: { deleteDelayMs: 1.5 } })).rejects.toThrow("deleteDelayMs must be a whole number of ms >= 0, got 1.5");
  });
});

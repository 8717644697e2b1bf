// A key with 2,000 versions backs up and restores (issue 10: about 480 versions used to make a body
// that restore refused, and beyond about 630 backup failed in the core's 1 MiB I/O buffer). The
// core now encrypts a backup in pieces; the router's restore limit is in test/src/server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_BACKUP_BYTES, RESTORE_BODY_BYTES } from "../../../src/vault/lifecycle/backup-format.js";
import { ctx, openVault } from "./fixture.js";

describe("large backups", () => {
  it("2,000 versions: the blob is well over 1 MiB, restores in another vault of the domain with every version", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-large-"));
    const domainFile = join(dir, "domain.json");
    const a = await openVault({ securityDomainFile: domainFile });
    await a.vault.keys.createKey("big", { kty: "EC", tags: { n: "0" } }, ctx);
    for (let i = 1; i < 2000; i++) await a.vault.keys.rotateKey("big", ctx);
    const versions = (await a.store.get("key", "big"))!.versions.map((v) => v.version);
    expect(versions).toHaveLength(2000);
    const { value } = await a.vault.keys.backupKey("big", ctx);
    expect(value.length).toBeGreaterThan(1024 * 1024);
    expect(value.length + 20).toBeLessThan(RESTORE_BODY_BYTES);
    expect((value.length * 3) / 4).toBeLessThan(MAX_BACKUP_BYTES);

    const b = await openVault({ securityDomainFile: domainFile });
    const restored = await b.vault.keys.restoreKey({ value }, ctx);
    expect(restored.key.kid).toBe(`${ctx.vaultUrl}/keys/big/${versions.at(-1)}`);
    expect((await b.store.get("key", "big"))!.versions.map((v) => v.version)).toEqual(versions);
    // The oldest version still works after the restore.
    const oldest = await b.vault.keys.getKey("big", versions[0], ctx);
    expect(oldest.tags).toEqual({ n: "0" });
    rmSync(dir, { recursive: true, force: true });
  });
});

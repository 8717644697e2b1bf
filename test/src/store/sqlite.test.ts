// The durable store: the ObjectStore contract, durability of acknowledged writes across kill -9
// (a writer child process is killed mid-stream), one server per file, and no plain key material.
import { afterAll, describe, expect, it, vi } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { SqliteStore } from "../../../src/store/sqlite.js";
import { MemoryStore } from "../../../src/store/memory.js";
import { legacyStoredKey, storedKey } from "../../helpers/stored-key.js";
import { contract } from "../../helpers/store-contract.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-sqlite-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(dir, `t${n++}`, "vault.sqlite");

describe("SqliteStore", () => {
  it("keeps the KeyStore contract, like MemoryStore", async () => {
    await contract(new MemoryStore());
    const store = await SqliteStore.open(freshFile());
    await contract(store);
    await store.close();
  });

  it("keeps everything across close and reopen", async () => {
    const file = freshFile();
    const s1 = await SqliteStore.open(file);
    await s1.putDomain({ id: "dom", sealed: "eA" });
    await s1.put(storedKey("k", 3));
    await s1.close();
    const s2 = await SqliteStore.open(file);
    expect(await s2.getDomain()).toEqual({ id: "dom", sealed: "eA" });
    expect(await s2.get("key", "k")).toEqual(storedKey("k", 3));
    await s2.close();
  });

  it("migrates a schema-1 file (one flat record per key) without losing a key", async () => {
    const file = freshFile();
    const { default: Driver } = await import("better-sqlite3");
    const { mkdirSync } = await import("node:fs");
    const { dirname } = await import("node:path");
    mkdirSync(dirname(file), { recursive: true });
    const db = new Driver(file);
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE domain (id INTEGER PRIMARY KEY CHECK (id = 1), record TEXT NOT NULL);
      CREATE TABLE keys (name TEXT PRIMARY KEY, record TEXT NOT NULL);
      INSERT INTO meta (key, value) VALUES ('schema', '1');
    `);
    db.prepare("INSERT INTO domain (id, record) VALUES (1, ?)").run(JSON.stringify({ id: "dom", sealed: "eA" }));
    const deleted = { ...legacyStoredKey("Gone", 1), deleted: { recoveryId: "r", deletedDate: 5, scheduledPurgeDate: 6 } };
    const withPolicy = { ...legacyStoredKey("rot", 2), rotationPolicy: { lifetimeActions: [], attributes: { expiryTime: "P90D" } } };
    for (const k of [legacyStoredKey("Alpha", 2), deleted, withPolicy] as Record<string, unknown>[]) {
      db.prepare("INSERT INTO keys (name, record) VALUES (?, ?)").run(k.name as string, JSON.stringify(k));
    }
    db.close();
    const store = await SqliteStore.open(file);
    expect(await store.getDomain()).toEqual({ id: "dom", sealed: "eA" });
    expect(await store.get("key", "alpha")).toEqual(storedKey("Alpha", 2));
    expect(await store.get("key", "gone")).toEqual({ ...storedKey("Gone", 1), deleted: deleted.deleted });
    expect(await store.get("key", "rot")).toEqual({ ...storedKey("rot", 2), state: { rotationPolicy: withPolicy.rotationPolicy } });
    expect((await store.list("key", { deleted: false, limit: 10 })).map((r) => r.name)).toEqual(["Alpha", "rot"]);
    await store.close();
    // Reopening a migrated file changes nothing.
    const again = await SqliteStore.open(file);
    expect(await again.get("key", "alpha")).toEqual(storedKey("Alpha", 2));
    await again.close();
  });

  it("refuses a second opener of the same file while the first is open", async () => {
    const file = freshFile();
    const s1 = await SqliteStore.open(file);
    await expect(SqliteStore.open(file)).rejects.toThrow(/in use by another process/);
    await s1.close();
    const s3 = await SqliteStore.open(file);
    await s3.close();
  });

  it("refuses a record whose public JWK carries private material", async () => {
    const store = await SqliteStore.open(freshFile());
    const bad = storedKey("leak");
    (bad.versions[0]!.props.publicJwk as Record<string, string>).d = "c2VjcmV0";
    await expect(store.put(bad)).rejects.toThrow(/private member 'd'/);
    expect(await store.get("key", "leak")).toBeUndefined();
    await store.close();
  });

  it("every acknowledged write survives kill -9 of the writing process", async () => {
    const file = freshFile();
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../helpers/sqlite-writer.ts"), file], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let acked = -1;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.on("error", reject);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const m = /^ack (\d+)$/.exec(line);
        if (!m) return;
        acked = Number(m[1]);
        // Kill while it is still writing, right after an acknowledgement.
        if (acked === 150) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      exited.then(() => resolve());
    });
    expect(await exited).toBe("SIGKILL");
    expect(acked).toBeGreaterThanOrEqual(150);
    const store = await SqliteStore.open(file);
    for (let i = 0; i <= acked; i++) {
      expect(await store.get("key", `key-${i}`), `key-${i}`).toEqual(storedKey(`key-${i}`, 1 + (i % 3)));
    }
    await store.close();
  });
});

describe("SqliteStore without better-sqlite3", () => {
  it("fails with a message that says what to install", async () => {
    vi.resetModules();
    vi.doMock("better-sqlite3", () => {
      throw new Error("Cannot find module 'better-sqlite3'");
    });
    try {
      const { SqliteStore: Fresh } = await import("../../../src/store/sqlite.js");
      await expect(Fresh.open(freshFile())).rejects.toThrow(
        /--data-dir\) needs the optional native module better-sqlite3.*npm install better-sqlite3/s,
      );
    } finally {
      vi.doUnmock("better-sqlite3");
      vi.resetModules();
    }
  });
});

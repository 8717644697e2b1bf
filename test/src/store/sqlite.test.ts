// The durable store: the KeyStore contract, durability of acknowledged writes across kill -9
// (a writer child process is killed mid-stream), one server per file, and no plain key material.
import { afterAll, describe, expect, it, vi } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { SqliteStore } from "../../../src/store/sqlite.js";
import { MemoryStore } from "../../../src/store/memory.js";
import type { KeyStore } from "../../../src/store/types.js";
import { storedKey } from "../../helpers/stored-key.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-sqlite-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(dir, `t${n++}`, "vault.sqlite");

async function contract(store: KeyStore) {
  expect(await store.getDomain()).toBeUndefined();
  await store.putDomain({ id: "d1", sealed: "c2VhbGVk" });
  await store.putDomain({ id: "d2", sealed: "c2VhbGVkMg" });
  expect(await store.getDomain()).toEqual({ id: "d2", sealed: "c2VhbGVkMg" });
  expect(await store.getKey("a")).toBeUndefined();
  const a = storedKey("a", 2);
  await store.putKey(a);
  await store.putKey(storedKey("b"));
  expect(await store.getKey("a")).toEqual(a);
  expect((await store.listNames()).sort()).toEqual(["a", "b"]);
  // Whole-record replacement, and copies: mutating what was read changes nothing stored.
  const read = (await store.getKey("a"))!;
  read.versions.pop();
  expect((await store.getKey("a"))!.versions).toHaveLength(2);
  const deleted = { ...storedKey("a", 3), deleted: { recoveryId: "r", deletedDate: 1, scheduledPurgeDate: 2 } };
  await store.putKey(deleted);
  expect(await store.getKey("a")).toEqual(deleted);
  await store.removeKey("a");
  await store.removeKey("never");
  expect(await store.listNames()).toEqual(["b"]);
  // Names are exact (the vault decides about case).
  expect(await store.getKey("B")).toBeUndefined();
}

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
    await s1.putKey(storedKey("k", 3));
    await s1.close();
    const s2 = await SqliteStore.open(file);
    expect(await s2.getDomain()).toEqual({ id: "dom", sealed: "eA" });
    expect(await s2.getKey("k")).toEqual(storedKey("k", 3));
    await s2.close();
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
    (bad.versions[0].publicJwk as Record<string, string>).d = "c2VjcmV0";
    await expect(store.putKey(bad)).rejects.toThrow(/private member 'd'/);
    expect(await store.getKey("leak")).toBeUndefined();
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
      expect(await store.getKey(`key-${i}`), `key-${i}`).toEqual(storedKey(`key-${i}`, 1 + (i % 3)));
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

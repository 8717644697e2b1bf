// Issue 15, defect 5: one record with bad JSON, or with no versions, made GET /keys and GET /deletedkeys
// answer 500 for everyone, and the record itself could be neither deleted nor purged. Now a corrupt record
// is isolated: lists skip it (and say so once), a request for it gets a clear error that names it and the
// way out, and purge removes it. The SQLite records are corrupted with plain SQL, as a disk or an editor would.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { createRouter } from "../../../src/server/router.js";
import { serve } from "../../../src/server/serve.js";
import { MemoryStore } from "../../../src/store/memory.js";
import { SqliteStore } from "../../../src/store/sqlite.js";
import type { CorruptRecordError, ObjectStore } from "../../../src/store/types.js";
import { Vault } from "../../../src/vault/index.js";
import { rawRequest, TOKEN } from "../../helpers/https.js";
import { newEngine } from "./fixture.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-corrupt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Raw SQL on a closed store file. */
async function sql(file: string, statement: string, ...params: unknown[]): Promise<void> {
  const { default: Driver } = await import("better-sqlite3");
  const db = new Driver(file);
  db.prepare(statement).run(...params);
  db.close();
}

interface Setup {
  store: ObjectStore;
  call(method: string, path: string, query?: string): Promise<{ status: number; json: any }>;
  reported: CorruptRecordError[];
}

/** Keys a, bad, c (live) and d, bad2 (deleted); then `corrupt` breaks bad and bad2. */
type Corruption = "json" | "no versions" | "bad deletion record";

async function setup(kind: "sqlite" | "memory", corruption: Corruption): Promise<Setup> {
  const file = join(dir, `s${n++}`, "vault.sqlite");
  let store: ObjectStore =
    kind === "sqlite"
      ? await SqliteStore.open(file)
      : new (class extends MemoryStore {
          override readonly durable = true;
        })();
  let vault = await Vault.open({ hsm: await newEngine(), store });
  const ctx = { vaultUrl: "https://vault.test", apiVersion: "7.6" };
  for (const name of ["a", "bad", "c", "d", "bad2"]) await vault.keys.createKey(name, { kty: "oct", key_size: 128 }, ctx);
  await vault.keys.deleteKey("d", ctx);
  await vault.keys.deleteKey("bad2", ctx);
  if (kind === "sqlite") {
    await store.close();
    for (const id of ["bad", "bad2"]) {
      if (corruption === "json") await sql(file, "UPDATE objects SET record = ? WHERE id = ?", '{"kind":"key","name":', id);
      else await sql(file, "UPDATE objects SET record = json_set(record, '$.versions', json('[]')) WHERE id = ?", id);
    }
    store = await SqliteStore.open(file);
    vault = await Vault.open({ hsm: await newEngine(), store });
  } else {
    for (const id of ["bad", "bad2"]) {
      const rec = (await store.get("key", id))!;
      // The memory store holds only JSON that it wrote itself: a record of the wrong shape is what it can hold.
      if (corruption === "no versions") await store.put({ ...rec, versions: [] });
      else await store.put({ ...rec, deleted: {} as never });
    }
  }
  const reported: CorruptRecordError[] = [];
  store.onCorrupt = (e) => reported.push(e);
  const router = createRouter({ vault, vaultUrl: "https://vault.test" });
  return {
    store,
    reported,
    async call(method, path, query = "") {
      const res = await router.handle({ method, url: `${path}?api-version=7.6${query}`, headers: { authorization: TOKEN } });
      return { status: res.status, json: res.body === undefined ? undefined : JSON.parse(res.body) };
    },
  };
}

const names = (page: { value: { kid: string }[] }) => page.value.map((i) => i.kid.split("/").pop()!);

describe.each([
  ["sqlite", "json"],
  ["sqlite", "no versions"],
  ["memory", "no versions"],
  ["memory", "bad deletion record"],
] as const)("a corrupt record in the %s store (%s)", (kind, corruption) => {
  it("lists skip it, page by page, and it is reported once", async () => {
    const s = await setup(kind, corruption);
    const all = await s.call("GET", "/keys");
    expect(all.status).toBe(200);
    expect(names(all.json)).toEqual(["a", "c"]);
    // Page size 1: the skip must not end the list early nor repeat a key.
    const seen: string[] = [];
    let page = await s.call("GET", "/keys", "&maxresults=1");
    for (;;) {
      expect(page.status).toBe(200);
      seen.push(...names(page.json));
      if (!page.json.nextLink) break;
      const next = new URL(page.json.nextLink);
      page = await s.call("GET", "/keys", `&maxresults=1&$skiptoken=${encodeURIComponent(next.searchParams.get("$skiptoken")!)}`);
    }
    expect(seen).toEqual(["a", "c"]);
    const deleted = await s.call("GET", "/deletedkeys");
    expect(deleted.status).toBe(200);
    expect(names(deleted.json)).toEqual(["d"]);
    await s.call("GET", "/keys");
    expect(s.reported.map((e) => `${e.kind}/${e.id}`).sort()).toEqual(["key/bad", "key/bad2"]);
    expect(s.reported.every((e) => !e.message.includes("sealed"))).toBe(true);
  });

  it("getting, deleting or recovering it gets an error that names it and says how to remove it; purge removes it", async () => {
    const s = await setup(kind, corruption);
    const reason = {
      json: "it is not valid JSON",
      "no versions": "it has no versions",
      "bad deletion record": "its deletion record is malformed",
    }[corruption];
    const expected = (name: string) => ({
      error: {
        code: "InternalError",
        message: `The stored record of key ${name} is corrupt (${reason}): it cannot be read, changed or recovered. Purge it with DELETE /deletedkeys/${name}.`,
      },
    });
    for (const [method, path] of [
      ["GET", "/keys/bad"],
      ["DELETE", "/keys/bad"],
      ["POST", "/keys/bad/backup"],
      ["GET", "/keys/bad/versions"],
      ["GET", "/deletedkeys/bad2"],
      ["POST", "/deletedkeys/bad2/recover"],
    ] as const) {
      const res = await s.call(method, path);
      expect({ method, path, ...res }).toEqual({ method, path, status: 500, json: expected(path.includes("bad2") ? "bad2" : "bad") });
    }
    // Purge is the way out, for the live one as for the deleted one; then the names are free.
    expect((await s.call("DELETE", "/deletedkeys/bad")).status).toBe(204);
    expect((await s.call("DELETE", "/deletedkeys/bad2")).status).toBe(204);
    expect((await s.call("GET", "/keys/bad")).status).toBe(404);
    expect((await s.call("GET", "/deletedkeys/bad2")).status).toBe(404);
    expect(await s.store.get("key", "bad")).toBeUndefined();
    // The other records are untouched.
    expect(names((await s.call("GET", "/keys")).json)).toEqual(["a", "c"]);
    expect((await s.call("GET", "/keys/a")).status).toBe(200);
    expect((await s.call("GET", "/deletedkeys/d")).status).toBe(200);
  });
});

describe("the server", () => {
  it("logs a corrupt record once, however often lists skip it", async () => {
    const dataDir = join(dir, `server${n++}`);
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const first = await serve({ dataDir, port: 0, logLevel: "warn", logStream, domainSecret: "s" });
    const req = (srv: typeof first, method: string, path: string, body?: unknown) =>
      rawRequest(srv.url, srv.cert, { method, path: `${path}?api-version=7.6`, ...(body ? { body: JSON.stringify(body) } : {}) });
    for (const name of ["a", "bad"])
      expect((await req(first, "POST", `/keys/${name}/create`, { kty: "oct", key_size: 128 })).status).toBe(200);
    await first.close();
    await sql(join(dataDir, "vault.sqlite"), "UPDATE objects SET record = 'garbage' WHERE id = 'bad'");
    const second = await serve({ dataDir, port: 0, logLevel: "warn", logStream, domainSecret: "s" });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await req(second, "GET", "/keys");
        expect(res.status).toBe(200);
        expect(res.json().value).toHaveLength(1);
      }
      const logged = lines.map((l) => JSON.parse(l)).filter((e) => e.msg === "a corrupt stored record is left out of lists");
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ kind: "key", name: "bad", reason: "it is not valid JSON" });
      expect(lines.join("\n")).not.toContain("garbage");
    } finally {
      await second.close();
    }
  });
});

describe("a corrupt secret", () => {
  it("is skipped by GET /secrets, named by GET /secrets/{name}, and removed by purge", async () => {
    const file = join(dir, `secret${n++}`, "vault.sqlite");
    let store = await SqliteStore.open(file);
    let vault = await Vault.open({ hsm: await newEngine(), store });
    const ctx = { vaultUrl: "https://vault.test", apiVersion: "7.6" };
    for (const name of ["s1", "bad", "s2"]) await vault.secrets.setSecret(name, { value: `value of ${name}` }, ctx);
    await store.close();
    await sql(file, "UPDATE objects SET record = '[1,2' WHERE kind = 'secret' AND id = 'bad'");
    store = await SqliteStore.open(file);
    vault = await Vault.open({ hsm: await newEngine(), store });
    const router = createRouter({ vault, vaultUrl: "https://vault.test" });
    const call = async (method: string, path: string) => {
      const res = await router.handle({ method, url: `${path}?api-version=7.6`, headers: { authorization: TOKEN } });
      return { status: res.status, json: res.body === undefined ? undefined : JSON.parse(res.body) };
    };
    const list = await call("GET", "/secrets");
    expect(list.status).toBe(200);
    expect(list.json.value.map((i: { id: string }) => i.id.split("/").pop())).toEqual(["s1", "s2"]);
    expect(await call("GET", "/secrets/bad")).toEqual({
      status: 500,
      json: {
        error: {
          code: "InternalError",
          message:
            "The stored record of secret bad is corrupt (it is not valid JSON): it cannot be read, changed or recovered. Purge it with DELETE /deletedsecrets/bad.",
        },
      },
    });
    expect((await call("DELETE", "/deletedsecrets/bad")).status).toBe(204);
    expect((await call("GET", "/secrets/bad")).status).toBe(404);
    expect((await call("GET", "/secrets/s1")).json.value).toBe("value of s1");
    await store.close();
  });
});

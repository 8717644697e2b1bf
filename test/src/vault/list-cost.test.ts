// Issue 15, defect 9 (fixed with the object lifecycle; this test keeps it fixed): a page of a list costs
// O(page), not O(vault). Every record the vault reads goes through the store; counted here, a page of 5 in
// a vault of 2,000 live and 500 deleted keys reads at most two records per item (the page read from the
// index, then each item again under its lock). The timings are in scripts/hardening/list-pages.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/store/memory.js";
import { SqliteStore } from "../../../src/store/sqlite.js";
import type { ObjectStore } from "../../../src/store/types.js";
import { Vault } from "../../../src/vault/index.js";
import { ctx, newEngine } from "./fixture.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-list-cost-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The store, with a count of the records it hands out (get, list, names). */
function counting(store: ObjectStore): { store: ObjectStore; reads: () => number; reset: () => void } {
  let reads = 0;
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const r = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (prop === "get" && r !== undefined) reads += 1;
        if (prop === "list" || prop === "names") reads += (r as unknown[]).length;
        return r;
      };
    },
  });
  return { store: proxy, reads: () => reads, reset: () => (reads = 0) };
}

describe.each(["memory", "sqlite"])("a page of keys in the %s store", (kind) => {
  it("reads O(page) records, wherever in the list it starts", async () => {
    const base = kind === "memory" ? new MemoryStore() : await SqliteStore.open(join(mkdtempSync(join(dir, "s")), "vault.sqlite"));
    const c = counting(base);
    const vault = await Vault.open({ hsm: await newEngine(), store: c.store });
    const LIVE = kind === "memory" ? 2000 : 600;
    const DELETED = LIVE / 4;
    for (let i = 0; i < LIVE + DELETED; i++)
      await vault.keys.createKey(`k${String(i).padStart(5, "0")}`, { kty: "oct", key_size: 128 }, ctx);
    for (let i = 0; i < DELETED; i++) await vault.keys.deleteKey(`k${String(LIVE + i).padStart(5, "0")}`, ctx);

    const PAGE = 5;
    const bound = 2 * (PAGE + 1);
    c.reset();
    let page = await vault.keys.listKeys({ maxresults: PAGE }, ctx);
    expect(c.reads()).toBeLessThanOrEqual(bound);
    // Deep into the list: the 100th page costs what the first did.
    for (let i = 0; i < 100; i++) {
      const token = new URL(page.nextLink!).searchParams.get("$skiptoken")!;
      c.reset();
      page = await vault.keys.listKeys({ maxresults: PAGE, skiptoken: token }, ctx);
      expect(c.reads(), `page ${i + 2}`).toBeLessThanOrEqual(bound);
      expect(page.value).toHaveLength(PAGE);
    }
    expect(page.value[0]!.kid).toBe(`https://vault.test/keys/k${String(100 * PAGE).padStart(5, "0")}`);
    c.reset();
    const deleted = await vault.keys.listDeletedKeys({ maxresults: PAGE }, ctx);
    expect(c.reads()).toBeLessThanOrEqual(bound);
    expect(deleted.value[0]!.kid).toBe(`https://vault.test/keys/k${String(LIVE).padStart(5, "0")}`);
    await base.close();
  });
});

// Issue 15, defect 9: the cost of one page of GET /keys in a vault of N keys. Before the object lifecycle
// (commit 3a9c2df), every page read and parsed every record; now a page reads an index. This fills a vault
// with N oct keys through the vault API and times pages of 25, first and followed by nextLink.
//
//   npx tsx scripts/hardening/list-pages.ts [--keys 20000] [--store memory|sqlite] [--root DIR]
//
// --root runs another checkout's sources, e.g. the tree before the fix:
//   git archive 3a9c2df | tar -x -C /tmp/before && ln -s "$PWD/node_modules" "$PWD/build" /tmp/before/
//   npx tsx scripts/hardening/list-pages.ts --root /tmp/before
// The SQLite file goes to /dev/shm when it exists (tmpfs: the fill is not timed, and its fsyncs would
// only slow it down). Timings vary with the machine; the ratio is the point.
import { mkdtempSync, rmSync } from "node:fs";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { keys: { type: "string", default: "20000" }, store: { type: "string", default: "sqlite" }, root: { type: "string" } },
});
const root = resolve(values.root ?? join(import.meta.dirname, "../.."));
const count = Number(values.keys);
const ctx = { vaultUrl: "https://vault.test", apiVersion: "7.6" };

const { Hsm } = await import(join(root, "src/engine/index.ts"));
const vaultModule = await import(join(root, "src/vault/index.ts"));
const VaultClass = vaultModule.Vault ?? vaultModule.KeyVault;
let store: unknown;
let dir: string | undefined;
if (values.store === "sqlite") {
  const { SqliteStore } = await import(join(root, "src/store/sqlite.ts"));
  dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "wasm-hsm-list-"));
  store = await SqliteStore.open(join(dir, "vault.sqlite"));
} else {
  const { MemoryStore } = await import(join(root, "src/store/memory.ts"));
  store = new MemoryStore();
}
const vault = await VaultClass.open({ hsm: await Hsm.create(), store });
const keys = vault.keys ?? vault;

const fillStart = performance.now();
for (let i = 0; i < count; i++) await keys.createKey(`key-${String(i).padStart(6, "0")}`, { kty: "oct", key_size: 128 }, ctx);
const fillMs = performance.now() - fillStart;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

// The first page, ten times; then 40 pages followed by nextLink.
const first: number[] = [];
for (let i = 0; i < 10; i++) first.push((await timed(() => keys.listKeys({ maxresults: 25 }, ctx)))[1]);
const followed: number[] = [];
let page = await keys.listKeys({ maxresults: 25 }, ctx);
for (let i = 0; i < 40 && page.nextLink; i++) {
  const token = new URL(page.nextLink).searchParams.get("$skiptoken")!;
  const [next, ms] = await timed(() => keys.listKeys({ maxresults: 25, skiptoken: token }, ctx));
  followed.push(ms);
  page = next;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  JSON.stringify({
    root,
    store: values.store,
    keys: count,
    fillSeconds: Number((fillMs / 1000).toFixed(1)),
    firstPageMs: Number(median(first).toFixed(2)),
    followedPageMs: Number(median(followed).toFixed(2)),
  }),
);
await (store as { close(): Promise<void> }).close();
if (dir) rmSync(dir, { recursive: true, force: true });

// scripts/check-layers.mjs must catch what it is for: an upward import, a Node built-in (or Buffer)
// in a browser layer, an undeclared folder. Each is planted in a small tree and must be named.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, without types
import { checkLayers } from "../../scripts/check-layers.mjs";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "wasm-hsm-layers-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, "src", path)), { recursive: true });
    writeFileSync(join(root, "src", path), text);
  }
  return root;
}

const clean = {
  "encoding/hex.ts": "export const x = 1;\n",
  "engine/hsm.ts": 'import { x } from "../encoding/hex.js";\nexport async function load() { return import("node:fs"); }\n',
  "vault/vault.ts": 'import { x } from "../engine/hsm.js";\nimport type { T } from "../model/index.js";\n// Buffer in a comment is fine\n',
  "model/index.ts": "export type T = number;\n",
  "server/http.ts": 'import { createServer } from "node:https";\nimport { v } from "../vault/vault.js";\n',
  "store/sqlite.ts": 'import { mkdirSync } from "node:fs";\n',
  "cli.ts": 'import { s } from "./server/http.js";\n',
};

describe("check-layers", () => {
  it("passes a tree whose imports all run downward", () => {
    expect(checkLayers(tree(clean))).toEqual([]);
  });

  it.each([
    [
      "an upward import (engine -> vault)",
      { "engine/bad.ts": 'import { v } from "../vault/vault.js";\n' },
      /engine\/bad\.ts: imports \.\.\/vault\/vault\.js \(src\/vault\)/,
    ],
    [
      "a sideways import (store -> jwk)",
      { "store/bad.ts": 'export { p } from "../jwk/parse.js";\n' },
      /store\/bad\.ts: imports \.\.\/jwk\/parse\.js/,
    ],
    [
      "a static node: import in the vault",
      { "vault/io.ts": 'import { readFileSync } from "node:fs";\n' },
      /vault\/io\.ts: imports node:fs, but src\/vault must run in a browser/,
    ],
    [
      "a node: import in the offline vault",
      { "offline/vault.ts": 'import { Worker } from "node:worker_threads";\n' },
      /offline\/vault\.ts: imports node:worker_threads, but src\/offline must run in a browser/,
    ],
    [
      "a node: import in the worker pool, which browsers load",
      { "server/workers/pool.ts": 'import { cpus } from "node:os";\n' },
      /server\/workers\/pool\.ts: imports node:os, but src\/server must run in a browser/,
    ],
    [
      "a lazy node: import outside the engine's loader",
      { "jwk/io.ts": 'export const f = () => import("node:fs");\n' },
      /jwk\/io\.ts: imports node:fs/,
    ],
    ["Buffer in the vault", { "vault/b.ts": 'export const s = Buffer.from("x");\n' }, /vault\/b\.ts: uses Buffer/],
    ["node: in the memory store", { "store/memory.ts": 'import { x } from "node:fs";\n' }, /store\/memory\.ts: imports node:fs/],
    ["an undeclared folder", { "misc/x.ts": "export const y = 1;\n" }, /src\/misc is not a declared layer/],
  ])("names %s", (_what, planted, pattern) => {
    const problems: string[] = checkLayers(tree({ ...clean, ...planted }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });
});

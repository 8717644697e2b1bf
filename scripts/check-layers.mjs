// The layering check (docs/ARCHITECTURE.md "Layers"): every import under src/ runs downward, and the
// vault and everything under it import no Node built-in (they run in browsers too). Exits 1 and names
// each offending import. Usage: node scripts/check-layers.mjs [root]   (root defaults to the repository)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Which layers each layer may import (its own folder is always allowed). Top-level files may import anything. */
export const ALLOWED = {
  encoding: [],
  model: [],
  engine: ["encoding"],
  jwk: ["engine", "encoding", "model"],
  attestation: ["engine", "encoding", "jwk"],
  store: ["encoding"],
  x509: ["jwk", "encoding"],
  vault: ["model", "x509", "jwk", "store", "engine", "encoding", "attestation"],
  seed: ["vault", "model", "store", "engine", "jwk", "encoding"],
  server: ["seed", "vault", "model", "store", "engine", "jwk", "encoding", "attestation"],
  offline: ["server", "seed", "vault", "model", "store", "engine", "jwk", "encoding", "attestation"],
  library: ["server", "offline", "seed", "vault", "model", "x509", "store", "engine", "jwk", "encoding", "attestation"],
};

/** Layers that must run in a browser: no static `node:` import, no `Buffer`. */
const NODE_FREE = ["encoding", "model", "engine", "jwk", "attestation", "x509", "vault", "seed", "offline"];
/** Files of the store and the server that the vault and the offline vault load, which must run in a browser too. */
const NODE_FREE_FILES = [
  "store/memory.ts",
  "store/records.ts",
  "store/types.ts",
  "store/legacy.ts",
  "server/router.ts",
  "server/routes.ts",
  "server/auth.ts",
  "server/errors.ts",
  "server/workers/protocol.ts",
  "server/vaults/clock.ts",
  "server/vaults/directory.ts",
  "server/vaults/factory.ts",
  "server/vaults/management.ts",
  "server/vaults/routing.ts",
  "server/vaults/throttle.ts",
  "server/workers/host.ts",
  "server/workers/pool.ts",
  "server/workers/store-proxy.ts",
];
/** Where a Node built-in may be loaded lazily (`await import("node:fs")`), behind a check that it runs in Node. */
const LAZY_NODE_OK = ["engine/core.ts", "engine/hsm.ts"];

function files(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|mts|js|mjs)$/.test(entry) && !entry.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

export function checkLayers(root) {
  const src = join(root, "src");
  const problems = [];
  for (const file of files(src)) {
    const rel = relative(src, file).split(sep).join("/");
    const layer = rel.includes("/") ? rel.split("/")[0] : "library";
    if (!(layer in ALLOWED)) {
      problems.push(`${rel}: folder src/${layer} is not a declared layer (scripts/check-layers.mjs ALLOWED)`);
      continue;
    }
    const text = stripComments(readFileSync(file, "utf8"));
    const nodeFree = NODE_FREE.includes(layer) || NODE_FREE_FILES.includes(rel);
    const imports = [
      ...[...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/gm)].map((m) => ({
        spec: m[1],
        lazy: false,
        typeOnly: /^\s*(import|export)\s+type\s/.test(m[0]),
      })),
      ...[...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm)].map((m) => ({ spec: m[1], lazy: false, typeOnly: false })),
      ...[...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => ({ spec: m[1], lazy: true, typeOnly: false })),
    ];
    for (const { spec, lazy, typeOnly } of imports) {
      if (spec.startsWith("node:")) {
        if (nodeFree && !(lazy && LAZY_NODE_OK.includes(rel)) && !typeOnly)
          problems.push(`${rel}: imports ${spec}, but src/${layer} must run in a browser`);
        continue;
      }
      if (!spec.startsWith(".")) continue;
      const target = relative(src, resolve(dirname(file), spec))
        .split(sep)
        .join("/");
      if (target.startsWith("..")) {
        problems.push(`${rel}: imports ${spec}, outside src/`);
        continue;
      }
      const targetLayer = target.includes("/") ? target.split("/")[0] : "library";
      if (targetLayer === layer) continue;
      if (!ALLOWED[layer].includes(targetLayer))
        problems.push(
          `${rel}: imports ${spec} (src/${targetLayer}), but src/${layer} may import only ${ALLOWED[layer].join(", ") || "nothing"}`,
        );
    }
    if (nodeFree && /\bBuffer\b/.test(text))
      problems.push(`${rel}: uses Buffer, but src/${layer} must run in a browser (use src/encoding)`);
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..");
  const problems = checkLayers(root);
  for (const p of problems) console.error(`layering: ${p}`);
  if (problems.length > 0) {
    console.error(`layering: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log("layering: every import runs downward; the browser layers import no Node built-in");
}

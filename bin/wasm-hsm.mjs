#!/usr/bin/env node
// The `wasm-hsm` command: runs the compiled JavaScript in dist/. Nothing is compiled at run time.
// In a clone of the repository (scripts/build-dist.mjs is there) a missing or stale dist/ is built
// first, saying so; an installed package ships dist/ built.
import { existsSync } from "node:fs";

const buildScript = new URL("../scripts/build-dist.mjs", import.meta.url);
if (existsSync(buildScript)) {
  const { ensureBuilt } = await import(buildScript.href);
  ensureBuilt();
} else if (!existsSync(new URL("../dist/cli.js", import.meta.url))) {
  process.stderr.write("wasm-hsm: dist/cli.js is missing: this copy of the package was not built (npm run build)\n");
  process.exit(1);
}

const { main } = await import("../dist/cli.js");
await main(process.argv.slice(2));

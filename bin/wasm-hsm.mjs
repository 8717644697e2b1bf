#!/usr/bin/env node
// The `wasm-hsm` command. It runs the TypeScript sources through tsx (registered here, so no
// compile step), after building the core (build/hsm.wasm) when its sources are newer.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const buildScript = `${root}scripts/build.mjs`;
if (existsSync(buildScript) && existsSync(`${root}node_modules/assemblyscript`)) {
  execFileSync(process.execPath, [buildScript, "--if-needed"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli.ts");
await main(process.argv.slice(2));

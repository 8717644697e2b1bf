// Builds the core: build/hsm.wasm (release) and, with --debug, build/hsm.debug.wasm.
// --if-needed skips the build when every output is newer than every source in assembly/.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const targets = args.has("--debug") ? ["debug"] : args.has("--all") ? ["release", "debug"] : ["release"];
const outFile = { release: "build/hsm.wasm", debug: "build/hsm.debug.wasm" };

function newestSource(dir) {
  let newest = statSync(join(root, "asconfig.json")).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const srcTime = newestSource(join(root, "assembly"));
for (const target of targets) {
  const out = join(root, outFile[target]);
  if (args.has("--if-needed") && existsSync(out) && statSync(out).mtimeMs > srcTime) continue;
  const asc = join(root, "node_modules", "assemblyscript", "bin", "asc.js");
  execFileSync(process.execPath, [asc, "assembly/index.ts", "--config", "asconfig.json", "--target", target], {
    cwd: root,
    stdio: "inherit",
  });
  console.error(`built ${outFile[target]}`);
}

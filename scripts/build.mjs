// Builds the core from assembly/:
//   release  assembly/index.ts          -> build/hsm.wasm        the product: its API only
//   test     assembly/testing/index.ts  -> build/hsm.test.wasm   the product's API plus the test hooks
//   debug    assembly/index.ts          -> build/hsm.debug.wasm  assertions kept, source map (--debug, --all)
// The test build is optimised as the release is (same asconfig target), so that the hooks exercise
// the same code. With no flag: release and test; --release: the release only (what the package
// ships, for scripts/build-dist.mjs). --if-needed skips a build whose output is newer than every
// source in assembly/ and asconfig.json.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));

/** name -> entry file, asconfig target, output. */
const builds = {
  release: { entry: "assembly/index.ts", target: "release", out: "build/hsm.wasm" },
  test: { entry: "assembly/testing/index.ts", target: "release", out: "build/hsm.test.wasm" },
  debug: { entry: "assembly/index.ts", target: "debug", out: "build/hsm.debug.wasm" },
};
const wanted = args.has("--debug")
  ? ["debug"]
  : args.has("--all")
    ? ["release", "test", "debug"]
    : args.has("--release")
      ? ["release"]
      : ["release", "test"];

function newestSource(dir) {
  let newest = statSync(join(root, "asconfig.json")).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const srcTime = newestSource(join(root, "assembly"));
const asc = join(root, "node_modules", "assemblyscript", "bin", "asc.js");
for (const name of wanted) {
  const { entry, target, out } = builds[name];
  const outPath = join(root, out);
  if (args.has("--if-needed") && existsSync(outPath) && statSync(outPath).mtimeMs > srcTime) continue;
  execFileSync(process.execPath, [asc, entry, "--config", "asconfig.json", "--target", target, "--outFile", out], {
    cwd: root,
    stdio: "inherit",
  });
  console.error(`built ${out}`);
}

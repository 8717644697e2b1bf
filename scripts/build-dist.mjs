// Builds the package's runtime: the TypeScript in src/ compiled to dist/ (ESM .js, .d.ts, source
// maps with their sources inlined, since src/ is not shipped) and the release core copied to
// dist/hsm.wasm. The core itself is built by scripts/build.mjs (AssemblyScript); this script runs
// it first when assembly/ is newer than build/hsm.wasm.
//
//   node scripts/build-dist.mjs              build
//   node scripts/build-dist.mjs --if-needed  build only when a source is newer than dist/
//
// bin/wasm-hsm.mjs imports ensureBuilt() in a clone, so that `npm start` never runs stale code.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const at = (p) => join(root, p);
/** Written last: dist/ is complete when this file is newer than every source. */
const STAMP = "dist/.built";
const CORE = "build/hsm.wasm";

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
  return t;
}

const mtime = (p) => (existsSync(at(p)) ? statSync(at(p)).mtimeMs : 0);

/** Why dist/ must be (re)built, or undefined when it is up to date. */
export function staleReason() {
  const built = mtime(STAMP);
  if (built === 0) return "dist/ is missing";
  if (Math.max(newest(at("assembly")), mtime("asconfig.json")) > built) return "assembly/ is newer than dist/";
  if (Math.max(newest(at("src")), mtime("tsconfig.json"), mtime("tsconfig.build.json")) > built) return "src/ is newer than dist/";
  return undefined;
}

function coreIsStale() {
  const core = mtime(CORE);
  return core === 0 || Math.max(newest(at("assembly")), mtime("asconfig.json")) > core;
}

/** Builds dist/; `say` receives one line before each slow step. */
export function build(say = (line) => process.stderr.write(`${line}\n`)) {
  const tsc = at("node_modules/typescript/bin/tsc");
  if (!existsSync(tsc)) throw new Error("building dist/ needs the devDependencies: run `npm ci` first");
  if (coreIsStale()) {
    say("wasm-hsm: building the core, build/hsm.wasm (AssemblyScript, optimised: about a minute)");
    execFileSync(process.execPath, [at("scripts/build.mjs"), "--release"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  }
  say("wasm-hsm: compiling src/ to dist/ (TypeScript, a few seconds)");
  // From empty, so that nothing removed from src/ lingers in dist/; dist/browser is
  // scripts/build-browser.mjs's (npm run build:browser) and stays.
  for (const entry of existsSync(at("dist")) ? readdirSync(at("dist")) : []) {
    if (entry !== "browser") rmSync(at(`dist/${entry}`), { recursive: true, force: true });
  }
  execFileSync(process.execPath, [tsc, "-p", at("tsconfig.build.json")], { cwd: root, stdio: "inherit" });
  mkdirSync(at("dist"), { recursive: true });
  copyFileSync(at(CORE), at("dist/hsm.wasm"));
  writeFileSync(at(STAMP), `${new Date().toISOString()}\n`);
}

/** Builds when something is stale, saying why; a no-op (a few ms of stat calls) otherwise. */
export function ensureBuilt(say) {
  const reason = staleReason();
  if (reason === undefined) return false;
  (say ?? ((line) => process.stderr.write(`${line}\n`)))(`wasm-hsm: ${reason}`);
  build(say);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (process.argv.includes("--if-needed")) ensureBuilt();
  else build();
}

// The browser build of the offline vault, with esbuild, into dist/browser/:
//   wasm-hsm.js          ESM: createOfflineVault; loads hsm.wasm and wasm-hsm.worker.js from beside itself
//   wasm-hsm.worker.js   the Web Worker (engine, vault, router), for { worker: true }
//   hsm.wasm             the core
//   wasm-hsm.inline.js   one file: the same API with the core and the worker inside it
//   sizes.json           bytes and gzip bytes of each
// No Node built-in goes in: the engine's lazy `import("node:fs")` (used only in Node) becomes a module
// that throws, and the build fails if any output still names one.
// Usage: node scripts/build-browser.mjs [--if-needed] [--outdir DIR]
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const WASM = join(root, "build", "hsm.wasm");
const INLINE_ASSETS = join(root, "src", "offline", "inline-assets.ts");
export const OUTPUTS = ["wasm-hsm.js", "wasm-hsm.worker.js", "hsm.wasm", "wasm-hsm.inline.js"];

/** Node built-ins resolve to a module that throws when loaded (only Node code paths load them). */
const nodeBuiltinsThrow = {
  name: "node-builtins-throw",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "no-node" }));
    b.onLoad({ filter: /.*/, namespace: "no-node" }, () => ({
      contents: 'throw new Error("wasm-hsm: this Node built-in is not available in a browser");',
      loader: "js",
    }));
  },
};

/** Replaces src/offline/inline-assets.ts with the core and the worker's bundle. */
function inlineAssets(wasm, workerSource) {
  return {
    name: "inline-assets",
    setup(b) {
      b.onLoad({ filter: /inline-assets\.ts$/ }, (args) => {
        if (resolve(args.path) !== INLINE_ASSETS) return undefined;
        return {
          contents: `export const inlineWasm = ${JSON.stringify(wasm.toString("base64url"))};\nexport const inlineWorker = ${JSON.stringify(workerSource)};\n`,
          loader: "js",
        };
      });
    },
  };
}

const common = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  write: false,
  logLevel: "warning",
  plugins: [nodeBuiltinsThrow],
};

async function bundle(entry, plugins = []) {
  const result = await build({ ...common, entryPoints: [join(root, entry)], plugins: [...common.plugins, ...plugins] });
  const text = result.outputFiles[0].text;
  // A Node built-in named in an import (static or dynamic), or a require(), would break in a browser.
  const bad = /\bfrom\s*["']node:|\bimport\(\s*["']node:|\brequire\(\s*["']/.exec(text);
  if (bad) throw new Error(`${entry}: the bundle still loads a Node built-in: ${text.slice(bad.index, bad.index + 60)}`);
  return text;
}

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the four files into outdir; returns their sizes. */
export async function buildBrowser({ outdir = join(root, "dist", "browser") } = {}) {
  if (!existsSync(WASM)) throw new Error("build/hsm.wasm is missing: run `npm run build` first");
  const wasm = readFileSync(WASM);
  const worker = await bundle("src/offline/browser-worker.ts");
  const main = await bundle("src/offline/browser.ts");
  const inline = await bundle("src/offline/browser.ts", [inlineAssets(wasm, worker)]);
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, "wasm-hsm.worker.js"), worker);
  writeFileSync(join(outdir, "wasm-hsm.js"), main);
  writeFileSync(join(outdir, "wasm-hsm.inline.js"), inline);
  copyFileSync(WASM, join(outdir, "hsm.wasm"));
  const sizes = {};
  for (const f of OUTPUTS) {
    const bytes = readFileSync(join(outdir, f));
    sizes[f] = { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  writeFileSync(join(outdir, "sizes.json"), `${JSON.stringify(sizes, null, 2)}\n`);
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--outdir");
  const outdir = at >= 0 ? resolve(args[at + 1]) : join(root, "dist", "browser");
  const sources = Math.max(newest(join(root, "src")), existsSync(WASM) ? statSync(WASM).mtimeMs : 0);
  const built = OUTPUTS.every((f) => existsSync(join(outdir, f)) && statSync(join(outdir, f)).mtimeMs > sources);
  if (args.includes("--if-needed") && built) process.exit(0);
  const sizes = await buildBrowser({ outdir });
  for (const [f, s] of Object.entries(sizes)) {
    console.log(`${join(outdir, f)}  ${(s.bytes / 1024).toFixed(1)} KiB  (gzip ${(s.gzip / 1024).toFixed(1)} KiB)`);
  }
}

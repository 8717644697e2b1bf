// How long `wasm-hsm serve` takes to start: from spawning node to the first line (the vault is
// listening, its workers ready), with the default workers, a fresh process each run.
//
//   npx tsx bench/start-time.ts [--runs 5] [--root DIR]   (DIR: another checkout's build, to compare)
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serverToolArgs } from "./server-args.js";

const { opt } = serverToolArgs(["-", ...process.argv.slice(2)]);
const runs = Number(opt("--runs") ?? 5);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number >= 1, got ${opt("--runs")}`);
const root = opt("--root") ?? fileURLToPath(new URL("..", import.meta.url));

function once(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, "bin/wasm-hsm.mjs"), "serve", "--port", "0", "--log-level", "warn"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the server exited (${code}) before its first line`)));
    child.stdout!.once("data", () => {
      const ms = performance.now() - t0;
      child.removeAllListeners("exit");
      child.once("exit", () => resolve(ms));
      child.kill("SIGTERM");
    });
  });
}

await once(); // the first start also builds what is stale and warms the disk cache
const times: number[] = [];
for (let i = 0; i < runs; i++) times.push(await once());
const sorted = [...times].sort((a, b) => a - b);
console.log(
  `serve's first line after ${times.map((t) => t.toFixed(0)).join(", ")} ms; median ${sorted[Math.floor(runs / 2)]!.toFixed(0)} ms`,
);

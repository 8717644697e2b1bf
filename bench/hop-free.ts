// A measurement, not a way to run the emulator: what a signature over HTTPS costs when the thread
// that reads the request also signs it (no hop to a vault worker). N processes (node:cluster, one
// port) each run `serve({ workers: 0 })` with the same seeded P-256 key; autocannon signs with it as
// bench/server.ts does, against the engine's rate measured just before in this process.
// Every process has its own in-memory store: fine for signing one seeded key, wrong for anything
// else, which is why this is a bench tool (src/server/NOTES-speed.md, fourth pass).
//
//   npx tsx bench/hop-free.ts [--procs 2] [--seconds 8] [--rounds 3]
import cluster from "node:cluster";
import { createHash, generateKeyPairSync } from "node:crypto";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { Hsm } from "../src/engine/index.js";
import { serverToolArgs } from "./server-args.js";
import { AUTH, CONNECTIONS } from "./server-load.js";

const { opt } = serverToolArgs();
const procs = Number(opt("--procs") ?? 2);
const seconds = Number(opt("--seconds") ?? 8);
const rounds = Number(opt("--rounds") ?? 3);
const PORT = Number(process.env.WASM_HSM_BENCH_PORT ?? 9243) + 40;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

if (cluster.isPrimary) {
  const jwk = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "jwk" });
  const seed = JSON.stringify({ keys: [{ name: "bench-ec", jwk, key_ops: ["sign", "verify"] }] });
  cluster.schedulingPolicy = cluster.SCHED_RR;
  // The processes run the compiled server (dist/): build it if it is stale, as bin/wasm-hsm.mjs does.
  const { ensureBuilt } = await import(new URL("../scripts/build-dist.mjs", import.meta.url).href);
  ensureBuilt();
  const workers = Array.from({ length: procs }, () => cluster.fork({ HOP_FREE_SEED: seed }));
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve, reject) => {
          w.once("message", resolve);
          w.once("exit", (code) => reject(new Error(`a serving process exited (${code}) before it was ready`)));
        }),
    ),
  );
  const value = createHash("sha256").update("bench").digest().toString("base64url");
  const load = (duration: number) =>
    autocannon({
      url: `https://127.0.0.1:${PORT}/keys/bench-ec/sign?api-version=7.4`,
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ alg: "ES256", value }),
      connections: CONNECTIONS,
      duration,
    });
  const hsm = await Hsm.create();
  try {
    await load(1);
    for (let r = 0; r < rounds; r++) {
      const engine = engineRate(hsm);
      const res = await load(seconds);
      const failed = res.errors + res.timeouts + res.non2xx;
      console.log(
        `${procs} processes: ${Math.round(res.requests.average)} req/s${failed ? ` (${failed} FAILED)` : ""}; ` +
          `the engine ${Math.round(engine)}/s just before: ${(res.requests.average / engine).toFixed(2)}×`,
      );
    }
  } finally {
    for (const w of workers) w.kill();
  }
} else {
  const { serve } = await import(`${ROOT}dist/server/serve.js`);
  await serve({ port: PORT, host: "127.0.0.1", workers: 0, logLevel: "warn", seed: { text: process.env.HOP_FREE_SEED! } });
  process.send!("ready");
}

/** The engine's ES256 signatures per second in this thread, over 3 s (bench/suites/ec.ts measures the same call). */
function engineRate(hsm: Hsm): number {
  const handle = hsm.generateEc("P-256");
  const digest = createHash("sha256").update("x").digest();
  for (let i = 0; i < 2000; i++) hsm.sign(handle, "ES256", digest);
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 3000) {
    for (let i = 0; i < 100; i++) hsm.sign(handle, "ES256", digest);
    n += 100;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  hsm.destroy(handle);
  return rate;
}

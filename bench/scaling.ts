// Multi-core scaling: the engine in 1 and in 2 vault workers (src/server/workers: worker_threads,
// each with its own core), ops rsa2048.sign.RS256@1w, @2w and p256.sign.ES256@1w, @2w (impl
// wasm-hsm). The pool's router is called in process (no HTTP): each worker gets a key of its own,
// named so that the pool routes it there (WorkerPool.workerFor), and IN_FLIGHT requests per busy
// worker are kept in flight for `seconds`; the rate is signatures completed per second of wall time.
// On a machine shared with other work the @2w figure is bounded by the cores actually free: each
// line also says how many cores the workers got (their threads' CPU time over the wall time, from
// /proc on Linux) and the signatures per CPU-second of worker time, which is what the code controls.
// If that efficiency is the same at @1w and @2w, the pool scales and the missing speed-up is the
// machine's (2 cores shared with this bench's own thread, which drives the requests, and other jobs).
import { createHash } from "node:crypto";
import type { Result } from "./harness.js";
import { cpuSince, threadCpuSeconds } from "./proc-cpu.js";
import { MemoryStore } from "../src/store/memory.js";
import { spawnNodeWorker } from "../src/server/workers/node-spawn.js";
import { WorkerPool } from "../src/server/workers/pool.js";
import type { HttpRequest } from "../src/server/router.js";

const IN_FLIGHT = 4;
const API = "api-version=7.6";
const HEADERS = { authorization: "Bearer bench", "content-type": "application/json", host: "localhost" };

function request(method: string, path: string, body?: unknown): HttpRequest {
  return { method, url: `${path}?${API}`, headers: HEADERS, body: body === undefined ? null : JSON.stringify(body) };
}

/** A name with the given prefix that the pool sends to worker w. */
function nameFor(pool: WorkerPool, prefix: string, w: number): string {
  for (let i = 0; ; i++) if (pool.workerFor(`${prefix}-${i}`) === w) return `${prefix}-${i}`;
}

interface Rate {
  opsPerSec: number;
  /** Cores the other threads than this one (the workers, and V8's helpers) had on average; undefined off Linux. */
  workerCores?: number;
  /** Signatures per CPU-second of those threads. */
  perWorkerCpuSecond?: number;
}

async function rate(pool: WorkerPool, names: string[], alg: string, seconds: number): Promise<Rate> {
  const value = createHash(alg === "RS256" || alg === "ES256" ? "sha256" : "sha384")
    .update("scale")
    .digest()
    .toString("base64url");
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const loop = async (name: string) => {
    while (performance.now() < deadline) {
      const res = await pool.router.handle(request("POST", `/keys/${name}/sign`, { alg, value }));
      if (res.status === 200) done++;
      else failed++;
    }
  };
  const cpu0 = threadCpuSeconds();
  const t0 = performance.now();
  await Promise.all(names.flatMap((name) => Array.from({ length: IN_FLIGHT }, () => loop(name))));
  const wall = (performance.now() - t0) / 1000;
  if (failed) throw new Error(`${failed} ${alg} signatures failed`);
  const cpu = cpuSince(cpu0, threadCpuSeconds());
  const others = [...cpu].reduce((sum, [tid, s]) => (tid === process.pid ? sum : sum + s), 0);
  return {
    opsPerSec: done / wall,
    ...(cpu.size > 0 && others > 0 ? { workerCores: others / wall, perWorkerCpuSecond: done / others } : {}),
  };
}

export async function scalingResults(seconds: number, log: (line: string) => void): Promise<Result[]> {
  // A pool of one worker for @1w and of two for @2w: in a pool of two, one key's operations would
  // already use both workers (the pool lends a busy key's read-only operations to the idle worker).
  const pools = new Map<number, WorkerPool>();
  const out: Result[] = [];
  try {
    for (const size of [1, 2])
      pools.set(size, await WorkerPool.start({ size, spawn: spawnNodeWorker, store: new MemoryStore(), config: { router: {} } }));
    for (const [op, alg, kind] of [
      ["rsa2048.sign.RS256", "RS256", { kty: "RSA", key_size: 2048 }],
      ["p256.sign.ES256", "ES256", { kty: "EC", crv: "P-256" }],
    ] as const) {
      const rates: Rate[] = [];
      for (const size of [1, 2]) {
        const pool = pools.get(size)!;
        // A key per worker, named so that the pool routes it there.
        const names = Array.from({ length: size }, (_, w) => nameFor(pool, `scale-${alg}`, w));
        for (const name of names) {
          const res = await pool.router.handle(request("POST", `/keys/${name}/create`, kind));
          if (res.status !== 200) throw new Error(`scaling: key creation failed: ${res.status} ${res.body}`);
        }
        await rate(pool, names, alg, Math.min(1, seconds / 4)); // warm the workers: JIT, tables, handle caches
        const r = await rate(pool, names, alg, seconds);
        rates.push(r);
        out.push({
          op: `${op}@${size}w`,
          impl: "wasm-hsm",
          opsPerSec: r.opsPerSec,
          rme: 0,
          samples: Math.round(r.opsPerSec * seconds),
          ...(r.workerCores !== undefined ? { cores: r.workerCores } : {}),
        });
        const one = rates[0]!;
        const cpu =
          r.workerCores !== undefined
            ? `  workers had ${r.workerCores.toFixed(2)} cores, ${Math.round(r.perWorkerCpuSecond!).toLocaleString("en-US")}/CPU-s` +
              (size > 1 && one.perWorkerCpuSecond ? ` (${(r.perWorkerCpuSecond! / one.perWorkerCpuSecond).toFixed(2)}× @1w's)` : "")
            : "";
        log(
          `scaling ${`${op}@${size}w`.padEnd(24)} ${Math.round(r.opsPerSec).toLocaleString("en-US").padStart(7)} ops/s` +
            (size > 1 ? `  ${(r.opsPerSec / one.opsPerSec).toFixed(2)}× one worker` : "") +
            cpu,
        );
      }
    }
  } finally {
    for (const pool of pools.values()) await pool.close();
  }
  return out;
}

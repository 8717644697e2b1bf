// The worker pool's own cost, without TLS or fastify: requests handed to WorkerPool.router in this
// thread, 32 in flight, to a pool of 2 vault workers over a MemoryStore. Prints the rate, this
// thread's CPU per request (what the server's main thread pays for the pool: routing, messages,
// store answers) and all threads' CPU per request (/proc, Linux). NOTES-speed.md quotes it.
//
//   npx tsx bench/pool-cost.ts [--requests 20000]
import { createHash } from "node:crypto";
import { spawnNodeWorker } from "../src/server/workers/node-spawn.js";
import { WorkerPool } from "../src/server/workers/pool.js";
import type { HttpRequest } from "../src/server/router.js";
import { MemoryStore } from "../src/store/memory.js";
import { threadCpuSeconds } from "./proc-cpu.js";

const at = process.argv.indexOf("--requests");
const N = at >= 0 ? Number(process.argv[at + 1]) : 20000;
const IN_FLIGHT = 32;
const HEADERS = { host: "127.0.0.1:8443", authorization: "Bearer bench", "content-type": "application/json" };
const request = (method: string, url: string, body?: unknown): HttpRequest => ({
  method,
  url: `${url}?api-version=7.6`,
  headers: HEADERS,
  body: body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(body)),
});

const pool = await WorkerPool.start({ size: 2, spawn: spawnNodeWorker, store: new MemoryStore(), config: { router: {} } });
try {
  const made = await pool.router.handle(request("POST", "/keys/bench-ec/create", { kty: "EC", crv: "P-256" }));
  if (made.status !== 200) throw new Error(`key creation failed: ${made.status} ${made.body}`);
  const value = createHash("sha256").update("pool").digest().toString("base64url");
  const ops: [string, HttpRequest][] = [
    ["sign ES256", request("POST", "/keys/bench-ec/sign", { alg: "ES256", value })],
    ["get key", request("GET", "/keys/bench-ec")],
  ];
  for (const round of ["warm-up", "measured"]) {
    for (const [label, req] of ops) {
      let sent = 0;
      const all0 = threadCpuSeconds();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (sent < N) {
            sent++;
            // A new request object each time, as the server makes one per request (routers may remember
            // what they found about an object).
            const res = await pool.router.handle({ ...req });
            if (res.status !== 200) throw new Error(`${label}: ${res.status} ${res.body}`);
          }
        }),
      );
      const wall = (performance.now() - t0) / 1000;
      const all1 = threadCpuSeconds();
      const main = (all1.get(process.pid) ?? 0) - (all0.get(process.pid) ?? 0);
      const total = [...all1].reduce((s, [tid, c]) => s + c - (all0.get(tid) ?? 0), 0);
      if (round === "measured")
        console.log(
          `${label}: ${Math.round(N / wall).toLocaleString("en-US")}/s; CPU per request: this thread ${((1e6 * main) / N).toFixed(1)} µs, ` +
            `all threads ${((1e6 * total) / N).toFixed(1)} µs`,
        );
    }
  }
} finally {
  await pool.close();
}

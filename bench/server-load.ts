// One server op under autocannon with the CPU it cost: requests/s, latency, and CPU time per request
// of the server's threads (main, each vault worker) and of the client, from Linux's /proc (CPU time,
// not wall time: comparable across runs on a machine that other jobs share, unlike req/s).
// Used by bench/server.ts, bench/profile-server.ts and bench/ab-server.ts.
import autocannon from "autocannon";
import { cpuSince, threadCpuSeconds } from "./proc-cpu.js";

/** Connections autocannon keeps open, each with one request in flight. */
export const CONNECTIONS = 32;
export const AUTH = { authorization: "Bearer bench", "content-type": "application/json" };

export interface Target {
  op: string;
  engineOp?: string; // the engine op of the same work, for the ratio
  method: "GET" | "POST";
  path: string;
  body?: string;
}

export async function load(base: string, t: Target, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${base}${t.path}`,
    method: t.method,
    headers: AUTH,
    body: t.body,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

export interface OpCost {
  op: string;
  reqPerSec: number;
  /** Relative standard deviation of the per-second request counts, %. */
  rme: number;
  requests: number;
  p50: number;
  p99: number;
  failed: number;
  /** Server CPU µs per request, all threads. */
  serverUs: number;
  /** Main thread's CPU µs per request. */
  mainUs: number;
  /** The busiest other thread's (a vault worker's) CPU µs per request. */
  workerUs: number;
  /** Client (autocannon, in this process) CPU µs per request. */
  clientUs: number;
  /** Cores busy on average: server, client. */
  serverCores: number;
  clientCores: number;
}

export async function measureOp(url: string, pid: number, t: Target, seconds: number): Promise<OpCost> {
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpuSeconds(pid);
  const t0 = performance.now();
  const r = await load(url, t, seconds);
  const wall = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(cpu0);
  const threads = [...cpuSince(threads0, threadCpuSeconds(pid))].map(([tid, cpu]) => ({ tid, cpu }));
  const n = Math.max(1, r.requests.total);
  const server = threads.reduce((a, x) => a + x.cpu, 0);
  const main = threads.find((x) => x.tid === pid)?.cpu ?? 0;
  const worker = Math.max(0, ...threads.filter((x) => x.tid !== pid).map((x) => x.cpu));
  const clientSeconds = (client.user + client.system) / 1e6;
  return {
    op: t.op,
    reqPerSec: r.requests.average,
    rme: r.requests.average > 0 ? (100 * r.requests.stddev) / r.requests.average : 0,
    requests: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    failed: r.errors + r.timeouts + r.non2xx,
    serverUs: (1e6 * server) / n,
    mainUs: (1e6 * main) / n,
    workerUs: (1e6 * worker) / n,
    clientUs: (1e6 * clientSeconds) / n,
    serverCores: server / wall,
    clientCores: clientSeconds / wall,
  };
}

export function formatCost(c: OpCost): string {
  return (
    `${c.op}: ${Math.round(c.reqPerSec)} req/s, p50 ${c.p50} ms, p99 ${c.p99} ms${c.failed ? `, ${c.failed} FAILED` : ""}; ` +
    `CPU µs/req: server ${c.serverUs.toFixed(0)} (main ${c.mainUs.toFixed(0)}, busiest worker ${c.workerUs.toFixed(0)}), ` +
    `client ${c.clientUs.toFixed(0)}; cores busy: server ${c.serverCores.toFixed(2)}, client ${c.clientCores.toFixed(2)}`
  );
}

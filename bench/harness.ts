// The benchmark harness: suites register (op, impl, fn) cases; run.ts measures them with
// tinybench, prints a line per case as it goes and a table with ratios at the end, and writes
// bench/results/latest.json (schema in ../shared/DESIGN.md, "Benchmarks") and latest.svg.

export type Impl = "wasm-hsm" | "node:crypto" | "webcrypto" | "node-forge" | "@noble/curves";

/** The pure-JS peers: the "best pure JS" column of the table is the fastest of these. */
export const PURE_JS: readonly Impl[] = ["node-forge", "@noble/curves"];

export interface BenchCase {
  op: string; // {key}.{operation}.{alg}, e.g. "aes256.wrapKey.A256KW" or "rsa2048.keygen"
  impl: Impl;
  fn: () => unknown | Promise<unknown>;
  /** Slow cases (key generation) get fewer iterations; see run.ts. */
  slow?: boolean;
  /** Set-up and tear-down around each phase (warmup, run), outside the timings: a server, a background load. */
  beforeAll?: () => void | Promise<void>;
  afterAll?: () => void | Promise<void>;
}

export interface BenchContext {
  quick: boolean;
  add(c: BenchCase): void;
}

export type Suite = (ctx: BenchContext) => Promise<void>;

/** One line of results: ops/s for crypto, requests/s for the server (with latencies). */
export interface Result {
  op: string;
  impl: Impl;
  opsPerSec: number;
  rme: number;
  samples: number;
  /** Server runs: latency percentiles in milliseconds, and the ratio to the engine's own rate. */
  p50?: number;
  p99?: number;
  engineRatio?: number;
  /** Scaling runs: the cores the workers had; server runs: the server process had (CPU time over wall time). */
  cores?: number;
  /** Server runs: the cores autocannon (the client, in the bench's process) had. */
  clientCores?: number;
}

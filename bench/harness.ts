// The benchmark harness: suites register (op, impl, fn) cases; run.ts measures them with
// tinybench, prints a table with ratios to wasm-hsm, and writes bench/results/latest.json.

export type Impl = "wasm-hsm" | "node:crypto" | "webcrypto" | "node-forge" | "@noble/curves";

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

// npm run bench [-- --quick] [-- --filter SUBSTRING]
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { Bench } from "tinybench";
import type { BenchCase, Suite } from "./harness.js";
import { suites } from "./suites/index.js";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const filterAt = argv.indexOf("--filter");
const filter = filterAt >= 0 ? argv[filterAt + 1] : undefined;

const cases: BenchCase[] = [];
for (const suite of suites as Suite[]) await suite({ quick, add: (c) => cases.push(c) });
const selected = cases.filter((c) => !filter || c.op.includes(filter));

interface Result {
  op: string;
  impl: string;
  opsPerSec: number;
  rme: number;
  samples: number;
}
const results: Result[] = [];

for (const c of selected) {
  // Time budgets keep --quick under 2 minutes; slow cases (keygen) need a floor of iterations.
  const time = c.slow ? (quick ? 1500 : 6000) : quick ? 250 : 1000;
  const bench = new Bench({ time, iterations: c.slow ? (quick ? 3 : 10) : 10, warmup: !c.slow });
  bench.add(`${c.op} ${c.impl}`, c.fn, { beforeAll: c.beforeAll, afterAll: c.afterAll });
  await bench.run();
  const task = bench.tasks[0]!;
  const r = task.result as any;
  if (!r || r.error || r.state === "errored") {
    console.error(`${c.op} ${c.impl}: failed: ${r?.error ?? "no result"}`);
    continue;
  }
  const throughput = r.throughput ?? {};
  const opsPerSec = throughput.mean ?? r.hz;
  const rme = throughput.rme ?? r.rme ?? 0;
  const samples = (throughput.samplesCount ?? r.latency?.samplesCount ?? 0) as number;
  results.push({ op: c.op, impl: c.impl, opsPerSec, rme, samples });
}

// Table: one row per (op, impl), with the ratio of wasm-hsm to each peer.
const byOp = new Map<string, Result[]>();
for (const r of results) byOp.set(r.op, [...(byOp.get(r.op) ?? []), r]);
const rows: string[][] = [["op", "impl", "ops/s", "±%", "samples", "wasm-hsm ÷ impl"]];
for (const [op, rs] of byOp) {
  const ours = rs.find((r) => r.impl === "wasm-hsm");
  for (const r of rs) {
    const ratio = ours && r.impl !== "wasm-hsm" ? `${(ours.opsPerSec / r.opsPerSec).toFixed(2)}×` : "";
    rows.push([op, r.impl, r.opsPerSec.toFixed(1), r.rme.toFixed(1), String(r.samples), ratio]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  "));

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  quick,
  results,
};
const dir = join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "latest.json"), `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nwrote bench/results/latest.json (${results.length} results)`);

// npm run bench [-- --quick] [-- --filter SUBSTRING] [-- --no-memory] [-- --no-server]
//
// 1. Crypto: every case of the suites, one line each as it is measured (tinybench).
// 2. Memory: bytes per key at 1,000 and 10,000 keys of each type; growth over mixed operations.
// 3. Scaling (@1w/@2w: the engine in 1 and 2 vault workers) and the server (autocannon against
//    the emulator; server.get.secret once the secrets routes answer).
// Then the table (ratios to node:crypto and to the fastest pure-JS peer), the total time, and
// bench/results/latest.json (DESIGN.md's schema, plus p50/p99/engineRatio on server results and
// a "memory" section), latest.svg (the ratios as a chart) and latest.md (the table in Markdown).
// --filter keeps the crypto ops that contain SUBSTRING and skips the other sections, unless it
// names them ("memory", "server", "scaling"), and writes filtered.{json,svg,md} instead of latest.*.
// SUBSTRING may be a comma-separated list (any of them): `--filter p256.sign.ES256,server` measures
// the engine and the server in one run, so that the server's ratio to the engine is of one machine state.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { Bench } from "tinybench";
import type { BenchCase, Result, Suite } from "./harness.js";
import { suites } from "./suites/index.js";
import { markdownTable, rowsOf, textTable } from "./table.js";
import { chartSvg } from "./chart.js";
import { memoryReport, type MemoryReport } from "./memory.js";
import { serverResults } from "./server.js";
import { scalingResults } from "./scaling.js";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const filterAt = argv.indexOf("--filter");
const filter = filterAt >= 0 ? argv[filterAt + 1] : undefined;
const terms = filter?.split(",").filter((t) => t !== "");
const section = (name: string, flag: string) => !argv.includes(flag) && (!terms || terms.some((t) => name.includes(t) || t.includes(name)));

const t0 = performance.now();
const clock = () => {
  const s = Math.round((performance.now() - t0) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};
const log = (line: string) => console.log(`[${clock()}] ${line}`);

const cases: BenchCase[] = [];
for (const suite of suites as Suite[]) await suite({ quick, add: (c) => cases.push(c) });
const selected = cases.filter((c) => !terms || terms.some((t) => c.op.includes(t)));
log(`${selected.length} crypto cases${quick ? " (--quick)" : ""}`);

const results: Result[] = [];
for (const [i, c] of selected.entries()) {
  // Time budgets keep --quick under 2 minutes; slow cases (keygen) need a floor of iterations.
  const time = c.slow ? (quick ? 1500 : 6000) : quick ? 200 : 1000;
  const bench = new Bench({ time, iterations: c.slow ? (quick ? 3 : 10) : 10, warmup: !c.slow });
  bench.add(`${c.op} ${c.impl}`, c.fn, { beforeAll: c.beforeAll, afterAll: c.afterAll });
  await bench.run();
  const task = bench.tasks[0]!;
  const r = task.result as any;
  const tag = `${String(i + 1).padStart(3)}/${selected.length} ${c.op.padEnd(30)} ${c.impl.padEnd(13)}`;
  if (!r || r.error || r.state === "errored") {
    log(`${tag} failed: ${r?.error ?? "no result"}`);
    continue;
  }
  const throughput = r.throughput ?? {};
  const opsPerSec = throughput.mean ?? r.hz;
  const rme = throughput.rme ?? r.rme ?? 0;
  const samples = (throughput.samplesCount ?? r.latency?.samplesCount ?? 0) as number;
  results.push({ op: c.op, impl: c.impl, opsPerSec, rme, samples });
  log(`${tag} ${Math.round(opsPerSec).toLocaleString("en-US").padStart(10)} ops/s ±${rme.toFixed(1)}%`);
}

let memory: MemoryReport | undefined;
if (section("memory", "--no-memory")) memory = await memoryReport(quick, log);

const engineRate = (op: string) => results.find((r) => r.op === op && r.impl === "wasm-hsm")?.opsPerSec;
const extra: Result[] = [];
if (section("scaling", "--no-server")) extra.push(...(await scalingResults(quick ? 2 : 20, log)));
if (section("server", "--no-server")) extra.push(...(await serverResults(quick ? 3 : 20, engineRate, log)));

const rows = rowsOf(results);
console.log(`\n${textTable(rows)}`);
for (const r of extra) {
  const rate = Math.round(r.opsPerSec).toLocaleString("en-US").padStart(7);
  if (r.p50 === undefined) console.log(`${r.op.padEnd(28)} ${rate} ops/s`);
  else {
    console.log(
      `${r.op.padEnd(28)} ${rate} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms` +
        (r.engineRatio !== undefined ? `  ${r.engineRatio.toFixed(2)}× the engine` : ""),
    );
  }
}

const meta = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? "unknown", quick };
// A --filter run writes filtered.* beside latest.*, so that it never replaces a whole run's results.
const stem = filter ? "filtered" : "latest";
const dir = join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${stem}.json`), `${JSON.stringify({ ...meta, results: [...results, ...extra], memory }, null, 2)}\n`);
writeFileSync(join(dir, `${stem}.svg`), chartSvg(rows, extra, meta));
writeFileSync(
  join(dir, `${stem}.md`),
  `${meta.date.slice(0, 10)}, ${meta.cpu} (${cpus().length} cores), Node ${meta.node}${quick ? ", --quick" : ""}\n\n${markdownTable(rows)}\n`,
);
console.log(`\nwrote bench/results/${stem}.json (${results.length + extra.length} results), ${stem}.svg, ${stem}.md`);
console.log(`total time ${clock()}`);

// npm run ct [-- --per-class N] [-- --filter SUBSTRING] [-- --test-wasm PATH] [-- --out FILE]
// The timing-leak harness (dudect-style; see stats.ts and measure.ts). It prints a table and
// writes bench/results/ct.json. Exit status 1 when a case misses its pass mark. CPU-heavy: the
// default 100,000 measurements per class take about 25 minutes, most of it RSA-2048.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, relative } from "node:path";
import type { CaseReport } from "./measure.js";
import { T_THRESHOLD } from "./stats.js";
import { DEFAULT_TEST_WASM, allCases, caseEnv, runCases } from "./suite.js";

const argv = process.argv.slice(2);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const perClass = Number(option("--per-class") ?? 100_000);
if (!Number.isSafeInteger(perClass) || perClass < 10)
  throw new Error(`--per-class must be an integer of at least 10, got ${option("--per-class")}`);
const filter = option("--filter");
const testWasm = option("--test-wasm") ?? DEFAULT_TEST_WASM;
const outFile = option("--out") ?? join(import.meta.dirname, "..", "results", "ct.json");

const env = await caseEnv(testWasm);
const started = Date.now();
const reports = await runCases(allCases(env), {
  perClass,
  filter,
  warmupMs: 1000,
  // dudect's 10,000, or a tenth of a class in shorter runs.
  minCount: Math.min(10_000, Math.ceil(perClass / 10)),
  onCase: (c, i, total) => console.error(`[${i + 1}/${total}] ${c.name}: ${c.what} (${perClass} per class)`),
  progress: (f) => console.error(`  ${(100 * f).toFixed(0)} %`),
});

console.log(formatTable(reports));
const failed = reports.flatMap((r) => r.pairs.filter((p) => p.pass === false).map((p) => `${r.name}: ${p.classA} vs ${p.classB}`));
console.log(
  failed.length === 0
    ? `\nall ${reports.reduce((n, r) => n + r.pairs.filter((p) => p.pass !== null).length, 0)} comparisons with a pass mark pass (|t| < ${T_THRESHOLD} for real cases, > ${T_THRESHOLD} for the control)`
    : `\nFAILED: ${failed.join("; ")}`,
);

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  perClass,
  threshold: T_THRESHOLD,
  minutes: Number(((Date.now() - started) / 60_000).toFixed(1)),
  cases: reports,
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(out, null, 2)}\n`);
const shown = relative(process.cwd(), outFile);
console.log(`wrote ${shown.startsWith("..") ? outFile : shown} (${out.minutes} min)`);
process.exitCode = failed.length === 0 ? 0 : 1;

function formatTable(reports: CaseReport[]): string {
  const rows = [["case", "classes compared", "median µs", "max |t|", "at", "resolution ns", "mark", "verdict"]];
  for (const r of reports) {
    for (const p of r.pairs) {
      rows.push([
        r.name,
        `${p.classA} vs ${p.classB}`,
        `${(p.medianA / 1000).toFixed(2)} / ${(p.medianB / 1000).toFixed(2)}`,
        p.maxAbsT.toFixed(2),
        p.test,
        p.resolutionNs.toFixed(p.resolutionNs < 10 ? 2 : 0),
        p.expect === "leak" ? "> 4.5" : p.expect === "constant" ? "< 4.5" : "none",
        p.pass === null ? (p.flagged ? "differs" : "same") : p.pass ? "pass" : "FAIL",
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")).join("\n");
}

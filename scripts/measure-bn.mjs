// Measures the Montgomery products of assembly/bn inside WebAssembly (CPU time, median of 9):
// the paired products of mont-pair.ts at the limb counts of RSA-2048, -3072 and -4096 CRT halves
// (L = 37, 55, 74), the scalar ones of mont.ts, and the bare extmul kernel that bounds them. This
// is the measurement behind assembly/bn/NOTES.md.
// Run: node scripts/measure-bn.mjs   (builds its own wasm in a temporary directory)
//      node scripts/measure-bn.mjs --f64   (the f64 kernel of mont-f64.ts against the i64x2 one at
//      the sizes of RSA-2048's CRT halves, 15 interleaved rounds)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "measure-bn-"));
const out = join(dir, "bn.wasm");
const asc = join(root, "node_modules", "assemblyscript", "bin", "asc.js");
execFileSync(
  process.execPath,
  [asc, join(root, "scripts/measure/bn-entry.ts"), "-o", out, "-O3", "--converge", "--noAssert", "--runtime", "stub", "--enable", "simd"],
  {
    stdio: ["ignore", "ignore", "inherit"],
  },
);
const { instance } = await WebAssembly.instantiate(readFileSync(out), { env: { abort() {} } });
rmSync(dir, { recursive: true, force: true });
const e = instance.exports;

function nsPer(fn, count, ...args) {
  // Warm up for 300 ms, not a fixed count: V8 compiles the optimized code in the background, and
  // a larger function (the unrolled squaring) was still running unoptimized after a fixed count.
  const warm = args.map((a, i) => (i === 0 && args.length === 1 ? Math.max(1, a >> 3) : a));
  for (const t0 = performance.now(); performance.now() - t0 < 300; ) fn(...warm);
  const runs = [];
  for (let r = 0; r < 9; r++) {
    const c0 = process.cpuUsage();
    fn(...args);
    const c = process.cpuUsage(c0);
    runs.push(((c.user + c.system) * 1000) / count);
  }
  return runs.sort((a, b) => a - b)[4];
}

if (process.argv.includes("--f64")) {
  measureF64();
  process.exit(0);
}

const kernel = nsPer(e.extmulKernel, 200 * 2 * 20000, 200, 20000);
console.log(`extmul kernel: ${kernel.toFixed(3)} ns per i64x2.extmul (two 32 x 32 -> 64 products, one per lane)`);
console.log("L    paired sqr  paired mul  (limit sqr / mul)   scalar sqr  scalar mul");
for (const L of [37, 55, 74]) {
  e.setup(L);
  const n = 4000;
  const sp = nsPer(e.sqrPair, n, n);
  const mp = nsPer(e.mulPair, n, n);
  const ss = nsPer(e.sqrScalar, n, n);
  const ms = nsPer(e.mulScalar, n, n);
  // extmuls per product: squaring L(L-1)/2 cross + L diagonal + L^2 - L reduction; multiplication 2 L^2 - L.
  const sqrOps = (L * (L - 1)) / 2 + L + L * L - L;
  const mulOps = 2 * L * L - L;
  console.log(
    `${L}   ${sp.toFixed(0).padStart(7)} ns  ${mp.toFixed(0).padStart(7)} ns   (${(sqrOps * kernel).toFixed(0)} / ${(mulOps * kernel).toFixed(0)} ns)   ${ss.toFixed(0).padStart(7)} ns  ${ms.toFixed(0).padStart(7)} ns`,
  );
}

/**
 * The f64 kernel (mont-f64.ts) at 1024-bit moduli (L = 44) against the paired i64x2 kernel at L = 37
 * (montSqrPairNext and montMulPair), the two sizes of RSA-2048's CRT halves: 15 interleaved rounds,
 * medians. Correctness is test/assembly/bn/f64.test.ts's.
 */
function measureF64() {
  e.setup(37);
  const Lf = e.setupF64(1024);
  const once = (fn, n) => {
    const c0 = process.cpuUsage();
    fn(n);
    const c = process.cpuUsage(c0);
    return ((c.user + c.system) * 1000) / n;
  };
  const fns = [e.sqrPairNext, e.sqrF64, e.mulPair, e.mulF64];
  for (const t0 = performance.now(); performance.now() - t0 < 500; ) for (const f of fns) f(200);
  const runs = fns.map(() => []);
  for (let r = 0; r < 15; r++) fns.forEach((f, i) => runs[i].push(once(f, 4000)));
  const [sp, sf, mp, mf] = runs.map((x) => x.sort((u, v) => u - v)[7]);
  console.log(
    `squaring:       i64x2 L = 37 ${sp.toFixed(0)} ns   f64 L = ${Lf} ${sf.toFixed(0)} ns   (f64 / i64x2 ${(sf / sp).toFixed(3)})`,
  );
  console.log(
    `multiplication: i64x2 L = 37 ${mp.toFixed(0)} ns   f64 L = ${Lf} ${mf.toFixed(0)} ns   (f64 / i64x2 ${(mf / mp).toFixed(3)})`,
  );
}

// Measures the Montgomery products of assembly/bn inside WebAssembly (CPU time, median of 9):
// the paired products of mont-pair.ts at the limb counts of RSA-2048, -3072 and -4096 CRT halves
// (L = 37, 55, 74), the scalar ones of mont.ts, and the bare extmul kernel that bounds them. This
// is the measurement behind assembly/bn/NOTES.md.
// Run: node scripts/measure-bn.mjs   (builds its own wasm in a temporary directory)
//      node scripts/measure-bn.mjs --f64   (the dropped f64 prototype, scripts/measure/f64-sqr.ts:
//      checked against BigInt, then timed against montSqrPairNext in 15 interleaved rounds)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { randomBytes } from "node:crypto";
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

/** The f64 prototype at L = 44 (1024-bit moduli times a 24-bit k) against montSqrPairNext at L = 37. */
function measureF64() {
  const L = 44;
  const T = 1n << 24n;
  const mod = (a, m) => ((a % m) + m) % m;
  const inv = (a, m) => {
    let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
    while (r1) {
      const q = r0 / r1;
      [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
    }
    return mod(s0, m);
  };
  const rnd = (bits) => BigInt(`0x${randomBytes(Math.ceil(bits / 8)).toString("hex")}`) & ((1n << BigInt(bits)) - 1n);
  const f = new Float64Array(e.memory.buffer);
  const put = (ptr, vals) => {
    for (let lane = 0; lane < 2; lane++) {
      let v = vals[lane];
      for (let i = 0; i < L; i++) {
        let d = i < L - 1 ? mod(v, T) : v;
        if (i < L - 1 && d >= T / 2n) d -= T;
        f[ptr / 8 + 2 * i + lane] = Number(d);
        v = (v - d) / T;
      }
    }
  };
  const get = (ptr) =>
    [0, 1].map((lane) => {
      let v = 0n;
      for (let i = L - 1; i >= 0; i--) v = v * T + BigInt(f[ptr / 8 + 2 * i + lane]);
      return v;
    });
  // M = p k = -1 mod 2^24 for two random 1024-bit odd p, one just above 2^1023 and one just below 2^1024.
  const M = [(1n << 1023n) | rnd(64) | 1n, (1n << 1024n) - 1n - (rnd(64) << 1n)].map((p) => p * mod(-inv(p, T), T));
  const R = 1n << BigInt(24 * L);
  new Int32Array(e.memory.buffer)[e.f64Ctx() / 4] = L;
  put(e.f64Ctx() + 16, M);
  for (let trial = 0; trial < 300; trial++) {
    const a = M.map((m) => (trial === 0 ? m - 1n : trial === 1 ? 1n - m : mod(rnd(1100), m) - (trial % 2 ? m - 1n : 0n)));
    put(e.f64X(), a);
    e[process.env.F64FN ?? "sqrF64"](1);
    const r = get(e.f64X());
    for (let i = 0; i < 2; i++) {
      if (mod(r[i], M[i]) !== mod(a[i] * a[i] * inv(R, M[i]), M[i]) || r[i] >= M[i] || r[i] <= -M[i]) {
        throw new Error(`f64 squaring wrong (operand ${trial}, lane ${i})`);
      }
    }
  }
  console.log("f64 squaring: 300 operands (random and the extremes +-(M-1)) agree with BigInt");
  e.setup(37);
  const once = (fn, n) => {
    const c0 = process.cpuUsage();
    fn(n);
    const c = process.cpuUsage(c0);
    return ((c.user + c.system) * 1000) / n;
  };
  for (const t0 = performance.now(); performance.now() - t0 < 500; ) {
    e[process.env.F64FN ?? "sqrF64"](200);
    e.sqrPairNext(200);
  }
  const a = [];
  const b = [];
  for (let r = 0; r < 15; r++) {
    a.push(once(e.sqrPairNext, 4000));
    b.push(once(e[process.env.F64FN ?? "sqrF64"], 4000));
  }
  const med = (x) => x.sort((u, v) => u - v)[7];
  console.log(
    `montSqrPairNext L = 37: ${med(a).toFixed(0)} ns   f64 squaring L = 44: ${med(b).toFixed(0)} ns   (f64 / integer ${(med(b) / med(a)).toFixed(3)})`,
  );
}

// SHA-256 compression speed of one or more builds of the core, interleaved, in ns per 64-byte
// block of CPU time (the `hash` export over 8 KiB of IN). Used to compare the rolled and the
// unrolled compression (assembly/ec/NOTES.md, "Issue 16: signing").
// Run: node scripts/measure-sha256.mjs build/hsm.wasm [OTHER.wasm ...]
import { readFileSync } from "node:fs";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/measure-sha256.mjs A.wasm [B.wasm ...]");
  process.exit(2);
}
const cores = [];
for (const f of files) {
  const { instance } = await WebAssembly.instantiate(readFileSync(f), {
    env: {
      abort() {
        throw new Error("abort");
      },
    },
  });
  const x = instance.exports;
  new Uint8Array(x.memory.buffer).fill(7, x.io_in(), x.io_in() + 8192);
  cores.push(x);
}
const SHA256 = 2; // hash/ids.ts
function nsPerBlock(x) {
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < 200) {
    x.hash(SHA256, 8192);
    n++;
  }
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / (n * 128);
}
const samples = files.map(() => []);
for (let r = 0; r < 7; r++) cores.forEach((x, i) => samples[i].push(nsPerBlock(x)));
samples.forEach((v, i) => {
  v.sort((a, b) => a - b);
  console.log(`${files[i]}: ${v[3].toFixed(1)} ns per block (median of 7)`);
});

// Records the server under the bench's load with Linux perf (CPU samples, all threads, native code,
// OpenSSL and system calls included; JIT'd JavaScript named through --perf-basic-prof), for the
// costs that --cpu-prof's wall-clock samples cannot separate (TLS, writev, the GC).
//
//   npx tsx bench/perf-server.ts OP [--seconds 10] [--out FILE] [-- SERVE ARGS...]
//   perf report -i FILE --sort tid,dso,sym --stdio
import { spawn } from "node:child_process";
import { formatCost, measureOp } from "./server-load.js";
import { prepareTargets, startServer } from "./server.js";
import { serverToolArgs } from "./server-args.js";

const { serveArgs, opt, opName } = serverToolArgs();
if (!opName || opName.startsWith("--")) {
  console.error("usage: bench/perf-server.ts OP [--seconds 10] [--out FILE] [-- SERVE ARGS...]");
  process.exit(2);
}
const seconds = Number(opt("--seconds") ?? 10);
const out = opt("--out") ?? "/tmp/wasm-hsm-server.perf";

const server = await startServer(["--perf-basic-prof"], serveArgs);
try {
  const targets = await prepareTargets(server.url, console.log);
  const t = targets.find((x) => x.op.includes(opName));
  if (!t) throw new Error(`no server op contains ${opName}`);
  // Warm up, then record the middle of the run.
  await measureOp(server.url, server.pid, t, 2);
  const perf = spawn("perf", ["record", "-F", "1999", "-o", out, "-p", String(server.pid), "--", "sleep", String(seconds - 2)], {
    stdio: "inherit",
  });
  const done = new Promise((resolve) => perf.once("exit", resolve));
  console.log(formatCost(await measureOp(server.url, server.pid, t, seconds)));
  await done;
} finally {
  await server.stop();
}
console.log(`perf report -i ${out} --sort tid,dso,sym --stdio`);

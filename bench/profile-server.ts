// Profiles the server under the bench's load: `wasm-hsm serve` started as bench/server.ts starts it,
// under `node --cpu-prof` (one .cpuprofile per thread: the main thread and each vault worker), then
// autocannon on one op for SECONDS, then SIGTERM (the profiles are written as the process exits).
// Prints the rate and the CPU per request of each thread (bench/server-load.ts).
//
//   npx tsx bench/profile-server.ts OP [--seconds 10] [--dir DIR] [--no-prof] [-- SERVE ARGS...]
//
// OP is a server op's name or a part of it (sign.ES256, sign.RS256, get.key, get.secret). Open the
// profiles in Chrome's DevTools (Performance, "Load profile"), or summarise them with
// `npx tsx bench/profile-summary.ts DIR`. The samples are wall-clock: on a busy machine a thread
// descheduled inside a system call (writev of the TLS answer) shows as that call. The port is the
// bench's (WASM_HSM_BENCH_PORT + 8, or 9243).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { formatCost, measureOp } from "./server-load.js";
import { prepareTargets, startServer } from "./server.js";
import { serverToolArgs } from "./server-args.js";

const { own, serveArgs, opt, opName } = serverToolArgs();
if (!opName || opName.startsWith("--")) {
  console.error("usage: bench/profile-server.ts OP [--seconds 10] [--dir DIR] [--no-prof] [-- SERVE ARGS...]");
  process.exit(2);
}
const seconds = Number(opt("--seconds") ?? 10);
const dir = opt("--dir") ?? join(import.meta.dirname, "results", "profiles");
const profile = !own.includes("--no-prof");
if (profile) mkdirSync(dir, { recursive: true });

const server = await startServer(profile ? ["--cpu-prof", "--cpu-prof-dir", dir] : [], serveArgs);
try {
  const targets = await prepareTargets(server.url, console.log);
  const t = targets.find((x) => x.op.includes(opName));
  if (!t) throw new Error(`no server op contains ${opName}: ${targets.map((x) => x.op).join(", ")}`);
  console.log(formatCost(await measureOp(server.url, server.pid, t, seconds)));
} finally {
  await server.stop();
}
if (profile) console.log(`profiles in ${dir}`);

// Compares two builds of the server on one op, interleaved (A B A B ...), so that both see the same
// machine state: a checkout's bin/wasm-hsm.mjs each (a copy of another commit: `git archive COMMIT |
// tar -x -C DIR`, node_modules linked, build/ copied, `node scripts/build-dist.mjs` there).
//
//   npx tsx bench/ab-server.ts OP --a DIR --b DIR [--rounds 3] [--seconds 8] [-- SERVE ARGS...]
//
// Prints each run (bench/server-load.ts) and the medians of B/A: req/s, and server CPU per request.
import { formatCost, measureOp, type OpCost } from "./server-load.js";
import { prepareTargets, startServer } from "./server.js";
import { serverToolArgs } from "./server-args.js";

const { serveArgs, opt, opName } = serverToolArgs();
const roots = { A: opt("--a"), B: opt("--b") };
if (!opName || opName.startsWith("--") || !roots.A || !roots.B) {
  console.error("usage: bench/ab-server.ts OP --a DIR --b DIR [--rounds 3] [--seconds 8] [-- SERVE ARGS...]");
  process.exit(2);
}
const rounds = Number(opt("--rounds") ?? 3);
const seconds = Number(opt("--seconds") ?? 8);

async function once(root: string): Promise<OpCost> {
  const server = await startServer([], serveArgs, undefined, root);
  try {
    const targets = await prepareTargets(server.url, () => {});
    const t = targets.find((x) => x.op.includes(opName!));
    if (!t) throw new Error(`no server op contains ${opName}: ${targets.map((x) => x.op).join(", ")}`);
    await measureOp(server.url, server.pid, t, 1); // warm-up: JIT, the key unsealed
    return await measureOp(server.url, server.pid, t, seconds);
  } finally {
    await server.stop();
  }
}

const runs: { A: OpCost[]; B: OpCost[] } = { A: [], B: [] };
for (let r = 0; r < rounds; r++) {
  for (const side of (r % 2 === 0 ? ["A", "B"] : ["B", "A"]) as ("A" | "B")[]) {
    const c = await once(roots[side]!);
    runs[side].push(c);
    console.log(`${side} ${formatCost(c)}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratio = (f: (c: OpCost) => number) => median(runs.B.map((b, i) => f(b) / f(runs.A[i]!)));
console.log(
  `B/A (median of ${rounds} rounds): req/s ${ratio((c) => c.reqPerSec).toFixed(2)}×, server CPU/req ${ratio((c) => c.serverUs).toFixed(2)}×, ` +
    `main CPU/req ${ratio((c) => c.mainUs).toFixed(2)}×, worker CPU/req ${ratio((c) => c.workerUs).toFixed(2)}×`,
);

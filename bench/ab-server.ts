// Compares builds of the server on one op, interleaved (A B C, C B A, ...), so that all see the same
// machine state: a checkout's bin/wasm-hsm.mjs each (a copy of another commit: `git archive COMMIT |
// tar -x -C DIR`, node_modules linked, build/ copied, `node scripts/build-dist.mjs` there). `--b` may
// be given more than once: each B is compared with A.
//
//   npx tsx bench/ab-server.ts OP --a DIR --b DIR [--b DIR...] [--rounds 3] [--seconds 8] [-- SERVE ARGS...]
//
// Prints each run (bench/server-load.ts) and, for each B, the medians of B/A over the rounds: req/s,
// and CPU per request (server, main thread, busiest worker, client).
import { formatCost, measureOp, type OpCost } from "./server-load.js";
import { prepareTargets, startServer } from "./server.js";
import { serverToolArgs } from "./server-args.js";

const { own, serveArgs, opt, opName } = serverToolArgs();
const a = opt("--a");
const bs = own.flatMap((x, i) => (x === "--b" && own[i + 1] !== undefined ? [own[i + 1]!] : []));
const bFlags = own.filter((x) => x === "--b").length;
if (!opName || opName.startsWith("--") || !a || bs.length === 0 || bs.length !== bFlags) {
  console.error("usage: bench/ab-server.ts OP --a DIR --b DIR [--b DIR...] [--rounds 3] [--seconds 8] [-- SERVE ARGS...]");
  process.exit(2);
}
const roots = [a, ...bs];
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

const label = (i: number) => (i === 0 ? "A" : bs.length === 1 ? "B" : `B${i}`);
const runs: OpCost[][] = roots.map(() => []);
for (let r = 0; r < rounds; r++) {
  const order = roots.map((_, i) => i);
  if (r % 2 === 1) order.reverse();
  for (const i of order) {
    const c = await once(roots[i]!);
    runs[i]!.push(c);
    console.log(`${label(i)} ${formatCost(c)}`);
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
for (let i = 1; i < roots.length; i++) {
  const ratio = (f: (c: OpCost) => number) => median(runs[i]!.map((b, k) => f(b) / f(runs[0]![k]!)));
  console.log(
    `${label(i)}/A (median of ${rounds} rounds): req/s ${ratio((c) => c.reqPerSec).toFixed(2)}×, server CPU/req ${ratio((c) => c.serverUs).toFixed(2)}×, ` +
      `main CPU/req ${ratio((c) => c.mainUs).toFixed(2)}×, worker CPU/req ${ratio((c) => c.workerUs).toFixed(2)}×, client CPU/req ${ratio((c) => c.clientUs).toFixed(2)}×`,
  );
}

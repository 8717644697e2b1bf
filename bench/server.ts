// The emulator's own throughput: autocannon against `node bin/wasm-hsm.mjs serve` (a child
// process, HTTPS on loopback, port SERVER_PORT), 32 connections (server-load.ts) for `seconds` per op.
// Each op reports requests/s, p50 and p99 latency, and the ratio to the engine's rate for the
// same operation measured earlier in the run (the HTTP, JSON, auth and vault cost on top), with the
// cores the server and autocannon had and the server threads' CPU per request.
//
// Hooks for what has not landed yet: server.get.secret runs once PUT /secrets/{name} answers
// (the secrets routes), and is reported as skipped until then.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { request } from "node:https";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Result } from "./harness.js";
import { AUTH, measureOp, type Target } from "./server-load.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** 9243, or WASM_HSM_BENCH_PORT + 8 (the server suite takes that port and the 7 after it). */
export const SERVER_PORT = process.env.WASM_HSM_BENCH_PORT ? Number(process.env.WASM_HSM_BENCH_PORT) + 8 : 9243;
const API = "api-version=7.4";

interface Reply {
  status: number;
  body: string;
}

/** One HTTPS request to the emulator (self-signed certificate: loopback only, not verified). */
export function call(base: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: AUTH, rejectUnauthorized: false }, (res) => {
      let data = "";
      res.on("data", (c: Buffer) => (data += c.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * `wasm-hsm serve` in a child process, as `npm start` runs it; `nodeArgs` go to node (bench/profile-server.ts
 * passes --cpu-prof), `serveArgs` to the command (--workers N); `root` is the checkout whose
 * bin/wasm-hsm.mjs runs (bench/ab-server.ts compares two).
 */
export async function startServer(
  nodeArgs: string[] = [],
  serveArgs: string[] = [],
  port = SERVER_PORT,
  root = ROOT,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const args = [...nodeArgs, join(root, "bin/wasm-hsm.mjs"), "serve", "--port", String(port), "--log-level", "warn", ...serveArgs];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const line = await Promise.race([
    new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve)),
    exited.then(() => {
      throw new Error(`the server exited before it was ready: ${stderr.trim()}`);
    }),
  ]);
  const url = /vault (https:\/\/\S+)/.exec(line)?.[1];
  if (!url) throw new Error(`unexpected first line from the server: ${line}`);
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Makes the keys and the secret the ops use, and returns the ops (server.get.secret only if secrets answer). */
export async function prepareTargets(base: string, log: (line: string) => void): Promise<Target[]> {
  const digest = createHash("sha256").update("bench").digest().toString("base64url");
  const made = await Promise.all([
    call(base, "POST", `/keys/bench-rsa/create?${API}`, { kty: "RSA", key_size: 2048 }),
    call(base, "POST", `/keys/bench-ec/create?${API}`, { kty: "EC", crv: "P-256" }),
  ]);
  for (const r of made) if (r.status !== 200) throw new Error(`key creation failed: ${r.status} ${r.body}`);
  const targets: Target[] = [
    {
      op: "server.rsa2048.sign.RS256",
      engineOp: "rsa2048.sign.RS256",
      method: "POST",
      path: `/keys/bench-rsa/sign?${API}`,
      body: JSON.stringify({ alg: "RS256", value: digest }),
    },
    {
      op: "server.p256.sign.ES256",
      engineOp: "p256.sign.ES256",
      method: "POST",
      path: `/keys/bench-ec/sign?${API}`,
      body: JSON.stringify({ alg: "ES256", value: digest }),
    },
    { op: "server.get.key", method: "GET", path: `/keys/bench-ec?${API}` },
  ];
  const secret = await call(base, "PUT", `/secrets/bench-secret?${API}`, { value: "bench" });
  if (secret.status === 200) targets.push({ op: "server.get.secret", method: "GET", path: `/secrets/bench-secret?${API}` });
  else log(`server  server.get.secret: skipped (PUT /secrets answers ${secret.status}: no secrets routes yet)`);

  return targets;
}

/**
 * Runs the server ops; `engineRate(op)` gives the engine's ops/s for an op of this run.
 * Logs a line per op; returns results with impl wasm-hsm.
 */
export async function serverResults(
  seconds: number,
  engineRate: (op: string) => number | undefined,
  log: (line: string) => void,
): Promise<Result[]> {
  const server = await startServer();
  const out: Result[] = [];
  try {
    const base = server.url;
    const targets = await prepareTargets(base, log);
    // Both sides share the machine's cores: say how the server is split, the client being in this process.
    log(
      `server  wasm-hsm serve with its default ${availableParallelism()} vault workers (one per core; each key's requests go to one), ` +
        `autocannon in the bench's process, on ${availableParallelism()} cores in all`,
    );
    for (const t of targets) {
      const probe = await call(base, t.method, t.path, t.body === undefined ? undefined : JSON.parse(t.body));
      if (probe.status !== 200) throw new Error(`${t.op}: ${probe.status} ${probe.body}`);
      const c = await measureOp(base, server.pid, t, seconds);
      const engine = t.engineOp ? engineRate(t.engineOp) : undefined;
      const result: Result = {
        op: t.op,
        impl: "wasm-hsm",
        opsPerSec: c.reqPerSec,
        rme: c.rme,
        samples: c.requests,
        p50: c.p50,
        p99: c.p99,
        ...(engine ? { engineRatio: c.reqPerSec / engine } : {}),
        ...(c.serverCores > 0 ? { cores: c.serverCores, clientCores: c.clientCores } : {}),
      };
      out.push(result);
      // The cores each side had, and the server's CPU per request: on 2 cores shared by the server's
      // threads, autocannon and other jobs, they say whether the rate is the code's or the machine's.
      log(
        `server  ${t.op.padEnd(28)} ${Math.round(result.opsPerSec).toLocaleString("en-US").padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms` +
          (result.engineRatio !== undefined ? `  ${result.engineRatio.toFixed(2)}× the engine's ${t.engineOp}` : "") +
          (c.serverCores > 0
            ? `  [cores: server ${c.serverCores.toFixed(2)}, autocannon ${c.clientCores.toFixed(2)}; CPU/req: main ${c.mainUs.toFixed(0)} µs, worker ${c.workerUs.toFixed(0)} µs]`
            : "") +
          (c.failed ? `  (${c.failed} failed requests)` : ""),
      );
    }
  } finally {
    await server.stop();
  }
  return out;
}

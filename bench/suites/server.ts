// The HTTPS server with the engine in the main thread (--workers 0) and in two worker threads
// (--workers 2), measured as a client sees it (keep-alive HTTPS, as the SDK does):
//  - server.{getKey,listKeys}.duringRsa4096Keygen.workersN: one GET while RSA-4096 keys are made
//    one after another in the background (ops/s = 1 / mean latency). A named GET goes to its name's
//    worker, which is the busy one about half the time; a list goes to the least busy worker.
//  - server.sign.ES256.workersN: one P-256 signature per request, one request at a time;
//    server.sign8.ES256.workersN: eight at once (ops/s x 8 = signatures per second).
// The cases of one server share it: it starts before the first (port WASM_HSM_BENCH_PORT and up,
// default: any free one) and stops after the last, outside the timings. All are `slow` (no warmup
// phase, a floor of iterations): a GET that waits for a key takes seconds.
import { createHash } from "node:crypto";
import { Agent, request } from "node:https";
import type { BenchContext, Suite } from "../harness.js";
import { serve, type RunningServer } from "../../src/server/serve.js";

const V = "7.6";
const TOKEN = "Bearer bench-token";

interface Answer {
  status: number;
  body: string;
}

/** A server, started by its first case's beforeAll and stopped by its last case's afterAll. */
class Target {
  #server?: RunningServer;
  #started?: Promise<void>;
  #users = 0;
  #agent?: Agent;
  #load?: Promise<void>;
  #loading = false;
  #seq = 0;

  constructor(
    readonly workers: number,
    readonly port: number,
    readonly background: boolean,
  ) {}

  /** Hooks for one more case on this server; `latencies` are printed as percentiles after it. */
  hooks(label: string, latencies?: number[]): { slow: true; beforeAll: () => Promise<void>; afterAll: () => Promise<void> } {
    this.#users++;
    return {
      slow: true,
      beforeAll: () => (this.#started ??= this.#start(this.background)),
      afterAll: async () => {
        if (latencies) console.log(`${label}: ${percentiles(latencies)}`);
        if (--this.#users === 0) await this.#stop();
      },
    };
  }

  async #start(background: boolean): Promise<void> {
    this.#server = await serve({ port: this.port, workers: this.workers, logLevel: "silent" });
    this.#agent = new Agent({ keepAlive: true, ca: this.#server.cert, maxSockets: 16 });
    await this.call("POST", "/keys/probe/create", { kty: "EC", crv: "P-256" });
    if (background) {
      this.#loading = true;
      this.#load = (async () => {
        while (this.#loading) await this.call("POST", `/keys/bg-${this.#seq++}/create`, { kty: "RSA", key_size: 4096 });
      })();
      // Let the first key start.
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async #stop(): Promise<void> {
    this.#loading = false;
    await this.#load;
    this.#agent?.destroy();
    await this.#server?.close();
  }

  call(method: string, path: string, body?: object): Promise<Answer> {
    const server = this.#server!;
    const text = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${server.url}${path}${path.includes("?") ? "&" : "?"}api-version=${V}`,
        {
          method,
          agent: this.#agent,
          headers: { authorization: TOKEN, ...(text !== undefined ? { "content-type": "application/json" } : {}) },
        },
        (res) => {
          let data = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (data += c));
          res.on("end", () =>
            res.statusCode === 200
              ? resolve({ status: 200, body: data })
              : reject(new Error(`${method} ${path}: ${res.statusCode} ${data}`)),
          );
        },
      );
      req.on("error", reject);
      req.end(text);
    });
  }
}

/** The op, run as `fn`, its latency (ms) appended to `into`. */
function timed<T>(into: number[], op: () => Promise<T>): () => Promise<T> {
  return async () => {
    const t = performance.now();
    try {
      return await op();
    } finally {
      into.push(performance.now() - t);
    }
  };
}

/** tinybench's ops/s averages 1/latency, which hides the GETs that waited: the percentiles say it. */
function percentiles(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))]!.toFixed(1);
  return `n=${s.length} p50=${at(0.5)} ms p95=${at(0.95)} ms max=${at(1)} ms`;
}

export const serverSuite: Suite = async ({ add, quick }: BenchContext) => {
  const base = Number(process.env.WASM_HSM_BENCH_PORT ?? 0);
  const digest = createHash("sha256").update("bench").digest("base64url");
  let n = 0;
  for (const workers of [0, 2]) {
    const port = () => (base === 0 ? 0 : base + (n++ % 8));
    const loaded = new Target(workers, port(), true);
    const quiet = new Target(workers, port(), false);
    const getOp = `server.getKey.duringRsa4096Keygen.workers${workers}`;
    const getMs: number[] = [];
    // --quick (under 2 minutes in all) leaves out the GETs during RSA-4096 key generation: one
    // such GET can wait seconds, and the tinybench floor of iterations makes several.
    if (!quick) {
      add({ op: getOp, impl: "wasm-hsm", ...loaded.hooks(getOp, getMs), fn: timed(getMs, () => loaded.call("GET", "/keys/probe")) });
    }
    // In the main thread a list waits like any GET: measured with workers only.
    if (workers > 0 && !quick) {
      const listOp = `server.listKeys.duringRsa4096Keygen.workers${workers}`;
      const listMs: number[] = [];
      add({
        op: listOp,
        impl: "wasm-hsm",
        ...loaded.hooks(listOp, listMs),
        fn: timed(listMs, () => loaded.call("GET", "/keys?maxresults=1")),
      });
    }
    const sign = () => quiet.call("POST", "/keys/probe//sign", { alg: "ES256", value: digest });
    add({ op: `server.sign.ES256.workers${workers}`, impl: "wasm-hsm", ...quiet.hooks("sign"), fn: sign });
    add({
      op: `server.sign8.ES256.workers${workers}`,
      impl: "wasm-hsm",
      ...quiet.hooks("sign8"),
      fn: () => Promise.all(Array.from({ length: 8 }, sign)),
    });
  }
};

// Soak test (issue 15): `npm run soak`. The real server (`wasm-hsm serve --data-dir`, a fresh directory) on
// loopback, 60 s of autocannon at 64 connections, each connection cycling through a mix of create, sign,
// verify, encrypt, decrypt (AES-GCM and RSA-OAEP), get, list, and secret set and get. Bounded: it stops by
// itself, and the server is stopped whatever happens. It records errors (must be 0), status codes (non-2xx
// other than expected: none is expected), wrong answers (a verify that is not true, a decrypt or a secret
// that reads back different), p50/p99 latency, and the server's RSS every 2 s. Afterwards every object that
// was acknowledged is checked: every created key is listed, every set secret reads back.
//
//   npm run soak [-- --duration 60 --connections 64 --port 9550 --memory]
import * as nc from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { startCli } from "../../test/helpers/cli-server.js";
import { TOKEN } from "../../test/helpers/https.js";
import { kvHttp } from "../../test/helpers/kv-http.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    connections: { type: "string", default: "64" },
    port: { type: "string", default: "9550" },
    memory: { type: "boolean", default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const API = "api-version=7.6";
/** autocannon's per-connection context. */
type Ctx = Record<string, unknown>;

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-soak-"));
const server = await startCli(
  ["--port", values.port!, ...(values.memory ? [] : ["--data-dir", join(dir, "data")]), "--log-level", "warn"],
  {
    port: false,
    env: { WASM_HSM_DOMAIN_SECRET: "soak" },
  },
);
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

try {
  const http = kvHttp(server.url, server.cert);
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await http.call(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  // Set-up: the keys and secrets that the mix reads, and answers to check against.
  await ok("POST", "/keys/soak-ec/create", { kty: "EC", crv: "P-256" });
  await ok("POST", "/keys/soak-aes/create", { kty: "oct", key_size: 256 });
  await ok("POST", "/keys/soak-rsa/create", { kty: "RSA", key_size: 2048 });
  const digest = nc.randomBytes(32).toString("base64url");
  const signature = (await ok("POST", "/keys/soak-ec/sign", { alg: "ES256", value: digest })).value;
  const plain = nc.randomBytes(48).toString("base64url");
  const gcm = await ok("POST", "/keys/soak-aes/encrypt", { alg: "A256GCM", value: plain });
  const oaep = await ok("POST", "/keys/soak-rsa/encrypt", { alg: "RSA-OAEP-256", value: plain });
  const fixedSecrets = Array.from({ length: 8 }, (_, i) => ({
    name: `soak-fixed-${i}`,
    value: `fixed-${i}-${nc.randomBytes(12).toString("hex")}`,
  }));
  for (const s of fixedSecrets) await ok("PUT", `/secrets/${s.name}`, { value: s.value });

  const created: string[] = [];
  const setSecrets = new Map<string, string>();
  const wrong: string[] = [];
  const json = (body: unknown) => JSON.stringify(body);
  const headers = { authorization: TOKEN, "content-type": "application/json" };
  const check = (what: string, good: (body: any) => boolean) => (status: number, body: string) => {
    if (status !== 200) return;
    try {
      if (!good(JSON.parse(body))) wrong.push(`${what}: ${body.slice(0, 120)}`);
    } catch {
      wrong.push(`${what}: not JSON`);
    }
  };
  let seq = 0;
  const run = nc.randomBytes(3).toString("hex");
  const requests: autocannon.Request[] = [
    { method: "POST", path: `/keys/soak-ec/sign?${API}`, headers, body: json({ alg: "ES256", value: digest }) },
    {
      method: "POST",
      path: `/keys/soak-ec/verify?${API}`,
      headers,
      body: json({ alg: "ES256", digest, value: signature }),
      onResponse: check("verify", (b) => b.value === true),
    },
    { method: "POST", path: `/keys/soak-aes/encrypt?${API}`, headers, body: json({ alg: "A256GCM", value: plain }) },
    {
      method: "POST",
      path: `/keys/soak-aes/decrypt?${API}`,
      headers,
      body: json({ alg: "A256GCM", value: gcm.value, iv: gcm.iv, tag: gcm.tag }),
      onResponse: check("decrypt GCM", (b) => b.value === plain),
    },
    { method: "GET", path: `/keys/soak-ec?${API}`, headers },
    { method: "GET", path: `/keys?maxresults=25&${API}`, headers },
    {
      method: "POST",
      headers,
      setupRequest: (req, context) => {
        const name = `soak-k-${run}-${seq++}`;
        (context as Ctx).key = name;
        return {
          ...req,
          path: `/keys/${name}/create?${API}`,
          body: json(seq % 2 ? { kty: "EC", crv: "P-256" } : { kty: "oct", key_size: 128 }),
        };
      },
      onResponse: (status, _body, context) => {
        if (status === 200) created.push((context as Ctx).key as string);
      },
    },
    {
      method: "PUT",
      headers,
      setupRequest: (req, context) => {
        const name = `soak-s-${run}-${seq++}`;
        const value = nc.randomBytes(16).toString("base64url");
        (context as Ctx).secret = [name, value];
        return { ...req, path: `/secrets/${name}?${API}`, body: json({ value }) };
      },
      onResponse: (status, _body, context) => {
        if (status === 200) setSecrets.set(...((context as Ctx).secret as [string, string]));
      },
    },
    {
      method: "GET",
      headers,
      setupRequest: (req, context) => {
        const s = fixedSecrets[seq++ % fixedSecrets.length]!;
        (context as Ctx).fixed = s.value;
        return { ...req, path: `/secrets/${s.name}?${API}` };
      },
      onResponse: (status, body, context) => check("secret get", (b) => b.value === (context as Ctx).fixed)(status, body),
    },
    {
      method: "POST",
      path: `/keys/soak-rsa/decrypt?${API}`,
      headers,
      body: json({ alg: "RSA-OAEP-256", value: oaep.value }),
      onResponse: check("decrypt OAEP", (b) => b.value === plain),
    },
  ];

  const pid = server.child.pid!;
  const rss: [number, number][] = [[0, rssOf(pid)]];
  const started = Date.now();
  const sampler = setInterval(() => rss.push([Math.round((Date.now() - started) / 1000), Math.round(rssOf(pid))]), 2000);
  const result = await autocannon({
    url: server.url,
    connections,
    duration,
    requests,
    timeout: 20,
    tlsOptions: { ca: server.cert },
  });
  clearInterval(sampler);
  rss.push([Math.round((Date.now() - started) / 1000), Math.round(rssOf(pid))]);

  // Every acknowledged object is intact: each created key listed, each set secret reads back.
  const listed = new Set<string>();
  let next: string | null = `/keys?maxresults=25`;
  while (next) {
    const page: any = await ok("GET", next);
    for (const item of page.value) listed.add(item.kid.split("/").pop());
    if (page.nextLink) {
      const link = new URL(page.nextLink);
      link.searchParams.delete("api-version");
      next = `${link.pathname}?${link.searchParams.toString()}`;
    } else next = null;
  }
  const missingKeys = created.filter((n) => !listed.has(n));
  const badSecrets: string[] = [];
  const entries = [...setSecrets];
  for (let i = 0; i < entries.length; i += 32) {
    await Promise.all(
      entries.slice(i, i + 32).map(async ([name, value]) => {
        const r = await http.call("GET", `/secrets/${name}`);
        if (r.status !== 200 || r.json.value !== value) badSecrets.push(`${name}: ${r.status}`);
      }),
    );
  }
  http.close();
  const errorLogLines = server
    .stderr()
    .split("\n")
    .filter((l) => l.startsWith("{") && JSON.parse(l).level >= 50);

  const warm = rss.filter(([t]) => t >= 10);
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    store: values.memory ? "memory" : "sqlite",
    durationSeconds: duration,
    connections,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: result.statusCodeStats,
    wrongAnswers: wrong.length,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    rssMiB: { start: rss[0]![1], afterWarmUp: warm[0]?.[1], end: rss.at(-1)![1], max: Math.max(...rss.map(([, m]) => m)) },
    rssSamples: rss,
    created: { keys: created.length, secrets: setSecrets.size },
    intactAfterwards: { missingKeys: missingKeys.length, badSecrets: badSecrets.length },
    serverErrorLogLines: errorLogLines.length,
  };
  // One line per member: the RSS samples stay on one line.
  console.log(
    `{\n${Object.entries(summary)
      .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(",\n")}\n}`,
  );
  if (wrong.length) console.error(wrong.slice(0, 10).join("\n"));
  const failed =
    summary.errors > 0 ||
    summary.timeouts > 0 ||
    summary.non2xx > 0 ||
    wrong.length > 0 ||
    missingKeys.length > 0 ||
    badSecrets.length > 0 ||
    errorLogLines.length > 0;
  process.exitCode = failed ? 1 : 0;
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

// What each layer adds to an ES256 signature, in one thread and without messages: the engine's
// `sign`, the vault's `keys.sign` (record, checks, lock, base64url, kid) and the router's `handle`
// (route, token, api-version, body, JSON answer). Interleaved rounds; CPU time per call, minimum over
// the rounds (src/server/NOTES-speed.md quotes it).
//
//   npx tsx bench/vault-layers.ts [--calls 10000] [--rounds 6]
import { createHash } from "node:crypto";
import { Hsm } from "../src/engine/index.js";
import { createRouter, type HttpRequest } from "../src/server/router.js";
import { MemorySharedDomain } from "../src/server/workers/store-proxy.js";
import { MemoryStore } from "../src/store/memory.js";
import { openRecoveringVault } from "../src/vault/index.js";
import { serverToolArgs } from "./server-args.js";

const { opt } = serverToolArgs(["-", ...process.argv.slice(2)]);
const calls = Number(opt("--calls") ?? 10_000);
const rounds = Number(opt("--rounds") ?? 6);

const vault = await openRecoveringVault({ engine: () => Hsm.create(), store: new MemoryStore(), sharedDomain: new MemorySharedDomain() });
const router = createRouter({ vault });
const headers = { host: "127.0.0.1:8443", authorization: "Bearer bench", "content-type": "application/json" };
const post = (path: string, body: unknown): HttpRequest => ({
  method: "POST",
  url: `${path}?api-version=7.6`,
  headers,
  body: new TextEncoder().encode(JSON.stringify(body)),
});
const made = await router.handle(post("/keys/layers/create", { kty: "EC", crv: "P-256" }));
if (made.status !== 200) throw new Error(`key creation failed: ${made.status} ${made.body}`);
const digest = createHash("sha256").update("layers").digest();
const value = digest.toString("base64url");
const signRequest = post("/keys/layers/sign", { alg: "ES256", value });
const ctx = { vaultUrl: "https://127.0.0.1:8443", apiVersion: "7.6" };

const hsm = await Hsm.create();
const handle = hsm.generateEc("P-256");
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const layers: [string, () => unknown][] = [
  ["engine sign", () => hsm.sign(handle, "ES256", digest)],
  ["vault.keys.sign", () => vault.keys.sign("layers", undefined, { alg: "ES256", value }, ctx)],
  [
    "router.handle",
    // A new request object each time, as the transport makes one per request.
    async () => {
      const res = await router.handle({ ...signRequest });
      if (res.status !== 200) throw new Error(`router.handle: ${res.status} ${res.body}`);
    },
  ],
];
const best = layers.map(() => Number.POSITIVE_INFINITY);
for (let r = 0; r < rounds; r++) {
  for (const [i, [, fn]] of layers.entries()) {
    const t0 = cpuUs();
    for (let n = 0; n < calls; n++) await fn();
    best[i] = Math.min(best[i]!, (cpuUs() - t0) / calls);
  }
}
for (const [i, [label]] of layers.entries()) {
  const added = i === 0 ? "" : ` (+${(best[i]! - best[i - 1]!).toFixed(1)})`;
  console.log(`${label.padEnd(16)} ${best[i]!.toFixed(1)} µs${added}`);
}

// Issue 15, defect 4, in a vault worker (`serve --workers N`, createOfflineVault({ worker: true })): after
// a trap in the core, the worker throws its instance away and makes a new one, re-imports the domain
// through the owner and unseals keys again from the owner's store. The request that met the trap gets
// 503 in Key Vault's envelope; the next one succeeds, checked against node:crypto's AES key wrap.
import { createCipheriv, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpResponse } from "../../../../src/server/router.js";
import { spawnNodeWorker } from "../../../../src/server/workers/node-spawn.js";
import { WorkerPool } from "../../../../src/server/workers/pool.js";
import { MemoryStore } from "../../../../src/store/memory.js";
import { TOKEN } from "../../../helpers/https.js";

const K = randomBytes(32);
const PLAIN = randomBytes(32);
const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");
/** RFC 3394 key wrap by node:crypto (id-aes256-wrap, the default IV). */
const aesKw = (k: Buffer, p: Buffer) => createCipheriv("id-aes256-wrap", k, Buffer.from("A6A6A6A6A6A6A6A6", "hex")).update(p);

const module = new WebAssembly.Module(readFileSync(new URL("../../../../build/hsm.wasm", import.meta.url)));
let pool: WorkerPool;
const logs: { level: string; msg?: string }[] = [];
beforeAll(async () => {
  pool = await WorkerPool.start({
    size: 1,
    // The second aes_wrap the worker's cores see traps; the first and the third do not.
    spawn: () =>
      spawnNodeWorker({
        entry: new URL("../../../helpers/trap-worker.ts", import.meta.url),
        workerData: { exportName: "aes_wrap", at: 2 },
      }),
    store: new MemoryStore(),
    config: { router: { vaultUrl: "https://vault.test" }, wasm: module },
    log: {
      info: (_o, msg) => logs.push({ level: "info", msg }),
      warn: (_o, msg) => logs.push({ level: "warn", msg }),
      error: (_o, msg) => logs.push({ level: "error", msg }),
    },
  });
});
afterAll(() => pool?.close());

const call = async (method: string, path: string, body?: unknown): Promise<HttpResponse & { json: any }> => {
  const res = await pool.router.handle({
    method,
    url: `${path}?api-version=7.6`,
    headers: { authorization: TOKEN, "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { ...res, json: res.body === undefined ? undefined : JSON.parse(res.body) };
};

describe("a trap in a worker's core", () => {
  it("gets 503 in the envelope for the request that met it; the worker's engine is restarted and the key works again", async () => {
    const imported = await call("PUT", "/keys/oct", { key: { kty: "oct", k: b64u(K), key_ops: ["wrapKey", "unwrapKey"] } });
    expect(imported.status, imported.body).toBe(200);
    const wrap = () => call("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) });
    const first = await wrap();
    expect(first.status).toBe(200);
    expect(Buffer.from(first.json.value, "base64url").equals(aesKw(K, PLAIN))).toBe(true);
    const trapped = await wrap();
    expect(trapped.status).toBe(503);
    expect(trapped.json).toEqual({
      error: { code: "ServiceUnavailable", message: "The HSM was restarted after an internal fault; retry the request." },
    });
    const again = await wrap();
    expect(again.status, again.body).toBe(200);
    expect(Buffer.from(again.json.value, "base64url").equals(aesKw(K, PLAIN))).toBe(true);
    // The worker itself lived on (no replacement): the restart was its engine's, and it said so.
    expect(logs.some((l) => l.msg === "the HSM engine trapped and was restarted; keys are unsealed again from the store")).toBe(true);
    expect(logs.some((l) => /stopped|replac/i.test(l.msg ?? ""))).toBe(false);
  });
});

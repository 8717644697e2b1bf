// `wasm-hsm serve --workers 2`: the engine runs in two worker threads over the main thread's store.
// A GET is answered while RSA-4096 keys are being made (how fast is measured by `npm run bench`,
// bench/suites/server-latency.ts); keys made through one worker are used through the other.
import { createHash, randomBytes, verify } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerIndexFor } from "../../src/server/workers/pool.js";
import { startCli, type CliServer } from "../helpers/cli-server.js";
import { rawRequest } from "../helpers/https.js";
import { cryptoClient, keyClient, nodePublicKey, secretClient } from "../helpers/sdk.js";

const V = "7.6";
let s: CliServer;
// A seed too: a vault served by workers is seeded before they start (through a Vault of the main
// thread on the same store), so seeding no longer keeps the vault out of the workers.
const SEED = "keys:\n  - {name: seeded-ec, kty: EC, curve: P-256}\nsecrets:\n  - {name: seeded-secret, value: from-the-seed}\n";
beforeAll(async () => {
  const seedFile = join(mkdtempSync(join(tmpdir(), "whsm-workers-seed-")), "seed.yaml");
  writeFileSync(seedFile, SEED);
  s = await startCli(["--workers", "2", "--log-level", "info", "--seed", seedFile]);
});
afterAll(() => s?.stop());

const raw = (r: Parameters<typeof rawRequest>[2]) => rawRequest(s.url, s.cert, r);
/** `count` fresh names that the pool sends to `worker` (of 2). */
function namesOn(worker: number, count: number, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const n = `${prefix}-${Date.now().toString(36)}-${i}`;
    if (workerIndexFor(n, 2) === worker) out.push(n);
  }
  return out;
}

describe("wasm-hsm serve --workers 2", () => {
  it("--seed with workers: the seeded secret and key are served by the workers, and the start says nothing of serving without them", async () => {
    expect(s.stderr()).not.toMatch(/served without workers/);
    expect((await secretClient(s).getSecret("seeded-secret")).value).toBe("from-the-seed");
    const key = await keyClient(s).getKey("seeded-ec");
    const digest = createHash("sha256").update("seeded").digest();
    const { result } = await cryptoClient(s, key).sign("ES256", digest);
    expect(verify("sha256", Buffer.from("seeded"), { key: nodePublicKey(key.key!), dsaEncoding: "ieee-p1363" }, result)).toBe(true);
  });

  it("answers GETs while RSA-4096 keys are being made in the other worker", async () => {
    const [known] = namesOn(1, 1, "known");
    expect((await raw({ method: "POST", path: `/keys/${known}/create?api-version=${V}`, body: '{"kty":"EC"}' })).status).toBe(200);
    const order: string[] = [];
    // Two RSA-4096 keys, one after the other in worker 0 (their names hash there): hundreds of ms at least.
    const big = namesOn(0, 2, "big").map((n) =>
      raw({ method: "POST", path: `/keys/${n}/create?api-version=${V}`, body: '{"kty":"RSA","key_size":4096}' }).then((r) => {
        order.push("rsa4096");
        return r;
      }),
    );
    await new Promise((r) => setTimeout(r, 30));
    const key = await raw({ path: `/keys/${known}?api-version=${V}` });
    order.push("get");
    const list = await raw({ path: `/keys?api-version=${V}&maxresults=25` });
    order.push("list");
    expect(key.status).toBe(200);
    expect(list.status).toBe(200);
    for (const r of await Promise.all(big)) expect(r.status, r.text).toBe(200);
    // Both GETs were answered before the second RSA key was done: the event loop did not wait for it.
    expect(order.indexOf("list")).toBeLessThan(order.lastIndexOf("rsa4096"));
  });

  it("a key backed up by one worker and restored by either is used through its own: every worker opens every record", async () => {
    const kc = keyClient(s);
    // Two keys per worker; restores alternate between the workers, so two of the four land on the other one.
    const names = [...namesOn(0, 2, "home0"), ...namesOn(1, 2, "home1")];
    const keys = [];
    for (const n of names) keys.push(await kc.createEcKey(n, { curve: "P-256" }));
    const blobs = [];
    for (const n of names) blobs.push((await kc.backupKey(n))!);
    for (const n of names) {
      await (await kc.beginDeleteKey(n, { intervalInMs: 20 })).pollUntilDone();
      await kc.purgeDeletedKey(n);
    }
    for (const b of blobs) await kc.restoreKeyBackup(b);
    for (const k of keys) {
      const data = randomBytes(16);
      const sig = await cryptoClient(s, k).sign("ES256", createHash("sha256").update(data).digest());
      // The restored key is the one made at first: node verifies with the public key the SDK got then.
      expect(verify("sha256", data, { key: nodePublicKey(k.key!), dsaEncoding: "ieee-p1363" }, sig.result)).toBe(true);
    }
    const listed: string[] = [];
    for await (const p of kc.listPropertiesOfKeys()) listed.push(p.name);
    expect(listed).toEqual(expect.arrayContaining(names));
  });

  it("the workers' log lines reach the server's log, with the request's id and the worker's number", async () => {
    const res = await raw({ path: `/keys/no-such-key-${Date.now()}?api-version=${V}` });
    expect(res.status).toBe(404);
    const id = res.headers["x-ms-request-id"];
    // The line crosses from the worker and then the server's stderr pipe: it may land just after the answer.
    const find = () =>
      s
        .stderr()
        .split("\n")
        .find((l) => l.includes(`"reqId":"${id}"`) && l.includes("request refused"));
    for (let i = 0; i < 50 && find() === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    const line = find();
    expect(line, s.stderr().slice(-2000)).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ status: 404, code: "KeyNotFound", worker: expect.any(Number) });
  });

  it("--workers takes a number from 0 to 256", async () => {
    await expect(startCli(["--workers", "many"])).rejects.toThrow(/--workers must be a number from 0 to 256/);
  });
});

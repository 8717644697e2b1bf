// The worker pool: which worker a request goes to, the security domain every worker shares (a key
// made through one is used through the other), a worker killed mid-call, a worker that cannot start.
import { createHash, createPublicKey, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hsm } from "../../../../src/engine/index.js";
import { objectNameOf, type HttpRequest, type HttpResponse } from "../../../../src/server/router.js";
import { spawnNodeWorker } from "../../../../src/server/workers/node-spawn.js";
import { STALLED_MS, WorkerPool, workerIndexFor } from "../../../../src/server/workers/pool.js";
import type { ToWorker } from "../../../../src/server/workers/protocol.js";
import { DomainFile } from "../../../../src/store/domain-file.js";
import { MemoryStore } from "../../../../src/store/memory.js";
import { Vault } from "../../../../src/vault/index.js";

const V = "7.6";
const headers = { authorization: "Bearer test-token", "content-type": "application/json" };
const post = (path: string, body: object): HttpRequest => ({
  method: "POST",
  url: `${path}?api-version=${V}`,
  headers,
  body: JSON.stringify(body),
});
const get = (path: string): HttpRequest => ({ method: "GET", url: `${path}?api-version=${V}`, headers });
const json = (res: HttpResponse) => JSON.parse(res.body ?? "null");
const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");

describe("routing", () => {
  it("objectNameOf: the name a path addresses, percent-decoded; none for lists, restore and /rng", () => {
    const cases: [string, string, string | undefined][] = [
      ["POST", "/keys/MyKey/create", "MyKey"],
      ["POST", "/keys/MyKey//sign", "MyKey"],
      ["POST", "/keys/MyKey/0123456789abcdef0123456789abcdef/decrypt", "MyKey"],
      ["GET", "/keys/k%2Dx/", "k-x"],
      ["GET", "https://vault.example/deletedsecrets/S1?api-version=7.6", "S1"],
      ["POST", "/deletedkeys/gone/recover", "gone"],
      ["GET", "/keys", undefined],
      ["GET", "/keys/", undefined],
      ["POST", "/keys/restore", undefined],
      ["POST", "/secrets/restore", undefined],
      ["POST", "/rng", undefined],
      ["GET", "/no/such/route", undefined],
      ["GET", "/keys/%E0%A4%A", undefined],
    ];
    for (const [method, url, name] of cases) expect(objectNameOf({ method, url }), `${method} ${url}`).toBe(name);
  });

  it("workerIndexFor: one worker per name whatever its case, and names spread over every worker", () => {
    expect(workerIndexFor("My-Key", 4)).toBe(workerIndexFor("my-key", 4));
    expect(workerIndexFor("anything", 1)).toBe(0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 300; i++) counts[workerIndexFor(`key-${i}`, 3)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(60);
  });
});

describe("two workers over one store", () => {
  const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-pool-"));
  const domainFile = join(dir, "domain.json");
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = await WorkerPool.start({
      size: 2,
      spawn: spawnNodeWorker,
      store: new MemoryStore(),
      sharedDomain: new DomainFile(domainFile),
      config: { router: { vaultUrl: "https://pool.vault.test" } },
    });
  });
  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("every worker opened the one security domain, which the domain file holds sealed", async () => {
    const file = JSON.parse(readFileSync(domainFile, "utf8"));
    expect(pool.securityDomainId).toBe(file.id);
    // A vault in this thread opened on the same file is in the same domain.
    const vault = await Vault.open({ hsm: await Hsm.create(), sharedDomain: new DomainFile(domainFile) });
    expect(vault.securityDomainId).toBe(pool.securityDomainId);
  });

  it("a key made through one worker is used through the other, both ways", async () => {
    for (const [maker, user] of [
      [0, 1],
      [1, 0],
    ]) {
      const name = `cross-${maker}-${Date.now()}`;
      const made = await pool.handle(post(`/keys/${name}/create`, { kty: "EC", crv: "P-256" }), { worker: maker });
      expect(made.status, made.body).toBe(200);
      const digest = createHash("sha256").update(name).digest();
      const signed = await pool.handle(post(`/keys/${name}//sign`, { alg: "ES256", value: b64u(digest) }), { worker: user });
      expect(signed.status, signed.body).toBe(200);
      const { crv: _crv, x, y } = json(made).key;
      const pub = createPublicKey({ key: { kty: "EC", crv: "P-256", x, y }, format: "jwk" });
      expect(
        verify("sha256", Buffer.from(name), { key: pub, dsaEncoding: "ieee-p1363" }, Buffer.from(json(signed).value, "base64url")),
      ).toBe(true);
      const backup = await pool.handle(post(`/keys/${name}/backup`, {}), { worker: maker });
      expect(backup.status).toBe(200);
    }
  });

  it("a record one worker has read is seen changed, disabled and deleted as soon as the other worker wrote it", async () => {
    const name = `cached-${Date.now()}`;
    const home = pool.workerFor(name);
    const other = 1 - home;
    const sign = () => pool.handle(post(`/keys/${name}//sign`, { alg: "ES256", value: b64u(new Uint8Array(32)) }), { worker: home });
    expect((await pool.handle(post(`/keys/${name}/create`, { kty: "EC", crv: "P-256" }))).status).toBe(200);
    expect((await sign()).status).toBe(200);
    expect(json(await pool.handle(get(`/keys/${name}`), { worker: home })).tags).toBeUndefined();
    const patch: HttpRequest = {
      method: "PATCH",
      url: `/keys/${name}?api-version=${V}`,
      headers,
      body: JSON.stringify({ attributes: { enabled: false }, tags: { by: "other" } }),
    };
    expect((await pool.handle(patch, { worker: other })).status).toBe(200);
    expect(json(await pool.handle(get(`/keys/${name}`), { worker: home })).tags).toEqual({ by: "other" });
    const refused = await sign();
    expect(refused.status).toBe(403);
    expect(json(refused).error.code).toBe("Forbidden");
    const deleted = await pool.handle({ method: "DELETE", url: `/keys/${name}?api-version=${V}`, headers }, { worker: other });
    expect(deleted.status).toBe(200);
    expect((await pool.handle(get(`/keys/${name}`), { worker: home })).status).toBe(404);
  });

  it("a request that cannot cross to a worker (not cloneable) answers 500 in the envelope, and the worker serves on", async () => {
    const res = await pool.handle({ ...get("/keys/anything"), headers: { ...headers, odd: (() => "x") as never } });
    expect(res.status).toBe(500);
    expect(json(res).error.code).toBe("InternalServerError");
    expect((await pool.handle(get("/keys/anything"))).status).toBe(404);
  });

  it("a request without a name goes to the least busy worker; one with a name to its own", async () => {
    const name = `busy-${Date.now()}`;
    const home = pool.workerFor(name);
    const tick = () => new Promise((r) => setTimeout(r, 0));
    const order: string[] = [];
    const noted = (label: string) => (r: HttpResponse) => {
      order.push(label);
      return r;
    };
    const slow = pool.handle(post(`/keys/${name}/create`, { kty: "RSA", key_size: 4096 })).then(noted("slow"));
    await tick();
    expect(pool.inFlight()[home]).toBe(1);
    const list = pool.handle(get("/keys")).then(noted("list"));
    const named = pool.handle(get(`/keys/${name}`)).then(noted("named"));
    expect((await list).status).toBe(200);
    // The list went to the idle worker and answered while the key was being made; the GET of the
    // key's own name waited behind its creation in the key's worker (and so found it).
    expect(pool.inFlight()[home]).toBe(2);
    expect((await slow).status).toBe(200);
    expect((await named).status).toBe(200);
    expect(order).toEqual(["list", "slow", "named"]);
  });

  it("a hot key's operations run on both workers (read-only on the other); every signature verifies", async () => {
    const name = `hot-${Date.now()}`;
    const made = await pool.handle(post(`/keys/${name}/create`, { kty: "RSA", key_size: 2048 }));
    expect(made.status, made.body).toBe(200);
    const digests = Array.from({ length: 12 }, (_, i) => createHash("sha256").update(`${name}-${i}`).digest());
    const signing = digests.map((d) => pool.handle(post(`/keys/${name}/sign`, { alg: "RS256", value: b64u(d) })));
    await new Promise((r) => setTimeout(r, 0));
    // Twelve RSA signatures (about 1 ms each) in flight: the key's own worker has some, the other too.
    expect(
      pool.inFlight().every((n) => n > 0),
      `in flight: ${pool.inFlight()}`,
    ).toBe(true);
    const signed = await Promise.all(signing);
    const pub = createPublicKey({ key: { kty: "RSA", n: json(made).key.n, e: json(made).key.e }, format: "jwk" });
    signed.forEach((res, i) => {
      expect(res.status, res.body).toBe(200);
      expect(json(res).kid).toBe(json(made).key.kid);
      expect(verify("sha256", Buffer.from(`${name}-${i}`), pub, Buffer.from(json(res).value, "base64url"))).toBe(true);
    });
  });

  it("a GET of a key or a secret whose worker is busy making another key is answered by the other worker", async () => {
    const stamp = Date.now();
    const home = pool.workerFor(`slow-${stamp}-0`);
    // Names of the same worker: two RSA-4096 keys to make (a second or more of its time), and a
    // neighbour with a key and a secret of its own.
    const sameWorker = (prefix: string, n: number) =>
      Array.from({ length: 64 }, (_, i) => `${prefix}-${stamp}-${i}`)
        .filter((x) => pool.workerFor(x) === home)
        .slice(0, n);
    const slowNames = sameWorker("slow", 2);
    const name = sameWorker("neighbour", 1)[0]!;
    expect((await pool.handle(post(`/keys/${name}/create`, { kty: "EC", crv: "P-256" }))).status).toBe(200);
    const put: HttpRequest = { method: "PUT", url: `/secrets/${name}?api-version=${V}`, headers, body: JSON.stringify({ value: "v1" }) };
    expect((await pool.handle(put)).status).toBe(200);

    const order: string[] = [];
    const noted =
      (label: string) =>
      <T>(r: T): T => {
        order.push(label);
        return r;
      };
    const slow = Promise.all(slowNames.map((n) => pool.handle(post(`/keys/${n}/create`, { kty: "RSA", key_size: 4096 })))).then(
      noted("slow"),
    );
    // Long enough for the worker to count as stuck (STALLED_MS without an answer).
    await new Promise((r) => setTimeout(r, 4 * STALLED_MS));
    expect(pool.inFlight()[home]).toBe(2);
    const key = await pool.handle(get(`/keys/${name}`)).then(noted("key"));
    const secret = await pool.handle(get(`/secrets/${name}`)).then(noted("secret"));
    expect(key.status, key.body).toBe(200);
    expect(json(key).key.kid).toMatch(new RegExp(`/keys/${name}/`));
    expect(secret.status, secret.body).toBe(200);
    expect(json(secret).value).toBe("v1");
    // Both answered while the RSA-4096 keys were still being made in their own worker (before GETs
    // were read-only they waited behind them).
    expect((await slow).map((r) => r.status)).toEqual([200, 200]);
    expect(order).toEqual(["key", "secret", "slow"]);
    // A GET of the name being made still goes to its own worker and waits for it.
    const making = `making-get-${stamp}`;
    const made = pool.handle(post(`/keys/${making}/create`, { kty: "RSA", key_size: 3072 }));
    await new Promise((r) => setTimeout(r, 0));
    const got = await pool.handle(get(`/keys/${making}`));
    expect(got.status, got.body).toBe(200);
    expect(json(got).key.kid).toBe(json(await made).key.kid);
  });

  it("GETs of a name whose worker is busy but answering stay on that worker (no second stream of messages)", async () => {
    const name = `gets-${Date.now()}`;
    const home = pool.workerFor(name);
    expect((await pool.handle(post(`/keys/${name}/create`, { kty: "EC", crv: "P-256" }))).status).toBe(200);
    const gets = Array.from({ length: 20 }, () => pool.handle(get(`/keys/${name}`)));
    // All twenty in flight on the name's own worker; a key operation would have gone to the other too.
    expect(pool.inFlight()[home]).toBe(20);
    expect(pool.inFlight()[1 - home]).toBe(0);
    expect((await Promise.all(gets)).map((r) => r.status)).toEqual(Array(20).fill(200));
  });

  it("a sign sent while its key is still being made waits for it, as on the key's own worker", async () => {
    const name = `making-${Date.now()}`;
    const made = pool.handle(post(`/keys/${name}/create`, { kty: "RSA", key_size: 3072 }));
    await new Promise((r) => setTimeout(r, 0));
    expect(pool.inFlight()[pool.workerFor(name)]).toBe(1);
    // The other worker is idle, so the sign goes there, finds no key yet, and is sent to the key's own.
    const signed = await pool.handle(post(`/keys/${name}/sign`, { alg: "RS256", value: b64u(new Uint8Array(32)) }));
    expect((await made).status).toBe(200);
    expect(signed.status, signed.body).toBe(200);
    expect(json(signed).kid).toBe(json(await made).key.kid);
    // A key that does not exist is still 404, from its own worker.
    const missing = await pool.handle(post(`/keys/${name}-none/sign`, { alg: "RS256", value: b64u(new Uint8Array(32)) }));
    expect(missing.status).toBe(404);
  });

  it("a due rotation happens once, on the key's own worker, whichever worker each request reached", async () => {
    const name = `due-${Date.now()}`;
    expect((await pool.handle(post(`/keys/${name}/create`, { kty: "EC", crv: "P-256" }))).status).toBe(200);
    const policy: HttpRequest = {
      method: "PUT",
      url: `/keys/${name}/rotationpolicy?api-version=${V}`,
      headers,
      body: JSON.stringify({ lifetimeActions: [{ trigger: { timeAfterCreate: "P7D" }, action: { type: "Rotate" } }] }),
    };
    expect((await pool.handle(policy)).status).toBe(200);
    // Warm both workers' copies of the record (the other worker's through read-only requests).
    const sign = () => pool.handle(post(`/keys/${name}/sign`, { alg: "ES256", value: b64u(new Uint8Array(32)) }));
    expect((await Promise.all(Array.from({ length: 8 }, sign))).map((r) => r.status)).toEqual(Array(8).fill(200));
    try {
      await pool.control("setClockOffset", [8 * 86_400_000], true);
      const signed = await Promise.all(Array.from({ length: 16 }, sign));
      expect(signed.map((r) => r.status)).toEqual(Array(16).fill(200));
      const versions = json(await pool.handle(get(`/keys/${name}/versions`))).value.map((k: { kid: string }) => k.kid);
      // One rotation: two versions, and every signature was made with the new one.
      expect(versions).toHaveLength(2);
      const current = json(await pool.handle(get(`/keys/${name}`))).key.kid;
      expect(new Set(signed.map((r) => json(r).kid))).toEqual(new Set([current]));
    } finally {
      await pool.control("setClockOffset", [0], true);
    }
  });

  it("a worker killed mid-call: its requests answer 503 in Key Vault's envelope, the other's are untouched, no key is lost", async () => {
    const keep = `keep-${Date.now()}`;
    expect((await pool.handle(post(`/keys/${keep}/create`, { kty: "EC", crv: "P-384" }))).status).toBe(200);
    const victim = 0;
    const names = Array.from({ length: 40 }, (_, i) => `rsa-${i}-${Date.now()}`);
    const onVictim = names.filter((n) => pool.workerFor(n) === victim).slice(0, 2);
    const onOther = names.find((n) => pool.workerFor(n) !== victim)!;
    const doomed = onVictim.map((n) => pool.handle(post(`/keys/${n}/create`, { kty: "RSA", key_size: 4096 }), { requestId: `req-${n}` }));
    const spared = pool.handle(post(`/keys/${onOther}/create`, { kty: "EC", crv: "P-256" }));
    await new Promise((r) => setTimeout(r, 20));
    await pool.terminateWorker(victim);
    const answers = await Promise.all(doomed);
    // Two RSA-4096 keys one after the other take longer than 20 ms: at least the second was in flight.
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) {
      expect(a.status).toBe(503);
      expect(a.headers["content-type"]).toMatch(/^application\/json/);
      expect(json(a)).toEqual({ error: { code: "ServiceUnavailable", message: expect.stringMatching(/worker stopped/) } });
    }
    expect(refused.map((a) => a.headers["x-ms-request-id"])).toEqual(
      answers.flatMap((a, i) => (a.status === 200 ? [] : [`req-${onVictim[i]}`])),
    );
    expect((await spared).status).toBe(200);
    // The replacement opens every record: the key made before the crash signs, on both workers.
    for (const worker of [0, 1]) {
      const signed = await pool.handle(post(`/keys/${keep}//sign`, { alg: "ES384", value: b64u(new Uint8Array(48)) }), { worker });
      expect(signed.status, signed.body).toBe(200);
    }
  });
});

describe("a store that other processes write too (PostgreSQL)", () => {
  /** A memory store that says it is shared across processes, as PostgresStore does by its lock. */
  class SharedStore extends MemoryStore {
    exclusive<T>(_kind: string, _name: string, fn: () => Promise<T>): Promise<T> {
      return fn();
    }
  }
  let pool: WorkerPool;
  const store = new SharedStore();
  beforeAll(async () => {
    pool = await WorkerPool.start({
      size: 1,
      spawn: spawnNodeWorker,
      store,
      config: { router: { vaultUrl: "https://shared.vault.test" } },
    });
  });
  afterAll(() => pool.close());

  it("a worker reads every record from the store: a write by another process is seen at once", async () => {
    const name = `shared-${Date.now()}`;
    expect((await pool.handle(post(`/keys/${name}/create`, { kty: "EC", crv: "P-256" }))).status).toBe(200);
    expect(json(await pool.handle(get(`/keys/${name}`))).tags).toBeUndefined();
    // Another server changes the record in the shared store, without the pool hearing of it.
    const rec = (await store.get("key", name))!;
    rec.versions[0]!.tags = { by: "another process" };
    await store.put(rec);
    expect(json(await pool.handle(get(`/keys/${name}`))).tags).toEqual({ by: "another process" });
  });
});

describe("a worker that cannot start", () => {
  it("fails the pool's start with the worker's reason, and leaves no worker running", async () => {
    const store = new MemoryStore();
    await store.putDomain({ id: "00".repeat(16), sealed: "AAAA" });
    let spawned = 0;
    let exited = 0;
    const spawn = () => {
      spawned++;
      const port = spawnNodeWorker();
      port.onExit(() => exited++);
      return port;
    };
    await expect(WorkerPool.start({ size: 2, spawn, store, config: { router: {} } })).rejects.toThrow(
      /security domain|sealed|decrypt|BAD|length/i,
    );
    // Both workers started loading at once; the second, waiting for the first's domain, was stopped too.
    expect(spawned).toBe(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(exited).toBe(2);
  });

  it("a later worker whose start message cannot be sent fails the start too, and no worker is left", async () => {
    let spawned = 0;
    let exited = 0;
    const spawn = () => {
      const port = spawnNodeWorker();
      port.onExit(() => exited++);
      if (++spawned === 1) return port;
      return {
        ...port,
        post: (msg: ToWorker, transfer?: Transferable[]) => {
          if (msg.type === "init") throw new Error("this port cannot send its start");
          port.post(msg, transfer);
        },
      };
    };
    await expect(WorkerPool.start({ size: 2, spawn, store: new MemoryStore(), config: { router: {} } })).rejects.toThrow(
      /cannot send its start/,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(exited).toBe(2);
  });
});

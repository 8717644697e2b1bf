// Issue 15, defect 4: after a trap in the core, the server kept running but every crypto call failed for
// ever, a DELETE answered 500 after the key was already soft-deleted, and its purge could never succeed.
// Now the host throws the instance away, makes a new one, re-imports the security domain and unseals keys
// on demand from the store; requests that meet the lost engine get 503 in the envelope; nothing is lost.
// The traps are injected from the host side (test/helpers/trap.ts); the answers are checked with node:crypto.
import * as nc from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { createRouter, type HttpResponse } from "../../../src/server/router.js";
import { serve } from "../../../src/server/serve.js";
import { MemoryStore } from "../../../src/store/memory.js";
import { SqliteStore } from "../../../src/store/sqlite.js";
import type { ObjectRecord } from "../../../src/store/types.js";
import { openRecoveringVault, Vault, type VaultApi } from "../../../src/vault/index.js";
import { rawRequest, TOKEN } from "../../helpers/https.js";
import { trappingEngines } from "../../helpers/trap.js";
import { ecKey, octKey, rsaKey } from "../jwk/keys.js";
import { b64u } from "./fixture.js";
import { aesKw, nodePublicKey } from "./node-check.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-recovery-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LOST = { error: { code: "ServiceUnavailable", message: "The HSM was restarted after an internal fault; retry the request." } };

function client(vault: VaultApi) {
  const router = createRouter({ vault, vaultUrl: "https://vault.test" });
  return async (method: string, path: string, body?: unknown): Promise<HttpResponse & { json: any }> => {
    const res = await router.handle({
      method,
      url: `${path}?api-version=7.6`,
      headers: { authorization: TOKEN, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { ...res, json: res.body === undefined ? undefined : JSON.parse(res.body) };
  };
}

const rsa = rsaKey(2048);
const ec = ecKey("P-256");
const oct = octKey(256);
const digest = nc.createHash("sha256").update("recovery").digest();
const PLAIN = Buffer.alloc(32, 7);

/** Signs and wraps with every key, checking each answer with node:crypto. */
async function everyKeyWorks(call: ReturnType<typeof client>, generatedJwk: JsonWebKey): Promise<void> {
  const rs = await call("POST", "/keys/rsa/sign", { alg: "PS256", value: b64u(digest) });
  expect(rs.status, JSON.stringify(rs.json)).toBe(200);
  expect(
    nc.verify(
      "sha256",
      Buffer.from("recovery"),
      { key: rsa.publicKey, padding: nc.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      Buffer.from(rs.json.value, "base64url"),
    ),
  ).toBe(true);
  for (const [name, publicKey] of [
    ["ec", ec.publicKey],
    ["gen", nodePublicKey(generatedJwk)],
  ] as const) {
    const es = await call("POST", `/keys/${name}/sign`, { alg: "ES256", value: b64u(digest) });
    expect(es.status).toBe(200);
    const sig = Buffer.from(es.json.value, "base64url");
    expect(nc.verify("sha256", Buffer.from("recovery"), { key: publicKey, dsaEncoding: "ieee-p1363" }, sig), name).toBe(true);
  }
  const w = await call("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) });
  expect(w.status).toBe(200);
  expect(Buffer.from(w.json.value, "base64url").equals(aesKw(oct.k, PLAIN))).toBe(true);
}

async function fill(call: ReturnType<typeof client>): Promise<JsonWebKey> {
  expect((await call("PUT", "/keys/rsa", { key: rsa.jwk })).status).toBe(200);
  expect((await call("PUT", "/keys/ec", { key: ec.jwk })).status).toBe(200);
  expect((await call("PUT", "/keys/oct", { key: oct.jwk })).status).toBe(200);
  const gen = await call("POST", "/keys/gen/create", { kty: "EC", crv: "P-256" });
  expect(gen.status).toBe(200);
  return gen.json.key;
}

describe("a trap in the core", () => {
  it("gets 503 in the envelope for the request that met it; the engine is restarted and every key works again", async () => {
    const traps = trappingEngines();
    const vault = await openRecoveringVault({ engine: traps.factory, store: new MemoryStore() });
    const call = client(vault);
    const generated = await fill(call);
    const backup = await call("POST", "/keys/oct/backup");
    expect((await call("PUT", "/secrets/s", { value: "a secret set before the trap" })).status).toBe(200);
    const before = (await call("GET", "/keys")).json.value.map((i: { kid: string }) => i.kid);
    await everyKeyWorks(call, generated);

    traps.arm("rsa_sign");
    const trapped = await call("POST", "/keys/rsa/sign", { alg: "PS256", value: b64u(digest) });
    expect(traps.fired).toBe(1);
    expect(trapped.status).toBe(503);
    expect(trapped.json).toEqual(LOST);

    await everyKeyWorks(call, generated);
    expect((await call("GET", "/secrets/s")).json.value).toBe("a secret set before the trap");
    expect(traps.made).toBe(2);
    expect(vault.restarts).toBe(1);
    expect((await call("GET", "/keys")).json.value.map((i: { kid: string }) => i.kid)).toEqual(before);
    // The domain is the same one: a backup from before the trap restores after it.
    expect((await call("DELETE", "/keys/oct")).status).toBe(200);
    expect((await call("DELETE", "/deletedkeys/oct")).status).toBe(204);
    expect((await call("POST", "/keys/restore", backup.json)).status).toBe(200);
    await everyKeyWorks(call, generated);
  });

  it("requests in flight get 503 or their answer, never a 500; every one succeeds afterwards", async () => {
    const traps = trappingEngines();
    const vault = await openRecoveringVault({ engine: traps.factory, store: new MemoryStore() });
    const call = client(vault);
    const generated = await fill(call);
    const requests = () => [
      call("POST", "/keys/rsa/sign", { alg: "PS256", value: b64u(digest) }),
      call("POST", "/keys/ec/sign", { alg: "ES256", value: b64u(digest) }),
      call("POST", "/keys/gen/sign", { alg: "ES256", value: b64u(digest) }),
      call("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) }),
      call("POST", "/keys/more/create", { kty: "oct", key_size: 128 }),
      call("POST", "/keys/rsa/encrypt", { alg: "RSA-OAEP-256", value: b64u(PLAIN) }),
      call("GET", "/keys/rsa"),
    ];
    traps.arm("*");
    const statuses = (await Promise.all(requests())).map((r) => {
      if (r.status !== 200) expect(r.json).toEqual(LOST);
      return r.status;
    });
    expect(
      statuses.every((s) => s === 200 || s === 503),
      String(statuses),
    ).toBe(true);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect((await Promise.all(requests())).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    await everyKeyWorks(call, generated);
  });

  it("the Vault's own methods (sweep, export of contents) go through the restarted engine too", async () => {
    const traps = trappingEngines();
    const vault = await openRecoveringVault({ engine: traps.factory, store: new MemoryStore() });
    const call = client(vault);
    await fill(call);
    const id = vault.securityDomainId;
    traps.arm("*");
    await expect(vault.exportContents()).rejects.toMatchObject({ status: 503, code: "ServiceUnavailable" });
    const exported = await vault.exportContents();
    expect(exported.length).toBeGreaterThan(100);
    await vault.sweep();
    expect(vault.restarts).toBe(1);
    expect(vault.securityDomainId).toBe(id);
    expect(vault.sealedDomain().id).toBe(id);
  });

  it("a durable vault re-imports its domain from the store", async () => {
    const traps = trappingEngines();
    const store = await SqliteStore.open(join(dir, "durable", "vault.sqlite"));
    const vault = await openRecoveringVault({ engine: traps.factory, store, domainSecret: "recovery test" });
    const call = client(vault);
    const generated = await fill(call);
    traps.arm("ec_sign");
    expect((await call("POST", "/keys/ec/sign", { alg: "ES256", value: b64u(digest) })).status).toBe(503);
    await everyKeyWorks(call, generated);
    expect(vault.restarts).toBe(1);
    await store.close();
  });
});

describe("delete and purge leave a consistent state when something fails in the middle", () => {
  for (const recovering of [false, true]) {
    it(`a trap while DELETE wipes the unsealed key: the delete stands, and the key can be purged${recovering ? " (restarting vault)" : " (one engine, never restarted)"}`, async () => {
      const traps = trappingEngines();
      const vault = recovering
        ? await openRecoveringVault({ engine: traps.factory, store: new MemoryStore() })
        : await Vault.open({ hsm: await traps.factory(), store: new MemoryStore() });
      const call = client(vault);
      await call("PUT", "/keys/oct", { key: oct.jwk });
      expect((await call("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) })).status).toBe(200); // unsealed now
      traps.arm("key_destroy");
      const deleted = await call("DELETE", "/keys/oct");
      expect(traps.fired).toBe(1);
      expect(deleted.status).toBe(200);
      expect(deleted.json.recoveryId).toBe("https://vault.test/deletedkeys/oct");
      expect((await call("GET", "/deletedkeys/oct")).status).toBe(200);
      expect((await call("GET", "/keys/oct")).status).toBe(404);
      expect((await call("DELETE", "/deletedkeys/oct")).status).toBe(204);
      expect((await call("GET", "/deletedkeys/oct")).status).toBe(404);
      // The name is free again. One engine that trapped stays lost (503 for what needs it); a restarting vault serves.
      const reimport = await call("PUT", "/keys/oct", { key: oct.jwk });
      if (!recovering) expect(reimport).toMatchObject({ status: 503, json: LOST });
      else {
        expect(reimport.status).toBe(200);
        const after = await call("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) });
        expect(Buffer.from(after.json.value, "base64url").equals(aesKw(oct.k, PLAIN))).toBe(true);
      }
    });
  }

  it("a store that fails the write of a delete or a purge leaves the object as it was, and a retry succeeds", async () => {
    class FlakyStore extends MemoryStore {
      failNext: "put" | "remove" | undefined;
      override async put(record: ObjectRecord): Promise<void> {
        if (this.failNext === "put") {
          this.failNext = undefined;
          throw new Error("disk full");
        }
        return super.put(record);
      }
      override async remove(kind: ObjectRecord["kind"], name: string): Promise<void> {
        if (this.failNext === "remove") {
          this.failNext = undefined;
          throw new Error("disk full");
        }
        return super.remove(kind, name);
      }
    }
    const store = new FlakyStore();
    const traps = trappingEngines();
    const call = client(await Vault.open({ hsm: await traps.factory(), store }));
    await call("PUT", "/keys/oct", { key: oct.jwk });
    await call("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) });
    store.failNext = "put";
    expect((await call("DELETE", "/keys/oct")).status).toBe(500);
    // Still live, and its unsealed copy still serves.
    const w = await call("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) });
    expect(Buffer.from(w.json.value, "base64url").equals(aesKw(oct.k, PLAIN))).toBe(true);
    expect((await call("DELETE", "/keys/oct")).status).toBe(200);
    store.failNext = "remove";
    expect((await call("DELETE", "/deletedkeys/oct")).status).toBe(500);
    expect((await call("GET", "/deletedkeys/oct")).status).toBe(200);
    expect((await call("POST", "/deletedkeys/oct/recover")).status).toBe(200);
    const again = await call("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) });
    expect(Buffer.from(again.json.value, "base64url").equals(aesKw(oct.k, PLAIN))).toBe(true);
  });
});

describe("the server", () => {
  it("restarts its engine after a trap, answers 503 in the envelope over HTTPS, and logs the restart", async () => {
    const traps = trappingEngines();
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const server = await serve({ port: 0, engineFactory: traps.factory, logLevel: "warn", logStream });
    try {
      const req = (method: string, path: string, body?: unknown) =>
        rawRequest(server.url, server.cert, { method, path: `${path}?api-version=7.6`, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect((await req("PUT", "/keys/oct", { key: oct.jwk })).status).toBe(200);
      traps.arm("aes_wrap");
      const trapped = await req("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) });
      expect(trapped.status).toBe(503);
      expect(trapped.json()).toEqual(LOST);
      const ok = await req("POST", "/keys/oct/wrapkey", { alg: "A256KW", value: b64u(PLAIN) });
      expect(ok.status).toBe(200);
      expect(Buffer.from(ok.json().value, "base64url").equals(aesKw(oct.k, PLAIN))).toBe(true);
      expect(
        lines.some((l) => JSON.parse(l).msg === "the HSM engine trapped and was restarted; keys are unsealed again from the store"),
      ).toBe(true);
    } finally {
      await server.close();
    }
  });
});

// Issue 15, defect 3: the engine holds a bounded working set of unsealed keys. Every key used to keep its
// slot until deleted, so after 65,535 keys the core had no free slot and the vault answered 500. Now the
// least recently used are wiped and unsealed again on demand from their sealed records, so a vault holds
// as many keys as its store; a real capacity limit that remains is a 503 in Key Vault's envelope.
import * as nc from "node:crypto";
import { describe, expect, it } from "vitest";
import { HsmError } from "../../../src/engine/index.js";
import { createRouter } from "../../../src/server/router.js";
import { MemoryStore } from "../../../src/store/memory.js";
import { Vault } from "../../../src/vault/index.js";
import { TOKEN } from "../../helpers/https.js";
import { b64u, ctx, newEngine, type TestEngine } from "./fixture.js";
import { aesKw } from "./node-check.js";

/** The key of number i: 16 bytes that the test knows, so that node:crypto can check what the vault computes. */
const keyOf = (i: number) => nc.createHash("sha256").update(`key ${i}`).digest().subarray(0, 16);
const PLAIN = Buffer.alloc(16, 0x5a);

// 70,000 keys by default: past the core's 65,535 slots, in about 12 s. The 200,000 (about 40 s on two
// loaded cores): WORKING_SET_KEYS=200000 npx vitest run test/src/vault/working-set.test.ts
const COUNT = Number(process.env.WORKING_SET_KEYS ?? 70_000);

describe("a vault holds more keys than the engine has slots", () => {
  it(`${COUNT.toLocaleString("en")} imported keys with a working set of 64: each still wraps as node:crypto does, and the engine never holds more than 64`, async () => {
    const LIMIT = 64;
    const engine = await newEngine();
    const vault = await Vault.open({ hsm: engine, store: new MemoryStore(), maxUnsealedKeys: LIMIT });
    const base = engine.keyCount(); // the security domain
    for (let i = 0; i < COUNT; i++) {
      await vault.keys.importKey(`k${i}`, { key: { kty: "oct", k: b64u(keyOf(i)) } }, ctx);
      if (i % 20_000 === 0) expect(engine.keyCount() - base, `after ${i + 1} keys`).toBeLessThanOrEqual(LIMIT);
    }
    expect(engine.keyCount() - base).toBeLessThanOrEqual(LIMIT);
    // Old keys, long evicted, are unsealed again from the store; recent ones come from the working set.
    const sample = [0, 1, 65_534, 65_535, 65_536, Math.floor(COUNT / 2), COUNT - 64, COUNT - 1].filter((i) => i < COUNT);
    for (let round = 0; round < 2; round++) {
      for (const i of sample) {
        const r = await vault.keys.wrapKey(`k${i}`, undefined, { alg: "A128KW", value: b64u(PLAIN) }, ctx);
        expect(Buffer.from(r.value, "base64url").equals(aesKw(keyOf(i), PLAIN)), `k${i}`).toBe(true);
      }
    }
    expect(engine.keyCount() - base).toBeLessThanOrEqual(LIMIT);
    const page = await vault.keys.listKeys({ maxresults: 25 }, ctx);
    expect(page.value).toHaveLength(25);
    // Delete wipes whatever is unsealed; a recovered key unseals again.
    await vault.keys.deleteKey("k1", ctx);
    await vault.keys.recoverDeletedKey("k1", ctx);
    const again = await vault.keys.wrapKey("k1", undefined, { alg: "A128KW", value: b64u(PLAIN) }, ctx);
    expect(Buffer.from(again.value, "base64url").equals(aesKw(keyOf(1), PLAIN))).toBe(true);
  });

  it("the working set is least recently used: a key in constant use stays unsealed while others come and go", async () => {
    const engine = await newEngine();
    let unseals = 0;
    const counting = new Proxy(engine, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === "unseal") {
          return (...a: unknown[]) => {
            unseals++;
            return (value as (...x: unknown[]) => unknown).apply(target, a);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as TestEngine;
    const vault = await Vault.open({ hsm: counting, store: new MemoryStore(), maxUnsealedKeys: 4 });
    for (let i = 0; i < 10; i++) await vault.keys.importKey(`k${i}`, { key: { kty: "oct", k: b64u(keyOf(i)) } }, ctx);
    const wrap = (i: number) => vault.keys.wrapKey(`k${i}`, undefined, { alg: "A128KW", value: b64u(PLAIN) }, ctx);
    unseals = 0;
    for (let i = 0; i < 10; i++) {
      await wrap(0); // hot
      await wrap(i);
    }
    // k0 is unsealed once (it was evicted by the imports), then stays; k1..k9 once each.
    expect(unseals).toBe(10);
  });
});

/** An engine whose key memory holds `room` keys besides the domain: CAPACITY beyond that, like the core's real limit. */
async function smallEngine(room: number): Promise<TestEngine> {
  const engine = await newEngine();
  const base = engine.keyCount();
  const full = () => engine.keyCount() - base >= room;
  return new Proxy(engine, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (["unseal", "generateOct", "importOct", "generateEc", "generateRsa"].includes(prop as string)) {
        return (...a: unknown[]) => {
          if (full()) throw new HsmError("CAPACITY", `${String(prop)}: no free key slot or memory in the HSM`, -6);
          return (value as (...x: unknown[]) => unknown).apply(target, a);
        };
      }
      return value.bind(target);
    },
  }) as TestEngine;
}

describe("a real capacity limit", () => {
  it("is met by evicting from the working set: an engine with room for 8 keys serves 50 with a working set of 100", async () => {
    const engine = await smallEngine(8);
    const vault = await Vault.open({ hsm: engine, store: new MemoryStore(), maxUnsealedKeys: 100 });
    for (let i = 0; i < 50; i++) await vault.keys.importKey(`k${i}`, { key: { kty: "oct", k: b64u(keyOf(i)) } }, ctx);
    for (const i of [0, 49, 7, 30]) {
      const r = await vault.keys.wrapKey(`k${i}`, undefined, { alg: "A128KW", value: b64u(PLAIN) }, ctx);
      expect(Buffer.from(r.value, "base64url").equals(aesKw(keyOf(i), PLAIN))).toBe(true);
    }
  });

  it("that eviction cannot meet is a 503 ServiceUnavailable in the envelope, never a 500", async () => {
    const engine = await smallEngine(0);
    const vault = await Vault.open({ hsm: engine, store: new MemoryStore() });
    const router = createRouter({ vault, vaultUrl: "https://vault.test" });
    const res = await router.handle({
      method: "POST",
      url: "/keys/k/create?api-version=7.6",
      headers: { authorization: TOKEN, "content-type": "application/json" },
      body: JSON.stringify({ kty: "oct", key_size: 256 }),
    });
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body!)).toEqual({
      error: { code: "ServiceUnavailable", message: "The HSM has no room for another key now; retry later." },
    });
  });
});

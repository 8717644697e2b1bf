// The security domain (created in the core, or supplied as a sealed file, with a public identifier), store
// records sealed under it, version ids from the core's random source, and concurrent writes to one name.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DomainFile } from "../../../src/store/domain-file.js";
import { MemoryStore } from "../../../src/store/memory.js";
import { Vault } from "../../../src/vault/index.js";
import { openSecurityDomain } from "../../../src/vault/domain.js";
import { octKey } from "../jwk/keys.js";
import { DurableMemoryStore, TestClock, ctx, newEngine, openVault, type TestEngine } from "./fixture.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-domain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("security domain", () => {
  it("a new vault creates its domain key in the core; its identifier is the core's, as 32 hex characters", async () => {
    const f = await openVault();
    expect(f.vault.securityDomainId).toMatch(/^[0-9a-f]{32}$/);
    const again = await openSecurityDomain(f.engine, f.store, {});
    expect(Buffer.from(f.engine.sealingKeyId(again.handle)).toString("hex")).toBe(f.vault.securityDomainId);
    expect((await f.store.getDomain())!.id).toBe(f.vault.securityDomainId);
    expect((await openVault()).vault.securityDomainId).not.toBe(f.vault.securityDomainId);
  });

  it("a vault reopened on the same store keeps its domain and its keys", async () => {
    const f = await openVault();
    await f.vault.keys.importKey("kept", { key: octKey(128).jwk }, ctx);
    const reopened = await Vault.open({ hsm: await newEngine(), store: f.store, clock: f.clock.now });
    expect(reopened.securityDomainId).toBe(f.vault.securityDomainId);
    const data = Buffer.alloc(16, 9).toString("base64url");
    const a = await f.vault.keys.wrapKey("kept", undefined, { alg: "A128KW", value: data }, ctx);
    const b = await reopened.keys.wrapKey("kept", undefined, { alg: "A128KW", value: data }, ctx);
    expect(b.value).toBe(a.value);
  });

  it("a domain file is written once, readable only by its owner, with the sealed key and the public id; other vaults load it", async () => {
    const file = join(dir, "shared.json");
    expect(existsSync(file)).toBe(false);
    const a = await openVault({ sharedDomain: new DomainFile(file) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(file, "utf8"));
    expect(Object.keys(record).sort()).toEqual(["id", "sealed"]);
    expect(record.id).toBe(a.vault.securityDomainId);
    expect(record.sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    const b = await openVault({ sharedDomain: new DomainFile(file) });
    expect(b.vault.securityDomainId).toBe(a.vault.securityDomainId);
    expect(readFileSync(file, "utf8")).toBe(`${JSON.stringify(record, null, 2)}\n`);
  });

  it("a domain file sealed under another secret does not open", async () => {
    const file = join(dir, "secret.json");
    await Vault.open({ hsm: await newEngine(), store: new MemoryStore(), sharedDomain: new DomainFile(file), domainSecret: "one secret" });
    await expect(
      Vault.open({ hsm: await newEngine(), store: new MemoryStore(), sharedDomain: new DomainFile(file), domainSecret: "another secret" }),
    ).rejects.toThrow();
    await expect(
      Vault.open({ hsm: await newEngine(), store: new MemoryStore(), sharedDomain: new DomainFile(file), domainSecret: "one secret" }),
    ).resolves.toBeTruthy();
  });

  it("store records hold material that opens only under their own domain", async () => {
    const a = await openVault();
    const b = await openVault(); // an engine holds one domain for life: b has its own
    await a.vault.keys.importKey("sealed", { key: octKey(256).jwk }, ctx);
    const sealed = new Uint8Array(Buffer.from((await a.store.get("key", "sealed"))!.versions[0]!.sealed!, "base64url"));
    const domainA = await openSecurityDomain(a.engine, a.store, {});
    const domainB = await openSecurityDomain(b.engine, b.store, {});
    const h = a.engine.unseal(domainA.handle, sealed);
    expect(a.engine.keyInfo(h)).toMatchObject({ kind: "oct", bits: 256 });
    a.engine.destroy(h);
    expect(() => b.engine.unseal(domainB.handle, sealed)).toThrow();
    expect(() => a.engine.generateSealingKey()).toThrow(expect.objectContaining({ code: "DOMAIN_ALREADY_SET" }));
  });
});

describe("version ids", () => {
  it("are the hex of 16 bytes drawn from the engine's random source", async () => {
    const engine = await newEngine();
    const drawn: Uint8Array[] = [];
    const spy = new Proxy(engine, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === "randomBytes") {
          return (n: number) => {
            const out = (value as TestEngine["randomBytes"]).call(target, n);
            if (n === 16) drawn.push(out);
            return out;
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as TestEngine;
    const f = await openVault({ engine: spy });
    const b = await f.vault.keys.importKey("v", { key: octKey(128).jwk }, ctx);
    expect(drawn.length).toBe(1);
    expect(b.key.kid).toBe(`https://vault.test/keys/v/${Buffer.from(drawn[0]!).toString("hex")}`);
  });
});

describe("concurrency", () => {
  it("concurrent imports to one name all land, as distinct versions", async () => {
    const f = await openVault({ clock: new TestClock() });
    const results = await Promise.all(Array.from({ length: 12 }, () => f.vault.keys.importKey("busy", { key: octKey(128).jwk }, ctx)));
    const kids = results.map((r) => r.key.kid);
    expect(new Set(kids).size).toBe(12);
    const listed = (await f.vault.keys.listKeyVersions("busy", {}, ctx)).value.map((i) => i.kid);
    expect(listed.sort()).toEqual([...kids].sort());
  });

  it("a delete racing with imports leaves a consistent record", async () => {
    const f = await openVault();
    await f.vault.keys.importKey("race", { key: octKey(128).jwk }, ctx);
    const outcomes = await Promise.allSettled([
      f.vault.keys.importKey("race", { key: octKey(128).jwk }, ctx),
      f.vault.keys.deleteKey("race", ctx),
      f.vault.keys.importKey("race", { key: octKey(128).jwk }, ctx),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    expect((outcomes[2] as PromiseRejectedResult).reason.status).toBe(409);
    expect((await f.store.get("key", "race"))!.versions.length).toBe(2);
  });
});

describe("a shared domain file and a store that already has a domain", () => {
  it("a store's domain is written to a missing shared file, so that other vaults can share it", async () => {
    const file = join(dir, "late.json");
    const store = new DurableMemoryStore();
    const first = await openVault({ store });
    expect(existsSync(file)).toBe(false);
    const again = await Vault.open({ hsm: await newEngine(), store, sharedDomain: new DomainFile(file) });
    expect(again.securityDomainId).toBe(first.vault.securityDomainId);
    expect(JSON.parse(readFileSync(file, "utf8")).id).toBe(first.vault.securityDomainId);
    const other = await openVault({ sharedDomain: new DomainFile(file) });
    expect(other.vault.securityDomainId).toBe(first.vault.securityDomainId);
  });

  it("a file that holds another domain than the store's is refused, naming both, and nothing is replaced", async () => {
    const file = join(dir, "other.json");
    const holder = await openVault({ sharedDomain: new DomainFile(file) });
    const store = new DurableMemoryStore();
    const mine = await openVault({ store });
    const before = await store.getDomain();
    await expect(Vault.open({ hsm: await newEngine(), store, sharedDomain: new DomainFile(file) })).rejects.toThrow(
      new RegExp(
        `store holds security domain ${mine.vault.securityDomainId}, but the security-domain file ${file} holds ${holder.vault.securityDomainId}`,
      ),
    );
    expect(await store.getDomain()).toEqual(before);
    expect(JSON.parse(readFileSync(file, "utf8")).id).toBe(holder.vault.securityDomainId);
  });
});

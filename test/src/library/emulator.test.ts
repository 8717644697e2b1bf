// startEmulator(): the emulator in the test's own process, used as the README's "Use it in tests"
// says, with the real @azure/keyvault-keys clients and nothing else set up. Signatures the emulator
// makes are checked by node:crypto.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, createPublicKey, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { clientConfig, startEmulator, type Emulator } from "../../../src/index.js";
import { portIsFree } from "../../helpers/detached.js";
import { rawRequest } from "../../helpers/https.js";

const work = mkdtempSync(join(tmpdir(), "wasm-hsm-library-"));
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("startEmulator", () => {
  it("gives what KeyClient and CryptographyClient need, and nothing else is needed", async () => {
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.listenUrl).toBe(emu.url);
    expect(Number(new URL(emu.url).port)).toBeGreaterThan(0);
    const keys = new KeyClient(emu.url, emu.credential, emu.clientOptions);
    const key = await keys.createEcKey(`lib-${Date.now()}`, { curve: "P-256" });
    expect(key.id).toMatch(new RegExp(`^${emu.url}/keys/lib-\\d+/[0-9a-f]{32}$`));
    const crypto = new CryptographyClient(key, emu.credential, emu.clientOptions);
    const message = Buffer.from("library");
    const digest = createHash("sha256").update(message).digest();
    const { result: signature } = await crypto.sign("ES256", digest);
    const pub = createPublicKey({
      key: {
        kty: "EC",
        crv: "P-256",
        x: Buffer.from(key.key!.x!).toString("base64url"),
        y: Buffer.from(key.key!.y!).toString("base64url"),
      },
      format: "jwk",
    });
    expect(verify("sha256", message, { key: pub, dsaEncoding: "ieee-p1363" }, signature)).toBe(true);
  });

  it("the same set-up serves SecretClient", async () => {
    const secrets = new SecretClient(emu.url, emu.credential, emu.clientOptions);
    const name = `lib-secret-${Date.now()}`;
    await secrets.setSecret(name, "s3cret value");
    expect((await secrets.getSecret(name)).value).toBe("s3cret value");
  });

  it("certificate and certificateFile are the certificate served; /ping answers without a token", async () => {
    expect(emu.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(readFileSync(emu.certificateFile, "utf8")).toBe(emu.certificate);
    expect(emu.certificateFile.startsWith(join(process.env.XDG_STATE_HOME!, "wasm-hsm"))).toBe(true);
    const ping = await rawRequest(emu.url, emu.certificate, { path: "/ping", headers: { authorization: "" } });
    expect(ping.status).toBe(200);
  });

  it("connection survives JSON (a test runner's provide/inject) and clientConfig rebuilds the client set-up", async () => {
    const passed = JSON.parse(JSON.stringify(emu.connection));
    const { url, credential, clientOptions } = clientConfig(passed);
    const keys = new KeyClient(url, credential, clientOptions);
    const name = `conn-${Date.now()}`;
    await keys.createKey(name, "oct", { keySize: 256 });
    expect((await keys.getKey(name)).keyType).toBe("oct");
    expect(() => clientConfig({ url: emu.url } as never)).toThrow(/url, certificate/);
  });

  it("close() stops listening and frees the port; it is idempotent", async () => {
    const other = await startEmulator({ stateDir: join(work, "state"), logLevel: "silent" });
    const port = Number(new URL(other.url).port);
    expect(other.certificateFile).toBe(join(work, "state", "tls", "cert.pem"));
    expect(await portIsFree(port)).toBe(false);
    const first = other.close();
    expect(other.close()).toBe(first);
    await first;
    await other.close();
    expect(await portIsFree(port)).toBe(true);
  });

  it("takes the command line's options: vaultUrl names the kid base and listenUrl says where it listens", async () => {
    const other = await startEmulator({
      vaultUrl: "https://myvault.vault.azure.net",
      authResource: "https://vault.example.org",
      dataDir: join(work, "data"),
      securityDomainFile: join(work, "domain.json"),
      domainSecret: "library test secret",
      logLevel: "silent",
    });
    try {
      expect(other.url).toBe("https://myvault.vault.azure.net");
      expect(other.listenUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(other.certificateFile).toBe(join(work, "data", "tls+myvault.vault.azure.net", "cert.pem"));
      const res = await rawRequest(other.listenUrl, other.certificate, { path: "/keys?api-version=7.6", headers: { authorization: "" } });
      expect(res.headers["www-authenticate"]).toContain('resource="https://vault.example.org"');
      const created = await rawRequest(other.listenUrl, other.certificate, {
        method: "POST",
        path: "/keys/vu/create?api-version=7.6",
        body: JSON.stringify({ kty: "EC" }),
      });
      expect(created.json().key.kid).toMatch(/^https:\/\/myvault\.vault\.azure\.net\/keys\/vu\//);
    } finally {
      await other.close();
    }
  });

  it("a port in use is an error that names it", async () => {
    const port = Number(new URL(emu.url).port);
    await expect(startEmulator({ port, logLevel: "silent" })).rejects.toThrow(/EADDRINUSE|in use/);
  });
});

describe("startEmulator takes the emulator controls' options, as createOfflineVault does", () => {
  it("a named vault on a port of its own, seeded from a document, with throttling", async () => {
    const controlled = await startEmulator({
      vaults: [{ name: "kv2", port: 0 }],
      seed: { document: { secrets: [{ name: "top", value: "default's" }], vaults: { kv2: { secrets: [{ name: "s", value: "kv2's" }] } } } },
      throttle: { windowSeconds: 10, create: 1 },
    });
    try {
      expect(controlled.vaultUrl("default")).toBe(controlled.url);
      expect(controlled.vaultUrl("kv2")).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(controlled.vaultUrl("kv2")).not.toBe(controlled.url);
      const kv2 = new SecretClient(controlled.vaultUrl("kv2"), controlled.credential, controlled.clientOptions);
      expect((await kv2.getSecret("s")).value).toBe("kv2's");
      const top = new SecretClient(controlled.url, controlled.credential, { ...controlled.clientOptions, retryOptions: { maxRetries: 0 } });
      expect((await top.getSecret("top")).value).toBe("default's");
      // One secret creation per 10 s: the seed's did not count, a client's first does, its second is refused.
      await top.setSecret("first", "v");
      await expect(top.setSecret("second", "v")).rejects.toMatchObject({ statusCode: 429, code: "Throttled" });
    } finally {
      await controlled.close();
    }
  });

  it("a wrong option stops the start, naming what is wrong", async () => {
    await expect(startEmulator({ seed: { document: { vaults: { kv9: {} } } } })).rejects.toThrow(/^seed: vaults\.kv9: no such vault/);
    await expect(startEmulator({ throttle: { create: -1 } })).rejects.toThrow(/^throttle: create must be a positive number, got -1/);
  });
});

// The offline vault in Node: the real SDK clients with no network at all (every socket call throws
// and is recorded), the engine in this thread and in a worker_threads Worker; a worker killed mid-call.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import { KeyClient } from "@azure/keyvault-keys";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createOfflineVault, DEFAULT_OFFLINE_URL, type OfflineVault } from "../../../src/offline/node.js";
import { forbidNetwork, type NetworkGuard } from "../../helpers/no-network.js";
import { restError } from "../../helpers/sdk.js";
import { sdkChecks } from "./sdk-checks.js";

let guard: NetworkGuard;
beforeAll(() => {
  guard = forbidNetwork();
});
afterAll(() => guard.restore());

describe("in this thread", () => {
  let vault: OfflineVault;
  beforeAll(async () => {
    vault = await createOfflineVault();
  });
  afterAll(() => vault.close());

  sdkChecks(() => vault);

  it("gives the SDK what it needs: the URL, a credential, the HttpClient and the challenge setting", async () => {
    expect(vault.url).toBe(DEFAULT_OFFLINE_URL);
    expect(vault.clientOptions.disableChallengeResourceVerification).toBe(true);
    const token = await vault.credential.getToken("https://vault.azure.net/.default");
    expect(token?.token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
  });

  it("refuses a request for another vault's URL", async () => {
    const elsewhere = new KeyClient("https://other.vault.invalid", vault.credential, {
      ...vault.clientOptions,
      retryOptions: { maxRetries: 0 },
    });
    await expect(elsewhere.getKey("k")).rejects.toThrow(
      /answers requests for https:\/\/offline\.vault\.invalid and its named vaults \(https:\/\/NAME\.offline\.vault\.invalid\) only, not https:\/\/other\.vault\.invalid/,
    );
  });
});

describe("options", () => {
  it("clock sets the vault's time; vaultUrl the base of every kid; close() stops it", async () => {
    const at = Date.UTC(2030, 0, 2, 3, 4, 5);
    const vault = await createOfflineVault({ clock: () => at, vaultUrl: "https://mine.vault.azure.net/" });
    const kc = new KeyClient(vault.url, vault.credential, vault.clientOptions);
    const key = await kc.createEcKey("clocked", { curve: "P-256" });
    expect(key.properties.createdOn?.getTime()).toBe(at);
    expect(key.id!.startsWith("https://mine.vault.azure.net/keys/clocked/")).toBe(true);
    await vault.close();
    await expect(kc.getKey("clocked")).rejects.toThrow(/closed/);
  });

  it("wasm: the core as bytes or as a compiled module, in this thread and in a worker", async () => {
    const bytes = readFileSync(new URL("../../../build/hsm.wasm", import.meta.url));
    const module = await WebAssembly.compile(bytes);
    for (const options of [{ wasm: bytes }, { wasm: module }, { wasm: bytes, worker: true }, { wasm: module, worker: true }]) {
      const vault = await createOfflineVault(options);
      const kc = new KeyClient(vault.url, vault.credential, vault.clientOptions);
      expect((await kc.createEcKey("w", { curve: "P-256K" })).key?.crv).toBe("P-256K");
      await vault.close();
    }
    await expect(createOfflineVault({ wasm: new Uint8Array([0, 97, 115, 109]) })).rejects.toThrow();
  });

  it("a clock cannot go to a worker", async () => {
    await expect(createOfflineVault({ worker: true, clock: () => 0 })).rejects.toThrow(/clock/);
  });
});

describe("in a worker", () => {
  let vault: OfflineVault;
  let instantiate: ReturnType<typeof vi.spyOn>;
  beforeAll(async () => {
    instantiate = vi.spyOn(WebAssembly, "instantiate");
    vault = await createOfflineVault({ worker: true });
  });
  afterAll(async () => {
    await vault.close();
    instantiate.mockRestore();
  });

  sdkChecks(() => vault);

  it("this thread never instantiated the core: its memory is in the worker", () => {
    expect(instantiate).not.toHaveBeenCalled();
  });

  it("a worker killed mid-call: its calls answer 503 in Key Vault's envelope, a new one serves, no key is lost", async () => {
    const noRetry = new KeyClient(vault.url, vault.credential, { ...vault.clientOptions, retryOptions: { maxRetries: 0 } });
    const before = await noRetry.createEcKey(`before-${Date.now()}`, { curve: "P-256" });
    await noRetry.getKey(before.name); // the challenge is done: the next calls go straight to the worker
    // Three RSA-4096 keys, made one after another by the single worker: some are still in flight below.
    const inFlight = [0, 1, 2].map((i) =>
      noRetry.createRsaKey(`big-${i}-${Date.now()}`, { keySize: 4096 }).then(
        () => "made",
        (e) => e,
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    await vault.terminateWorker!();
    const outcomes = await Promise.all(inFlight);
    const failed = outcomes.filter((o) => o !== "made");
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) {
      expect([e.name, e.statusCode, e.code]).toEqual(["RestError", 503, "ServiceUnavailable"]);
      expect(e.message).toMatch(/worker stopped/);
    }
    // The key made before the crash is still there, and the new worker's engine unseals it.
    const sig = await new (await import("@azure/keyvault-keys")).CryptographyClient(before, vault.credential, vault.clientOptions).sign(
      "ES256",
      randomBytes(32),
    );
    expect(sig.result.length).toBe(64);
    // With the SDK's default retries, a call made as a worker crashes still succeeds (retried on the new worker if it met the crash).
    const retrying = new KeyClient(vault.url, vault.credential, vault.clientOptions);
    const pending = retrying.createEcKey(`after-${Date.now()}`, { curve: "P-384" });
    await vault.terminateWorker!();
    expect((await pending).key?.crv).toBe("P-384");
    expect((await restError(noRetry.getKey("never-made"))).statusCode).toBe(404);
  });
});

describe("no network", () => {
  it("nothing tried to open a socket, connect or listen", () => {
    expect(guard.attempts).toEqual([]);
  });

  it("control: the guard catches what the SDK's own transport would do (https.request)", () => {
    expect(() => https.get("https://127.0.0.1:9799/keys")).toThrow(/network use is forbidden/);
    expect(guard.attempts.length).toBeGreaterThan(0);
  });
});

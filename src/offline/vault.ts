// createOfflineVault's body, the same in Node and in browsers: a vault with no network, reached
// through the Azure SDK's own pipeline. In this thread (engine, Vault and router here) or in a worker
// (the store stays here, sealed; the engine, the Vault and the router run in the worker, so this
// thread's heap never holds the core's memory). node.ts and browser.ts say how to start a worker and
// where the core comes from by default.
import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { compileCore, Hsm } from "../engine/index.js";
import { MemoryStore } from "../store/memory.js";
import type { ObjectStore } from "../store/types.js";
import { Vault } from "../vault/index.js";
import { createRouter, normaliseVaultUrl } from "../server/router.js";
import { WorkerPool } from "../server/workers/pool.js";
import type { VaultWorkerConfig, WorkerPort } from "../server/workers/protocol.js";
import { offlineCredential } from "./credential.js";
import { offlineHttpClient, type Handle } from "./http-client.js";

/** A host under the reserved .invalid TLD (RFC 2606): a client given this URL without the offline httpClient fails at once. */
export const DEFAULT_OFFLINE_URL = "https://offline.vault.invalid";

export type WasmInput = URL | BufferSource | WebAssembly.Module;

export interface OfflineVaultOptions {
  /** Run the engine and the vault in a worker: worker_threads in Node, a Web Worker in a browser. Default false. */
  worker?: boolean;
  /** The core: a URL (file:, http:, https:, blob:), its bytes, or a compiled module. Default: the package's own. */
  wasm?: WasmInput;
  /** Milliseconds since the epoch, for expiry, purge dates and rotation. In this thread only (a function cannot reach a worker). */
  clock?: () => number;
  /** Base of every kid and nextLink; the clients must be created with it. Default https://offline.vault.invalid. */
  vaultUrl?: string;
  /** Where records live, sealed. Default: a new MemoryStore. close() closes it. */
  store?: ObjectStore;
  /** The secret the security-domain key is sealed under when it is stored. */
  domainSecret?: string;
  /** Soft-delete retention in days (7 to 90). */
  recoverableDays?: number;
  /** The challenge's resource. Default https://vault.azure.net. */
  authResource?: string;
}

/** What to spread into a Key Vault client's options. */
export interface OfflineClientOptions {
  httpClient: HttpClient;
  /** The vault's URL is not under the challenge resource's domain (vault.azure.net). */
  disableChallengeResourceVerification: true;
}

export interface OfflineVault {
  /** The vault URL to give to KeyClient, SecretClient, CertificateClient. */
  url: string;
  credential: TokenCredential;
  clientOptions: OfflineClientOptions;
  /** Stops the worker, if any, and closes the store; later requests fail. */
  close(): Promise<void>;
  /**
   * With `worker: true`: stops the worker as a crash would. Its requests in flight answer 503, a new
   * worker takes its place over the same store, and no key is lost. For tests of recovery.
   */
  terminateWorker?(): Promise<void>;
}

export interface OfflinePlatform {
  spawnWorker(): WorkerPort;
  /** The core when `wasm` is not given; undefined lets the engine find its own (Node). */
  defaultWasm?(): WasmInput | undefined;
}

export async function openOfflineVault(options: OfflineVaultOptions, platform: OfflinePlatform): Promise<OfflineVault> {
  const url = normaliseVaultUrl(options.vaultUrl ?? DEFAULT_OFFLINE_URL);
  const store = options.store ?? new MemoryStore();
  const router: VaultWorkerConfig["router"] = {
    vaultUrl: url,
    ...(options.authResource !== undefined ? { authResource: options.authResource } : {}),
  };
  const wasm = options.wasm ?? platform.defaultWasm?.();
  const common = {
    ...(options.domainSecret !== undefined ? { domainSecret: options.domainSecret } : {}),
    ...(options.recoverableDays !== undefined ? { recoverableDays: options.recoverableDays } : {}),
  };
  let closed = false;
  let handle: Handle;
  let stop: () => Promise<void>;
  let terminateWorker: (() => Promise<void>) | undefined;

  if (options.worker) {
    if (options.clock) throw new Error("clock: a function cannot reach a worker; set the vault's clock with worker: false");
    // Compiled here (code, no key), instantiated in the worker.
    const module = wasm === undefined ? undefined : await compileCore(wasm);
    const pool = await WorkerPool.start({
      size: 1,
      spawn: () => platform.spawnWorker(),
      store,
      config: { router, ...common, ...(module ? { wasm: module } : {}) },
    });
    handle = (req) => pool.handle(req);
    stop = () => pool.close();
    terminateWorker = () => pool.terminateWorker(0);
  } else {
    const hsm = await Hsm.create(wasm === undefined ? {} : { wasm });
    const vault = await Vault.open({ hsm, store, ...common, ...(options.clock ? { clock: options.clock } : {}) });
    const r = createRouter({ vault, ...router });
    handle = (req) => r.handle(req);
    stop = async () => {};
  }

  return {
    url,
    credential: offlineCredential,
    clientOptions: { httpClient: offlineHttpClient(url, handle, () => closed), disableChallengeResourceVerification: true },
    close: async () => {
      if (closed) return;
      closed = true;
      await stop();
      await store.close();
    },
    ...(terminateWorker ? { terminateWorker } : {}),
  };
}

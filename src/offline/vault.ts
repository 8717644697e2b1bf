// createOfflineVault's body, the same in Node and in browsers: vaults with no network, reached through
// the Azure SDK's own pipeline. The emulator's own directory of vaults and its router (the management
// API, the throttle) are used as they are; each vault runs in this thread (engine, Vault and router
// here) or in a worker of its own (the store stays here, sealed; the engine, the Vault and the router
// run in the worker, so this thread's heap never holds the core's memory). node.ts and browser.ts say
// how to start a worker and where the core comes from by default.
import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { compileCore } from "../engine/index.js";
import type { ObjectStore } from "../store/types.js";
import { normaliseVaultUrl } from "../server/router.js";
import { DEFAULT_VAULT, VaultDirectory } from "../server/vaults/directory.js";
import { ShiftableClock } from "../server/vaults/clock.js";
import { type ControlsOptions, resolveSeed, resolveThrottle } from "../server/vaults/options.js";
import { createDirectoryRouter } from "../server/vaults/routing.js";
import { seedVaults } from "../server/vaults/seeding.js";
import type { WorkerPool } from "../server/workers/pool.js";
import type { WorkerPort } from "../server/workers/protocol.js";
import { offlineCredential } from "./credential.js";
import { offlineVaultFactory } from "./factory.js";
import { offlineHttpClient } from "./http-client.js";
import { offlineManagement, type OfflineManagement } from "./management.js";

/** A host under the reserved .invalid TLD (RFC 2606): a client given this URL without the offline httpClient fails at once. */
export const DEFAULT_OFFLINE_URL = "https://offline.vault.invalid";

export type WasmInput = URL | BufferSource | WebAssembly.Module;

/**
 * The emulator's controls (`vaults`, `seed`, `throttle`) are the same options as startEmulator's and
 * `wasm-hsm serve`'s. A named vault answers at https://NAME.HOST, HOST being the default vault's (e.g.
 * https://kv2.offline.vault.invalid), and at https://ALIAS for each of its `aliases`; `port` has no
 * meaning here and is refused.
 */
export interface OfflineVaultOptions extends ControlsOptions {
  /** Run each vault's engine and Vault in a worker: worker_threads in Node, a Web Worker in a browser. Default false. */
  worker?: boolean;
  /** The core: a URL (file:, http:, https:, blob:), its bytes, or a compiled module. Default: the package's own. */
  wasm?: WasmInput;
  /**
   * Milliseconds since the epoch, for expiry, purge dates and rotation. In this thread only (a function
   * cannot reach a worker); `management.shiftClock` moves every vault's clock forward, in either mode.
   */
  clock?: () => number;
  /** Base of every kid and nextLink of the default vault; the clients must be created with it. Default https://offline.vault.invalid. */
  vaultUrl?: string;
  /** Where the default vault's records live, sealed. Default: a new MemoryStore. close() closes it. */
  store?: ObjectStore;
  /** Where a named vault's records live (also for vaults made later through the management API). Default: a new MemoryStore each. */
  openStore?: (vaultName: string) => ObjectStore | Promise<ObjectStore>;
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
  /** The default vault's URL, to give to KeyClient, SecretClient, CertificateClient. */
  url: string;
  credential: TokenCredential;
  /** For clients of every vault here: the default one and the named ones. */
  clientOptions: OfflineClientOptions;
  /** The URL of a vault by name ("default" included); throws for a vault that does not exist. */
  vaultUrl(name: string): string;
  /** The management API (vaults, time shift, export and import), as the emulator's /management routes. */
  management: OfflineManagement;
  /** Stops the workers, if any, and closes every store; later requests fail. */
  close(): Promise<void>;
  /**
   * With `worker: true`: stops the default vault's worker as a crash would. Its requests in flight
   * answer 503, a new worker takes its place over the same store, and no key is lost. For tests of recovery.
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
  const baseHost = new URL(url).host;
  if (options.worker && options.clock) {
    throw new Error("clock: a function cannot reach a worker; set the vault's clock with worker: false");
  }
  for (const spec of options.vaults ?? []) {
    if (spec.port !== undefined) throw new Error(`vaults: ${spec.name}: an offline vault listens on no port; leave out port`);
  }
  const seed = options.seed
    ? resolveSeed(
        options.seed,
        (options.vaults ?? []).map((v) => v.name),
      )
    : undefined;
  const throttle = options.throttle !== undefined ? resolveThrottle(options.throttle) : undefined;
  const wasm = options.wasm ?? platform.defaultWasm?.();
  // Compiled here once (code, no key): every vault, and every worker, instantiates the same module.
  const module = wasm === undefined ? undefined : await compileCore(wasm);
  const pools = new Map<string, WorkerPool>();

  const factory = offlineVaultFactory({
    defaultUrl: url,
    ...(options.store ? { defaultStore: options.store } : {}),
    ...(options.openStore ? { openStore: options.openStore } : {}),
    ...(module ? { wasm: module } : {}),
    ...(options.worker ? { spawnWorker: platform.spawnWorker } : {}),
    ...(options.domainSecret !== undefined ? { domainSecret: options.domainSecret } : {}),
    ...(options.recoverableDays !== undefined ? { recoverableDays: options.recoverableDays } : {}),
    ...(options.authResource !== undefined ? { authResource: options.authResource } : {}),
    ...(throttle ? { throttle } : {}),
    onPool: (name, pool) => (pool ? pools.set(name, pool) : pools.delete(name)),
  });
  // Every named vault answers at NAME.HOST besides its own aliases (the directory finds it by Host).
  const directory = await VaultDirectory.open(factory, options.vaults ?? [], new ShiftableClock(options.clock ?? Date.now), baseHost);
  try {
    await seedVaults(directory, seed);
  } catch (err) {
    await directory.close();
    throw err;
  }
  const router = createDirectoryRouter({ directory });
  const origins = (target: URL): boolean =>
    target.protocol === "https:" && (target.host === baseHost || directory.byHost(target.host) !== undefined);
  const urlOf = (name: string): string => {
    const v = directory.get(name);
    if (!v) throw new Error(`no vault named ${JSON.stringify(name)}`);
    return v.name === DEFAULT_VAULT ? url : `https://${directory.ownHost(v)}`;
  };

  let closed = false;
  return {
    url,
    credential: offlineCredential,
    clientOptions: {
      httpClient: offlineHttpClient(
        { accepts: origins, describe: `${url} and its named vaults (https://NAME.${baseHost})` },
        router,
        () => closed,
      ),
      disableChallengeResourceVerification: true,
    },
    vaultUrl: urlOf,
    management: offlineManagement(router, url, () => closed),
    close: async () => {
      if (closed) return;
      closed = true;
      await directory.close();
    },
    ...(options.worker ? { terminateWorker: () => pools.get(DEFAULT_VAULT)!.terminateWorker(0) } : {}),
  };
}

// How an offline vault makes each of its vaults (the directory's VaultFactory): a store (the caller's,
// or memory), then either an engine, a Vault and a router in this thread, or a pool of one worker over
// the store.
import { Hsm } from "../engine/index.js";
import { MemoryStore } from "../store/memory.js";
import type { ObjectStore, SecurityDomainRecord, SharedDomainSource } from "../store/types.js";
import { Vault } from "../vault/index.js";
import { createRouter } from "../server/router.js";
import { DEFAULT_VAULT, type VaultFactory } from "../server/vaults/directory.js";
import { poolControls, vaultControls } from "../server/vaults/factory.js";
import { Throttle, type ThrottleLimits } from "../server/vaults/throttle.js";
import { WorkerPool } from "../server/workers/pool.js";
import type { VaultWorkerConfig, WorkerPort } from "../server/workers/protocol.js";

export interface OfflineFactoryOptions {
  /** The default vault's URL (its kids and nextLinks); named vaults take theirs from the Host header. */
  defaultUrl: string;
  defaultStore?: ObjectStore;
  openStore?: (vaultName: string) => ObjectStore | Promise<ObjectStore>;
  wasm?: WebAssembly.Module;
  /** With it, each vault runs in a worker of its own. */
  spawnWorker?: () => WorkerPort;
  domainSecret?: string;
  recoverableDays?: number;
  authResource?: string;
  throttle?: ThrottleLimits;
  /** Told of each vault's pool as it starts, and (undefined) as it closes. */
  onPool(name: string, pool: WorkerPool | undefined): void;
}

/** A domain source that hands a vault a given sealed domain (a management import from another emulator). */
function givenDomain(record: SecurityDomainRecord): SharedDomainSource {
  return { description: "the imported security domain", load: async () => record, save: async () => {} };
}

export function offlineVaultFactory(o: OfflineFactoryOptions): VaultFactory {
  return async (spec, clock) => {
    const isDefault = spec.name === DEFAULT_VAULT;
    const store = isDefault ? (o.defaultStore ?? new MemoryStore()) : o.openStore ? await o.openStore(spec.name) : new MemoryStore();
    const router = {
      scheme: "https" as const,
      ...(isDefault ? { vaultUrl: o.defaultUrl } : {}),
      ...(o.authResource !== undefined ? { authResource: o.authResource } : {}),
    };
    const common = {
      ...(o.domainSecret !== undefined ? { domainSecret: o.domainSecret } : {}),
      ...(o.recoverableDays !== undefined ? { recoverableDays: o.recoverableDays } : {}),
    };
    const throttle = o.throttle ? { throttle: new Throttle(o.throttle, clock.now) } : {};
    const newEngine = () => Hsm.create(o.wasm ? { wasm: o.wasm } : {});
    try {
      if (!o.spawnWorker) {
        const vault = await Vault.open({
          hsm: await newEngine(),
          store,
          clock: clock.now,
          ...common,
          ...(spec.securityDomain ? { sharedDomain: givenDomain(spec.securityDomain) } : {}),
        });
        return {
          controls: vaultControls(vault),
          router: createRouter({ vault, ...router, vaultName: spec.name }),
          ...throttle,
          close: () => store.close(),
        };
      }
      // The pool keeps the domain sealed in this thread's memory, or hands the workers the imported one.
      const sharedDomain = spec.securityDomain ? { sharedDomain: givenDomain(spec.securityDomain) } : {};
      const config: Omit<VaultWorkerConfig, "durable"> = { router, ...common, ...(o.wasm ? { wasm: o.wasm } : {}) };
      const pool = await WorkerPool.start({ size: 1, spawn: o.spawnWorker, store, ...sharedDomain, config });
      o.onPool(spec.name, pool);
      const controls = poolControls(pool);
      // The clock may already be ahead (a vault made after a shift of every vault's clock).
      if (clock.totalOffsetSeconds !== 0) await controls.setClockOffset(clock.totalOffsetSeconds * 1000);
      return {
        controls,
        router: pool.router,
        ...throttle,
        close: async () => {
          o.onPool(spec.name, undefined);
          await pool.close();
          await store.close();
        },
      };
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
  };
}

// How an offline vault makes each of its vaults (the directory's VaultFactory): a store (the caller's,
// or memory), then either the emulator's own in-thread factory (engine, Vault and router here), or a
// pool of one worker over the store.
import { Hsm } from "../engine/index.js";
import { MemoryStore } from "../store/memory.js";
import type { ObjectStore } from "../store/types.js";
import { DEFAULT_VAULT, type VaultFactory } from "../server/vaults/directory.js";
import { givenDomain, poolControls, vaultFactory } from "../server/vaults/factory.js";
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

export function offlineVaultFactory(o: OfflineFactoryOptions): VaultFactory {
  const openStore = async (name: string): Promise<ObjectStore> =>
    name === DEFAULT_VAULT ? (o.defaultStore ?? new MemoryStore()) : o.openStore ? await o.openStore(name) : new MemoryStore();
  const routerFor = (name: string) => ({
    scheme: "https" as const,
    ...(name === DEFAULT_VAULT ? { vaultUrl: o.defaultUrl } : {}),
    ...(o.authResource !== undefined ? { authResource: o.authResource } : {}),
  });
  const common = {
    ...(o.domainSecret !== undefined ? { domainSecret: o.domainSecret } : {}),
    ...(o.recoverableDays !== undefined ? { recoverableDays: o.recoverableDays } : {}),
  };
  if (!o.spawnWorker) {
    return vaultFactory({
      openStore,
      engine: () => Hsm.create(o.wasm ? { wasm: o.wasm } : {}),
      router: (name) => ({ ...routerFor(name), vaultName: name }),
      ...common,
      ...(o.throttle ? { throttle: o.throttle } : {}),
    });
  }
  const spawn = o.spawnWorker;
  return async (spec, clock) => {
    const store = await openStore(spec.name);
    try {
      // The pool keeps the domain sealed in this thread's memory, or hands the workers the imported one.
      const sharedDomain = spec.securityDomain ? { sharedDomain: givenDomain(spec.securityDomain) } : {};
      const config: Omit<VaultWorkerConfig, "durable"> = { router: routerFor(spec.name), ...common, ...(o.wasm ? { wasm: o.wasm } : {}) };
      const pool = await WorkerPool.start({ size: 1, spawn, store, ...sharedDomain, config });
      o.onPool(spec.name, pool);
      const controls = poolControls(pool);
      // The clock may already be ahead (a vault made after a shift of every vault's clock).
      if (clock.totalOffsetSeconds !== 0) await controls.setClockOffset(clock.totalOffsetSeconds * 1000);
      return {
        controls,
        router: pool.router,
        ...(o.throttle ? { throttle: new Throttle(o.throttle, clock.now) } : {}),
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

// How the emulator makes each of its vaults: a store (SQLite under --data-dir, one folder per named
// vault; memory otherwise), a wasm engine of its own (an engine holds one security domain for life),
// the Vault on the vault's clock, its router and its throttle.
import { Hsm } from "../../engine/index.js";
import { MemoryStore } from "../../store/memory.js";
import type { ObjectStore, SecurityDomainRecord, SharedDomainSource } from "../../store/types.js";
import { Vault, type VaultEngine } from "../../vault/index.js";
import { applySeed } from "../../seed/index.js";
import { createRouter, type RouterOptions } from "../router.js";
import type { WorkerPool } from "../workers/pool.js";
import { DEFAULT_VAULT, type VaultControls, type VaultFactory } from "./directory.js";
import { Throttle, type ThrottleLimits } from "./throttle.js";

export interface VaultFactoryOptions {
  /** Opens the store of a vault (default: memory). */
  openStore?: (vaultName: string) => Promise<ObjectStore>;
  /** The default vault's shared domain (`--security-domain FILE`). */
  sharedDomain?: SharedDomainSource;
  domainSecret?: string;
  throttle?: ThrottleLimits;
  /** The router's options, the same for every vault or per vault name. */
  router?: Omit<RouterOptions, "vault"> | ((vaultName: string) => Omit<RouterOptions, "vault">);
  engine?: () => Promise<VaultEngine>;
  recoverableDays?: number;
}

/**
 * The controls of a vault in this thread (its clock is the directory's ShiftableClock already). `vault`
 * is a Vault, or a getter of the current one (a vault whose engine is replaced after a trap).
 */
export function vaultControls(vault: Vault | (() => Vault)): VaultControls {
  const v = typeof vault === "function" ? vault : () => vault;
  return {
    get securityDomainId() {
      return v().securityDomainId;
    },
    sweep: () => v().sweep(),
    exportContents: () => v().exportContents(),
    importContents: (blob) => v().importContents(blob),
    sealedDomain: async () => v().sealedDomain(),
    keyShape: (name) => v().keys.shape(name),
    setClockOffset: async () => {},
    applySeed: async (seed, source, mode) => {
      await applySeed(v(), seed, { source, mode });
    },
  };
}

/** The controls of a vault in a pool of workers: each call is a message to one worker, or to all. */
export function poolControls(pool: WorkerPool): VaultControls {
  return {
    get securityDomainId() {
      return pool.securityDomainId ?? "";
    },
    sweep: async () => {
      await pool.control("sweep", [], true);
    },
    exportContents: async () => (await pool.control("exportContents")) as Uint8Array,
    importContents: async (blob) => (await pool.control("importContents", [blob])) as number,
    sealedDomain: async () => (await pool.control("sealedDomain")) as SecurityDomainRecord,
    keyShape: async (name) => (await pool.control("keyShape", [name])) as { kty: string; keySize: number } | undefined,
    setClockOffset: async (ms) => {
      await pool.control("setClockOffset", [ms], true);
    },
    // One worker is enough: they share the store.
    applySeed: async (seed, source, mode) => {
      await pool.control("applySeed", [seed, source, mode]);
    },
  };
}

/** A domain source that hands a vault a given sealed domain (a management import from another emulator). */
export function givenDomain(record: SecurityDomainRecord): SharedDomainSource {
  return { description: "the imported security domain", load: async () => record, save: async () => {} };
}

export function vaultFactory(options: VaultFactoryOptions = {}): VaultFactory {
  return async (spec, clock) => {
    const store = options.openStore ? await options.openStore(spec.name) : new MemoryStore();
    try {
      const hsm = options.engine ? await options.engine() : await Hsm.create();
      const shared = spec.securityDomain
        ? givenDomain(spec.securityDomain)
        : spec.name === DEFAULT_VAULT
          ? options.sharedDomain
          : undefined;
      const vault = await Vault.open({
        hsm,
        store,
        clock: clock.now,
        ...(shared ? { sharedDomain: shared } : {}),
        ...(options.domainSecret !== undefined ? { domainSecret: options.domainSecret } : {}),
        ...(options.recoverableDays !== undefined ? { recoverableDays: options.recoverableDays } : {}),
      });
      return {
        controls: vaultControls(vault),
        router: createRouter({ ...(typeof options.router === "function" ? options.router(spec.name) : options.router), vault }),
        ...(options.throttle ? { throttle: new Throttle(options.throttle, clock.now) } : {}),
        close: () => store.close(),
      };
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
  };
}

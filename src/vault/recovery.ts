// Recovery from a trap in the core (issue 15, defect 4). A trap leaves a WebAssembly instance unusable:
// every later call fails with INSTANCE_LOST. The sealed records in the store are the truth, so nothing
// is lost with the instance: this vault throws it away, makes a new engine, re-imports the security
// domain (from the store, the shared domain file, or, for a store in memory, a copy sealed under the
// domain secret and kept in memory for this purpose), and the kinds unseal keys on demand again.
//  - A request that meets the lost engine gets 503 ServiceUnavailable in Key Vault's envelope.
//  - Requests that arrive during the restart wait for it; the first request after a trap starts it.
//  - The old and the new Vault share their per-name locks, so a request still running on the old one
//    never interleaves with one on the new.
import { MemoryStore } from "../store/memory.js";
import type { SecurityDomainRecord, SharedDomainSource } from "../store/types.js";
import type { VaultEngine } from "./engine.js";
import { instanceLostError, isInstanceLost } from "./errormap.js";
import { KeyVaultError } from "./errors.js";
import { NameLocks } from "./lifecycle/locks.js";
import { Vault, type VaultOptions } from "./vault.js";

export interface RecoveringVaultOptions extends Omit<VaultOptions, "hsm" | "locks"> {
  /** Makes a fresh engine: once at open, and again after each trap. */
  engine: () => Promise<VaultEngine>;
  /** Told of each restart (for the log), or of a restart that failed. */
  onRestart?: (event: { restarts: number; cause?: unknown; error?: unknown }) => void;
}

/**
 * A Vault whose engine is restarted after a trap: every member of the current generation's Vault, read
 * through a proxy (kinds, vault-wide methods, the domain id); `restarts` counts the restarts so far.
 */
export type RecoveringVault = Vault & { readonly restarts: number };

interface Generation {
  vault: Vault;
  /** Set when any call into this generation's engine found the instance lost. */
  lost: boolean;
}

/** The in-memory home of the sealed domain of a vault whose store is not durable, so that a new engine can re-import it. */
class DomainInMemory implements SharedDomainSource {
  readonly description = "the security domain kept in memory for engine restarts";
  #record?: SecurityDomainRecord;
  async load(): Promise<SecurityDomainRecord | undefined> {
    return this.#record;
  }
  async save(record: SecurityDomainRecord): Promise<void> {
    this.#record = record;
  }
}

export async function openRecoveringVault(options: RecoveringVaultOptions): Promise<RecoveringVault> {
  const store = options.store ?? new MemoryStore();
  const sharedDomain = options.sharedDomain ?? (store.durable ? undefined : new DomainInMemory());
  // The store's own lock too (a store shared by several processes), as Vault.open takes it.
  const locks = new NameLocks(store);
  const { engine: makeEngine, onRestart, ...vaultOptions } = options;

  async function open(): Promise<Generation> {
    const engine = await makeEngine();
    const gen = { lost: false } as Generation;
    gen.vault = await Vault.open({
      ...vaultOptions,
      store,
      ...(sharedDomain ? { sharedDomain } : {}),
      locks,
      hsm: watched(engine, () => {
        gen.lost = true;
      }),
    });
    return gen;
  }

  let current = await open();
  const domainId = current.vault.securityDomainId;
  let restarting: Promise<void> | undefined;
  let restarts = 0;

  function restart(from: Generation, cause?: unknown): Promise<void> {
    if (restarting) return restarting;
    if (current !== from) return Promise.resolve();
    restarting = (async () => {
      try {
        const next = await open();
        // The same domain or nothing: records open only under their own.
        if (next.vault.securityDomainId !== domainId) {
          throw new Error(`the restarted engine holds domain ${next.vault.securityDomainId}, not ${domainId}`);
        }
        current = next;
        restarts++;
        onRestart?.({ restarts, cause });
      } catch (error) {
        onRestart?.({ restarts, cause, error });
        throw error;
      } finally {
        restarting = undefined;
      }
    })();
    return restarting;
  }

  async function ready(): Promise<Generation> {
    try {
      if (restarting) await restarting;
      if (current.lost) await restart(current);
    } catch {
      throw instanceLostError();
    }
    return current;
  }

  /**
   * Runs one method of the current generation (of the Vault itself, or of one of its kinds) with the
   * restart rules above. A synchronous method stays synchronous, but while a restart is under way
   * every call waits for it, and so returns a promise.
   */
  function call(kind: string | undefined, method: string, args: unknown[]): unknown {
    if (restarting || current.lost) return ready().then((gen) => invoke(gen, kind, method, args));
    return invoke(current, kind, method, args);
  }

  function invoke(gen: Generation, kind: string | undefined, method: string, args: unknown[]): unknown {
    const target = (kind === undefined ? gen.vault : (gen.vault as unknown as Record<string, unknown>)[kind]) as Record<string, unknown>;
    const fn = target?.[method];
    if (typeof fn !== "function") throw new TypeError(`the vault has no operation ${kind ? `${kind}.` : ""}${method}`);
    const settled = (result: unknown) => {
      // The answer stands (the store holds it); the next request gets a new engine.
      if (gen.lost) void restart(gen).catch(() => {});
      return result;
    };
    const failed = (e: unknown): never => {
      const lost = isInstanceLost(e);
      if (lost || gen.lost) {
        void restart(gen, e).catch(() => {});
        // A client's error stands; an error of the lost engine is a 503.
        if (lost || !(e instanceof KeyVaultError) || e.status >= 500) throw instanceLostError();
      }
      throw e;
    };
    let result: unknown;
    try {
      result = (fn as (...a: unknown[]) => unknown).apply(target, args);
    } catch (e) {
      return failed(e);
    }
    return result instanceof Promise ? result.then(settled, failed) : settled(result);
  }

  // Members are read from the current generation on every access: methods become calls through call(),
  // kinds (objects) become proxies whose methods do, values (the domain id) are read as they are.
  const kinds = new Map<string, object>();
  const kindProxy = (kind: string) => {
    let p = kinds.get(kind);
    if (!p) {
      p = new Proxy(
        {},
        {
          get: (_t, member) => {
            const value = (current.vault as unknown as Record<string, Record<string | symbol, unknown> | undefined>)[kind]?.[member];
            return typeof value === "function" && typeof member === "string" ? (...args: unknown[]) => call(kind, member, args) : value;
          },
        },
      );
      kinds.set(kind, p);
    }
    return p;
  };
  return new Proxy({} as RecoveringVault, {
    get(_t, prop) {
      if (prop === "restarts") return restarts;
      if (prop === "securityDomainId") return domainId;
      if (prop === "then" || typeof prop !== "string") return undefined;
      const value = (current.vault as unknown as Record<string, unknown>)[prop];
      if (typeof value === "function") return (...args: unknown[]) => call(undefined, prop, args);
      if (typeof value === "object" && value !== null) return kindProxy(prop);
      return value;
    },
  });
}

/** The engine, with every call watched: a lost instance sets the generation's flag (the error still goes to the caller). */
function watched(engine: VaultEngine, onLost: () => void): VaultEngine {
  return new Proxy(engine, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (e) {
          if (isInstanceLost(e)) onLost();
          throw e;
        }
      };
    },
  });
}

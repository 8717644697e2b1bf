// Vault: Azure Key Vault's rules over the engine, for every object kind. It opens the security
// domain and the store, and holds one object of each kind on the shared lifecycle; the router calls
// one method of one kind per request.
import type { VaultApi } from "../model/index.js";
import { MemoryStore } from "../store/memory.js";
import type { ObjectStore, SharedDomainSource } from "../store/types.js";
import { DEFAULT_RECOVERABLE_DAYS } from "./attributes.js";
import { openSecurityDomain, type SecurityDomain } from "./domain.js";
import type { VaultEngine } from "./engine.js";
import { KeyObjects } from "./keys/keys.js";
import { SecretObjects } from "./secrets/secrets.js";
import { NameLocks } from "./lifecycle/locks.js";
import type { VaultServices } from "./lifecycle/objects.js";

export interface VaultOptions {
  hsm: VaultEngine;
  store?: ObjectStore;
  /** Milliseconds since the epoch; injectable so that expiry, purge dates and rotation can be tested. */
  clock?: () => number;
  /** A security domain shared with other vaults (e.g. a DomainFile): adopted, or checked against the store's. */
  sharedDomain?: SharedDomainSource;
  /** The secret under which the domain key is sealed for storage. */
  domainSecret?: string;
  recoverableDays?: number;
  /** How many keys the engine keeps unsealed at most; the least recently used are wiped and unsealed again on demand. */
  maxUnsealedKeys?: number;
  /** Per-name locks, shared with another Vault on the same store (a restarted engine's; see recovery.ts). */
  locks?: NameLocks;
}

export class Vault implements VaultApi {
  readonly keys: KeyObjects;
  readonly secrets: SecretObjects;
  readonly #domain: SecurityDomain;

  private constructor(services: VaultServices) {
    this.#domain = services.domain;
    this.keys = new KeyObjects(services);
    this.secrets = new SecretObjects(services);
  }

  static async open(options: VaultOptions): Promise<Vault> {
    const store = options.store ?? new MemoryStore();
    const domain = await openSecurityDomain(options.hsm, store, {
      ...(options.sharedDomain ? { shared: options.sharedDomain } : {}),
      ...(options.domainSecret !== undefined ? { secret: options.domainSecret } : {}),
    });
    const clock = options.clock ?? Date.now;
    return new Vault({
      engine: options.hsm,
      store,
      domain,
      locks: options.locks ?? new NameLocks(),
      now: () => Math.floor(clock() / 1000),
      recoverableDays: options.recoverableDays ?? DEFAULT_RECOVERABLE_DAYS,
      ...(options.maxUnsealedKeys !== undefined ? { maxUnsealedKeys: options.maxUnsealedKeys } : {}),
    });
  }

  /** The public identifier of this vault's security domain (hex). */
  get securityDomainId(): string {
    return this.#domain.idHex;
  }
}

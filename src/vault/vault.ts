// Vault: Azure Key Vault's rules over the engine, for every object kind. It opens the security
// domain and the store, and holds one object of each kind on the shared lifecycle; the router calls
// one method of one kind per request.
import type { VaultApi } from "../model/index.js";
import { MemoryStore } from "../store/memory.js";
import type { ObjectStore, SecurityDomainRecord, SharedDomainSource } from "../store/types.js";
import { DEFAULT_RECOVERABLE_DAYS } from "./attributes.js";
import { exportContents, importContents } from "./contents.js";
import { DEFAULT_DOMAIN_SECRET, openSecurityDomain, type SecurityDomain } from "./domain.js";
import { engineCall } from "./errormap.js";
import { encodeBase64url } from "../encoding/base64url.js";
import type { VaultEngine } from "./engine.js";
import { LazyCertificates } from "./certificates/lazy.js";
import type { JSONWebKeySet } from "jose";
import { VaultAttestation } from "./attestation.js";
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
  /** A delete or recover becomes visible to other reads this many ms later, as on the real service. Default 0. */
  deleteDelayMs?: number;
  /** Further trusted attestation signers (a JWKS), besides the built-in attestation service. */
  attestationJwks?: JSONWebKeySet;
}

export class Vault implements VaultApi {
  readonly keys: KeyObjects;
  readonly secrets: SecretObjects;
  readonly certificates: LazyCertificates;
  readonly attestation: VaultAttestation;
  readonly #domain: SecurityDomain;
  readonly #services: VaultServices;
  readonly #domainSecret: Uint8Array;

  private constructor(services: VaultServices, attestation: VaultAttestation, domainSecret: Uint8Array) {
    this.#domainSecret = domainSecret;
    this.#services = services;
    this.#domain = services.domain;
    this.attestation = attestation;
    this.keys = new KeyObjects(services, attestation);
    this.secrets = new SecretObjects(services);
    // Loaded at the first certificate request (certificates/lazy.ts): most of a vault's start is their libraries.
    this.certificates = new LazyCertificates(async () => {
      const { CertificateObjects } = await import("./certificates/certificates.js");
      return new CertificateObjects(services, this.keys, this.secrets);
    });
  }

  static async open(options: VaultOptions): Promise<Vault> {
    const store: ObjectStore = options.store ?? new MemoryStore();
    const open = (): Promise<SecurityDomain> =>
      openSecurityDomain(options.hsm, store, {
        ...(options.sharedDomain ? { shared: options.sharedDomain } : {}),
        ...(options.domainSecret !== undefined ? { secret: options.domainSecret } : {}),
      });
    // Processes sharing a store must not each make a domain: the first makes it, the others open it.
    const domain = store.exclusive ? await store.exclusive("domain", "", open) : await open();
    const clock = options.clock ?? Date.now;
    const deleteDelayMs = options.deleteDelayMs ?? 0;
    if (!Number.isSafeInteger(deleteDelayMs) || deleteDelayMs < 0)
      throw new Error(`deleteDelayMs must be a whole number of ms >= 0, got ${deleteDelayMs}`);
    return new Vault(
      {
        engine: options.hsm,
        store,
        domain,
        locks: options.locks ?? new NameLocks(store),
        now: () => Math.floor(clock() / 1000),
        nowMs: clock,
        recoverableDays: options.recoverableDays ?? DEFAULT_RECOVERABLE_DAYS,
        deleteDelayMs,
        ...(options.maxUnsealedKeys !== undefined ? { maxUnsealedKeys: options.maxUnsealedKeys } : {}),
      },
      new VaultAttestation(options.hsm, options.attestationJwks, clock),
      new TextEncoder().encode(options.domainSecret ?? DEFAULT_DOMAIN_SECRET),
    );
  }

  /**
   * The security domain, sealed under the domain secret: what another vault needs to open this one's
   * records (an export moved to another emulator). The domain key itself never leaves the core in clear.
   */
  sealedDomain(): SecurityDomainRecord {
    const engine = this.#services.engine;
    return {
      id: this.#domain.idHex,
      sealed: encodeBase64url(engineCall(() => engine.exportSealingKey(this.#domain.handle, this.#domainSecret))),
    };
  }

  /** Purges every deleted object whose date has passed and applies every due rotation (after a clock change). */
  async sweep(): Promise<void> {
    for (const life of await this.#kinds()) await life.sweep();
  }

  /** Every object of every kind, sealed under the security domain (contents.ts). */
  async exportContents(): Promise<Uint8Array> {
    return exportContents(this.#services.engine, this.#domain, await this.#kinds(), this.#services.now());
  }

  /** Imports an export of a vault of the same security domain; returns how many objects it held. */
  async importContents(blob: Uint8Array): Promise<number> {
    return importContents(this.#services.engine, this.#domain, await this.#kinds(), blob);
  }

  async #kinds() {
    return [this.keys.lifecycle, this.secrets.lifecycle, (await this.certificates.loaded()).lifecycle];
  }

  /** The public identifier of this vault's security domain (hex). */
  get securityDomainId(): string {
    return this.#domain.idHex;
  }
}

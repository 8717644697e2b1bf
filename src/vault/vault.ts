// Vault: Azure Key Vault's rules over the engine, for every object kind. It opens the security
// domain and the store, and holds one object of each kind on the shared lifecycle; the router calls
// one method of one kind per request.
import type { VaultApi } from "../model/index.js";
import { MemoryStore } from "../store/memory.js";
import type { ObjectStore, SharedDomainSource } from "../store/types.js";
import { DEFAULT_RECOVERABLE_DAYS } from "./attributes.js";
import { openSecurityDomain, type SecurityDomain } from "./domain.js";
import type { VaultEngine } from "./engine.js";
import { CertificateObjects } from "./certificates/certificates.js";
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
  readonly certificates: CertificateObjects;
  readonly attestation: VaultAttestation;
  readonly #domain: SecurityDomain;

  private constructor(services: VaultServices, attestation: VaultAttestation) {
    this.#domain = services.domain;
    this.attestation = attestation;
    this.keys = new KeyObjects(services, attestation);
    this.secrets = new SecretObjects(services);
    this.certificates = new CertificateObjects(services, this.keys, this.secrets);
  }

  static async open(options: VaultOptions): Promise<Vault> {
    const store = options.store ?? new MemoryStore();
    const domain = await openSecurityDomain(options.hsm, store, {
      ...(options.sharedDomain ? { shared: options.sharedDomain } : {}),
      ...(options.domainSecret !== undefined ? { secret: options.domainSecret } : {}),
    });
    const clock = options.clock ?? Date.now;
    const deleteDelayMs = options.deleteDelayMs ?? 0;
    if (!Number.isSafeInteger(deleteDelayMs) || deleteDelayMs < 0)
      throw new Error(`deleteDelayMs must be a whole number of ms >= 0, got ${deleteDelayMs}`);
    return new Vault(
      {
        engine: options.hsm,
        store,
        domain,
        locks: options.locks ?? new NameLocks(),
        now: () => Math.floor(clock() / 1000),
        nowMs: clock,
        recoverableDays: options.recoverableDays ?? DEFAULT_RECOVERABLE_DAYS,
        deleteDelayMs,
        ...(options.maxUnsealedKeys !== undefined ? { maxUnsealedKeys: options.maxUnsealedKeys } : {}),
      },
      new VaultAttestation(options.hsm, options.attestationJwks, clock),
    );
  }

  /** The public identifier of this vault's security domain (hex). */
  get securityDomainId(): string {
    return this.#domain.idHex;
  }
}

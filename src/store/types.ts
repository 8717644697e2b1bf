// Where vault records live. The vault reads and writes whole keys (all versions at once), so a
// restore or a rotation is one atomic write. Key material is in the records only sealed.
import type { JsonWebKey, KeyAttributes, KeyRotationPolicy, Tags } from "../vault/types.js";

export interface StoredVersion {
  version: string;
  /** The kty reported to clients, e.g. "RSA-HSM". */
  kty: string;
  /** RSA modulus bits, EC curve bits (256, 384, 521) or oct key bits. */
  keySize: number;
  keyOps: string[];
  attributes: KeyAttributes;
  tags?: Tags;
  /** The public part of the key (no private members), without kid and key_ops. */
  publicJwk: JsonWebKey;
  /** Private material sealed by the core under the security domain (base64url). */
  sealed: string;
}

export interface DeletionInfo {
  recoveryId: string;
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface StoredKey {
  name: string;
  /** Oldest first; the last one is the current version. */
  versions: StoredVersion[];
  deleted?: DeletionInfo;
  rotationPolicy?: KeyRotationPolicy;
}

export interface SecurityDomainRecord {
  /** Public identifier of the domain (shown in backups). */
  id: string;
  /** The domain key, sealed for storage (base64url). */
  sealed: string;
}

export interface KeyStore {
  /** True if records outlive the process (the vault then keeps its security domain here too). */
  readonly durable: boolean;
  getDomain(): Promise<SecurityDomainRecord | undefined>;
  putDomain(record: SecurityDomainRecord): Promise<void>;
  /** Every stored key name, deleted ones included, in no particular order. */
  listNames(): Promise<string[]>;
  getKey(name: string): Promise<StoredKey | undefined>;
  /** Replaces the whole record atomically; durable before the promise resolves. */
  putKey(key: StoredKey): Promise<void>;
  removeKey(name: string): Promise<void>;
  close(): Promise<void>;
}

// Where vault records live. The vault reads and writes whole objects (all versions at once), so a
// restore or a rotation is one atomic write. Names are looked up case-insensitively (nameKey).
import type { CorruptRecordError, ObjectKind, ObjectRecord, SecurityDomainRecord } from "./records.js";

export * from "./records.js";

export interface ListQuery {
  /** Deleted objects, or live ones. */
  deleted: boolean;
  /** Only names (case-folded) strictly after this one. */
  after?: string;
  limit: number;
}

export interface ObjectStore {
  /** True if records outlive the process (the vault then keeps its security domain here too). */
  readonly durable: boolean;
  getDomain(): Promise<SecurityDomainRecord | undefined>;
  putDomain(record: SecurityDomainRecord): Promise<void>;
  /** The record, undefined if there is none; throws CorruptRecordError for one that cannot be read. */
  get(kind: ObjectKind, name: string): Promise<ObjectRecord | undefined>;
  /** Replaces the whole record atomically; durable before the promise resolves. */
  put(record: ObjectRecord): Promise<void>;
  remove(kind: ObjectKind, name: string): Promise<void>;
  /** One page of records of a kind, in order of their case-folded names: O(page), not O(store). Corrupt records are skipped. */
  list(kind: ObjectKind, query: ListQuery): Promise<ObjectRecord[]>;
  /** Every stored name of a kind, deleted ones included, in no particular order (corrupt records left out). */
  names(kind: ObjectKind): Promise<string[]>;
  /**
   * Told once per corrupt record that a list or names() skipped (get() throws CorruptRecordError
   * instead), so that the server can log it.
   */
  onCorrupt?: (error: CorruptRecordError) => void;
  /**
   * Stores shared by several processes (PostgreSQL) serialise the read-modify-write of one name across
   * them; the vault runs every operation on a name, and the opening of its security domain, inside it.
   */
  exclusive?<T>(kind: ObjectKind | "domain", name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Where a vault finds, or leaves, the security domain it shares with other vaults. */
export interface SharedDomainSource {
  /** Says where the domain is, for messages. */
  readonly description: string;
  load(): Promise<SecurityDomainRecord | undefined>;
  save(record: SecurityDomainRecord): Promise<void>;
}

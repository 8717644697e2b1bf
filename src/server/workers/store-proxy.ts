// The worker's store: every call goes to the thread that owns the real store (memory, SQLite) and
// waits for its answer. Records are plain data and hold material only sealed, so nothing secret
// crosses. The shared security domain travels the same way.
import type { ObjectKind, ObjectRecord, SecurityDomainRecord } from "../../store/records.js";
import type { ListQuery, ObjectStore, SharedDomainSource } from "../../store/types.js";
import type { StoreOp } from "./protocol.js";
import type { RecordCache } from "./record-cache.js";

/** The owner's answer: the value, and on a get the number of writes it had completed when the read began. */
export type StoreCall = (op: StoreOp, args: unknown[]) => Promise<{ value: unknown; writes?: number }>;

export class ProxyStore implements ObjectStore {
  readonly durable: boolean;
  readonly #call: StoreCall;
  readonly #cache: RecordCache | undefined;
  /** The owner's lock across processes, when its store has one (PostgreSQL shared by several servers). */
  readonly exclusive?: <T>(kind: ObjectKind | "domain", name: string, fn: () => Promise<T>) => Promise<T>;

  /**
   * With a cache, reads of records the owner has not reported written since are answered here. With
   * `sharedLock`, exclusive() holds the owner's store lock (taken and released through the owner) while fn runs.
   */
  constructor(call: StoreCall, durable: boolean, cache?: RecordCache, sharedLock = false) {
    this.#call = call;
    this.durable = durable;
    this.#cache = cache;
    if (sharedLock) {
      this.exclusive = async (kind, name, fn) => {
        const { value: id } = await call("lock", [kind, name]);
        try {
          return await fn();
        } finally {
          await call("unlock", [id]);
        }
      };
    }
  }

  async getDomain(): Promise<SecurityDomainRecord | undefined> {
    return (await this.#call("getDomain", [])).value as SecurityDomainRecord | undefined;
  }

  async putDomain(record: SecurityDomainRecord): Promise<void> {
    await this.#call("putDomain", [record]);
  }

  async get(kind: ObjectKind, name: string): Promise<ObjectRecord | undefined> {
    const cached = this.#cache?.get(kind, name);
    if (cached) return cached;
    const { value, writes } = await this.#call("get", [kind, name]);
    if (value !== undefined && writes !== undefined) this.#cache?.offer(kind, name, value as ObjectRecord, writes);
    return value as ObjectRecord | undefined;
  }

  async put(record: ObjectRecord): Promise<void> {
    await this.#call("put", [record]);
  }

  async remove(kind: ObjectKind, name: string): Promise<void> {
    await this.#call("remove", [kind, name]);
  }

  async list(kind: ObjectKind, query: ListQuery): Promise<ObjectRecord[]> {
    return (await this.#call("list", [kind, query])).value as ObjectRecord[];
  }

  async names(kind: ObjectKind): Promise<string[]> {
    return (await this.#call("names", [kind])).value as string[];
  }

  /** The owner closes the real store. */
  async close(): Promise<void> {}
}

/** The security domain every worker of one owner shares (the owner keeps it sealed). */
export class ProxySharedDomain implements SharedDomainSource {
  readonly description = "the security domain shared by the vault's workers";
  readonly #call: StoreCall;

  constructor(call: StoreCall) {
    this.#call = call;
  }

  async load(): Promise<SecurityDomainRecord | undefined> {
    return (await this.#call("loadShared", [])).value as SecurityDomainRecord | undefined;
  }

  async save(record: SecurityDomainRecord): Promise<void> {
    await this.#call("saveShared", [record]);
  }
}

/** The owner's side of the shared domain when no file holds it: the sealed record, in memory. */
export class MemorySharedDomain implements SharedDomainSource {
  readonly description = "the security domain held by the vault's owner thread";
  #record?: SecurityDomainRecord;

  async load(): Promise<SecurityDomainRecord | undefined> {
    return this.#record === undefined ? undefined : { ...this.#record };
  }

  async save(record: SecurityDomainRecord): Promise<void> {
    this.#record = { id: record.id, sealed: record.sealed };
  }
}

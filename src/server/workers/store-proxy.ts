// The worker's store: every call goes to the thread that owns the real store (memory, SQLite) and
// waits for its answer. Records are plain data and hold material only sealed, so nothing secret
// crosses. The shared security domain travels the same way.
import type { ObjectKind, ObjectRecord, SecurityDomainRecord } from "../../store/records.js";
import type { ListQuery, ObjectStore, SharedDomainSource } from "../../store/types.js";
import type { StoreOp } from "./protocol.js";

export type StoreCall = (op: StoreOp, args: unknown[]) => Promise<unknown>;

export class ProxyStore implements ObjectStore {
  readonly durable: boolean;
  readonly #call: StoreCall;

  constructor(call: StoreCall, durable: boolean) {
    this.#call = call;
    this.durable = durable;
  }

  getDomain(): Promise<SecurityDomainRecord | undefined> {
    return this.#call("getDomain", []) as Promise<SecurityDomainRecord | undefined>;
  }

  async putDomain(record: SecurityDomainRecord): Promise<void> {
    await this.#call("putDomain", [record]);
  }

  get(kind: ObjectKind, name: string): Promise<ObjectRecord | undefined> {
    return this.#call("get", [kind, name]) as Promise<ObjectRecord | undefined>;
  }

  async put(record: ObjectRecord): Promise<void> {
    await this.#call("put", [record]);
  }

  async remove(kind: ObjectKind, name: string): Promise<void> {
    await this.#call("remove", [kind, name]);
  }

  list(kind: ObjectKind, query: ListQuery): Promise<ObjectRecord[]> {
    return this.#call("list", [kind, query]) as Promise<ObjectRecord[]>;
  }

  names(kind: ObjectKind): Promise<string[]> {
    return this.#call("names", [kind]) as Promise<string[]>;
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

  load(): Promise<SecurityDomainRecord | undefined> {
    return this.#call("loadShared", []) as Promise<SecurityDomainRecord | undefined>;
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

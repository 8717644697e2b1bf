// A vault worker's copy of the records it read lately, so that a read of an unchanged record (every
// sign, decrypt, GET) does not wait for the owner thread, which is busy with TLS under load: one store
// round trip per request was the worker's idle time and a third of the owner's message traffic.
//
// The owner's store stays the truth. It numbers the writes it completes (`writes`), tells every
// worker about each one ("written": kind, name, number) before it answers the writer, and tags each
// read with the number of writes completed before the read began. A worker keeps a read only if it
// began after every write it has been told of (tag >= the highest number heard), and drops a record
// when told it was written. Messages from the owner arrive in order, and a request reaches a worker
// only through the owner, so a request sent after a write completed never sees the record from before
// it. Only for a store that this process alone writes: the owner does not hear of writes by other
// processes (PostgreSQL shared by several servers), and leaves the cache off there.
import type { ObjectKind, ObjectRecord } from "../../store/records.js";
import { nameKey } from "../../store/records.js";

/** Records kept by default: the hot set of any test, a few MB at most (an RSA-4096 record is ~6 KB). */
export const DEFAULT_CACHED_RECORDS = 1024;

export class RecordCache {
  readonly #limit: number;
  /**
   * The records as JSON text: each read parses a fresh copy (JSON.parse of an EC key's record takes
   * 1.4 µs, structuredClone of the object 3.1 µs). Insertion order is recency: the first entry is the
   * least recently used.
   */
  readonly #records = new Map<string, string>();
  /** The highest write number heard of. */
  #heard = 0;

  constructor(limit = DEFAULT_CACHED_RECORDS) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#records.size;
  }

  /** A copy of the cached record (callers change the records they read), or undefined. */
  get(kind: ObjectKind, name: string): ObjectRecord | undefined {
    const id = idOf(kind, name);
    const json = this.#records.get(id);
    if (json === undefined) return undefined;
    this.#records.delete(id);
    this.#records.set(id, json);
    return JSON.parse(json) as ObjectRecord;
  }

  /** A record the owner read after `writes` writes had completed; kept (a copy) if no later write was heard of. */
  offer(kind: ObjectKind, name: string, record: ObjectRecord, writes: number): void {
    if (writes < this.#heard) return;
    const id = idOf(kind, name);
    this.#records.delete(id);
    this.#records.set(id, JSON.stringify(record));
    if (this.#records.size > this.#limit) this.#records.delete(this.#records.keys().next().value!);
  }

  /** The owner completed write number `writes`, to this record. */
  written(kind: ObjectKind, name: string, writes: number): void {
    if (writes > this.#heard) this.#heard = writes;
    this.#records.delete(idOf(kind, name));
  }
}

function idOf(kind: ObjectKind, name: string): string {
  return `${kind}/${nameKey(name)}`;
}

// The default store: records in memory, copied (as JSON) on the way in and out so that callers can
// never alias, and so corrupt, what is stored. Each kind keeps its case-folded names in a sorted
// array, so that a page of a list costs O(log n + page).
import {
  assertNoClearMaterial,
  type CorruptRecordError,
  nameKey,
  type ObjectKind,
  type ObjectRecord,
  parseStoredRecord,
  reportCorrupt,
  type SecurityDomainRecord,
} from "./records.js";
import type { ListQuery, ObjectStore } from "./types.js";

interface Entry {
  json: string;
  deleted: boolean;
}

class SortedNames {
  readonly #names: string[] = [];

  /** Index of the first name >= key. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.#names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#names[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(key: string): void {
    const i = this.lowerBound(key);
    if (this.#names[i] !== key) this.#names.splice(i, 0, key);
  }

  delete(key: string): void {
    const i = this.lowerBound(key);
    if (this.#names[i] === key) this.#names.splice(i, 1);
  }

  at(i: number): string | undefined {
    return this.#names[i];
  }
}

export class MemoryStore implements ObjectStore {
  readonly durable: boolean = false;
  readonly #records = new Map<string, Entry>();
  readonly #sorted = new Map<ObjectKind, SortedNames>();
  readonly #reported = new Set<string>();
  #domain?: string;
  onCorrupt?: (error: CorruptRecordError) => void;

  async getDomain(): Promise<SecurityDomainRecord | undefined> {
    return this.#domain === undefined ? undefined : JSON.parse(this.#domain);
  }

  async putDomain(record: SecurityDomainRecord): Promise<void> {
    this.#domain = JSON.stringify(record);
  }

  async get(kind: ObjectKind, name: string): Promise<ObjectRecord | undefined> {
    const key = nameKey(name);
    const entry = this.#records.get(`${kind}/${key}`);
    return entry === undefined ? undefined : parseStoredRecord(kind, key, entry.json);
  }

  async put(record: ObjectRecord): Promise<void> {
    assertNoClearMaterial(record);
    const key = nameKey(record.name);
    this.#records.set(`${record.kind}/${key}`, { json: JSON.stringify(record), deleted: record.deleted !== undefined });
    this.#names(record.kind).add(key);
  }

  async remove(kind: ObjectKind, name: string): Promise<void> {
    const key = nameKey(name);
    this.#records.delete(`${kind}/${key}`);
    this.#names(kind).delete(key);
  }

  async list(kind: ObjectKind, query: ListQuery): Promise<ObjectRecord[]> {
    const names = this.#names(kind);
    const out: ObjectRecord[] = [];
    // Skips entries of the other deletion state; a page of live objects in a store of mostly deleted
    // ones reads further, as an index on (kind, deleted, name) would not. The SQLite store has that index.
    for (let i = query.after === undefined ? 0 : names.lowerBound(`${query.after}\u0000`); out.length < query.limit; i++) {
      const key = names.at(i);
      if (key === undefined) break;
      const entry = this.#records.get(`${kind}/${key}`)!;
      if (entry.deleted !== query.deleted) continue;
      try {
        out.push(parseStoredRecord(kind, key, entry.json));
      } catch (err) {
        reportCorrupt(err, this.#reported, this.onCorrupt);
      }
    }
    return out;
  }

  async names(kind: ObjectKind): Promise<string[]> {
    const out: string[] = [];
    for (const [k, entry] of this.#records) {
      if (!k.startsWith(`${kind}/`)) continue;
      try {
        out.push(parseStoredRecord(kind, k.slice(kind.length + 1), entry.json).name);
      } catch (err) {
        reportCorrupt(err, this.#reported, this.onCorrupt);
      }
    }
    return out;
  }

  async close(): Promise<void> {}

  #names(kind: ObjectKind): SortedNames {
    let s = this.#sorted.get(kind);
    if (!s) {
      s = new SortedNames();
      this.#sorted.set(kind, s);
    }
    return s;
  }
}

// Writes of several whole records (a certificate, its key, its secret) that stand or fall together.
// The store writes one record atomically but knows no transactions, so each write first remembers
// the record as it was; on failure, rollback() puts every record back, newest first. The caller holds
// the locks of every name it writes, so nothing else can have changed those records in between.
//
// If a rollback write fails too (the store itself is failing), what remains is at worst a key or
// secret version that no certificate version names: the certificate record, written last by every
// caller, is the one clients reach the others through.
import type { ObjectKind, ObjectRecord, ObjectStore } from "../../store/types.js";

export class StoreTransaction {
  readonly #store: ObjectStore;
  readonly #undo: (() => Promise<void>)[] = [];
  readonly #seen = new Set<string>();

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  async put<P, S>(record: ObjectRecord<P, S>): Promise<void> {
    await this.#remember(record.kind, record.name);
    await this.#store.put(record as unknown as ObjectRecord);
  }

  async remove(kind: ObjectKind, name: string): Promise<void> {
    await this.#remember(kind, name);
    await this.#store.remove(kind, name);
  }

  /** Puts back every record this transaction changed; keeps going past a failing step. */
  async rollback(): Promise<void> {
    for (const undo of this.#undo.reverse()) {
      try {
        await undo();
      } catch {
        // See the header: the certificate record is restored first (it was written last).
      }
    }
    this.#undo.length = 0;
  }

  async #remember(kind: ObjectKind, name: string): Promise<void> {
    const id = `${kind}/${name.toLowerCase()}`;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    const before = await this.#store.get(kind, name);
    this.#undo.push(before ? () => this.#store.put(before) : () => this.#store.remove(kind, name));
  }
}

/** Runs fn with a transaction; rolls it back if fn throws, and rethrows. */
export async function transaction<T>(store: ObjectStore, fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
  const tx = new StoreTransaction(store);
  try {
    return await fn(tx);
  } catch (e) {
    await tx.rollback();
    throw e;
  }
}

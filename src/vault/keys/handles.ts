// Unsealed keys in the engine, by "name/version" (case-folded name): a bounded working set. The
// sealed records in the store are the truth: a key is unsealed on first use, kept while it is among
// the `limit` most recently used, and wiped from the engine (destroyed) when it falls out of that set
// or when its object is deleted or purged. A vault thus holds as many keys as its store can, while
// the engine holds at most `limit` of them (plus the keys being made and the security domain).
//
// A handle from get() is valid until the next get() or add(): callers use it synchronously, in the
// same turn, so that no other request can evict it in between.
import type { KeyHandle } from "../../engine/index.js";
import { decodeBase64url } from "../../encoding/base64url.js";
import { nameKey, type KeyVersionProps, type ObjectRecord, type VersionRecord } from "../../store/types.js";
import type { SecurityDomain } from "../domain.js";
import type { VaultEngine } from "../engine.js";
import { engineCall, isCapacityError } from "../errormap.js";
import { KeyVaultError } from "../errors.js";

/** Unsealed keys kept in the engine by default: enough for any test's hot set, small next to the core's 65,535 slots. */
export const DEFAULT_MAX_UNSEALED_KEYS = 1024;

export class UnsealedKeys {
  readonly #engine: VaultEngine;
  readonly #domain: SecurityDomain;
  readonly #limit: number;
  /** Insertion order is recency: the first entry is the least recently used. */
  readonly #handles = new Map<string, KeyHandle>();

  constructor(engine: VaultEngine, domain: SecurityDomain, limit = DEFAULT_MAX_UNSEALED_KEYS) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new Error(`the working set of unsealed keys must hold at least 1 key; got ${limit}`);
    this.#engine = engine;
    this.#domain = domain;
    this.#limit = limit;
  }

  /** How many keys are unsealed now. */
  get size(): number {
    return this.#handles.size;
  }

  /** The engine handle of a version, unsealing it if it is not in the working set. Use it at once (see above). */
  get(name: string, v: VersionRecord<KeyVersionProps>): KeyHandle {
    const id = idOf(name, v.version);
    const h = this.#handles.get(id);
    if (h !== undefined) {
      this.#handles.delete(id);
      this.#handles.set(id, h);
      return h;
    }
    const blob = v.sealed === undefined ? undefined : decodeBase64url(v.sealed);
    if (!blob) throw new KeyVaultError(500, "InternalError", `The stored material of ${name}/${v.version} is corrupt.`);
    const unsealed = engineCall(() => this.withRoom(() => this.#engine.unseal(this.#domain.handle, blob)));
    this.add(name, v.version, unsealed);
    return unsealed;
  }

  /** Registers the handle of a version just made (the handle is then ours to wipe), as the most recently used. */
  add(name: string, version: string, handle: KeyHandle): void {
    const id = idOf(name, version);
    const old = this.#handles.get(id);
    this.#handles.delete(id);
    if (old !== undefined && old !== handle) this.#wipe(old);
    this.#handles.set(id, handle);
    while (this.#handles.size > this.#limit) this.#evictOldest();
  }

  /**
   * Runs fn (which puts a key into the engine); if the engine is full, evicts half of the working set
   * and tries once more. A CAPACITY error that remains is the engine's real limit (the vault maps it to 503).
   */
  withRoom<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (!isCapacityError(e) || this.#handles.size === 0) throw e;
      for (let n = Math.ceil(this.#handles.size / 2); n > 0; n--) this.#evictOldest();
      return fn();
    }
  }

  /** Wipes every unsealed copy of an object's versions from the engine (all of them, whatever the record lists). */
  forget(rec: Pick<ObjectRecord<KeyVersionProps, unknown>, "name">): void {
    const prefix = `${nameKey(rec.name)}/`;
    for (const [id, h] of [...this.#handles]) {
      if (!id.startsWith(prefix)) continue;
      this.#handles.delete(id);
      this.#wipe(h);
    }
  }

  #evictOldest(): void {
    const first = this.#handles.entries().next();
    if (first.done) return;
    const [id, h] = first.value;
    this.#handles.delete(id);
    this.#wipe(h);
  }

  /** Best effort: a handle that the engine refuses (its instance was lost) is gone already; the store keeps the key. */
  #wipe(h: KeyHandle): void {
    try {
      this.#engine.destroy(h);
    } catch {
      // Nothing to undo: the entry is dropped either way.
    }
  }
}

function idOf(name: string, version: string): string {
  return `${nameKey(name)}/${version}`;
}

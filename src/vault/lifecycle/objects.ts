// The object lifecycle that keys, secrets and certificates share: lookups by case-insensitive name,
// versions, soft delete with a scheduled purge, recover, purge, paged lists and backup/restore.
// A kind plugs in through KindSpec. Methods that read or write a record must run inside
// `exclusive(name, ...)`; the public API of each kind takes that lock once per operation.
import type { DeletionInfo, ListOptions, ListResult, RequestContext } from "../../model/index.js";
import { CorruptRecordError, nameKey, type ObjectRecord, type ObjectStore, type VersionRecord } from "../../store/types.js";
import type { SecurityDomain } from "../domain.js";
import type { VaultEngine } from "../engine.js";
import { engineCall } from "../errormap.js";
import { badParameter, KeyVaultError, WriteNeededError } from "../errors.js";
import { checkName } from "../names.js";
import { createBackup, openBackup } from "./backup.js";
import type { KindSpec } from "./kind.js";
import type { NameLocks } from "./locks.js";
import { page, storePage, storeWindow } from "./paging.js";

/** The errors made for corrupt records (a list leaves those records out). */
const corruptErrors = new WeakSet<object>();

/** What every kind's lifecycle shares with the vault. */
export interface VaultServices {
  engine: VaultEngine;
  store: ObjectStore;
  domain: SecurityDomain;
  locks: NameLocks;
  /** Unix seconds. */
  now(): number;
  /** Milliseconds since the epoch (the same clock). */
  nowMs(): number;
  recoverableDays: number;
  /** How many keys the engine keeps unsealed at most (a working set; see keys/handles.ts). */
  maxUnsealedKeys?: number;
  /** A delete or recover is seen by other reads only this many ms later (Key Vault's eventual consistency); 0: at once. */
  deleteDelayMs: number;
}

export class ObjectLifecycle<P, S> {
  readonly spec: KindSpec<P, S>;
  readonly #s: VaultServices;

  constructor(spec: KindSpec<P, S>, services: VaultServices) {
    this.spec = spec;
    this.#s = services;
  }

  /** Checks the name, then runs fn alone for that name (holding the companions' locks too). */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    checkName(name, this.spec.label);
    return this.#locked(name, fn);
  }

  #locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const kinds = [this.spec.kind, ...(this.spec.companions ?? [])];
    const run = (i: number): Promise<T> => (i === kinds.length ? fn() : this.#s.locks.exclusive(kinds[i]!, name, () => run(i + 1)));
    return run(0);
  }

  /**
   * Reads a record, purging it if its purge date has passed and refreshing it (rotation, ...) if live.
   * `readOnly`: write nothing; a record that a read must change first throws WriteNeededError.
   */
  async load(name: string, readOnly = false): Promise<ObjectRecord<P, S> | undefined> {
    const rec = await this.#read(name);
    if (!rec) return undefined;
    // A certificate's key or secret changes with the certificate, in one transaction under the three
    // names' locks: a reader without those locks (another worker's) could see it half made.
    if (readOnly && isManaged(rec)) {
      throw new WriteNeededError(`${this.spec.label} ${rec.name} belongs to a certificate`);
    }
    const now = this.#s.now();
    if (rec.deleted) {
      if (now >= rec.deleted.scheduledPurgeDate) {
        if (readOnly) throw new WriteNeededError(`${this.spec.label} ${rec.name} is due for purge`);
        await this.purge(rec);
        return undefined;
      }
      return rec;
    }
    if (readOnly) {
      if (this.spec.refresh && (this.spec.refreshDue?.(rec, now) ?? true)) {
        throw new WriteNeededError(`${this.spec.label} ${rec.name} is due for a refresh`);
      }
    } else await this.spec.refresh?.(rec, now);
    return rec;
  }

  /** The stored record as it is, without a lock, a purge or a refresh (for estimates, never for decisions). */
  async peek(name: string): Promise<ObjectRecord<P, S> | undefined> {
    return (await this.#s.store.get(this.spec.kind, name)) as ObjectRecord<P, S> | undefined;
  }

  /**
   * The live record, or 404. `readOnly`: see load; a record that is not there (or not live) throws
   * WriteNeededError too, so that the answer comes from where the name's writes are made: a create or
   * recover of the name still in flight there completes first, as it would for any request there.
   */
  async live(name: string, readOnly = false): Promise<ObjectRecord<P, S>> {
    const rec = await this.load(name, readOnly);
    if (!rec || !this.isLive(rec)) {
      if (readOnly) throw new WriteNeededError(`${this.spec.label} ${name} is not live here`);
      throw this.spec.errors.notFound(name);
    }
    return rec;
  }

  async deleted(name: string): Promise<ObjectRecord<P, S>> {
    const rec = await this.load(name);
    if (!rec || !this.isDeleted(rec)) throw this.spec.errors.deletedNotFound(name);
    return rec;
  }

  /** Live, and not a recovery that other reads do not see yet. */
  isLive(rec: ObjectRecord<P, S>): boolean {
    return !rec.deleted && !this.#settling(rec, "recover");
  }

  /** Deleted, and not a deletion that other reads do not see yet. */
  isDeleted(rec: ObjectRecord<P, S>): boolean {
    return rec.deleted !== undefined && !this.#settling(rec, "delete");
  }

  #settling(rec: ObjectRecord<P, S>, op: "delete" | "recover"): boolean {
    return rec.settling?.op === op && this.#s.nowMs() < rec.settling.until;
  }

  /** Starts the window in which a delete or recover is not yet seen (none without a delay). */
  #settle(rec: ObjectRecord<P, S>, op: "delete" | "recover"): void {
    if (this.#s.deleteDelayMs > 0) rec.settling = { op, until: this.#s.nowMs() + this.#s.deleteDelayMs };
    else delete rec.settling;
  }

  current(rec: ObjectRecord<P, S>): VersionRecord<P> {
    return rec.versions[rec.versions.length - 1]!;
  }

  /** A version by id; an absent or empty id means the current one. */
  version(rec: ObjectRecord<P, S>, version: string | undefined): VersionRecord<P> {
    if (version === undefined || version === "") return this.current(rec);
    const v = rec.versions.find((x) => x.version === version);
    if (!v) throw this.spec.errors.notFound(rec.name, version);
    return v;
  }

  /**
   * Adds a version made by `make` (given the existing record, if any) and stores the record. A name
   * held by a deleted object is a conflict. `make` runs only after that check.
   */
  async addVersion(
    name: string,
    make: (existing: ObjectRecord<P, S> | undefined) => VersionRecord<P>,
  ): Promise<{ record: ObjectRecord<P, S>; version: VersionRecord<P> }> {
    const existing = await this.load(name);
    if (existing?.deleted) throw this.spec.errors.conflictDeleted(existing.name);
    const version = make(existing);
    const record: ObjectRecord<P, S> = existing ?? { kind: this.spec.kind, name, versions: [] };
    await this.write({ ...record, versions: [...record.versions, version] });
    record.versions.push(version);
    return { record, version };
  }

  /** Replaces one version of a record, and stores it. */
  async replaceVersion(rec: ObjectRecord<P, S>, updated: VersionRecord<P>): Promise<void> {
    rec.versions = rec.versions.map((x) => (x.version === updated.version ? updated : x));
    await this.write(rec);
  }

  write(rec: ObjectRecord<P, S>): Promise<void> {
    return this.#s.store.put(rec as ObjectRecord);
  }

  // ---------------------------------------------------------------- soft delete

  /**
   * The store is the truth, so it is written first; wiping the unsealed copies comes after and cannot
   * fail the operation (forget is best effort: an engine that refuses has lost them already).
   */
  async softDelete(rec: ObjectRecord<P, S>, ctx: RequestContext): Promise<void> {
    this.markDeleted(rec, ctx);
    await this.write(rec);
    this.spec.forget?.(rec);
  }

  /** Sets the deletion record of a soft delete (purge date now + recoverableDays; seen after the delete delay), without writing it. */
  markDeleted(rec: ObjectRecord<P, S>, ctx: RequestContext): void {
    const now = this.#s.now();
    const days = this.current(rec).attributes.recoverableDays ?? this.#s.recoverableDays;
    rec.deleted = {
      recoveryId: `${ctx.vaultUrl}/${this.spec.deletedCollection}/${rec.name}`,
      deletedDate: now,
      scheduledPurgeDate: now + days * 86_400,
    };
    this.#settle(rec, "delete");
  }

  async recover(rec: ObjectRecord<P, S>): Promise<void> {
    this.markRecovered(rec);
    await this.write(rec);
  }

  /** Removes the deletion record (a recovery), without writing it. */
  markRecovered(rec: ObjectRecord<P, S>): void {
    delete rec.deleted;
    this.#settle(rec, "recover");
  }

  /** Removes the record, then wipes its unsealed copies (see softDelete for the order). */
  async purge(rec: ObjectRecord<P, S>): Promise<void> {
    await this.#s.store.remove(this.spec.kind, rec.name);
    this.spec.forget?.(rec);
  }

  /**
   * Purges a deleted object. A corrupt record is removed too, whatever its state: it can be neither
   * read, nor deleted, nor recovered, and purge is the way out that its error message names.
   */
  async purgeDeleted(name: string, check?: (rec: ObjectRecord<P, S>) => unknown): Promise<void> {
    try {
      await this.#s.store.get(this.spec.kind, name);
    } catch (e) {
      if (!(e instanceof CorruptRecordError)) throw e;
      await this.#s.store.remove(this.spec.kind, name);
      this.spec.forget?.({ kind: this.spec.kind, name, versions: [] });
      return;
    }
    const rec = await this.deleted(name);
    check?.(rec);
    await this.purge(rec);
  }

  /** The stored record; one that cannot be read is a clear error that names it and the way out. */
  async #read(name: string): Promise<ObjectRecord<P, S> | undefined> {
    try {
      return (await this.#s.store.get(this.spec.kind, name)) as ObjectRecord<P, S> | undefined;
    } catch (e) {
      if (!(e instanceof CorruptRecordError)) throw e;
      const error = new KeyVaultError(
        500,
        "InternalError",
        `The stored record of ${this.spec.label} ${name} is corrupt (${e.reason}): it cannot be read, changed or recovered. ` +
          `Purge it with DELETE /${this.spec.deletedCollection}/${name}.`,
      );
      corruptErrors.add(error);
      throw error;
    }
  }

  deletionInfo(rec: ObjectRecord<P, S>): DeletionInfo {
    const d = rec.deleted!;
    return { recoveryId: d.recoveryId, deletedDate: d.deletedDate, scheduledPurgeDate: d.scheduledPurgeDate };
  }

  // ---------------------------------------------------------------- lists

  /** A page of live objects (deleted: false) or deleted ones, each shown by `view` (undefined: left out); O(page). */
  async list<T>(
    deleted: boolean,
    options: ListOptions,
    ctx: RequestContext,
    view: (rec: ObjectRecord<P, S>) => T | undefined,
  ): Promise<ListResult<T>> {
    const path = `/${deleted ? this.spec.deletedCollection : this.spec.collection}`;
    const { after, max } = storeWindow(options, path);
    const batch = (await this.#s.store.list(this.spec.kind, {
      deleted,
      ...(after !== undefined ? { after } : {}),
      limit: max + 1,
    })) as ObjectRecord<P, S>[];
    const more = batch.length > max;
    const value: T[] = [];
    for (const listed of batch.slice(0, max)) {
      // Under the object's lock, as every read: a due purge or refresh happens here too. A record that
      // became unreadable since the store listed it is left out, as the store leaves out corrupt ones.
      const rec = await this.#locked(listed.name, () => this.load(listed.name)).catch((e) =>
        corruptErrors.has(e) ? undefined : Promise.reject(e),
      );
      const item = rec && (deleted ? this.isDeleted(rec) : this.isLive(rec)) ? view(rec) : undefined;
      if (item !== undefined) value.push(item);
    }
    return storePage(value, more, nameKey(batch[Math.min(max, batch.length) - 1]?.name ?? ""), ctx, path, max, options);
  }

  /** A page of the versions of one live object, oldest first. */
  listVersions<T>(rec: ObjectRecord<P, S>, options: ListOptions, ctx: RequestContext, view: (v: VersionRecord<P>) => T): ListResult<T> {
    return page(
      rec.versions.map((v) => view(v)),
      options,
      ctx,
      `/${this.spec.collection}/${rec.name}/versions`,
    );
  }

  /** Every stored name of this kind, for sweeps (due rotations). */
  names(): Promise<string[]> {
    return this.#s.store.names(this.spec.kind);
  }

  /** Loads every object once, under its lock: purges what is due and lets the kind refresh the rest (rotations, renewals). */
  async sweep(): Promise<void> {
    for (const name of await this.names()) await this.exclusive(name, () => this.load(name));
  }

  // ---------------------------------------------------------------- backup and restore

  backup(rec: ObjectRecord<P, S>): Uint8Array {
    return engineCall(() => createBackup(this.#s.engine, this.#s.domain, rec as ObjectRecord, this.#s.now()));
  }

  /** Opens and checks a backup of this kind (see backup.ts); writes nothing. */
  openBackup(blob: Uint8Array): ObjectRecord<P, S> {
    return openBackup(this.#s.engine, this.#s.domain, blob, this.spec);
  }

  /** Restores a backup under the name it carries, which must be free. Nothing is written on failure. */
  async restore(blob: Uint8Array): Promise<ObjectRecord<P, S>> {
    const rec = this.openBackup(blob);
    // Restored through its own kind's API, an object is that kind's own: no certificate manages it
    // (a certificate's backup restores its key and secret, managed, with it).
    if (isManaged(rec)) {
      const { managed: _, ...rest } = rec.state as { managed?: boolean };
      rec.state = rest as S;
    }
    return this.exclusive(rec.name, async () => {
      const existing = await this.load(rec.name);
      if (existing?.deleted) throw this.spec.errors.conflictDeleted(existing.name);
      if (existing) throw this.spec.errors.alreadyExists(existing.name);
      await this.write(rec);
      return rec;
    });
  }
}

/** A request body that must be a JSON object. */
export function requireObject<T>(body: T): T & Record<string, any> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badParameter("The request body must be a JSON object.");
  return body as T & Record<string, any>;
}

/** A certificate's key or secret (lifecycle/managed.ts): its state says it is managed. */
function isManaged(rec: ObjectRecord<unknown, unknown>): boolean {
  return (rec.state as { managed?: boolean } | undefined)?.managed === true;
}

// Objects of one kind (keys, secrets) that another kind (certificates) manages: their versions are
// added, changed, soft-deleted, recovered, purged and restored under the certificate's control, in
// the certificate's transaction. The caller holds the lock of the name in this kind (a certificate
// takes its key's and its secret's locks with its own: KindSpec.companions). The kind's own API
// refuses to change a managed object (Key Vault's ...ManagedByKeyVault).
import type { RequestContext } from "../../model/index.js";
import type { ObjectRecord, VersionRecord } from "../../store/types.js";
import { badParameter, conflict } from "../errors.js";
import type { ObjectLifecycle } from "./objects.js";
import type { StoreTransaction } from "./transaction.js";

export class ManagedObjects<P, S extends { managed?: boolean }> {
  readonly #life: ObjectLifecycle<P, S>;

  constructor(life: ObjectLifecycle<P, S>) {
    this.#life = life;
  }

  /** The record of that name, live or deleted (a due purge applied), or undefined. */
  get(name: string): Promise<ObjectRecord<P, S> | undefined> {
    return this.#life.load(name);
  }

  /**
   * Refuses a name that this kind holds for itself: a certificate never takes over a key or a secret
   * that it did not make. A managed object must be live, or deleted with its certificate.
   */
  checkAvailable(rec: ObjectRecord<P, S> | undefined, certificateName: string): void {
    if (!rec) return;
    const label = this.#life.spec.label;
    if (!rec.state?.managed) {
      throw conflict(
        `A ${label} named ${rec.name} already exists and is not a certificate's; certificate ${certificateName} cannot use the name. Delete and purge the ${label}, or choose another name.`,
      );
    }
    if (rec.deleted) throw this.#life.spec.errors.conflictDeleted(rec.name);
  }

  /** Appends a version to the managed object `name`, making the object if it does not exist. */
  async addVersion(tx: StoreTransaction, name: string, existing: ObjectRecord<P, S> | undefined, version: VersionRecord<P>): Promise<void> {
    const record: ObjectRecord<P, S> = existing
      ? { ...existing, versions: [...existing.versions, version] }
      : { kind: this.#life.spec.kind, name, versions: [version], state: { managed: true } as S };
    await tx.put(record);
  }

  /** Replaces the versions of the record for which `change` returns a new version. */
  async updateVersions(
    tx: StoreTransaction,
    rec: ObjectRecord<P, S>,
    change: (v: VersionRecord<P>) => VersionRecord<P> | undefined,
  ): Promise<void> {
    let changed = false;
    const versions = rec.versions.map((v) => {
      const next = change(v);
      if (next === undefined) return v;
      changed = true;
      return next;
    });
    if (changed) await tx.put({ ...rec, versions });
  }

  async softDelete(tx: StoreTransaction, rec: ObjectRecord<P, S>, ctx: RequestContext): Promise<void> {
    const marked = { ...rec };
    this.#life.markDeleted(marked, ctx);
    await tx.put(marked);
    this.#life.spec.forget?.(rec);
  }

  async recover(tx: StoreTransaction, rec: ObjectRecord<P, S>): Promise<void> {
    const live = { ...rec };
    this.#life.markRecovered(live);
    await tx.put(live);
  }

  async purge(tx: StoreTransaction, rec: ObjectRecord<P, S>): Promise<void> {
    this.#life.spec.forget?.(rec);
    await tx.remove(this.#life.spec.kind, rec.name);
  }

  /** Checks an object carried by a certificate's backup as the kind checks its own restores; throws on any defect. */
  checkRestored(rec: ObjectRecord<P, S>): void {
    if (!Array.isArray(rec.versions) || rec.versions.length === 0) throw badParameter("no versions");
    for (const v of rec.versions) this.#life.spec.checkRestoredVersion(v, rec.name, rec.state);
  }

  async restore(tx: StoreTransaction, rec: ObjectRecord<P, S>): Promise<void> {
    await tx.put({ kind: this.#life.spec.kind, name: rec.name, versions: rec.versions, state: { ...rec.state, managed: true } as S });
  }
}

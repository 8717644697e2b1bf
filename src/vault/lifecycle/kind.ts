// What an object kind (keys, secrets, certificates) plugs into the shared lifecycle. Everything else
// (names, versions, attributes, tags, soft delete, purge, paging, backup) is the lifecycle's.
import type { ObjectKind, ObjectRecord, VersionRecord } from "../../store/types.js";
import type { KindErrors } from "../errors.js";

export interface KindSpec<P, S> {
  kind: ObjectKind;
  /** The kind's word in messages: "key", "secret", "certificate". */
  label: string;
  /** URL collections: "keys" and "deletedkeys", ... */
  collection: string;
  deletedCollection: string;
  errors: KindErrors;
  /**
   * Kinds whose lock on the same name is taken with this kind's, in this order, whenever this kind
   * takes its own: a certificate's operations also write its key and its secret. Never a cycle:
   * keys and secrets take only their own lock.
   */
  companions?: ObjectKind[];
  /**
   * Runs whenever a live record is loaded, under its lock: a kind may bring the record up to date
   * with the clock (a due rotation, a due renewal) and store it.
   */
  refresh?(record: ObjectRecord<P, S>, now: number): Promise<void>;
  /** Whether refresh would change the record now (a read that must not write asks first: read-only loads). */
  refreshDue?(record: ObjectRecord<P, S>, now: number): boolean;
  /** Drops any unsealed copy of the record's material (on delete and purge), after the store is written; never throws. */
  forget?(record: ObjectRecord<P, S>): void;
  /**
   * Checks one version of a record read from a backup (under the name the backup carries); throws on
   * anything wrong. Runs before anything is written.
   */
  checkRestoredVersion(version: VersionRecord<P>, name: string, state: S | undefined): void;
}

// The durable ObjectStore: one SQLite database file, through better-sqlite3 (an optional, native
// dependency: it is imported only when this store is opened, so that in-memory and browser users
// never need it).
//  - WAL journal with synchronous=FULL: a transaction is in the WAL and fsynced before the call
//    returns, so an acknowledged write survives kill -9 (and a power cut).
//  - locking_mode=EXCLUSIVE: a second server on the same file fails at open instead of sharing it.
//  - One row per object (kind, case-folded name) holding the whole record as JSON (the vault writes
//    whole objects, so a rotation or a restore is one atomic row write), indexed by (kind, deleted,
//    name) so that a page of a list is O(page). Material is in it only sealed; a record whose public
//    JWK carries a private member is refused.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fromLegacyKey, type LegacyKey } from "./legacy.js";
import { assertNoClearMaterial, nameKey, type ObjectKind, type ObjectRecord, type SecurityDomainRecord } from "./records.js";
import type { ListQuery, ObjectStore } from "./types.js";

type Database = import("better-sqlite3").Database;
type Statement = import("better-sqlite3").Statement;

/** 1: a `keys` table of flat key records; 2: one `objects` table for every kind, indexed for paging. */
const SCHEMA_VERSION = 2;

export class SqliteStore implements ObjectStore {
  readonly durable = true;
  readonly file: string;
  #db: Database;
  #st: Record<"getDomain" | "putDomain" | "names" | "get" | "put" | "remove" | "listFirst" | "listAfter", Statement>;

  private constructor(file: string, db: Database) {
    this.file = file;
    this.#db = db;
    this.#st = {
      getDomain: db.prepare("SELECT record FROM domain WHERE id = 1"),
      putDomain: db.prepare("INSERT INTO domain (id, record) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record"),
      names: db.prepare("SELECT record FROM objects WHERE kind = ?"),
      get: db.prepare("SELECT record FROM objects WHERE kind = ? AND id = ?"),
      put: db.prepare(
        "INSERT INTO objects (kind, id, deleted, record) VALUES (?, ?, ?, ?) ON CONFLICT(kind, id) DO UPDATE SET deleted = excluded.deleted, record = excluded.record",
      ),
      remove: db.prepare("DELETE FROM objects WHERE kind = ? AND id = ?"),
      listFirst: db.prepare("SELECT record FROM objects WHERE kind = ? AND deleted = ? ORDER BY id LIMIT ?"),
      listAfter: db.prepare("SELECT record FROM objects WHERE kind = ? AND deleted = ? AND id > ? ORDER BY id LIMIT ?"),
    };
  }
  /** Opens (or creates) the database file. Fails with a clear message when better-sqlite3 is missing. */
  static async open(file: string): Promise<SqliteStore> {
    let Driver: typeof import("better-sqlite3");
    try {
      const mod = await import("better-sqlite3");
      Driver = ((mod as any).default ?? mod) as typeof import("better-sqlite3");
    } catch (err) {
      throw new Error(
        "durable storage (--data-dir) needs the optional native module better-sqlite3, which is not installed or did not build " +
          `(${(err as Error).message.split("\n")[0]}). Install it with \`npm install better-sqlite3\` (it builds with node-gyp: python3, make and a C++ compiler).`,
      );
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // A short busy timeout: the only other holder of the lock can be another server (see below).
    const db = new Driver(file, { timeout: 200 });
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      // The first write takes the exclusive lock: a second server on this file fails here.
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS domain (id INTEGER PRIMARY KEY CHECK (id = 1), record TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS objects (
          kind TEXT NOT NULL, id TEXT NOT NULL, deleted INTEGER NOT NULL, record TEXT NOT NULL,
          PRIMARY KEY (kind, id)
        );
        CREATE INDEX IF NOT EXISTS objects_by_state ON objects (kind, deleted, id);
      `);
      const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
      if (row === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
      else if (row.value === "1") migrateFromSchema1(db);
      else if (row.value !== String(SCHEMA_VERSION)) throw new Error(`${file}: unknown schema version ${row.value}`);
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code === "SQLITE_BUSY") {
        throw new Error(`${file} is in use by another process (is another wasm-hsm server using this --data-dir?)`);
      }
      throw err;
    }
    return new SqliteStore(file, db);
  }

  async getDomain(): Promise<SecurityDomainRecord | undefined> {
    const row = this.#st.getDomain.get() as { record: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.record);
  }

  async putDomain(record: SecurityDomainRecord): Promise<void> {
    this.#st.putDomain.run(JSON.stringify(record));
  }

  async get(kind: ObjectKind, name: string): Promise<ObjectRecord | undefined> {
    const row = this.#st.get.get(kind, nameKey(name)) as { record: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.record);
  }

  async put(record: ObjectRecord): Promise<void> {
    assertNoClearMaterial(record);
    this.#st.put.run(record.kind, nameKey(record.name), record.deleted ? 1 : 0, JSON.stringify(record));
  }

  async remove(kind: ObjectKind, name: string): Promise<void> {
    this.#st.remove.run(kind, nameKey(name));
  }

  async list(kind: ObjectKind, query: ListQuery): Promise<ObjectRecord[]> {
    const deleted = query.deleted ? 1 : 0;
    const rows = (
      query.after === undefined
        ? this.#st.listFirst.all(kind, deleted, query.limit)
        : this.#st.listAfter.all(kind, deleted, query.after, query.limit)
    ) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record));
  }

  async names(kind: ObjectKind): Promise<string[]> {
    return (this.#st.names.all(kind) as { record: string }[]).map((r) => (JSON.parse(r.record) as ObjectRecord).name);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/** Schema 1 kept one flat record per key in `keys`; each becomes an object record, in one transaction. */
function migrateFromSchema1(db: Database): void {
  db.transaction(() => {
    const insert = db.prepare("INSERT INTO objects (kind, id, deleted, record) VALUES ('key', ?, ?, ?)");
    for (const row of db.prepare("SELECT record FROM keys").all() as { record: string }[]) {
      const rec = fromLegacyKey(JSON.parse(row.record) as LegacyKey);
      insert.run(nameKey(rec.name), rec.deleted ? 1 : 0, JSON.stringify(rec));
    }
    db.exec("DROP TABLE keys");
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(String(SCHEMA_VERSION));
  })();
}

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
//  - The folder is 0700 and the files 0600 (private-files.ts), whoever made them. A new database is
//    made under a temporary name and renamed into place, so that an empty vault.sqlite is never ours:
//    one found at open is refused rather than silently made into a new vault (with a new domain).
import { accessSync, closeSync, constants, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { fromLegacyKey, type LegacyKey } from "./legacy.js";
import { assertWritableDir, PRIVATE_FILE_MODE, securePrivateDir, securePrivateFile } from "./private-files.js";
import {
  assertNoClearMaterial,
  type CorruptRecordError,
  nameKey,
  type ObjectKind,
  type ObjectRecord,
  parseRows,
  parseStoredRecord,
  readPage,
  type StoredRow,
  type SecurityDomainRecord,
} from "./records.js";
import type { ListQuery, ObjectStore } from "./types.js";

type Database = import("better-sqlite3").Database;
type Statement = import("better-sqlite3").Statement;

/** 1: a `keys` table of flat key records; 2: one `objects` table for every kind, indexed for paging. */
const SCHEMA_VERSION = 2;

export class SqliteStore implements ObjectStore {
  readonly durable = true;
  readonly file: string;
  /** What open() found open to other users (and closed); the server logs these at start. */
  readonly warnings: string[] = [];
  onCorrupt?: (error: CorruptRecordError) => void;
  readonly #reported = new Set<string>();
  #db: Database;
  #st: Record<"getDomain" | "putDomain" | "names" | "get" | "put" | "remove" | "listFirst" | "listAfter", Statement>;

  private constructor(file: string, db: Database) {
    this.file = file;
    this.#db = db;
    this.#st = {
      getDomain: db.prepare("SELECT record FROM domain WHERE id = 1"),
      putDomain: db.prepare("INSERT INTO domain (id, record) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record"),
      names: db.prepare("SELECT id, record FROM objects WHERE kind = ?"),
      get: db.prepare("SELECT record FROM objects WHERE kind = ? AND id = ?"),
      put: db.prepare(
        "INSERT INTO objects (kind, id, deleted, record) VALUES (?, ?, ?, ?) ON CONFLICT(kind, id) DO UPDATE SET deleted = excluded.deleted, record = excluded.record",
      ),
      remove: db.prepare("DELETE FROM objects WHERE kind = ? AND id = ?"),
      listFirst: db.prepare("SELECT id, record FROM objects WHERE kind = ? AND deleted = ? ORDER BY id LIMIT ?"),
      listAfter: db.prepare("SELECT id, record FROM objects WHERE kind = ? AND deleted = ? AND id > ? ORDER BY id LIMIT ?"),
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
    const dir = dirname(file);
    const warnings = securePrivateDir(dir);
    assertWritableDir(dir, `the store keeps ${basename(file)} and its -wal and -shm files there`);
    for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) warnings.push(...securePrivateFile(f));
    if (!existsSync(file)) createDatabase(Driver, file);
    else checkExistingFile(file);
    let db: Database;
    try {
      // A short busy timeout: the only other holder of the lock can be another server (see below).
      db = new Driver(file, { timeout: 200 });
    } catch (err) {
      throw sqliteFailure(file, err);
    }
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      // The first write takes the exclusive lock: a second server on this file fails here.
      prepareSchema(db, file);
    } catch (err) {
      db.close();
      throw sqliteFailure(file, err);
    }
    const store = new SqliteStore(file, db);
    store.warnings.push(...warnings);
    return store;
  }

  async getDomain(): Promise<SecurityDomainRecord | undefined> {
    const row = this.#st.getDomain.get() as { record: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.record);
  }

  async putDomain(record: SecurityDomainRecord): Promise<void> {
    this.#st.putDomain.run(JSON.stringify(record));
  }

  async get(kind: ObjectKind, name: string): Promise<ObjectRecord | undefined> {
    const id = nameKey(name);
    const row = this.#st.get.get(kind, id) as { record: string } | undefined;
    return row === undefined ? undefined : parseStoredRecord(kind, id, row.record);
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
    const fetch = (after: string | undefined, want: number) =>
      (after === undefined
        ? this.#st.listFirst.all(kind, deleted, want)
        : this.#st.listAfter.all(kind, deleted, after, want)) as StoredRow[];
    return readPage(kind, query, fetch, this.#reported, this.onCorrupt);
  }

  async names(kind: ObjectKind): Promise<string[]> {
    return parseRows(kind, this.#st.names.all(kind) as StoredRow[], this.#reported, this.onCorrupt).map((r) => r.name);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/** Creates the tables if missing, and brings an older schema up to date. */
function prepareSchema(db: Database, file: string): void {
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
}

/**
 * A new database, made 0600 under a temporary name with its schema and renamed into place: the file
 * never exists empty under its own name (an empty one at open is someone else's, see checkExistingFile).
 * SQLite gives the -wal and -shm files the database file's mode.
 */
function createDatabase(Driver: typeof import("better-sqlite3"), file: string): void {
  const tmp = `${file}.new-${process.pid}`;
  rmSync(tmp, { force: true });
  closeSync(openSync(tmp, "wx", PRIVATE_FILE_MODE));
  try {
    const db = new Driver(tmp);
    try {
      db.pragma("journal_mode = WAL");
      prepareSchema(db, tmp);
    } finally {
      db.close();
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw sqliteFailure(file, err);
  }
  const dirFd = openSync(dirname(file), "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** Refuses an existing file that would open as a new, empty vault, or that this user cannot write. */
function checkExistingFile(file: string): void {
  if (statSync(file).size === 0) {
    throw new Error(
      `${file} is empty (0 bytes): it holds no security domain and no keys, so it is not a wasm-hsm store. ` +
        "Refusing to make a new vault over it: restore the file from a copy, or delete it to start a new vault.",
    );
  }
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch (err) {
    throw new Error(`${file} is not readable and writable by this user (${(err as NodeJS.ErrnoException).code})`);
  }
}

/** SQLite's own messages ("disk I/O error", "file is not a database") with the file and what to check. */
function sqliteFailure(file: string, err: unknown): Error {
  const code = (err as { code?: string }).code ?? "";
  const message = (err as Error).message;
  if (code === "SQLITE_BUSY") return new Error(`${file} is in use by another process (is another wasm-hsm server using this --data-dir?)`);
  if (code === "SQLITE_NOTADB") return new Error(`${file} is not a SQLite database (${message}); it is not a wasm-hsm store`);
  if (/^SQLITE_(IOERR|READONLY|CANTOPEN|PERM|AUTH)/.test(code)) {
    return new Error(
      `${file} cannot be opened for writing (${code}: ${message}): the store must write the file and create ` +
        `${basename(file)}-wal and ${basename(file)}-shm beside it; check the folder's owner, permissions and free space`,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
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

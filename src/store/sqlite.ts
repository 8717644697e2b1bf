// The durable KeyStore: one SQLite database file, through better-sqlite3 (an optional, native
// dependency: it is imported only when this store is opened, so that in-memory and browser users
// never need it).
//  - WAL journal with synchronous=FULL: a transaction is in the WAL and fsynced before the call
//    returns, so an acknowledged write survives kill -9 (and a power cut).
//  - locking_mode=EXCLUSIVE: a second server on the same file fails at open instead of sharing it.
//  - One row per key holding the whole StoredKey as JSON (the vault writes whole keys, so a
//    rotation or a restore is one atomic row write). Key material is in it only sealed; a record
//    whose public JWK carries a private member is refused.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { KeyStore, SecurityDomainRecord, StoredKey } from "./types.js";

type Database = import("better-sqlite3").Database;
type Statement = import("better-sqlite3").Statement;

const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "key_hsm"] as const;
const SCHEMA_VERSION = 1;

export class SqliteStore implements KeyStore {
  readonly durable = true;
  readonly file: string;
  #db: Database;
  #st: Record<"getDomain" | "putDomain" | "names" | "getKey" | "putKey" | "removeKey", Statement>;

  private constructor(file: string, db: Database) {
    this.file = file;
    this.#db = db;
    this.#st = {
      getDomain: db.prepare("SELECT record FROM domain WHERE id = 1"),
      putDomain: db.prepare("INSERT INTO domain (id, record) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record"),
      names: db.prepare("SELECT name FROM keys"),
      getKey: db.prepare("SELECT record FROM keys WHERE name = ?"),
      putKey: db.prepare("INSERT INTO keys (name, record) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET record = excluded.record"),
      removeKey: db.prepare("DELETE FROM keys WHERE name = ?"),
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
        CREATE TABLE IF NOT EXISTS keys (name TEXT PRIMARY KEY, record TEXT NOT NULL);
      `);
      const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
      if (row === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
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

  async listNames(): Promise<string[]> {
    return (this.#st.names.all() as { name: string }[]).map((r) => r.name);
  }

  async getKey(name: string): Promise<StoredKey | undefined> {
    const row = this.#st.getKey.get(name) as { record: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.record);
  }

  async putKey(key: StoredKey): Promise<void> {
    for (const v of key.versions) {
      for (const m of PRIVATE_JWK_MEMBERS) {
        if ((v.publicJwk as Record<string, unknown>)[m] !== undefined) {
          throw new Error(`store: refusing to write key ${key.name}: its public JWK has the private member '${m}'`);
        }
      }
    }
    this.#st.putKey.run(key.name, JSON.stringify(key));
  }

  async removeKey(name: string): Promise<void> {
    this.#st.removeKey.run(name);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

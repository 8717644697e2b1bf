// The shared ObjectStore: PostgreSQL through `pg`, so that several emulator processes (on one machine
// or several) serve one vault (`--store postgres://...`). Same records and schema ideas as the SQLite
// store: one row per object (kind, case-folded name) with the whole record as JSON, an index on
// (kind, deleted, id) so that a page of a list is O(page). Every write is one statement (a transaction
// of its own). `exclusive` serialises read-modify-write of one name across processes with a session
// advisory lock, which the vault takes around every operation on that name.
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

type Pool = import("pg").Pool;

/** 1: one `objects` table for every kind (as SQLite's schema 2). */
const SCHEMA_VERSION = "1";

/** A 32-bit FNV-1a hash, for the two int4 keys of an advisory lock. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Advisory-lock class for the objects of wasm-hsm ("whsm"), so that other users of the database are not blocked. */
const LOCK_CLASS = hash32("wasm-hsm objects");

export class PostgresStore implements ObjectStore {
  readonly durable = true;
  readonly #pool: Pool;
  readonly #reported = new Set<string>();
  onCorrupt?: (error: CorruptRecordError) => void;

  /** Prefixes the advisory-lock keys, so that vaults in one database do not wait for each other's names. */
  readonly #lockScope: string;

  private constructor(pool: Pool, lockScope: string) {
    this.#pool = pool;
    this.#lockScope = lockScope;
  }

  /**
   * Connects and creates the tables if needed. The URL is a libpq connection string (postgres://user@host/db).
   * `vault` names a named vault of the emulator: its tables live in a schema of their own
   * (wasm_hsm_vault_NAME) of the same database; without it, the default vault's, in the connection's
   * default schema as before.
   */
  static async open(url: string, options: { vault?: string } = {}): Promise<PostgresStore> {
    const { default: pg } = await import("pg");
    // Vault names are 1-24 of a-z, 0-9 and '-' (server/vaults/directory.ts); '_' is not one of them, so
    // mapping '-' to '_' keeps names apart and gives an identifier that needs no quoting.
    const schema = options.vault === undefined ? undefined : `wasm_hsm_vault_${options.vault.toLowerCase().replace(/-/g, "_")}`;
    if (schema !== undefined && !/^wasm_hsm_vault_[a-z0-9_]{1,24}$/.test(schema))
      throw new Error(`invalid vault name ${JSON.stringify(options.vault)}`);
    const pool = new pg.Pool({ connectionString: url, max: 8, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    pool.on("error", () => {
      // An idle client lost its connection: the pool replaces it; requests in flight see their own error.
    });
    try {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1, 0)", [LOCK_CLASS]);
        if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(`
          CREATE TABLE IF NOT EXISTS wasm_hsm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
          CREATE TABLE IF NOT EXISTS wasm_hsm_domain (id INTEGER PRIMARY KEY CHECK (id = 1), record TEXT NOT NULL);
          CREATE TABLE IF NOT EXISTS wasm_hsm_objects (
            kind TEXT NOT NULL, id TEXT NOT NULL, deleted BOOLEAN NOT NULL, record TEXT NOT NULL,
            PRIMARY KEY (kind, id)
          );
          CREATE INDEX IF NOT EXISTS wasm_hsm_objects_by_state ON wasm_hsm_objects (kind, deleted, id);
        `);
        const row = await client.query("SELECT value FROM wasm_hsm_meta WHERE key = 'schema'");
        if (row.rowCount === 0) await client.query("INSERT INTO wasm_hsm_meta (key, value) VALUES ('schema', $1)", [SCHEMA_VERSION]);
        else if (row.rows[0].value !== SCHEMA_VERSION)
          throw new Error(`${redact(url)}: unknown wasm-hsm schema version ${row.rows[0].value}`);
      } finally {
        await client.query("SELECT pg_advisory_unlock($1, 0)", [LOCK_CLASS]).catch(() => {});
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => {});
      throw new Error(`cannot open the PostgreSQL store at ${redact(url)}: ${(err as Error).message}`);
    }
    return new PostgresStore(pool, schema ?? "");
  }

  async getDomain(): Promise<SecurityDomainRecord | undefined> {
    const r = await this.#pool.query("SELECT record FROM wasm_hsm_domain WHERE id = 1");
    return r.rowCount === 0 ? undefined : JSON.parse(r.rows[0].record);
  }

  async putDomain(record: SecurityDomainRecord): Promise<void> {
    await this.#pool.query(
      "INSERT INTO wasm_hsm_domain (id, record) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET record = excluded.record",
      [JSON.stringify(record)],
    );
  }

  async get(kind: ObjectKind, name: string): Promise<ObjectRecord | undefined> {
    const id = nameKey(name);
    const r = await this.#pool.query("SELECT record FROM wasm_hsm_objects WHERE kind = $1 AND id = $2", [kind, id]);
    return r.rowCount === 0 ? undefined : parseStoredRecord(kind, id, r.rows[0].record);
  }

  async put(record: ObjectRecord): Promise<void> {
    assertNoClearMaterial(record);
    await this.#pool.query(
      "INSERT INTO wasm_hsm_objects (kind, id, deleted, record) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, id) DO UPDATE SET deleted = excluded.deleted, record = excluded.record",
      [record.kind, nameKey(record.name), record.deleted !== undefined, JSON.stringify(record)],
    );
  }

  async remove(kind: ObjectKind, name: string): Promise<void> {
    await this.#pool.query("DELETE FROM wasm_hsm_objects WHERE kind = $1 AND id = $2", [kind, nameKey(name)]);
  }

  async list(kind: ObjectKind, query: ListQuery): Promise<ObjectRecord[]> {
    const fetch = async (after: string | undefined, want: number) =>
      (after === undefined
        ? await this.#pool.query(
            'SELECT id, record FROM wasm_hsm_objects WHERE kind = $1 AND deleted = $2 ORDER BY id COLLATE "C" LIMIT $3',
            [kind, query.deleted, want],
          )
        : await this.#pool.query(
            'SELECT id, record FROM wasm_hsm_objects WHERE kind = $1 AND deleted = $2 AND id COLLATE "C" > $3 ORDER BY id COLLATE "C" LIMIT $4',
            [kind, query.deleted, after, want],
          )
      ).rows as StoredRow[];
    return readPage(kind, query, fetch, this.#reported, this.onCorrupt);
  }

  async names(kind: ObjectKind): Promise<string[]> {
    const r = await this.#pool.query("SELECT id, record FROM wasm_hsm_objects WHERE kind = $1", [kind]);
    return parseRows(kind, r.rows as StoredRow[], this.#reported, this.onCorrupt).map((rec) => rec.name);
  }

  /** Runs fn while holding this name's lock across every process that shares the database. */
  async exclusive<T>(kind: ObjectKind | "domain", name: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    const key = hash32(`${this.#lockScope}/${kind}/${nameKey(name)}`);
    try {
      await client.query("SELECT pg_advisory_lock($1, $2)", [LOCK_CLASS, key]);
      try {
        return await fn();
      } finally {
        await client.query("SELECT pg_advisory_unlock($1, $2)", [LOCK_CLASS, key]);
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => {});
  }
}

/** A connection string without its password, for messages. */
function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@");
}

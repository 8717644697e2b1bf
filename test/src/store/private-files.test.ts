// Issue 15, defects 1 and 7. A data directory is the user's alone: the database, its -wal and -shm files
// and the TLS private key are 0600 and their folders 0700, whoever made the folder, and what was open to
// others is reported at start. An empty vault.sqlite, a store with objects but no domain, a file that
// is no database and a folder this user cannot write are refused with a message that says what is wrong.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { serve } from "../../../src/server/serve.js";
import { loadOrCreateTls } from "../../../src/server/tls.js";
import { SqliteStore } from "../../../src/store/sqlite.js";
import { Vault } from "../../../src/vault/index.js";
import { BIN, ROOT } from "../../helpers/cli-server.js";
import { storedKey } from "../../helpers/stored-key.js";
import { newEngine } from "../vault/fixture.js";

const root = mkdtempSync(join(tmpdir(), "wasm-hsm-private-"));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A folder made by someone else, the way `mkdir` makes it under umask 022: 0755. */
function openFolder(): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  return dir;
}
const mode = (p: string) => statSync(p).mode & 0o777;

describe("permissions (defect 1)", () => {
  it("a store in an existing 0755 folder: the folder becomes 0700, the database and its WAL and SHM 0600, and it says so", async () => {
    const dir = openFolder();
    const file = join(dir, "vault.sqlite");
    const store = await SqliteStore.open(file);
    await store.put(storedKey("k"));
    // While open, in WAL mode, the -wal file exists (with locking_mode=EXCLUSIVE, SQLite keeps the WAL index in
    // memory rather than in a -shm file; if one is there, it must be private too).
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect({ dir: mode(dir), db: mode(file), wal: mode(`${file}-wal`) }).toEqual({ dir: 0o700, db: 0o600, wal: 0o600 });
    if (existsSync(`${file}-shm`)) expect(mode(`${file}-shm`)).toBe(0o600);
    expect(store.warnings).toEqual([`the data directory ${dir} was readable by other users (mode 0755); it is now 0700`]);
    await store.close();
  });

  it("under umask 0 too (the files' modes are set, not left to the umask)", async () => {
    const old = process.umask(0);
    try {
      const dir = join(root, `fresh${n++}`, "nested");
      const file = join(dir, "vault.sqlite");
      const store = await SqliteStore.open(file);
      await store.put(storedKey("k"));
      expect([mode(dir), mode(file), mode(`${file}-wal`)]).toEqual([0o700, 0o600, 0o600]);
      expect(store.warnings).toEqual([]);
      await store.close();
    } finally {
      process.umask(old);
    }
  });

  it("database files left 0644 by an older version are made 0600, and reported", async () => {
    const dir = openFolder();
    const file = join(dir, "vault.sqlite");
    const first = await SqliteStore.open(file);
    await first.put(storedKey("k"));
    await first.close();
    chmodSync(file, 0o644);
    const store = await SqliteStore.open(file);
    expect(mode(file)).toBe(0o600);
    expect(store.warnings).toContain(`${file} was readable by other users (mode 0644); it is now 0600`);
    expect(await store.get("key", "k")).toEqual(storedKey("k"));
    await store.close();
  });

  it("the TLS folder is made 0700 and a kept private key 0600", async () => {
    const dir = openFolder();
    const first = await loadOrCreateTls({ dir });
    chmodSync(join(dir, "key.pem"), 0o644);
    chmodSync(dir, 0o755);
    const again = await loadOrCreateTls({ dir });
    expect(again.cert).toBe(first.cert);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, "key.pem"))).toBe(0o600);
    expect(again.warnings).toEqual([
      `the TLS directory ${dir} was readable by other users (mode 0755); it is now 0700`,
      `${join(dir, "key.pem")} was readable by other users (mode 0644); it is now 0600`,
    ]);
  });

  it("the server warns at start when the data dir it is given was readable by others", async () => {
    const dataDir = openFolder();
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const server = await serve({ dataDir, port: 0, logLevel: "warn", logStream, domainSecret: "s" });
    try {
      const warnings = lines.map((l) => JSON.parse(l)).filter((e) => e.level === 40);
      expect(warnings.map((e) => e.msg)).toContain(`the data directory ${dataDir} was readable by other users (mode 0755); it is now 0700`);
      expect([
        mode(dataDir),
        mode(join(dataDir, "tls")),
        mode(join(dataDir, "tls", "key.pem")),
        mode(join(dataDir, "vault.sqlite")),
      ]).toEqual([0o700, 0o700, 0o600, 0o600]);
    } finally {
      await server.close();
    }
  });
});

describe("refusals that say what is wrong (defect 7)", () => {
  it("an empty vault.sqlite is refused, not made into a new vault; the file stays as it was", async () => {
    const dir = openFolder();
    const file = join(dir, "vault.sqlite");
    writeFileSync(file, "");
    await expect(SqliteStore.open(file)).rejects.toThrow(`${file} is empty (0 bytes): it holds no security domain and no keys`);
    expect(statSync(file).size).toBe(0);
  });

  it("a file that is not a database is named as such", async () => {
    const dir = openFolder();
    const file = join(dir, "vault.sqlite");
    writeFileSync(file, "this is not a database, it is a text file that happens to be long enough.".repeat(20));
    await expect(SqliteStore.open(file)).rejects.toThrow(`${file} is not a SQLite database`);
  });

  it("a store that holds objects but no security domain is refused: a new domain would orphan them", async () => {
    const dir = openFolder();
    const file = join(dir, "vault.sqlite");
    const store = await SqliteStore.open(file);
    await store.put(storedKey("orphan"));
    await expect(Vault.open({ hsm: await newEngine(), store })).rejects.toThrow(
      /the store holds objects \(key orphan\) but no security domain: refusing to make a new domain/,
    );
    expect(await store.getDomain()).toBeUndefined();
    await store.close();
  });

  it("a data directory this user cannot write is named, with the reason, instead of 'disk I/O error'", async () => {
    const dataDir = openFolder();
    const asRoot = process.getuid?.() === 0;
    // Root writes everywhere: the server then runs as nobody on a folder of root's. Otherwise the folder is made read-only.
    if (!asRoot) chmodSync(dataDir, 0o500);
    else chmodSync(dataDir, 0o755);
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--data-dir", dataDir, "--log-level", "warn"], {
      cwd: ROOT,
      env: { ...process.env, HOME: tmpdir() },
      stdio: ["ignore", "pipe", "pipe"],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(1);
    // The TLS folder is made first, inside the data dir: either message names the folder and the reason.
    expect(stderr).toMatch(/is not writable by this user \(EACCES\)/);
    expect(stderr).toContain(dataDir);
    expect(stderr).not.toMatch(/disk I\/O error/);
    expect(readFileSync(BIN, "utf8").length).toBeGreaterThan(0);
  });
});

// The server's certificate: the one given (--cert/--key), or a self-signed one made with the
// `selfsigned` package for localhost, 127.0.0.1 and ::1 (and the listen host or the --vault-url
// host, if they are other names). A self-signed certificate is kept in a folder and reused while
// it is valid, so that its path, which the client trusts (NODE_EXTRA_CA_CERTS or the SDK's
// `tlsOptions.ca`), stays the same across starts: DIR/tls with --data-dir DIR, else the per-user
// state folder's tls/ (stateDir()). A certificate for more names than the default ones lives
// beside it, in tls+NAME+NAME, so that starting a server for another name never replaces the file
// that running servers and their clients use. Several servers may start at once on one folder:
// making or replacing the certificate is done under a lock file, and a reader that meets a
// half-replaced pair (key and certificate that do not match) waits for the lock and reads again.
import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { isIP } from "node:net";
import { securePrivateDir, securePrivateFile } from "../store/private-files.js";

export interface TlsMaterial {
  cert: string;
  key: string;
  /** The certificate file to trust. */
  certFile: string;
  /** True when this run made the certificate. */
  generated: boolean;
  /** The names and addresses a self-signed certificate covers. */
  hosts?: string[];
  /** What was open to other users in the kept folder (and is now private), for the server to log. */
  warnings?: string[];
}

export interface TlsOptions {
  certFile?: string;
  keyFile?: string;
  /** Where to keep a self-signed certificate across runs (for the default names); default: tlsDir(). */
  dir?: string;
  /** Extra names or addresses to put in the certificate. */
  hosts?: string[];
}

const VALIDITY_DAYS = 397;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
/** A lock older than this is left over by a process that died while holding it. */
const STALE_LOCK_MS = 15_000;
const LOCK_WAIT_MS = 30_000;

/**
 * wasm-hsm's per-user state folder: $XDG_STATE_HOME/wasm-hsm (XDG Base Directory spec: a relative
 * value is invalid and ignored), else %LOCALAPPDATA%\wasm-hsm on Windows, else ~/.local/state/wasm-hsm.
 */
export function stateDir(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "wasm-hsm");
  if (process.platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "wasm-hsm");
  return join(homedir(), ".local", "state", "wasm-hsm");
}

/** Where a self-signed certificate is kept: DIR/tls (DIR: the data directory or a given state folder), else {stateDir()}/tls. */
export function tlsDir(dir?: string, env?: Record<string, string | undefined>): string {
  return join(dir ?? stateDir(env), "tls");
}

export async function loadOrCreateTls(options: TlsOptions): Promise<TlsMaterial> {
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined || options.keyFile === undefined) throw new Error("--cert and --key go together");
    const [cert, key] = await Promise.all([readFile(options.certFile, "utf8"), readFile(options.keyFile, "utf8")]);
    new X509Certificate(cert); // fails early, with the parser's message, on a file that is no certificate
    createPrivateKey(key);
    return { cert, key, certFile: options.certFile, generated: false };
  }
  const hosts = certificateHosts(options.hosts ?? []);
  const dir = certificateDir(options.dir ?? tlsDir(), hosts);
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  // 0700 and a 0600 key, whoever made the folder (the private key is in the clear); reported if they were not.
  const warnings = [...securePrivateDir(dir, "TLS directory"), ...securePrivateFile(keyFile)];
  const kept = await readKept(certFile, keyFile);
  if (kept && usable(kept.x509, hosts)) return { cert: kept.cert, key: kept.key, certFile, generated: false, hosts, warnings };

  await privateDir(dir);
  const release = await lock(join(dir, "lock"));
  try {
    // Another server may have made it while this one waited for the lock.
    const now = await readKept(certFile, keyFile);
    if (now && usable(now.x509, hosts)) return { cert: now.cert, key: now.key, certFile, generated: false, hosts, warnings };
    const made = await selfSigned(hosts);
    await writeAtomic(keyFile, made.key, 0o600);
    await writeAtomic(certFile, made.cert, 0o644);
    return { ...made, certFile, generated: true, hosts, warnings };
  } finally {
    await release();
  }
}

const DEFAULT_HOSTS = ["localhost", "127.0.0.1", "::1"];

/** localhost, 127.0.0.1 and ::1 always; other hosts unless they are wildcard addresses. */
export function certificateHosts(extra: string[]): string[] {
  const hosts = new Set(DEFAULT_HOSTS);
  for (const h of extra) {
    const bare = h.replace(/^\[|\]$/g, "").toLowerCase();
    if (bare && bare !== "0.0.0.0" && bare !== "::") hosts.add(isIP(bare) === 6 ? compactIPv6(bare) : bare);
  }
  return [...hosts];
}

/** `dir` for the default names; `dir+name+name` (sorted; ':' as '_') for a certificate that names more. */
export function certificateDir(dir: string, hosts: string[]): string {
  const extra = hosts.filter((h) => !DEFAULT_HOSTS.includes(h)).sort();
  return extra.length === 0 ? dir : `${dir}+${extra.join("+").replace(/[^a-z0-9.+-]/g, "_")}`;
}

/** The owner alone may enter the folder (and its parent, when this call makes it). */
async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

async function selfSigned(hosts: string[]): Promise<{ cert: string; key: string }> {
  const selfsigned = await import("selfsigned");
  const generate = (selfsigned.generate ?? (selfsigned as any).default.generate) as typeof selfsigned.generate;
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000);
  const pems = await generate([{ name: "commonName", value: "wasm-hsm localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: hosts.map((h) => (isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })),
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

interface Kept {
  cert: string;
  key: string;
  x509: X509Certificate;
}

/** The kept pair if both files parse and belong together; undefined otherwise (missing, torn, damaged). */
async function readKept(certFile: string, keyFile: string): Promise<Kept | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(certFile, "utf8"), readFile(keyFile, "utf8")]);
    const x509 = new X509Certificate(cert);
    return x509.checkPrivateKey(createPrivateKey(key)) ? { cert, key, x509 } : undefined;
  } catch {
    return undefined;
  }
}

/** Valid for RENEW_BEFORE_MS more at least, and naming every host. */
function usable(x509: X509Certificate, hosts: string[]): boolean {
  if (Date.parse(x509.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
  return hosts.every((h) => (isIP(h) ? x509.checkIP(h) : x509.checkHost(h)) !== undefined);
}

/** "0:0:0:0:0:0:0:1" -> "::1", as isIP and the certificate's own names spell it. */
function compactIPv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.replace(/^\[|\]$/g, "");
}

/** An exclusive lock file; a lock left by a dead process is broken after STALE_LOCK_MS. */
async function lock(file: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(file, "wx", 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(file).catch(() => {});
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const age = await stat(file).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > STALE_LOCK_MS) await unlink(file).catch(() => {});
    else if (Date.now() > deadline) throw new Error(`${file} is held by another wasm-hsm for more than ${LOCK_WAIT_MS / 1000} s`);
    else await new Promise((r) => setTimeout(r, 25));
  }
}

async function writeAtomic(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

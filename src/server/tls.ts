// The server's certificate: the one given (--cert/--key), or a self-signed one made with the
// `selfsigned` package for localhost, 127.0.0.1 and ::1 (and the listen host, if it is another
// name). The certificate is written to a file whose path the CLI prints, for NODE_EXTRA_CA_CERTS
// or the SDK's `tlsOptions.ca`. With a directory to keep it in (the data dir), a still valid
// certificate is reused across restarts so that the client's setting stays right.
import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmod, mkdtemp, readFile, rename, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { securePrivateDir, securePrivateFile } from "../store/private-files.js";

export interface TlsMaterial {
  cert: string;
  key: string;
  /** The certificate file to trust. */
  certFile: string;
  /** True when this run made the certificate. */
  generated: boolean;
  /** A directory this run created and should remove on exit (temporary certificates only). */
  tempDir?: string;
  /** What was open to other users in the kept directory (and is now private), for the server to log. */
  warnings?: string[];
}

export interface TlsOptions {
  certFile?: string;
  keyFile?: string;
  /** Where to keep a self-signed certificate across runs; default: a new temporary directory. */
  dir?: string;
  /** Extra names or addresses to put in the certificate. */
  hosts?: string[];
}

const VALIDITY_DAYS = 397;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

export async function loadOrCreateTls(options: TlsOptions): Promise<TlsMaterial> {
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined || options.keyFile === undefined) throw new Error("--cert and --key go together");
    const [cert, key] = await Promise.all([readFile(options.certFile, "utf8"), readFile(options.keyFile, "utf8")]);
    new X509Certificate(cert); // fails early, with the parser's message, on a file that is no certificate
    createPrivateKey(key);
    return { cert, key, certFile: options.certFile, generated: false };
  }
  const hosts = certificateHosts(options.hosts ?? []);
  if (options.dir !== undefined) {
    // 0700 and a 0600 key, whoever made the folder (the private key is in the clear).
    const warnings = securePrivateDir(options.dir, "TLS directory");
    const certFile = join(options.dir, "cert.pem");
    const keyFile = join(options.dir, "key.pem");
    warnings.push(...securePrivateFile(keyFile));
    const kept = await reusable(certFile, keyFile, hosts);
    if (kept) return { ...kept, certFile, generated: false, warnings };
    const made = await selfSigned(hosts);
    await writeAtomic(keyFile, made.key, 0o600);
    await writeAtomic(certFile, made.cert, 0o644);
    return { ...made, certFile, generated: true, warnings };
  }
  const tempDir = await mkdtemp(join(tmpdir(), "wasm-hsm-tls-"));
  const made = await selfSigned(hosts);
  const certFile = join(tempDir, "cert.pem");
  await writeFile(join(tempDir, "key.pem"), made.key, { mode: 0o600 });
  await writeFile(certFile, made.cert, { mode: 0o644 });
  return { ...made, certFile, generated: true, tempDir };
}

/** localhost, 127.0.0.1 and ::1 always; other hosts unless they are wildcard addresses. */
export function certificateHosts(extra: string[]): string[] {
  const hosts = new Set(["localhost", "127.0.0.1", "::1"]);
  for (const h of extra) {
    const bare = h.replace(/^\[|\]$/g, "").toLowerCase();
    if (bare && bare !== "0.0.0.0" && bare !== "::") hosts.add(bare);
  }
  return [...hosts];
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

async function reusable(certFile: string, keyFile: string, hosts: string[]): Promise<{ cert: string; key: string } | undefined> {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  try {
    const [cert, key] = await Promise.all([readFile(certFile, "utf8"), readFile(keyFile, "utf8")]);
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return undefined;
    if (Date.parse(x509.validTo) - Date.now() < RENEW_BEFORE_MS) return undefined;
    const covered = hosts.every((h) => (isIP(h) ? x509.checkIP(h) : x509.checkHost(h)) !== undefined);
    return covered ? { cert, key } : undefined;
  } catch {
    return undefined;
  }
}

async function writeAtomic(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

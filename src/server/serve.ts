// Puts the emulator together: certificate, store, engine, vault, router, fastify. The CLI calls
// serve(); an embedder can call it too, with its own vault.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { Hsm } from "../engine/index.js";
import { MemoryStore } from "../store/memory.js";
import { DomainFile } from "../store/domain-file.js";
import type { ObjectStore } from "../store/types.js";
import type { VaultApi } from "../model/index.js";
import { openRecoveringVault, Vault, type VaultEngine } from "../vault/index.js";
import { checkAuthResource } from "./auth.js";
import { createHttpServer, LOG_REDACT } from "./http.js";
import { createRouter, normaliseVaultUrl } from "./router.js";
import { loadOrCreateTls } from "./tls.js";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8443;

export interface ServeOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  certFile?: string;
  keyFile?: string;
  authResource?: string;
  /** Durable storage (SQLite) in this directory; in memory without it. */
  dataDir?: string;
  /** Base of every kid and nextLink; default: from each request's Host header. */
  vaultUrl?: string;
  /** A security-domain file shared by several servers (loaded if it exists, else created). */
  securityDomainFile?: string;
  /** The secret the security-domain key is sealed under for storage (default: a built-in one). */
  domainSecret?: string;
  /** pino level: fatal, error, warn, info, debug, trace or silent. Default info. */
  logLevel?: string;
  /** Where log lines go. Default: standard error. */
  logStream?: NodeJS.WritableStream;
  /** Largest request body in bytes. */
  maxBodyBytes?: number;
  /** An already opened vault (embedders, tests); the server then opens no engine and no store. */
  vault?: VaultApi;
  /** The engine under the vault; default: the wasm core (Hsm.create()). */
  engine?: VaultEngine;
  /**
   * Makes engines: one at start and a new one after a trap in the core (the vault then re-imports the
   * domain and unseals keys on demand). Default: Hsm.create(). Not used with `engine`, which is one instance.
   */
  engineFactory?: () => Promise<VaultEngine>;
}

export interface RunningServer {
  /** The vault URL to give to KeyClient. */
  url: string;
  host: string;
  port: number;
  /** The certificate to trust (NODE_EXTRA_CA_CERTS or tlsOptions.ca). */
  certFile: string;
  cert: string;
  /** Stops accepting, finishes the requests in flight, closes the store. */
  close(): Promise<void>;
}

export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  const vaultUrl = options.vaultUrl === undefined ? undefined : normaliseVaultUrl(options.vaultUrl);
  const authResource = options.authResource === undefined ? undefined : checkAuthResource(options.authResource);
  const tls = await loadOrCreateTls({
    certFile: options.certFile,
    keyFile: options.keyFile,
    dir: options.dataDir === undefined ? undefined : join(options.dataDir, "tls"),
    hosts: [host, ...(vaultUrl ? [new URL(vaultUrl).hostname] : [])],
  });

  // Files that were open to other users (and are now private), logged once the logger exists.
  const warnings = [...(tls.warnings ?? [])];
  const cleanups: (() => Promise<void>)[] = [];
  // The app's logger, once there is an app (the vault is opened before it).
  let appLog: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void } | undefined;
  const log = () => appLog ?? { error: (obj: object, msg: string) => process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`) };
  if (tls.tempDir) cleanups.push(() => rm(tls.tempDir!, { recursive: true, force: true }));
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };

  try {
    let vault = options.vault;
    if (!vault) {
      let store: ObjectStore;
      if (options.dataDir !== undefined) {
        // Loaded only here: users without --data-dir never need the native module.
        const { SqliteStore } = await import("../store/sqlite.js");
        const sqlite = await SqliteStore.open(join(options.dataDir, "vault.sqlite"));
        warnings.push(...sqlite.warnings);
        store = sqlite;
      } else {
        store = new MemoryStore();
      }
      cleanups.push(() => store.close());
      // A corrupt record is left out of lists (and named in the error of a request for it): logged once.
      store.onCorrupt = (e) => appLog?.warn({ kind: e.kind, name: e.id, reason: e.reason }, "a corrupt stored record is left out of lists");
      const common = {
        store,
        ...(options.securityDomainFile !== undefined ? { sharedDomain: new DomainFile(options.securityDomainFile) } : {}),
        ...(options.domainSecret !== undefined ? { domainSecret: options.domainSecret } : {}),
      };
      vault = options.engine
        ? await Vault.open({ ...common, hsm: options.engine })
        : await openRecoveringVault({
            ...common,
            engine: options.engineFactory ?? (() => Hsm.create()),
            onRestart: ({ restarts, cause, error }) =>
              error
                ? log().error({ err: error, cause }, "the HSM engine could not be restarted; requests get 503 until it is")
                : log().error({ cause, restarts }, "the HSM engine trapped and was restarted; keys are unsealed again from the store"),
          });
    }

    const app = createHttpServer({
      router: createRouter({ vault, vaultUrl, authResource, maxBodyBytes: options.maxBodyBytes, scheme: "https" }),
      tls,
      logger: {
        level: options.logLevel ?? "info",
        redact: LOG_REDACT,
        stream: options.logStream ?? process.stderr,
      },
    });
    appLog = app.log;
    for (const w of warnings) app.log.warn(w);
    if (!options.domainSecret && (options.dataDir !== undefined || options.securityDomainFile !== undefined)) {
      app.log.warn(
        "the security domain is stored sealed under the built-in secret, which anyone can read: " +
          "set WASM_HSM_DOMAIN_SECRET to protect the keys at rest",
      );
    }
    await app.listen({ host, port });
    cleanups.push(() => app.close());
    const address = app.server.address() as AddressInfo;
    const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : address.family === "IPv6" ? `[${address.address}]` : host;
    let closed: Promise<void> | undefined;
    return {
      url: vaultUrl ?? `https://${shownHost}:${address.port}`,
      host,
      port: address.port,
      certFile: tls.certFile,
      cert: tls.cert,
      close: () => (closed ??= cleanup()),
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

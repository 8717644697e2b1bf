// Puts the emulator together: certificate, store, engine, vault, router, fastify. The CLI calls
// serve(); an embedder can call it too, with its own vault.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { Hsm } from "../engine/index.js";
import { MemoryStore } from "../store/memory.js";
import { DomainFile } from "../store/domain-file.js";
import type { ObjectStore } from "../store/types.js";
import type { VaultApi } from "../model/index.js";
import { Vault, checkJwks, openRecoveringVault, type VaultEngine } from "../vault/index.js";
import { checkAuthResource } from "./auth.js";
import { createHttpServer, LOG_REDACT } from "./http.js";
import { createRouter, normaliseVaultUrl } from "./router.js";
import { loadOrCreateTls, tlsDir } from "./tls.js";
import type { ServerLogger } from "./errors.js";
import { startServerPool } from "./workers/node-pool.js";
import type { WorkerPool } from "./workers/pool.js";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8443;

export interface ServeOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  certFile?: string;
  keyFile?: string;
  authResource?: string;
  /** Durable storage (SQLite) in this directory, and the self-signed certificate in DIR/tls; in memory without it. */
  dataDir?: string;
  /**
   * Without dataDir, where the self-signed certificate is kept (in STATE/tls) and reused across starts.
   * Default: $XDG_STATE_HOME/wasm-hsm, else ~/.local/state/wasm-hsm.
   */
  stateDir?: string;
  /** Base of every kid and nextLink; default: from each request's Host header. */
  vaultUrl?: string;
  /** A security-domain file shared by several servers (loaded if it exists, else created). */
  securityDomainFile?: string;
  /** The secret the security-domain key is sealed under for storage (default: a built-in one). */
  domainSecret?: string;
  /** pino level: fatal, error, warn, info, debug, trace or silent. Default info. */
  logLevel?: string;
  /** Where log lines go (one JSON line per write). Default: standard error. */
  logStream?: { write(line: string): unknown };
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
  /**
   * Vault workers (worker_threads), each with its own engine, over this thread's store; 0 or 1 (the
   * default) serves in this thread. Not with `vault` or `engine`.
   */
  workers?: number;
  /** A delete or recover becomes visible to other reads this many ms later (default 0). */
  deleteDelayMs?: number;
  /** A JWKS file of further trusted attestation signers for key release. */
  attestationJwksFile?: string;
}

export interface RunningServer {
  /** The vault URL to give to KeyClient: vaultUrl if given, else listenUrl. */
  url: string;
  /** Where the server listens (https://host:port; localhost for a wildcard address). */
  listenUrl: string;
  host: string;
  port: number;
  /** The certificate to trust (NODE_EXTRA_CA_CERTS or tlsOptions.ca). */
  certFile: string;
  cert: string;
  /** True when this start made the self-signed certificate (none was kept, or it was expiring or damaged). */
  certificateMade: boolean;
  /** The names and addresses a self-signed certificate covers; undefined for a given one. */
  certificateHosts?: string[];
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
    dir: tlsDir(options.dataDir ?? options.stateDir),
    hosts: [host, ...(vaultUrl ? [new URL(vaultUrl).hostname] : [])],
  });

  // Files that were open to other users (and are now private), logged once the logger exists.
  const warnings = [...(tls.warnings ?? [])];
  // The app's logger, once there is an app (the vault is opened before it).
  let appLog: ServerLogger | undefined;
  const log = (): ServerLogger =>
    appLog ?? {
      info() {},
      warn: (obj, msg) => process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`),
      error: (obj, msg) => process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`),
    };
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };

  try {
    let vault = options.vault;
    let pool: WorkerPool | undefined;
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
      store.onCorrupt = (e) => log().warn({ kind: e.kind, name: e.id, reason: e.reason }, "a corrupt stored record is left out of lists");
      const attestationJwks = options.attestationJwksFile === undefined ? undefined : await readJwks(options.attestationJwksFile);
      if ((options.workers ?? 0) > 1 && options.engine === undefined) {
        const started = await startServerPool(
          store,
          { ...options, ...(attestationJwks ? { attestationJwks } : {}) },
          { vaultUrl, authResource },
        );
        cleanups.push(() => started.close());
        pool = started;
      } else {
        const common = {
          store,
          ...(options.deleteDelayMs !== undefined ? { deleteDelayMs: options.deleteDelayMs } : {}),
          ...(attestationJwks ? { attestationJwks } : {}),
          ...(options.securityDomainFile !== undefined ? { sharedDomain: new DomainFile(options.securityDomainFile) } : {}),
          ...(options.domainSecret !== undefined ? { domainSecret: options.domainSecret } : {}),
        };
        // One engine given: that instance. Otherwise engines from a factory, replaced after a trap.
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
    }

    const app = createHttpServer({
      router: pool?.router ?? createRouter({ vault: vault!, vaultUrl, authResource, maxBodyBytes: options.maxBodyBytes, scheme: "https" }),
      tls,
      logger: {
        level: options.logLevel ?? "info",
        redact: LOG_REDACT,
        stream: options.logStream ?? process.stderr,
      },
    });
    if (pool) pool.log = app.log as ServerLogger;
    appLog = app.log as ServerLogger;
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
    const listenUrl = `https://${shownHost}:${address.port}`;
    let closed: Promise<void> | undefined;
    return {
      url: vaultUrl ?? listenUrl,
      listenUrl,
      host,
      port: address.port,
      certFile: tls.certFile,
      cert: tls.cert,
      certificateMade: tls.generated,
      certificateHosts: tls.hosts,
      close: () => (closed ??= cleanup()),
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Reads a JWKS file of attestation signers; a clear error names the file. */
async function readJwks(file: string): Promise<{ keys: ReturnType<typeof checkJwks> }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new Error(`--attestation-jwks ${file}: ${(e as Error).message}`);
  }
  try {
    return { keys: checkJwks(json) };
  } catch (e) {
    throw new Error(`--attestation-jwks ${file}: ${(e as Error).message}`);
  }
}

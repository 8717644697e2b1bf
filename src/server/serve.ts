// Puts the emulator together: certificate, store, engine, vault, router, fastify. The CLI calls
// serve(); an embedder can call it too, with its own vault.
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { dirname, join, resolve as resolvePath } from "node:path";
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
import { createServer as createPlainServer } from "node:http";
import { createAccessControl } from "./access/control.js";
import type { Principal } from "./access/principals.js";
import { DEFAULT_AUTH_RESOURCE } from "./auth.js";
import { AuditFile } from "./audit/file.js";
import { createIdentityEndpoints } from "./identity/endpoints.js";
import { TokenIssuer } from "./identity/issuer.js";
import type { Router } from "./router.js";
import {
  DEFAULT_VAULT,
  type PortListener,
  VaultDirectory,
  type VaultControls,
  type VaultFactory,
  type VaultSpec,
} from "./vaults/directory.js";
import { isIP } from "node:net";
import { givenDomain, poolControls, vaultControls } from "./vaults/factory.js";
import { createDirectoryRouter } from "./vaults/routing.js";
import { Throttle } from "./vaults/throttle.js";
import { type ControlsOptions, resolveSeed, resolveThrottle } from "./vaults/options.js";
import { seedVaults } from "./vaults/seeding.js";
import { applySeed } from "../seed/index.js";
import type { WorkerPool } from "./workers/pool.js";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8443;

export interface ServeOptions extends ControlsOptions {
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
  /** A PostgreSQL store for every vault (`--store postgres://...`; named vaults in schemas of their own), shared by several servers. */
  storeUrl?: string;
  /** `any` (default): any well-formed token; `strict`: tokens of the emulator's issuer only. */
  auth?: "any" | "strict";
  /** Principals and their role assignments (`--principals FILE`); without them everyone may do everything. */
  principals?: Principal[];
  /** A plain-HTTP port for the managed-identity endpoints (`--identity-port`); none without it. */
  identityPort?: number;
  /** The secret App Service clients send in X-IDENTITY-HEADER. Default: a fixed one. */
  identityHeader?: string;
  /** Audit log file (`--audit-log`): one AuditEvent JSON line per request. */
  auditLogFile?: string;
}

export const DEFAULT_IDENTITY_HEADER = "wasm-hsm-identity-header";

/**
 * The names a self-signed certificate must cover (`wasm-hsm cert` computes the same): the listening host,
 * the vault URL's host, and each named vault's NAME.localhost and aliases, since they are chosen by host
 * name and a two-label wildcard (*.localhost) is refused by TLS clients (Node's checkServerIdentity, browsers).
 */
export function servedHostNames(host: string, vaultUrl: string | undefined, vaults: readonly VaultSpec[] = []): string[] {
  return [
    host,
    ...(vaultUrl ? [new URL(vaultUrl).hostname] : []),
    ...vaults.flatMap((v) => [`${v.name.toLowerCase()}.localhost`, ...(v.aliases ?? []).map((a) => a.toLowerCase())]),
  ];
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
  /** The managed-identity endpoints (http://host:port), when `identityPort` is given. */
  identityUrl?: string;
  /** Each named vault with a port of its own: name -> https URL (kept up to date as vaults come and go). */
  vaultPorts: Record<string, string>;
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
    hosts: servedHostNames(host, vaultUrl, options.vaults),
  });

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };

  // Files that were open to other users (and are now private), logged once the logger exists.
  const warnings = [...(tls.warnings ?? [])];
  // The app's logger, once there is an app (the vaults are opened before it).
  let appLog: ServerLogger | undefined;
  const toStderr = (obj: object, msg?: string) => process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`);
  const log = (): ServerLogger => appLog ?? { info() {}, warn: toStderr, error: toStderr };

  try {
    // The controls' options are checked before anything opens: a wrong one stops the start.
    // Files a seed names (pemFile, pfxFile) are read relative to the seed file, or to the working directory.
    const seedBase = options.seed && "text" in options.seed && options.seed.source !== undefined ? dirname(options.seed.source) : ".";
    const seed = options.seed
      ? resolveSeed(
          options.seed,
          (options.vaults ?? []).map((v) => v.name),
          (path) => readFileSync(resolvePath(seedBase, path)),
        )
      : undefined;
    const throttleLimits = options.throttle !== undefined ? resolveThrottle(options.throttle) : undefined;
    const audit = options.auditLogFile !== undefined ? new AuditFile(options.auditLogFile) : undefined;
    const issuer =
      options.auth === "strict" || options.principals || options.identityPort !== undefined
        ? new TokenIssuer(await Hsm.create(), vaultUrl ?? `https://${host}:${port}`)
        : undefined;
    const resource = authResource ?? DEFAULT_AUTH_RESOURCE;
    const accessFor = (vaultName: string) =>
      options.auth === "strict" || options.principals
        ? createAccessControl({
            mode: options.auth ?? "any",
            ...(issuer ? { issuer } : {}),
            audiences: [resource, `${resource}/`],
            ...(options.principals ? { principals: options.principals } : {}),
            vaultName,
          })
        : undefined;
    // Access control and audit run in the router of an in-thread vault: they keep the default vault in
    // this thread even when workers are asked for (said at start).
    const guarded = accessFor("default") !== undefined || audit !== undefined;
    const attestationJwks = options.attestationJwksFile === undefined ? undefined : await readJwks(options.attestationJwksFile);
    const routerOptions = (vaultName: string) => ({
      vaultUrl,
      authResource,
      maxBodyBytes: options.maxBodyBytes,
      scheme: "https" as const,
      vaultName,
      ...(accessFor(vaultName) ? { access: accessFor(vaultName)! } : {}),
      ...(audit ? { audit } : {}),
    });
    let pool: WorkerPool | undefined;
    let workersRefused = false;

    const factory: VaultFactory = async (spec, clock) => {
      const isDefault = spec.name === DEFAULT_VAULT;
      let store: ObjectStore;
      if (options.storeUrl !== undefined) {
        // Every vault in the one database: a named vault's tables in a schema of its own.
        const { PostgresStore } = await import("../store/postgres.js");
        store = await PostgresStore.open(options.storeUrl, isDefault ? {} : { vault: spec.name });
      } else if (options.dataDir !== undefined) {
        // Loaded only here: users without --data-dir never need the native module.
        const { SqliteStore } = await import("../store/sqlite.js");
        const sqlite = await SqliteStore.open(
          isDefault ? join(options.dataDir, "vault.sqlite") : join(options.dataDir, "vaults", spec.name, "vault.sqlite"),
        );
        warnings.push(...sqlite.warnings);
        store = sqlite;
      } else {
        store = new MemoryStore();
      }
      // A corrupt record is left out of lists (and named in the error of a request for it): logged once.
      store.onCorrupt = (e) =>
        log().warn({ vault: spec.name, kind: e.kind, name: e.id, reason: e.reason }, "a corrupt stored record is left out of lists");
      const throttle = throttleLimits ? { throttle: new Throttle(throttleLimits, clock.now) } : {};
      try {
        if (isDefault && options.vault) {
          return {
            controls: externalControls(options.vault),
            router: createRouter({ ...routerOptions(spec.name), vault: options.vault }),
            ...throttle,
            close: () => store.close(),
          };
        }
        const wantsWorkers = isDefault && (options.workers ?? 0) > 1 && options.engine === undefined;
        if (wantsWorkers && !guarded) {
          const started = await startServerPool(
            store,
            { ...options, ...(attestationJwks ? { attestationJwks } : {}) },
            { vaultUrl, authResource },
          );
          pool = started;
          return {
            controls: poolControls(started),
            router: started.router,
            ...throttle,
            close: async () => {
              await started.close();
              await store.close();
            },
          };
        }
        workersRefused ||= wantsWorkers;
        const given = isDefault ? options.engine : undefined;
        const common = {
          store,
          clock: clock.now,
          ...(options.deleteDelayMs !== undefined ? { deleteDelayMs: options.deleteDelayMs } : {}),
          ...(attestationJwks ? { attestationJwks } : {}),
          ...(spec.securityDomain
            ? { sharedDomain: givenDomain(spec.securityDomain) }
            : isDefault && options.securityDomainFile !== undefined
              ? { sharedDomain: new DomainFile(options.securityDomainFile) }
              : {}),
          ...(options.domainSecret !== undefined ? { domainSecret: options.domainSecret } : {}),
        };
        // One engine given: that instance. Otherwise engines from a factory, replaced after a trap.
        const vault: Vault = given
          ? await Vault.open({ ...common, hsm: given })
          : await openRecoveringVault({
              ...common,
              engine: options.engineFactory ?? (() => Hsm.create()),
              onRestart: ({ restarts, cause, error }) =>
                error
                  ? log().error(
                      { vault: spec.name, err: error, cause },
                      "the HSM engine could not be restarted; requests get 503 until it is",
                    )
                  : log().error(
                      { vault: spec.name, cause, restarts },
                      "the HSM engine trapped and was restarted; keys are unsealed again from the store",
                    ),
            });
        return {
          controls: vaultControls(vault),
          router: createRouter({ ...routerOptions(spec.name), vault }),
          ...throttle,
          close: () => store.close(),
        };
      } catch (err) {
        await store.close().catch(() => {});
        throw err;
      }
    };
    const identity = issuer
      ? createIdentityEndpoints({
          issuer,
          ...(options.principals ? { principals: options.principals } : {}),
          identityHeader: options.identityHeader ?? DEFAULT_IDENTITY_HEADER,
        })
      : undefined;
    const withTokenService = (router: Router): Router =>
      identity
        ? {
            ...router,
            preflight: (req, opts) => (identity.isTokenServicePath(req.url) ? undefined : router.preflight(req, opts)),
            handle: async (req, opts) => (await identity.handleTokenService(req)) ?? router.handle(req, opts),
          }
        : router;

    // A vault with a port of its own (--vault NAME:PORT, or made through the management API with a port)
    // answers there whatever the Host header says.
    const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : isIP(host) === 6 ? `[${host}]` : host;
    const vaultPorts: Record<string, string> = {};
    const ownServers = new Map<string, ReturnType<typeof createHttpServer>>();
    const ports: PortListener = {
      async open(dir, v, wanted) {
        const own = createHttpServer({
          router: withTokenService(createDirectoryRouter({ directory: dir, vaultName: v.name })),
          tls,
          logger: false,
        });
        await own.listen({ host, port: wanted });
        const actual = (own.server.address() as AddressInfo).port;
        ownServers.set(v.name, own);
        vaultPorts[v.name] = `https://${shownHost}:${actual}`;
        return actual;
      },
      async close(v) {
        const own = ownServers.get(v.name);
        ownServers.delete(v.name);
        delete vaultPorts[v.name];
        await own?.close();
      },
    };
    const directory = await VaultDirectory.open(factory, options.vaults ?? [], undefined, undefined, ports);
    cleanups.push(() => directory.close());
    await seedVaults(directory, seed);
    const app = createHttpServer({
      router: withTokenService(createDirectoryRouter({ directory })),
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
    if (workersRefused) {
      app.log.warn("access control and audit run in this thread: the default vault is served without workers");
    }
    if (!options.domainSecret && (options.dataDir !== undefined || options.securityDomainFile !== undefined)) {
      app.log.warn(
        "the security domain is stored sealed under the built-in secret, which anyone can read: " +
          "set WASM_HSM_DOMAIN_SECRET to protect the keys at rest",
      );
    }
    await app.listen({ host, port });
    cleanups.push(() => app.close());
    const address = app.server.address() as AddressInfo;
    const listenUrl = `https://${shownHost}:${address.port}`;
    if (issuer) issuer.baseUrl = vaultUrl ?? listenUrl;
    let identityUrl: string | undefined;
    if (identity && options.identityPort !== undefined) {
      const server = createPlainServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const answer = await identity.handleManagedIdentity({
          method: req.method ?? "GET",
          url: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        res.writeHead(answer.status, answer.headers).end(answer.body);
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.identityPort, host, () => resolve());
      });
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      identityUrl = `http://${shownHost}:${(server.address() as AddressInfo).port}`;
    }
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
      ...(identityUrl ? { identityUrl } : {}),
      vaultPorts,
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

/** The controls of a vault an embedder opened (`vault` option): the emulator cannot sweep or export it, but seeds it. */
function externalControls(vault: VaultApi): VaultControls {
  const no = async (): Promise<never> => {
    throw new Error("this vault was opened by the embedder: the management API cannot reach it");
  };
  return {
    securityDomainId: "",
    sweep: async () => {},
    exportContents: no,
    importContents: no,
    sealedDomain: no,
    keyShape: async () => undefined,
    setClockOffset: async () => {},
    applySeed: async (seed, source, mode) => {
      await applySeed(vault, seed, { source, mode });
    },
  };
}

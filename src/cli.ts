// wasm-hsm's command line: `wasm-hsm serve [options]` and `wasm-hsm cert`. Arguments are parsed with
// node:util's parseArgs (built in). `serve` prints one line with the vault URL, where it listens and
// the certificate to trust, logs to standard error, and stops cleanly on SIGINT, SIGTERM and SIGHUP.
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { DEFAULT_HOST, DEFAULT_PORT, serve, servedHostNames, type RunningServer, type ServeOptions } from "./server/serve.js";
import { normaliseVaultUrl } from "./server/router.js";
import { parsePrincipals } from "./server/access/principals.js";
import type { VaultSpec } from "./server/vaults/directory.js";
import { parseLimits, SERVICE_LIMITS } from "./server/vaults/throttle.js";
import { loadOrCreateTls, tlsDir } from "./server/tls.js";
import { defaultWorkerCount } from "./server/workers/node-pool.js";

const USAGE = `Usage: wasm-hsm serve [options]
       wasm-hsm cert [--data-dir DIR] [--host HOST] [--vault-url URL] [--vault NAME[=HOST][:PORT] ...]

serve   A Key Vault emulator (keys, secrets, certificates) over HTTPS, for the Azure SDKs.
cert    Prints the path of the certificate \`serve\` uses with the same options (making it if there is
        none yet), so that export NODE_EXTRA_CA_CERTS=$(wasm-hsm cert) trusts the emulator.

Options:
  --port N                 port to listen on (default: $PORT or ${DEFAULT_PORT}; 0 picks a free one)
  --host HOST              address to listen on (default: ${DEFAULT_HOST})
  --cert FILE, --key FILE  PEM certificate and key (default: a self-signed one for localhost, kept
                           in the state folder below, or in DIR/tls with --data-dir)
  --auth-resource URL      the resource of the auth challenge (default: https://vault.azure.net)
  --data-dir DIR           keep keys in DIR (SQLite); without it, keys live in memory
  --vault-url URL          base of every kid (default: from each request's Host header)
  --security-domain FILE   share a security domain through FILE (created if missing), so that
                           backups move between servers
  --workers N              vault workers (threads), each with its own engine (default: one per
                           core, ${defaultWorkerCount()} here); 0 or 1 serves in the main thread
  --log-level LEVEL        fatal, error, warn, info, debug, trace or silent (default: info)
  --delete-delay-ms N      a delete or recover becomes visible to other reads N ms later, as on
                           the real service, so that the SDKs' pollers wait (default: 0)
  --attestation-jwks FILE  trust the attestation signers of this JWKS for key release too (the
                           built-in attestation service under /_attestation is always trusted)
  --vault NAME[=HOST][:PORT]  another vault, chosen by the Host NAME.localhost or HOST, or served on
                           a port of its own (repeatable); the management API is under /management
  --seed FILE              create keys, secrets and certificates at start (YAML or JSON)
  --seed-mode MODE         skip (default: leave existing objects alone) or replace (a new version)
  --throttle LIMITS        service-limits (Key Vault's documented limits) or a YAML/JSON file of limits:
                           over a limit, 429 with Retry-After
  --store URL              keep the vaults in PostgreSQL (postgres://...; a named vault in a schema
                           of its own): several servers on one store serve the same vaults
  --auth MODE              any (default: any well-formed token) or strict (the emulator's tokens only)
  --principals FILE        principals and their Key Vault roles (YAML or JSON); without it, anyone may
                           do anything
  --identity-port N        serve the managed-identity endpoints (IMDS, App Service) on plain HTTP here
  --audit-log FILE         one AuditEvent JSON line per request (0600)
  -h, --help               this text
  --version                the version

Environment:
  PORT                     the port, when --port is not given
  WASM_HSM_DOMAIN_SECRET   the secret that seals the security-domain key at rest
  XDG_STATE_HOME           the state folder is $XDG_STATE_HOME/wasm-hsm (default ~/.local/state/wasm-hsm)
`;

class UsageError extends Error {}

/** `--vault NAME[=HOST][:PORT]`: a vault, an alias host, a port of its own. */
function parseVault(raw: string): VaultSpec {
  const m = /^([a-z0-9-]+)(?:=([A-Za-z0-9.-]+))?(?::(\d{1,5}))?$/i.exec(raw);
  if (!m) throw new UsageError(`--vault must be NAME, NAME=HOST, NAME:PORT or NAME=HOST:PORT, got ${JSON.stringify(raw)}`);
  return {
    name: m[1]!.toLowerCase(),
    ...(m[2] ? { aliases: [m[2].toLowerCase()] } : {}),
    ...(m[3] ? { port: parsePort(m[3], "--vault's port") } : {}),
  };
}

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${flag} ${file}: ${(e as Error).message}`);
  }
}

/** The emulator controls and identity options (issues 17 and 18), from the command line. */
function controlOptions(values: Record<string, unknown>): Partial<ServeOptions> {
  const out: Partial<ServeOptions> = {};
  if (values.vault) out.vaults = (values.vault as string[]).map(parseVault);
  if (values.seed !== undefined) {
    const mode = (values["seed-mode"] as string | undefined) ?? "skip";
    if (mode !== "skip" && mode !== "replace") throw new UsageError(`--seed-mode must be skip or replace, got ${JSON.stringify(mode)}`);
    out.seed = { text: readText(values.seed as string, "--seed"), source: values.seed as string, mode };
  } else if (values["seed-mode"] !== undefined) throw new UsageError("--seed-mode goes with --seed");
  if (values.throttle !== undefined) {
    const t = values.throttle as string;
    out.throttle = t === "service-limits" ? SERVICE_LIMITS : parseLimits(parseYaml(readText(t, "--throttle")), t);
  }
  if (values.store !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(values.store as string)) throw new UsageError("--store takes a postgres:// connection string");
    out.storeUrl = values.store as string;
  }
  if (values.auth !== undefined) {
    if (values.auth !== "any" && values.auth !== "strict")
      throw new UsageError(`--auth must be any or strict, got ${JSON.stringify(values.auth)}`);
    out.auth = values.auth;
  }
  if (values.principals !== undefined)
    out.principals = parsePrincipals(readText(values.principals as string, "--principals"), values.principals as string);
  if (values["identity-port"] !== undefined) out.identityPort = parsePort(values["identity-port"] as string, "--identity-port");
  if (values["audit-log"] !== undefined) out.auditLogFile = values["audit-log"] as string;
  return out;
}

function parsePort(raw: string, what: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535)
    throw new UsageError(`${what} must be a port number from 0 to 65535, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function parseWorkers(raw: string): number {
  if (!/^\d{1,3}$/.test(raw) || Number(raw) > 256)
    throw new UsageError(`--workers must be a number from 0 to 256, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const LOG_LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** Signals that stop the server. SIGHUP: the terminal that started it went away. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const say = (line: string) => process.stderr.write(`wasm-hsm: ${line}\n`);

/**
 * Under `npm start` or `npx` (npm sets npm_lifecycle_event), npm runs the command through `sh -c`
 * and forwards SIGINT and SIGTERM to that shell only; dash, Debian's and Ubuntu's sh, dies of them
 * without passing them on, and the server would live on, re-parented, holding its port. So a
 * server started by npm stops when its parent goes away (checked every PARENT_POLL_MS; the
 * ppid is read live from the kernel). Outside npm a server may outlive its parent (nohup, &).
 */
function stopWhenOrphaned(stop: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, PARENT_POLL_MS);
  timer.unref();
}
const PARENT_POLL_MS = 200;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  let running: RunningServer;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        cert: { type: "string" },
        key: { type: "string" },
        "auth-resource": { type: "string" },
        "data-dir": { type: "string" },
        "vault-url": { type: "string" },
        "security-domain": { type: "string" },
        "log-level": { type: "string" },
        workers: { type: "string" },
        "delete-delay-ms": { type: "string" },
        "attestation-jwks": { type: "string" },
        vault: { type: "string", multiple: true },
        seed: { type: "string" },
        "seed-mode": { type: "string" },
        throttle: { type: "string" },
        store: { type: "string" },
        auth: { type: "string" },
        principals: { type: "string" },
        "identity-port": { type: "string" },
        "audit-log": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return;
    }
    if (values.version) {
      const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return;
    }
    const command = positionals.join(" ");
    if (command === "cert") {
      // The options that change which names serve's certificate covers, so that both find the same one.
      const allowed = ["data-dir", "host", "vault-url", "vault"];
      const others = Object.keys(values).filter((k) => !allowed.includes(k));
      if (others.length > 0) throw new UsageError(`cert takes only --data-dir, --host, --vault-url and --vault, not --${others[0]}`);
      const dir = tlsDir(values["data-dir"]);
      const vaultUrl = values["vault-url"] === undefined ? undefined : normaliseVaultUrl(values["vault-url"]);
      const vaults = ((values.vault as string[] | undefined) ?? []).map(parseVault);
      const tls = await loadOrCreateTls({ dir, hosts: servedHostNames(values.host ?? DEFAULT_HOST, vaultUrl, vaults) });
      if (tls.generated) say(`made a self-signed certificate for ${tls.hosts!.join(", ")} in ${dir}`);
      process.stdout.write(`${tls.certFile}\n`);
      return;
    }
    if (command !== "serve") {
      throw new UsageError(command === "" ? "a command is needed" : `unknown command ${JSON.stringify(command)}`);
    }
    if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError("--cert and --key go together");
    const logLevel = values["log-level"] ?? "info";
    if (!LOG_LEVELS.has(logLevel)) throw new UsageError(`--log-level must be one of ${[...LOG_LEVELS].join(", ")}`);
    const deleteDelayRaw = values["delete-delay-ms"];
    if (deleteDelayRaw !== undefined && !/^\d{1,9}$/.test(deleteDelayRaw)) {
      throw new UsageError(`--delete-delay-ms must be a whole number of milliseconds, got ${JSON.stringify(deleteDelayRaw)}`);
    }
    const envPort = process.env.PORT;
    const port = values.port !== undefined ? parsePort(values.port, "--port") : envPort ? parsePort(envPort, "PORT") : DEFAULT_PORT;

    running = await serve({
      host: values.host,
      port,
      certFile: values.cert,
      keyFile: values.key,
      authResource: values["auth-resource"],
      dataDir: values["data-dir"],
      vaultUrl: values["vault-url"],
      securityDomainFile: values["security-domain"],
      // From the environment, not a flag, so that it stays out of process listings.
      domainSecret: process.env.WASM_HSM_DOMAIN_SECRET || undefined,
      logLevel,
      workers: values.workers !== undefined ? parseWorkers(values.workers) : defaultWorkerCount(),
      ...(deleteDelayRaw !== undefined ? { deleteDelayMs: Number(deleteDelayRaw) } : {}),
      ...(values["attestation-jwks"] !== undefined ? { attestationJwksFile: values["attestation-jwks"] } : {}),
      ...controlOptions(values),
    });
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`wasm-hsm: ${(err as Error).message}\n${usage ? "Run `wasm-hsm --help` for the options.\n" : ""}`);
    process.exit(usage ? 2 : 1);
  }

  let stopping = false;
  const stop = (why: string) => {
    if (stopping) {
      say(`${why} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    running.close().then(
      () => process.exit(0),
      (err) => {
        say(`error while stopping: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  if (process.env.npm_lifecycle_event !== undefined) {
    stopWhenOrphaned(() => {
      say("the npm command that started this server is gone: stopping");
      stop("parent gone");
    });
  }

  if (running.certificateMade) {
    say(`made a self-signed certificate for ${running.certificateHosts!.join(", ")}; later starts reuse it`);
  }
  // One line, first on standard output: `vault URL [listening on URL] ; NODE_EXTRA_CA_CERTS=file`.
  const where = running.url === running.listenUrl ? running.url : `${running.url} listening on ${running.listenUrl}`;
  process.stdout.write(`wasm-hsm: vault ${where} ; NODE_EXTRA_CA_CERTS=${running.certFile}\n`);
  for (const [name, url] of Object.entries(running.vaultPorts)) say(`vault ${name} on ${url}`);
  if (running.identityUrl)
    say(`managed identity on ${running.identityUrl} (IMDS: AZURE_POD_IDENTITY_AUTHORITY_HOST=${running.identityUrl})`);
}

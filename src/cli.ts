// wasm-hsm's command line: `wasm-hsm serve [options]`. Arguments are parsed with node:util's
// parseArgs (built in). The server prints one line with the vault URL and the certificate to
// trust, logs to standard error, and stops cleanly on SIGINT and SIGTERM.
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { DEFAULT_HOST, DEFAULT_PORT, serve, type RunningServer, type ServeOptions } from "./server/serve.js";
import { defaultWorkerCount } from "./server/workers/node-pool.js";

const USAGE = `Usage: wasm-hsm serve [options]

A Key Vault-compatible emulator (keys) over HTTPS, for @azure/keyvault-keys.

Options:
  --port N                 port to listen on (default: $PORT or ${DEFAULT_PORT}; 0 picks a free one)
  --host HOST              address to listen on (default: ${DEFAULT_HOST})
  --cert FILE, --key FILE  PEM certificate and key (default: a self-signed one for localhost)
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
  -h, --help               this text
  --version                the version

Environment:
  PORT                     the port, when --port is not given
  WASM_HSM_DOMAIN_SECRET   the secret that seals the security-domain key at rest
`;

class UsageError extends Error {}

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

/** Runs the command. `extra` is merged into serve()'s options (embedders, tests). */
export async function main(argv: string[], extra: Partial<ServeOptions> = {}): Promise<void> {
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
    if (positionals.length !== 1 || positionals[0] !== "serve") {
      throw new UsageError(positionals.length === 0 ? "a command is needed" : `unknown command ${JSON.stringify(positionals.join(" "))}`);
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
      ...extra,
    });
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`wasm-hsm: ${(err as Error).message}\n${usage ? "Run `wasm-hsm --help` for the options.\n" : ""}`);
    process.exit(usage ? 2 : 1);
  }

  process.stdout.write(`wasm-hsm: vault ${running.url} ; NODE_EXTRA_CA_CERTS=${running.certFile}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`wasm-hsm: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    running.close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`wasm-hsm: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

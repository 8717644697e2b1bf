// startEmulator(): the emulator in the caller's process, for a test runner's global set-up.
// It is the command line's `serve` with a library's defaults: a free port, warnings only in the log.
import { serve, type ServeOptions } from "../server/serve.js";
import { clientConfig, type ClientConfig, type EmulatorConnection } from "./client.js";

/**
 * Every option of `wasm-hsm serve` has a field here: port (default 0 here: a free port), host,
 * certFile and keyFile (--cert, --key), authResource, dataDir, vaultUrl, securityDomainFile
 * (--security-domain), logLevel (default "warn" here), workers (default 0 here: the vault in this
 * thread), deleteDelayMs, attestationJwksFile, domainSecret (WASM_HSM_DOMAIN_SECRET); and stateDir
 * (where the self-signed certificate is kept; XDG_STATE_HOME for the command). The emulator controls
 * (vaults, seed, throttle) are the same options as createOfflineVault's (server/vaults/options.ts).
 */
export type EmulatorOptions = Omit<ServeOptions, "vault" | "engine">;

export interface Emulator extends ClientConfig {
  /** The vault URL: vaultUrl if given, else where it listens ("https://127.0.0.1:PORT"). */
  url: string;
  /** Where it listens, even when vaultUrl names another host. */
  listenUrl: string;
  /** The TLS certificate, PEM. */
  certificate: string;
  /** A file holding that certificate (for NODE_EXTRA_CA_CERTS). */
  certificateFile: string;
  /** { url, certificate }: JSON-serialisable, for a test runner to hand to its workers (see clientConfig). */
  connection: EmulatorConnection;
  /**
   * The URL of a vault by name: "default" is `url`; a named vault with a port of its own is served there,
   * any other at https://NAME.localhost:PORT (a host name clients must be able to resolve).
   */
  vaultUrl(name: string): string;
  /** Stops listening and closes the store. Idempotent: every call returns the same promise. */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const running = await serve({ ...options, port: options.port ?? 0, logLevel: options.logLevel ?? "warn" });
  const connection: EmulatorConnection = { url: running.url, certificate: running.cert };
  return {
    ...clientConfig(connection),
    listenUrl: running.listenUrl,
    certificate: running.cert,
    certificateFile: running.certFile,
    connection,
    vaultUrl: (name) => {
      const lower = name.toLowerCase();
      if (lower === "default") return running.url;
      return running.vaultPorts[lower] ?? `https://${lower}.localhost:${running.port}`;
    },
    close: running.close,
  };
}

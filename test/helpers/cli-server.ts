// Starts the real command (`node bin/wasm-hsm.mjs serve --port 0 ...`) as a child process and
// reads the line it prints: the vault URL, where it listens and the certificate file to trust.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = `${ROOT}bin/wasm-hsm.mjs`;

export interface CliServer {
  /** The vault URL (--vault-url, else where it listens). */
  url: string;
  /** Where it listens. */
  listenUrl: string;
  certFile: string;
  cert: string;
  child: ChildProcess;
  /** Everything the server wrote to stderr (its logs). */
  stderr(): string;
  /** Sends a signal and waits for the exit; resolves with the exit code and signal. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `wasm-hsm: vault URL [listening on URL] ; NODE_EXTRA_CA_CERTS=FILE`, as src/cli.ts prints it. */
export const BANNER = /^wasm-hsm: vault (https?:\/\/\S+)(?: listening on (https:\/\/\S+))? ; NODE_EXTRA_CA_CERTS=(.+)$/;

/** `args` are added to `serve --port 0 --log-level warn` (without `--port 0` when `port` is false). */
export async function startCli(args: string[] = [], opts: { env?: NodeJS.ProcessEnv; port?: boolean } = {}): Promise<CliServer> {
  const env = opts.env ?? {};
  const child = spawn(process.execPath, [BIN, "serve", ...(opts.port === false ? [] : ["--port", "0"]), "--log-level", "warn", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err += c.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once("line", resolve);
    child.once("error", reject);
    exited.then(({ code, signal }) => reject(new Error(`wasm-hsm exited (${code ?? signal}) before listening:\n${err}`)));
  });
  const m = BANNER.exec(line);
  if (!m) throw new Error(`unexpected first line from wasm-hsm: ${line}`);
  return {
    url: m[1],
    listenUrl: m[2] ?? m[1],
    certFile: m[3],
    cert: readFileSync(m[3], "utf8"),
    child,
    stderr: () => err,
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

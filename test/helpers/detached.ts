// A command started in its own process group (as a shell starts a job), read until it prints the
// server's start line; then checks that a signal leaves nothing behind: no process of the group
// alive, and the port free for anyone to listen on.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { BANNER } from "./cli-server.js";

export interface Started {
  child: ChildProcess;
  /** The vault URL, where it listens, and the certificate file, from the start line. */
  url: string;
  listenUrl: string;
  certFile: string;
  port: number;
  /** Everything printed so far, both streams. */
  output(): string;
  /** Resolves with how the child (the command itself, not its descendants) ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the whole group: for `finally`, so that a failing test leaks nothing. */
  killGroup(): void;
}

export async function startDetached(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Started> {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const killGroup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // the group is empty already
    }
  };
  try {
    const m = await new Promise<RegExpExecArray>((resolve, reject) => {
      const look = () => {
        for (const line of out.split("\n")) {
          const m = BANNER.exec(line);
          if (m) return resolve(m);
        }
      };
      child.stdout!.on("data", (c: Buffer) => {
        out += c.toString("utf8");
        look();
      });
      child.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
      child.once("error", reject);
      exited.then(({ code, signal }) => reject(new Error(`${command} exited (${code ?? signal}) before its start line:\n${out}`)));
    });
    const listenUrl = m[2] ?? m[1];
    return { child, url: m[1], listenUrl, certFile: m[3], port: Number(new URL(listenUrl).port), output: () => out, exited, killGroup };
  } catch (err) {
    killGroup();
    throw err;
  }
}

/** True once no process of the group led by pgid is alive (polls up to timeoutMs). */
export async function groupGone(pgid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH") return true;
      throw err;
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True when something can listen on the port (nothing holds it). */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

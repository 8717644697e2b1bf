// The openssl command line, as a second opinion on certificates, requests and PFX files. Where it is
// missing the tests that need it say so loudly and are skipped (CI has it: Debian's openssl).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function probe(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "pipe" });
    return true;
  } catch {
    console.warn("\n*** openssl NOT FOUND on PATH: the openssl cross-checks of certificates and PFX files are SKIPPED. ***\n");
    return false;
  }
}

export const hasOpenssl = probe();

/**
 * Runs openssl with `files` written to a temporary folder ({dir} in args is replaced by it); returns
 * what it printed (stdout, then stderr: some of its reports, such as `pkcs12 -info`, go to stderr).
 */
export function openssl(args: string[], files: Record<string, Uint8Array | string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-openssl-"));
  try {
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    const r = spawnSync(
      "openssl",
      args.map((a) => a.replaceAll("{dir}", dir)),
      { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout + r.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs openssl, writing files and returning the bytes of `output` (a file it writes in {dir}). */
export function opensslFile(args: string[], files: Record<string, Uint8Array | string>, output: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-openssl-"));
  try {
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    execFileSync(
      "openssl",
      args.map((a) => a.replaceAll("{dir}", dir)),
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    return new Uint8Array(readFileSync(join(dir, output)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs openssl in a folder the caller keeps (files persist between calls); returns what it printed. */
export function opensslIn(dir: string, args: string[]): string {
  const r = spawnSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout + r.stderr;
}

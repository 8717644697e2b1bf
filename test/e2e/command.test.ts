// The `wasm-hsm` command as a user runs it: `cert` prints a stable certificate path under the
// per-user state folder, `serve` reuses it and says where it listens, and SIGINT or SIGTERM stop it
// whichever process gets them (the node process, `npm start`, or the shell npm runs a command in),
// leaving no process and a free port.
import { afterAll, describe, expect, it } from "vitest";
import { X509Certificate } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BIN, ROOT } from "../helpers/cli-server.js";
import { groupGone, portIsFree, startDetached, type Started } from "../helpers/detached.js";
import { rawRequest } from "../helpers/https.js";

const work = mkdtempSync(join(tmpdir(), "wasm-hsm-command-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment with the state folder in `home` (XDG_STATE_HOME, or HOME when xdg is false). */
function envWith(home: string, xdg = true): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.XDG_STATE_HOME;
  delete env.npm_lifecycle_event; // set when the suite runs under `npm test`
  return xdg ? { ...env, XDG_STATE_HOME: home } : { ...env, HOME: home };
}

const run = (args: string[], env: NodeJS.ProcessEnv) =>
  promisify(execFile)(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: "utf8" }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

/** Sends the signal to one process, then checks that the whole group ended and the port is free. */
async function stopsCleanly(s: Started, signal: NodeJS.Signals, target = s.child.pid!) {
  const ping = await rawRequest(s.listenUrl, readFileSync(s.certFile, "utf8"), { path: "/ping", headers: { authorization: "" } });
  expect(ping.status).toBe(200);
  process.kill(target, signal);
  expect(await groupGone(s.child.pid!), `processes left after ${signal}:\n${s.output()}`).toBe(true);
  expect(await portIsFree(s.port)).toBe(true);
}

describe("wasm-hsm cert", () => {
  it("prints $XDG_STATE_HOME/wasm-hsm/tls/cert.pem, made once and then reused; serve uses it", async () => {
    const home = join(work, "xdg");
    const first = await run(["cert"], envWith(home));
    expect(first.code).toBe(0);
    const path = join(home, "wasm-hsm", "tls", "cert.pem");
    expect(first.stdout).toBe(`${path}\n`);
    expect(first.stderr).toMatch(/^wasm-hsm: made a self-signed certificate for localhost, 127\.0\.0\.1, ::1 in /);
    const pem = readFileSync(path, "utf8");
    const again = await run(["cert"], envWith(home));
    expect(again).toMatchObject({ code: 0, stdout: `${path}\n`, stderr: "" });
    expect(readFileSync(path, "utf8")).toBe(pem);

    const s = await startDetached(process.execPath, [BIN, "serve", "--port", "0", "--log-level", "warn"], {
      cwd: ROOT,
      env: envWith(home),
    });
    try {
      expect(s.certFile).toBe(path);
      expect(s.output()).not.toContain("made a self-signed certificate");
      await stopsCleanly(s, "SIGTERM");
    } finally {
      s.killGroup();
    }
  });

  it("without XDG_STATE_HOME: ~/.local/state/wasm-hsm, a folder only its owner enters and a key only its owner reads", async () => {
    const home = join(work, "home");
    const r = await run(["cert"], envWith(home, false));
    const dir = join(home, ".local", "state", "wasm-hsm");
    expect(r.stdout).toBe(`${join(dir, "tls", "cert.pem")}\n`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "tls")).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "tls", "key.pem")).mode & 0o777).toBe(0o600);
  });

  it("with --data-dir: DIR/tls/cert.pem; other options are refused", async () => {
    const r = await run(["cert", "--data-dir", join(work, "data")], envWith(join(work, "unused")));
    expect(r.stdout).toBe(`${join(work, "data", "tls", "cert.pem")}\n`);
    const bad = await run(["cert", "--port", "1"], envWith(join(work, "unused")));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("cert takes only --data-dir, --host, --vault-url and --vault, not --port");
  });

  it("with --vault: the certificate serve makes for the same vaults, which names each NAME.localhost and alias", async () => {
    const home = join(work, "xdg-vaults");
    const flags = ["--vault", "team", "--vault", "ops=ops.example.test"];
    const r = await run(["cert", ...flags], envWith(home));
    expect(r.code, r.stderr).toBe(0);
    const certFile = r.stdout.trim();
    const x509 = new X509Certificate(readFileSync(certFile));
    for (const name of ["team.localhost", "ops.localhost", "ops.example.test", "localhost"]) expect(x509.checkHost(name), name).toBe(name);
    expect(x509.checkHost("other.localhost")).toBeUndefined();
    const s = await startDetached(process.execPath, [BIN, "serve", "--port", "0", "--log-level", "warn", "--workers", "0", ...flags], {
      cwd: ROOT,
      env: envWith(home),
    });
    try {
      expect(s.certFile).toBe(certFile);
      expect(s.output()).not.toContain("made a self-signed certificate");
      await stopsCleanly(s, "SIGTERM");
    } finally {
      s.killGroup();
    }
  });
});

describe("wasm-hsm serve", () => {
  it("says when it makes the certificate, and where it listens even when --vault-url names another host", async () => {
    const s = await startDetached(
      process.execPath,
      [BIN, "serve", "--port", "0", "--log-level", "warn", "--vault-url", "https://myvault.vault.azure.net"],
      { cwd: ROOT, env: envWith(join(work, "fresh")) },
    );
    try {
      expect(s.output()).toMatch(/wasm-hsm: made a self-signed certificate for localhost, 127\.0\.0\.1, ::1, myvault\.vault\.azure\.net;/);
      expect(s.url).toBe("https://myvault.vault.azure.net");
      expect(s.listenUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      await stopsCleanly(s, "SIGINT");
    } finally {
      s.killGroup();
    }
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal} to \`npm start\` stops the server: no process left, the port free`, async () => {
      const s = await startDetached("npm", ["start", "--", "--port", "0", "--log-level", "warn"], {
        cwd: ROOT,
        env: envWith(join(work, "npm")),
      });
      try {
        await stopsCleanly(s, signal);
        expect((await s.exited).code).toBe(0);
      } finally {
        s.killGroup();
      }
    });
  }

  it("SIGTERM to the shell that npm runs a command in (npx, npm run) stops the server it started", async () => {
    // What `npx wasm-hsm serve` does: npm runs `sh -c 'wasm-hsm serve'` and forwards signals to sh only.
    const env = { ...envWith(join(work, "npx")), npm_lifecycle_event: "npx" };
    const s = await startDetached("sh", ["-c", `'${process.execPath}' '${BIN}' serve --port 0 --log-level warn`], { cwd: ROOT, env });
    try {
      await stopsCleanly(s, "SIGTERM");
      expect(s.output()).toContain("the npm command that started this server is gone: stopping");
    } finally {
      s.killGroup();
    }
  });
});

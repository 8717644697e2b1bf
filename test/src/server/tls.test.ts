// The certificate: self-signed for localhost, 127.0.0.1 and ::1, trusted by a Node process through
// NODE_EXTRA_CA_CERTS alone, kept and reused in a directory (the data directory's or the per-user
// state folder's), or given with --cert/--key.
import { afterAll, describe, expect, it } from "vitest";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadOrCreateTls, stateDir, tlsDir } from "../../../src/server/tls.js";
import { serve } from "../../../src/server/serve.js";
import { FakeVault } from "../../helpers/fake-vault.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-tls-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("self-signed certificate", () => {
  it("names localhost, 127.0.0.1 and ::1 (and an extra host), with a private key file only the owner reads", async () => {
    const tls = await loadOrCreateTls({ dir: join(dir, "a"), hosts: ["vault.test", "0.0.0.0"] });
    const x = new X509Certificate(tls.cert);
    expect(x.checkHost("localhost")).toBe("localhost");
    expect(x.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x.checkIP("::1")).toBeDefined();
    expect(x.checkHost("vault.test")).toBe("vault.test");
    expect(x.checkHost("example.com")).toBeUndefined();
    expect(x.ca).toBe(false);
    expect(Date.parse(x.validTo)).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000);
    expect(tls.certFile).toBe(join(`${join(dir, "a")}+vault.test`, "cert.pem"));
    expect(statSync(join(`${join(dir, "a")}+vault.test`, "key.pem")).mode & 0o077).toBe(0);
    expect(readFileSync(tls.certFile, "utf8")).toBe(tls.cert);
  });

  it("is reused from its directory; more names get a folder of their own, and the default file is never replaced for them", async () => {
    const first = await loadOrCreateTls({ dir: join(dir, "b") });
    const again = await loadOrCreateTls({ dir: join(dir, "b"), hosts: ["LOCALHOST", "0.0.0.0", "[::1]"] });
    expect(again.generated).toBe(false);
    expect(again.certFile).toBe(first.certFile);
    expect(again.cert).toBe(first.cert);
    const wider = await loadOrCreateTls({ dir: join(dir, "b"), hosts: ["other.test", "10.0.0.1"] });
    expect(wider.generated).toBe(true);
    expect(wider.certFile).toBe(join(`${join(dir, "b")}+10.0.0.1+other.test`, "cert.pem"));
    expect(new X509Certificate(wider.cert).checkHost("other.test")).toBe("other.test");
    expect(new X509Certificate(wider.cert).checkIP("10.0.0.1")).toBe("10.0.0.1");
    expect(readFileSync(first.certFile, "utf8")).toBe(first.cert);
    expect((await loadOrCreateTls({ dir: join(dir, "b"), hosts: ["10.0.0.1", "other.test"] })).cert).toBe(wider.cert);
  });

  it("without a directory is kept in the per-user state folder ($XDG_STATE_HOME/wasm-hsm/tls), private to its owner", async () => {
    const stateHome = join(dir, "state");
    const env = { ...process.env, XDG_STATE_HOME: stateHome };
    expect(tlsDir(undefined, env)).toBe(join(stateHome, "wasm-hsm", "tls"));
    const server = await serve({ vault: new FakeVault(), port: 0, logLevel: "silent", stateDir: join(stateHome, "wasm-hsm") });
    await server.close();
    expect(server.certFile).toBe(join(stateHome, "wasm-hsm", "tls", "cert.pem"));
    expect(server.certificateMade).toBe(true);
    expect(existsSync(server.certFile)).toBe(true); // kept after the server closed
    expect(statSync(join(stateHome, "wasm-hsm")).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateHome, "wasm-hsm", "tls")).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateHome, "wasm-hsm", "tls", "key.pem")).mode & 0o777).toBe(0o600);
    const again = await serve({ vault: new FakeVault(), port: 0, logLevel: "silent", stateDir: join(stateHome, "wasm-hsm") });
    await again.close();
    expect(again.certFile).toBe(server.certFile);
    expect(again.cert).toBe(server.cert);
    expect(again.certificateMade).toBe(false);
  });

  it("the state folder: $XDG_STATE_HOME if absolute (the XDG spec ignores a relative one), else ~/.local/state", () => {
    expect(stateDir({ XDG_STATE_HOME: "/x/state" })).toBe(join("/x/state", "wasm-hsm"));
    expect(stateDir({ XDG_STATE_HOME: "relative/state" })).toBe(join(homedir(), ".local", "state", "wasm-hsm"));
    expect(stateDir({})).toBe(join(homedir(), ".local", "state", "wasm-hsm"));
  });

  it("is made once when several servers start together on an empty folder", async () => {
    const all = await Promise.all(Array.from({ length: 6 }, () => loadOrCreateTls({ dir: join(dir, "race") })));
    expect(all.filter((t) => t.generated)).toHaveLength(1);
    for (const t of all) expect(t.cert).toBe(all[0].cert);
    expect(readFileSync(join(dir, "race", "cert.pem"), "utf8")).toBe(all[0].cert);
    expect(existsSync(join(dir, "race", "lock"))).toBe(false);
  });

  it("a damaged pair (a key that is not the certificate's) is remade; a lock left by a dead process is broken", async () => {
    const d = join(dir, "damaged");
    await loadOrCreateTls({ dir: d });
    writeFileSync(join(d, "key.pem"), readFileSync(join(dir, "race", "key.pem")));
    const lockFile = join(d, "lock");
    writeFileSync(lockFile, "12345");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile, old, old);
    const remade = await loadOrCreateTls({ dir: d });
    expect(remade.generated).toBe(true);
    expect(new X509Certificate(remade.cert).checkPrivateKey(createPrivateKey(readFileSync(join(d, "key.pem"))))).toBe(true);
  });

  it("uses --cert/--key when given", async () => {
    const made = await loadOrCreateTls({ dir: join(dir, "c"), hosts: ["given.test"] });
    const server = await serve({
      vault: new FakeVault(),
      port: 0,
      logLevel: "silent",
      certFile: made.certFile,
      keyFile: join(dirname(made.certFile), "key.pem"),
    });
    expect(server.certFile).toBe(made.certFile);
    expect(server.cert).toBe(made.cert);
    await server.close();
    await expect(loadOrCreateTls({ certFile: made.certFile })).rejects.toThrow(/go together/);
    const keyFile = join(dirname(made.certFile), "key.pem");
    await expect(loadOrCreateTls({ certFile: keyFile, keyFile })).rejects.toThrow();
  });

  it("is trusted by another Node process through NODE_EXTRA_CA_CERTS, and by nothing else", async () => {
    const server = await serve({ vault: new FakeVault(), port: 0, logLevel: "silent" });
    const probe = `
      const https = require("node:https");
      https.get(process.argv[1] + "/keys?api-version=7.6", (res) => { console.log(res.statusCode); res.resume(); })
        .on("error", (e) => { console.log(e.code); });`;
    try {
      // Asynchronously: the server runs in this process.
      const run = (env: NodeJS.ProcessEnv) => promisify(execFile)(process.execPath, ["-e", probe, server.url], { env, encoding: "utf8" });
      const trusted = (await run({ ...process.env, NODE_EXTRA_CA_CERTS: server.certFile })).stdout;
      expect(trusted.trim()).toBe("401");
      const env = { ...process.env };
      delete env.NODE_EXTRA_CA_CERTS;
      const untrusted = (await run(env)).stdout;
      expect(untrusted.trim()).toMatch(/^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/);
    } finally {
      await server.close();
    }
  });
});

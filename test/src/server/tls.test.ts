// The certificate: self-signed for localhost, 127.0.0.1 and ::1, trusted by a Node process through
// NODE_EXTRA_CA_CERTS alone, kept and reused in a directory, or given with --cert/--key.
import { afterAll, describe, expect, it } from "vitest";
import { X509Certificate } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateTls } from "../../../src/server/tls.js";
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
    expect(statSync(join(dir, "a", "key.pem")).mode & 0o077).toBe(0);
    expect(readFileSync(tls.certFile, "utf8")).toBe(tls.cert);
  });

  it("is reused from its directory while valid and covering the hosts, remade otherwise", async () => {
    const first = await loadOrCreateTls({ dir: join(dir, "b") });
    const again = await loadOrCreateTls({ dir: join(dir, "b") });
    expect(again.generated).toBe(false);
    expect(again.cert).toBe(first.cert);
    const wider = await loadOrCreateTls({ dir: join(dir, "b"), hosts: ["other.test"] });
    expect(wider.generated).toBe(true);
    expect(new X509Certificate(wider.cert).checkHost("other.test")).toBe("other.test");
  });

  it("without a directory goes to a fresh temporary directory, removed when the server closes", async () => {
    const server = await serve({ vault: new FakeVault(), port: 0, logLevel: "silent" });
    expect(existsSync(server.certFile)).toBe(true);
    await server.close();
    expect(existsSync(server.certFile)).toBe(false);
  });

  it("uses --cert/--key when given", async () => {
    const made = await loadOrCreateTls({ dir: join(dir, "c"), hosts: ["given.test"] });
    const server = await serve({
      vault: new FakeVault(),
      port: 0,
      logLevel: "silent",
      certFile: made.certFile,
      keyFile: join(dir, "c", "key.pem"),
    });
    expect(server.certFile).toBe(made.certFile);
    expect(server.cert).toBe(made.cert);
    await server.close();
    await expect(loadOrCreateTls({ certFile: made.certFile })).rejects.toThrow(/go together/);
    await expect(loadOrCreateTls({ certFile: join(dir, "c", "key.pem"), keyFile: join(dir, "c", "key.pem") })).rejects.toThrow();
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

// Microsoft's Python SDK against the emulator (test/e2e/python/smoke.py), when a python3 with
// azure.keyvault.keys is installed (Debian: `apt-get install -y python3-azure`). The script prints
// each check; this test fails on any failure, and checks the released key itself with node:crypto.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startCli, type CliServer } from "../helpers/cli-server.js";
import { pkcs8Key, unwrapRelease } from "../helpers/release.js";

/** The first python3 that has azure.keyvault.keys (Debian's is /usr/bin/python3; a pyenv one usually lacks it). */
function findPython(): string | undefined {
  for (const py of ["/usr/bin/python3", "python3"]) {
    if (py.startsWith("/") && !existsSync(py)) continue;
    const r = spawnSync(py, ["-c", "import azure.keyvault.keys"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return undefined;
}

const python = findPython();
if (!python) {
  console.warn(
    "\n*** python3 with azure.keyvault.keys not found: the Python SDK smoke test is SKIPPED (apt-get install -y python3-azure) ***\n",
  );
}

describe.skipIf(!python)("Microsoft's Python SDK (azure-keyvault-keys, default api-version)", () => {
  let s: CliServer;
  beforeAll(async () => {
    s = await startCli([]);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("every check of smoke.py passes, and the key it released opens with node:crypto", () => {
    const target = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = { ...target.publicKey.export({ format: "jwk" }), kid: "py-target", use: "enc" };
    let out: string;
    try {
      out = execFileSync(python!, [`${ROOT}test/e2e/python/smoke.py`], {
        env: { ...process.env, VAULT_URL: s.url, CERT_FILE: s.certFile, TARGET_JWK: JSON.stringify(jwk) },
        encoding: "utf8",
        timeout: 120_000,
      });
    } catch (e) {
      throw new Error(`smoke.py failed:\n${(e as { stdout?: string }).stdout ?? ""}${(e as { stderr?: string }).stderr ?? ""}`);
    }
    expect(out).toMatch(/^7 passed, 0 failed$/m);
    const value = /^RELEASED (\S+)$/m.exec(out)![1]!;
    const payload = JSON.parse(Buffer.from(value.split(".")[1]!, "base64url").toString());
    const keyHsm = JSON.parse(Buffer.from(payload.response.key.key.key_hsm, "base64url").toString());
    expect(payload.request["api-version"]).toBe("7.4-preview.1");
    const released = pkcs8Key(unwrapRelease(Buffer.from(keyHsm.ciphertext, "base64url"), target.privateKey, keyHsm.header.enc));
    expect(released.export({ format: "jwk" }).n).toBe(payload.response.key.key.n);
  }, 180_000);
});

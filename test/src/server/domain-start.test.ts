// Issue 15, defect 6 (fixed with the object lifecycle; these tests keep it fixed at the server's start):
// `--security-domain FILE` was silently ignored when the data dir already had a domain, so backups failed
// to move between servers. Now a file with another domain is refused at start, naming both; a missing
// file gets the store's domain; a new data dir adopts the file's.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serve } from "../../../src/server/serve.js";
import { rawRequest } from "../../helpers/https.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-domain-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opts = { port: 0, logLevel: "silent", domainSecret: "domain start test" } as const;

describe("--security-domain with a data dir that has a domain", () => {
  it("refuses another domain naming both, writes a missing file, and lets a new data dir adopt it", async () => {
    const dataA = join(dir, "a");
    const otherFile = join(dir, "other.json");
    // A server on dataA makes its domain; another server makes the other file's.
    const a = await serve({ ...opts, dataDir: dataA });
    const created = await rawRequest(a.url, a.cert, {
      method: "POST",
      path: "/keys/k/create?api-version=7.6",
      body: '{"kty":"oct","key_size":256}',
    });
    expect(created.status).toBe(200);
    const backup = (await rawRequest(a.url, a.cert, { method: "POST", path: "/keys/k/backup?api-version=7.6" })).json();
    await a.close();
    const b = await serve({ ...opts, securityDomainFile: otherFile });
    await b.close();
    const otherId = JSON.parse(readFileSync(otherFile, "utf8")).id;

    const sharedFile = join(dir, "shared.json");
    expect(existsSync(sharedFile)).toBe(false);
    const again = await serve({ ...opts, dataDir: dataA, securityDomainFile: sharedFile });
    await again.close();
    const storeId = JSON.parse(readFileSync(sharedFile, "utf8")).id;
    expect(storeId).not.toBe(otherId);

    await expect(serve({ ...opts, dataDir: dataA, securityDomainFile: otherFile })).rejects.toThrow(
      `the store holds security domain ${storeId}, but the security-domain file ${otherFile} holds ${otherId}`,
    );
    expect(JSON.parse(readFileSync(otherFile, "utf8")).id).toBe(otherId);

    // A new data dir given the shared file restores the first server's backup.
    const c = await serve({ ...opts, dataDir: join(dir, "c"), securityDomainFile: sharedFile });
    try {
      const restored = await rawRequest(c.url, c.cert, {
        method: "POST",
        path: "/keys/restore?api-version=7.6",
        body: JSON.stringify(backup),
      });
      expect(restored.status).toBe(200);
      expect(restored.json().key.kid).toBe(created.json().key.kid.replace(a.url, c.url));
    } finally {
      await c.close();
    }
  });
});

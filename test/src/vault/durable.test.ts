// The vault over the durable store: keys survive a restart in a new engine instance, and the database file
// itself (its raw bytes, WAL included) holds key material only sealed.
import * as nc from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Vault } from "../../../src/vault/index.js";
import { ecKey, octKey, rsaKey } from "../jwk/keys.js";
import { b64u, ctx, newEngine } from "./fixture.js";
import { aesKw } from "./node-check.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-durable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let SqliteStore: typeof import("../../../src/store/sqlite.js").SqliteStore | undefined;
try {
  await import("better-sqlite3");
  ({ SqliteStore } = await import("../../../src/store/sqlite.js"));
} catch {
  console.warn("\n*** better-sqlite3 is not installed: the durable-store vault tests are SKIPPED. ***\n");
}

describe.skipIf(!SqliteStore)("vault over SqliteStore", () => {
  const file = join(dir, "vault.db");
  const rsa = rsaKey(2048);
  const ec = ecKey("P-521");
  const oct = octKey(256);

  it("keys survive a restart in a new engine; the file holds no private bytes", async () => {
    const store1 = await SqliteStore!.open(file);
    const v1 = await Vault.open({ hsm: await newEngine(), store: store1 });
    await v1.keys.importKey("rsa", { key: rsa.jwk }, ctx);
    await v1.keys.importKey("ec", { key: ec.jwk, tags: { a: "b" } }, ctx);
    await v1.keys.importKey("oct", { key: oct.jwk }, ctx);
    await v1.keys.deleteKey("ec", ctx);
    const domainId = v1.securityDomainId;
    await store1.close();

    const bytes = Buffer.concat([file, `${file}-wal`].filter(existsSync).map((p) => readFileSync(p)));
    expect(bytes.length).toBeGreaterThan(0);
    for (const [label, jwk] of [
      ["rsa", rsa.jwk],
      ["ec", ec.jwk],
      ["oct", oct.jwk],
    ] as const) {
      for (const m of ["d", "p", "q", "dp", "dq", "qi", "k"] as const) {
        const value = (jwk as Record<string, string | undefined>)[m];
        if (!value) continue;
        const raw = Buffer.from(value, "base64url");
        expect(bytes.includes(raw), `${label}.${m} raw`).toBe(false);
        expect(bytes.includes(Buffer.from(value)), `${label}.${m} base64url`).toBe(false);
        expect(bytes.includes(Buffer.from(raw.toString("hex"))), `${label}.${m} hex`).toBe(false);
        expect(bytes.includes(raw.subarray(0, 16)), `${label}.${m} first 16 bytes`).toBe(false);
      }
    }

    const store2 = await SqliteStore!.open(file);
    const v2 = await Vault.open({ hsm: await newEngine(), store: store2 });
    expect(v2.securityDomainId).toBe(domainId);
    const data = nc.randomBytes(32);
    const wrapped = await v2.keys.wrapKey("oct", undefined, { alg: "A256KW", value: b64u(data) }, ctx);
    expect(Buffer.from(wrapped.value, "base64url")).toEqual(aesKw(oct.k, data));
    const msg = Buffer.from("after restart");
    const sig = await v2.keys.sign("rsa", undefined, { alg: "RS256", value: b64u(nc.createHash("sha256").update(msg).digest()) }, ctx);
    expect(nc.verify("sha256", msg, rsa.publicKey, Buffer.from(sig.value, "base64url"))).toBe(true);
    const recovered = await v2.keys.recoverDeletedKey("ec", ctx);
    expect(recovered.tags).toEqual({ a: "b" });
    expect(recovered.key.x).toBe(ec.jwk.x);
    await store2.close();
  });
});

// End to end: the real @azure/keyvault-secrets SecretClient against `wasm-hsm serve` (child processes):
// set, get, update, versions, paging, the delete and recover pollers, purge, backup and restore between
// servers that share a security domain (and refused by one that does not), every error status, and a
// leak scan of the durable store's files, the logs and every response for the values' bytes.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli, type CliServer } from "../helpers/cli-server.js";
import { leakForms, scanForLeaks } from "../helpers/leak-scan.js";
import { clientOptions, credential, restError } from "../helpers/sdk.js";

const work = mkdtempSync(join(tmpdir(), "wasm-hsm-e2e-secrets-"));
const domainFile = join(work, "domain.json");
const dataDir = join(work, "data");

let a: CliServer; // durable, shares the domain file
let b: CliServer; // shares a's security domain
let other: CliServer; // its own domain
/** Every response body the clients received, with the request that produced it. */
const responses: { request: string; body: string }[] = [];

const recorder: PipelinePolicy = {
  name: "record-responses",
  async sendRequest(request, next) {
    const response = await next(request);
    responses.push({ request: `${request.method} ${request.url}`, body: response.bodyAsText ?? "" });
    return response;
  },
};

const client = (s: CliServer) =>
  new SecretClient(s.url, credential, {
    ...clientOptions({ url: s.url, cert: s.cert }),
    additionalPolicies: [{ policy: recorder, position: "perCall" }],
  });

beforeAll(async () => {
  // `a` makes the shared domain file first; `b` then opens it (two servers that create one file at the
  // same moment are refused: see DomainFile.save).
  a = await startCli(["--security-domain", domainFile, "--data-dir", dataDir, "--log-level", "debug"]);
  [b, other] = await Promise.all([startCli(["--security-domain", domainFile]), startCli([])]);
});
afterAll(async () => {
  await Promise.all([a, b, other].filter(Boolean).map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

let seq = 0;
const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${seq++}`;
/** Values that must never be seen anywhere but in the answers to set and get. */
const values: { label: string; bytes: Uint8Array }[] = [];
const value = (label: string) => {
  const v = `${label}-${randomBytes(18).toString("base64url")}`;
  values.push({ label, bytes: new TextEncoder().encode(v) });
  return v;
};

describe("SecretClient against wasm-hsm serve", () => {
  it("set, get, get by version, update properties (empty version = current), and the value is kept", async () => {
    const sc = client(a);
    const name = uniq("crud");
    const v1 = value("crud-1");
    const first = await sc.setSecret(name, v1, { contentType: "text/plain", tags: { env: "test" } });
    expect(first.value).toBe(v1);
    expect(first.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(first.properties.contentType).toBe("text/plain");
    expect(first.properties.tags).toEqual({ env: "test" });
    expect(first.properties.enabled).toBe(true);
    expect(first.properties.recoveryLevel).toBe("Recoverable+Purgeable");
    const v2 = value("crud-2");
    const second = await sc.setSecret(name, v2);
    expect((await sc.getSecret(name)).value).toBe(v2);
    expect((await sc.getSecret(name, { version: first.properties.version! })).value).toBe(v1);
    const expiresOn = new Date(Math.floor(Date.now() / 1000 + 86_400) * 1000);
    const updated = await sc.updateSecretProperties(name, "", { expiresOn, tags: { env: "prod" } });
    expect(updated.version).toBe(second.properties.version);
    expect(updated.expiresOn).toEqual(expiresOn);
    expect(updated.tags).toEqual({ env: "prod" });
    const read = await sc.getSecret(name);
    expect(read.value).toBe(v2);
    expect(read.properties.tags).toEqual({ env: "prod" });
  });

  it("lists secrets page by page with maxPageSize 1, and lists versions", async () => {
    const sc = client(a);
    const prefix = uniq("page");
    const names = [0, 1, 2].map((i) => `${prefix}-${i}`);
    for (const n of names) await sc.setSecret(n, value(n));
    await sc.setSecret(names[1]!, value(`${names[1]}-again`));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of sc.listPropertiesOfSecrets().byPage({ maxPageSize: 1 })) {
      pages++;
      expect(page.length).toBeLessThanOrEqual(1);
      for (const p of page) seen.push(p.name);
    }
    expect(seen.filter((n) => n.startsWith(prefix))).toEqual(names);
    expect(pages).toBeGreaterThanOrEqual(names.length);
    const versions: string[] = [];
    for await (const p of sc.listPropertiesOfSecretVersions(names[1]!)) versions.push(p.version!);
    expect(versions).toHaveLength(2);
    expect(new Set(versions).size).toBe(2);
  });

  it("the delete poller, 409 on reuse, get deleted, the recover poller, then delete and purge", async () => {
    const sc = client(a);
    const name = uniq("del");
    const v = value("del");
    await sc.setSecret(name, v);
    const deleted = await (await sc.beginDeleteSecret(name, { intervalInMs: 10 })).pollUntilDone();
    expect(deleted.recoveryId).toBe(`${a.url}/deletedsecrets/${name}`);
    expect(deleted.scheduledPurgeDate!.getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    const reuse = await restError(sc.setSecret(name, "x"));
    expect(reuse).toMatchObject({ statusCode: 409, code: "Conflict" });
    expect((await sc.getDeletedSecret(name)).properties.recoveryId).toBe(deleted.recoveryId);
    const listed: string[] = [];
    for await (const d of sc.listDeletedSecrets()) listed.push(d.name);
    expect(listed).toContain(name);
    await (await sc.beginRecoverDeletedSecret(name, { intervalInMs: 10 })).pollUntilDone();
    expect((await sc.getSecret(name)).value).toBe(v);
    await (await sc.beginDeleteSecret(name, { intervalInMs: 10 })).pollUntilDone();
    await sc.purgeDeletedSecret(name);
    expect(await restError(sc.getDeletedSecret(name))).toMatchObject({ statusCode: 404, code: "SecretNotFound" });
    await sc.setSecret(name, "fresh after purge");
  });

  it("backup on one server restores on another that shares the security domain, and is refused by a third", async () => {
    const name = uniq("bk");
    const v = value("bk");
    await client(a).setSecret(name, v, { contentType: "application/x-test" });
    const blob = (await client(a).backupSecret(name))!;
    const restored = await client(b).restoreSecretBackup(blob);
    expect(restored.name).toBe(name);
    const read = await client(b).getSecret(name);
    expect(read.value).toBe(v);
    expect(read.properties.contentType).toBe("application/x-test");
    expect(await restError(client(b).restoreSecretBackup(blob))).toMatchObject({ statusCode: 409, code: "Conflict" });
    // Key Vault's answer to a blob it cannot restore (the SDK tests check its message for secrets too).
    expect(await restError(client(other).restoreSecretBackup(blob))).toMatchObject({
      statusCode: 400,
      code: "Malformed backup blob",
      message: "Backup blob contains invalid or corrupt version.",
    });
    expect(await restError(client(other).getSecret(name))).toMatchObject({ statusCode: 404, code: "SecretNotFound" });
  });

  it("every error status: 404 SecretNotFound, 403 SecretDisabled, 400 for a value over 25 KB, and values at the limit", async () => {
    const sc = client(a);
    expect(await restError(sc.getSecret(uniq("missing")))).toMatchObject({ statusCode: 404, code: "SecretNotFound" });
    const name = uniq("dis");
    await sc.setSecret(name, value("dis"), { enabled: false });
    const dis = await restError(sc.getSecret(name));
    expect(dis).toMatchObject({ statusCode: 403, code: "Forbidden" });
    expect(dis.message).toMatch(/Operation get is not allowed on a disabled secret/);
    const big = await restError(sc.setSecret(uniq("big"), "x".repeat(25 * 1024 + 1)));
    expect(big).toMatchObject({ statusCode: 400, code: "BadParameter" });
    expect(big.message).toMatch(/25601 bytes.*25600 bytes/);
    for (const [label, v] of [
      ["empty", ""],
      ["unicode", "päß 🔑 ✓ ☃ \u{1F600}"],
      ["at-limit", "y".repeat(25 * 1024)],
    ] as const) {
      const n = uniq(label);
      await sc.setSecret(n, v);
      expect((await sc.getSecret(n)).value, label).toBe(v);
    }
  });
});

describe("leak scan", () => {
  it("the scanner itself finds a planted value in every form it searches", () => {
    const planted = { label: "planted", bytes: randomBytes(20) };
    for (const { form, bytes } of leakForms(planted.bytes)) {
      const hay = Buffer.concat([randomBytes(100), bytes, randomBytes(100)]);
      expect(
        scanForLeaks(hay, [planted]).map((l) => l.form),
        form,
      ).toContain(form);
    }
    expect(scanForLeaks(randomBytes(4000), [planted])).toEqual([]);
  });

  it("no value is in the durable store's files, the server logs, or any response other than set and get", async () => {
    expect(values.length).toBeGreaterThan(5);
    const files = readdirSync(dataDir).filter((f) => f.startsWith("vault.sqlite"));
    expect(files).toContain("vault.sqlite");
    for (const f of files) expect(scanForLeaks(readFileSync(join(dataDir, f)), values), f).toEqual([]);
    for (const s of [a, b, other]) expect(scanForLeaks(s.stderr(), values)).toEqual([]);
    expect(a.stderr().length).toBeGreaterThan(0); // debug logs were written and searched
    const carriers = responses.filter((r) => !/^(PUT|GET) .*\/secrets\/[^/?]+(\/[0-9a-f]*)?\?/.test(r.request));
    expect(carriers.length).toBeGreaterThan(10);
    for (const r of carriers) expect(scanForLeaks(r.body, values), r.request).toEqual([]);
  });
});

// End to end: emulator controls (issue 18) and identity (issue 17) on the real `wasm-hsm serve`:
// a named vault on its own port, the management API (time shift, export and import), seeding at start,
// simulated throttling that the SDK's retry policy recovers from, tokens that @azure/identity fetches
// (managed identity, IMDS and App Service, and client secret), --auth strict, and the audit log.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli, type CliServer } from "../helpers/cli-server.js";
import https from "node:https";
import { rawRequest, TOKEN } from "../helpers/https.js";
import { portIsFree } from "../helpers/detached.js";
import { credential } from "../helpers/sdk.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "wasm-hsm-e2e-controls-"));
const TEAM_PORT = 9341;
const IDENTITY_PORT = 9342;
const STRICT_IDENTITY_PORT = 9343;
const TENANT = "6d1e3f1a-0b7c-4c1e-9a55-7a11e5c0ffee";
const APP = { clientId: "20000000-0000-4000-8000-000000000001", objectId: "20000000-0000-4000-8000-0000000000aa", secret: "app-secret" };
const MI = { clientId: "30000000-0000-4000-8000-000000000001", objectId: "30000000-0000-4000-8000-0000000000aa" };

let main: CliServer;
let strict: CliServer;
const auditFile = join(work, "audit.jsonl");

beforeAll(async () => {
  writeFileSync(
    join(work, "seed.yaml"),
    "secrets:\n  - {name: seeded, value: from-the-seed, contentType: text/plain}\nvaults:\n  team:\n    secrets: [{name: team-seeded, value: team}]\n",
  );
  writeFileSync(join(work, "limits.json"), JSON.stringify({ windowSeconds: 2, create: 2 }));
  writeFileSync(
    join(work, "principals.yaml"),
    `principals:
  - {name: app, objectId: ${APP.objectId}, clientId: ${APP.clientId}, clientSecret: ${APP.secret}, roles: [{role: Key Vault Administrator}]}
  - {name: mi, objectId: ${MI.objectId}, clientId: ${MI.clientId}, managedIdentity: true, roles: [{role: Crypto Officer}]}
`,
  );
  [main, strict] = await Promise.all([
    startCli([
      "--vault",
      `team:${TEAM_PORT}`,
      "--seed",
      join(work, "seed.yaml"),
      "--throttle",
      join(work, "limits.json"),
      "--identity-port",
      String(IDENTITY_PORT),
      "--workers",
      "0",
    ]),
    startCli([
      "--auth",
      "strict",
      "--principals",
      join(work, "principals.yaml"),
      "--identity-port",
      String(STRICT_IDENTITY_PORT),
      "--audit-log",
      auditFile,
    ]),
  ]);
});
afterAll(async () => {
  await Promise.all([main, strict].filter(Boolean).map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

const client = (url: string, cert: string, retries = 0) =>
  new SecretClient(url, credential, {
    disableChallengeResourceVerification: true,
    tlsOptions: { ca: cert },
    retryOptions: { maxRetries: retries },
  });

describe("several vaults, seeding and the management API", () => {
  it("the seed made its objects in the default vault and the named one; each vault keeps its own", async () => {
    const sc = client(main.url, main.cert);
    expect((await sc.getSecret("seeded")).value).toBe("from-the-seed");
    const team = client(`https://127.0.0.1:${TEAM_PORT}`, main.cert);
    expect((await team.getSecret("team-seeded")).value).toBe("team");
    await expect(sc.getSecret("team-seeded")).rejects.toMatchObject({ statusCode: 404 });
    const listed = await rawRequest(main.url, main.cert, { path: "/management/vaults" });
    expect(listed.json().value.map((v: { name: string }) => v.name)).toEqual(expect.arrayContaining(["default", "team"]));
  });

  it("a vault made through the management API with port 0 gets a free port of its own, served until it is deleted", async () => {
    const made = await rawRequest(main.url, main.cert, {
      method: "PUT",
      path: "/management/vaults/later",
      body: JSON.stringify({ port: 0 }),
    });
    expect(made.status, made.text).toBe(201);
    const port = made.json().port as number;
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(new URL(main.url).port);
    const later = client(`https://127.0.0.1:${port}`, main.cert);
    const set = await later.setSecret("only-later", "v");
    expect(set.properties.id!.startsWith(`https://127.0.0.1:${port}/secrets/only-later/`)).toBe(true);
    await expect(client(main.url, main.cert).getSecret("only-later")).rejects.toMatchObject({ statusCode: 404 });
    const listed = (await rawRequest(main.url, main.cert, { path: "/management/vaults/later" })).json();
    expect(listed.port).toBe(port);
    const bad = await rawRequest(main.url, main.cert, {
      method: "PUT",
      path: "/management/vaults/bad",
      body: JSON.stringify({ port: 70000 }),
    });
    expect([bad.status, bad.json().error.message]).toEqual([400, "port must be a whole number from 0 (a free port) to 65535."]);
    const taken = await rawRequest(main.url, main.cert, {
      method: "PUT",
      path: "/management/vaults/taken",
      body: JSON.stringify({ port }),
    });
    expect([taken.status, taken.json().error.code]).toEqual([409, "Conflict"]);
    expect((await rawRequest(main.url, main.cert, { method: "DELETE", path: "/management/vaults/later" })).status).toBe(204);
    // The port is free again (a client's kept-alive socket sees a reset, a new one is refused).
    expect(await portIsFree(port)).toBe(true);
    await expect(later.getSecret("only-later")).rejects.toMatchObject({ code: expect.stringMatching(/^(ECONNREFUSED|ECONNRESET)$/) });
  });

  it("a time shift purges what is due at once", async () => {
    const team = client(`https://127.0.0.1:${TEAM_PORT}`, main.cert);
    await team.setSecret("short-lived", "v");
    await (await team.beginDeleteSecret("short-lived", { intervalInMs: 10 })).pollUntilDone();
    const shifted = await rawRequest(main.url, main.cert, {
      method: "POST",
      path: "/management/time",
      body: JSON.stringify({ seconds: 91 * 86_400, vault: "team" }),
    });
    expect(shifted.status).toBe(200);
    expect(shifted.json().vaults).toContainEqual({ name: "team", offsetSeconds: 91 * 86_400 });
    await expect(team.getDeletedSecret("short-lived")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("exports the default vault and imports it as a new vault with its domain", async () => {
    const exported = await rawRequest(main.url, main.cert, { method: "POST", path: "/management/vaults/default/export" });
    expect(exported.status).toBe(200);
    const imported = await rawRequest(main.url, main.cert, { method: "POST", path: "/management/vaults/copy/import", body: exported.text });
    expect(imported.status, imported.text).toBe(200);
    // The vault named by Host: copy.localhost (the certificate names localhost, so TLS is told that name).
    const got = await new Promise<{ value: string }>((resolve, reject) => {
      const u = new URL(main.url);
      https
        .get(
          {
            host: u.hostname,
            port: u.port,
            path: "/secrets/seeded?api-version=7.6",
            ca: main.cert,
            servername: "localhost",
            headers: { host: "copy.localhost", authorization: TOKEN },
          },
          (res) => {
            let text = "";
            res.on("data", (c) => (text += c));
            res.on("end", () => resolve(JSON.parse(text)));
          },
        )
        .on("error", reject);
    });
    expect(got.value).toBe("from-the-seed");
  });
});

describe("throttling", () => {
  it("over the limit the service answers 429 with Retry-After, and the SDK's retry policy recovers", async () => {
    const raw = async () =>
      rawRequest(main.url, main.cert, { method: "PUT", path: "/secrets/thr?api-version=7.6", body: JSON.stringify({ value: "v" }) });
    const answers = [await raw(), await raw(), await raw()];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[2]!.json().error.code).toBe("Throttled");
    expect(Number(answers[2]!.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    const patient = client(main.url, main.cert, 3);
    const set = await patient.setSecret("thr-sdk", "after a wait");
    expect(set.value).toBe("after a wait");
  });
});

describe("identity: tokens that @azure/identity fetches, --auth strict, and the audit log", () => {
  const child = async (kind: string, env: Record<string, string>, args: string[] = []) => {
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, "identity/credential.mjs"), kind, strict.url, ...args], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: strict.certFile, ...env },
      timeout: 60_000,
    });
    return JSON.parse(stdout.trim().split("\n").at(-1)!);
  };

  it("ManagedIdentityCredential through IMDS gets a token for the principals file's managed identity, and KeyClient works with it in --auth strict", async () => {
    const r = await child("imds", { AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${STRICT_IDENTITY_PORT}` });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
    const claims = JSON.parse(Buffer.from(r.token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ oid: MI.objectId, appid: MI.clientId, aud: "https://vault.azure.net", tid: TENANT });
    expect(r.kid).toMatch(/\/keys\/made-with-imds\/[0-9a-f]{32}$/);
  });

  it("ManagedIdentityCredential through App Service's IDENTITY_ENDPOINT and IDENTITY_HEADER", async () => {
    const r = await child("app-service", {
      IDENTITY_ENDPOINT: `http://127.0.0.1:${STRICT_IDENTITY_PORT}/msi/token`,
      IDENTITY_HEADER: "wasm-hsm-identity-header",
    });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  });

  it("ClientSecretCredential with the emulator as authority", async () => {
    const r = await child("client-secret", {}, [TENANT, APP.clientId, APP.secret, strict.url]);
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
    expect(JSON.parse(Buffer.from(r.token.split(".")[1], "base64url").toString())).toMatchObject({ oid: APP.objectId });
  });

  it("a foreign token gets 401 with the challenge; the audit log has the operations and identities, and is 0600", async () => {
    const refused = await rawRequest(strict.url, strict.cert, { path: "/keys?api-version=7.6" });
    expect(refused.status).toBe(401);
    expect(refused.headers["www-authenticate"]).toMatch(/^Bearer authorization=/);
    const lines = readFileSync(auditFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const ops = lines.map((l) => l.operationName);
    expect(ops).toContain("KeyCreate");
    expect(ops).toContain("Authentication");
    const creates = lines.filter((l) => l.operationName === "KeyCreate" && l.resultType === "Success");
    expect(creates.map((l) => l.identity.claim["http://schemas.microsoft.com/identity/claims/objectidentifier"])).toEqual(
      expect.arrayContaining([MI.objectId, APP.objectId]),
    );
    // The caller's address is the socket's (loopback here); it was empty before the transport passed it on.
    expect(new Set(lines.map((l) => l.callerIpAddress))).toEqual(new Set(["127.0.0.1"]));
    expect(statSync(auditFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(auditFile, "utf8")).not.toContain(APP.secret);
  });
});

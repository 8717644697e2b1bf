// Leak scan (issue 15), against the real server (`wasm-hsm serve --data-dir`, logging at trace level): keys
// imported as JWKs of every kty and through BYOK, secrets set, then every route called, failing calls
// included. The logs, the store's files (database and WAL) and every response and error are searched for
// the imported keys' private bytes and for the secret values (raw, base64, base64url, hex in either case,
// and 16-byte windows of longer secrets, so that a partial leak is caught too). Secret values may appear
// only in the answers to set and get of their own secret. A canary planted through a tag and a URL is
// found in each place searched, so that a scan that cannot see is caught too.
import * as nc from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliServer, startCli } from "../helpers/cli-server.js";
import { type KvAnswer, kvHttp } from "../helpers/kv-http.js";
import { leakForms } from "../helpers/leak-scan.js";
import { ecKey, octKey, rsaKey } from "../src/jwk/keys.js";
import { nodePublicKey } from "../src/vault/node-check.js";
import { keyHsm, pkcs8, transferBlob } from "../src/vault/transfer.js";

const work = mkdtempSync(join(tmpdir(), "wasm-hsm-leak-"));
const dataDir = join(work, "data");
let server: CliServer;

interface Secret {
  label: string;
  bytes: Buffer;
  /** Responses to these requests may carry it (a secret's own set and get). */
  allowedIn?: RegExp;
}
const secrets: Secret[] = [];
const answers: { request: string; text: string }[] = [];
const canary = nc.randomBytes(24);

function addJwk(label: string, jwk: Record<string, unknown>): void {
  for (const m of ["d", "p", "q", "dp", "dq", "qi", "k"]) {
    if (typeof jwk[m] === "string") secrets.push({ label: `${label}.${m}`, bytes: Buffer.from(jwk[m] as string, "base64url") });
  }
}

/** Every form of a secret, and of its 16-byte windows at a stride of 8 (any contiguous leak of 24 bytes or more holds one). */
function needles(s: Secret): { form: string; bytes: Buffer }[] {
  const out = leakForms(s.bytes).map((x) => ({ form: x.form, bytes: x.bytes }));
  if (s.bytes.length > 24) {
    for (let i = 0; i + 16 <= s.bytes.length; i += 8) {
      const w = s.bytes.subarray(i, i + 16);
      out.push({ form: `raw window ${i}`, bytes: Buffer.from(w) }, { form: `hex window ${i}`, bytes: Buffer.from(w.toString("hex")) });
    }
  }
  return out;
}

function scan(where: string, hay: Buffer | string, list: Secret[] = secrets, request = ""): string[] {
  const buf = typeof hay === "string" ? Buffer.from(hay, "utf8") : hay;
  const lower = Buffer.from(buf.toString("latin1").toLowerCase(), "latin1");
  const found: string[] = [];
  for (const s of list) {
    if (s.allowedIn?.test(request)) continue;
    for (const n of needles(s)) {
      const inHay =
        n.form.startsWith("hex") || n.form === "HEX"
          ? lower.includes(Buffer.from(n.bytes.toString("latin1").toLowerCase(), "latin1"))
          : buf.includes(n.bytes);
      if (inHay) found.push(`${where}: ${s.label} as ${n.form}`);
    }
  }
  return found;
}

beforeAll(async () => {
  server = await startCli(["--data-dir", dataDir, "--log-level", "trace"], { env: { WASM_HSM_DOMAIN_SECRET: "leak scan" } });
  const http = kvHttp(server.url, server.cert, { onAnswer: (request, a: KvAnswer) => answers.push({ request, text: a.text }) });
  const call = http.call;
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await call(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  const b64 = (n: number) => nc.randomBytes(n).toString("base64url");

  // Keys of every kty, imported as JWKs.
  const rsa = rsaKey(2048);
  const ecs = (["P-256", "P-256K", "P-384", "P-521"] as const).map((crv) => ecKey(crv));
  const octs = [128, 192, 256].map((bits) => octKey(bits));
  addJwk("rsa", rsa.jwk as never);
  ecs.forEach((k, i) => addJwk(`ec${i}`, k.jwk as never));
  octs.forEach((k, i) => addJwk(`oct${i}`, k.jwk as never));
  await ok("PUT", "/keys/rsa", { key: { ...rsa.jwk, kty: "RSA-HSM" }, tags: { planted: canary.toString("hex") } });
  for (const [i, k] of ecs.entries()) await ok("PUT", `/keys/ec${i}`, { key: k.jwk, Hsm: i % 2 === 0 });
  for (const [i, k] of octs.entries()) await ok("PUT", `/keys/oct${i}`, { key: k.jwk });

  // BYOK: RSA, EC and oct targets under a KEK made in the vault.
  const kek = await ok("POST", "/keys/kek/create", { kty: "RSA-HSM", key_size: 2048, key_ops: ["import"] });
  const kekPublic = nodePublicKey(kek.key);
  const byokRsa = rsaKey(2048);
  const byokEc = ecKey("P-384");
  const byokOct = octKey(256);
  addJwk("byokRsa", byokRsa.jwk as never);
  addJwk("byokEc", byokEc.jwk as never);
  addJwk("byokOct", byokOct.jwk as never);
  const blob = (target: Uint8Array) => keyHsm(transferBlob({ kid: kek.key.kid, kekPublic, target }));
  await ok("PUT", "/keys/byok-rsa", { key: { kty: "RSA-HSM", key_hsm: blob(pkcs8(byokRsa.privateKey)) } });
  await ok("PUT", "/keys/byok-ec", { key: { kty: "EC-HSM", crv: "P-384", key_hsm: blob(pkcs8(byokEc.privateKey)) } });
  await ok("PUT", "/keys/byok-oct", { key: { kty: "oct-HSM", key_hsm: blob(byokOct.k) } });

  // Secrets.
  for (let i = 0; i < 3; i++) {
    const value = `secret-value-${i}-${nc.randomBytes(18).toString("base64url")}`;
    secrets.push({ label: `secret${i}`, bytes: Buffer.from(value), allowedIn: new RegExp(`^(PUT|GET) /secrets/sec${i}(/[0-9a-f]{32})?$`) });
    await ok("PUT", `/secrets/sec${i}`, { value, contentType: "text/plain", tags: { n: String(i) } });
  }

  // Every route of every key.
  const names = ["rsa", "ec0", "ec1", "ec2", "ec3", "oct0", "oct1", "oct2", "kek", "byok-rsa", "byok-ec", "byok-oct"];
  for (const n of names) {
    await ok("GET", `/keys/${n}`);
    await ok("GET", `/keys/${n}/versions`);
    await ok("GET", `/keys/${n}/rotationpolicy`);
    await ok("POST", `/keys/${n}/backup`);
    await ok("PATCH", `/keys/${n}`, { tags: { touched: "yes" } });
  }
  await ok("GET", "/keys?maxresults=3");
  await ok("POST", "/rng", { count: 64 });
  for (const n of ["rsa", "byok-rsa"]) {
    for (const alg of ["RS256", "PS256"]) {
      const value = b64(32);
      const sig = await ok("POST", `/keys/${n}/sign`, { alg, value });
      await ok("POST", `/keys/${n}/verify`, { alg, digest: value, value: sig.value });
    }
    for (const alg of ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"]) {
      const ct = await ok("POST", `/keys/${n}/encrypt`, { alg, value: b64(32) });
      await ok("POST", `/keys/${n}/decrypt`, { alg, value: ct.value });
      const w = await ok("POST", `/keys/${n}/wrapkey`, { alg, value: b64(32) });
      await ok("POST", `/keys/${n}/unwrapkey`, { alg, value: w.value });
    }
  }
  for (const [n, alg, len] of [
    ["ec0", "ES256", 32],
    ["ec1", "ES256K", 32],
    ["ec2", "ES384", 48],
    ["ec3", "ES512", 64],
    ["byok-ec", "ES384", 48],
  ] as const) {
    const value = b64(len);
    const sig = await ok("POST", `/keys/${n}/sign`, { alg, value });
    await ok("POST", `/keys/${n}/verify`, { alg, digest: value, value: sig.value });
  }
  for (const [n, bits] of [
    ["oct0", 128],
    ["oct1", 192],
    ["oct2", 256],
    ["byok-oct", 256],
  ] as const) {
    for (const mode of ["GCM", "CBC", "CBCPAD"]) {
      const ct = await ok("POST", `/keys/${n}/encrypt`, {
        alg: `A${bits}${mode}`,
        value: b64(48),
        ...(mode === "GCM" ? {} : { iv: b64(16) }),
      });
      await ok("POST", `/keys/${n}/decrypt`, { alg: `A${bits}${mode}`, value: ct.value, iv: ct.iv, tag: ct.tag });
    }
    const w = await ok("POST", `/keys/${n}/wrapkey`, { alg: `A${bits}KW`, value: b64(32) });
    await ok("POST", `/keys/${n}/unwrapkey`, { alg: `A${bits}KW`, value: w.value });
  }
  await ok("PUT", "/keys/oct0/rotationpolicy", { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }] });
  await ok("POST", "/keys/oct1/rotate");
  await ok("POST", "/keys/ec2/rotate");
  for (const i of [0, 1, 2]) {
    await ok("GET", `/secrets/sec${i}`);
    await ok("GET", `/secrets/sec${i}/versions`);
    await ok("PATCH", `/secrets/sec${i}`, { contentType: "application/x-leak-test" });
    await ok("POST", `/secrets/sec${i}/backup`);
  }
  await ok("GET", "/secrets");

  // Delete, recover, purge, restore, for keys and secrets.
  const keyBackup = await ok("POST", "/keys/oct2/backup");
  await ok("DELETE", "/keys/oct2");
  await ok("GET", "/deletedkeys/oct2");
  await ok("GET", "/deletedkeys");
  await ok("POST", "/deletedkeys/oct2/recover");
  await ok("DELETE", "/keys/oct2");
  await ok("DELETE", "/deletedkeys/oct2");
  await ok("POST", "/keys/restore", keyBackup);
  const secretBackup = await ok("POST", "/secrets/sec2/backup");
  await ok("DELETE", "/secrets/sec2");
  await ok("GET", "/deletedsecrets/sec2");
  await ok("GET", "/deletedsecrets");
  await ok("DELETE", "/deletedsecrets/sec2");
  await ok("POST", "/secrets/restore", secretBackup);

  // Failing calls: their errors (and the log lines about them) are searched too.
  const other = rsaKey(2048);
  for (const [path, body] of [
    ["/keys/bad1", { key: { ...rsa.jwk, dp: rsa.jwk.dq } }],
    ["/keys/bad2", { key: { ...rsa.jwk, d: other.jwk.d } }],
    ["/keys/bad3", { key: { ...ecs[0]!.jwk, d: ecs[2]!.jwk.d } }],
    ["/keys/bad4", { key: { kty: "oct", k: octs[2]!.jwk.k!.slice(0, 11) } }],
    ["/keys/bad5", { key: { ...rsa.jwk, p: other.jwk.p } }],
    ["/keys/bad6", { key: { kty: "RSA-HSM", key_hsm: blob(pkcs8(byokEc.privateKey)) } }],
  ] as const) {
    expect((await call("PUT", path, body)).status).toBe(400);
  }
  expect((await call("POST", "/keys/rsa/decrypt", { alg: "RSA-OAEP", value: b64(256) })).status).toBe(400);
  expect((await call("POST", "/keys/oct2/unwrapkey", { alg: "A256KW", value: b64(40) })).status).toBe(400);
  expect((await call("POST", "/keys/restore", { value: b64(300) })).status).toBe(400);
  // The canary, in a URL: the logs record the path.
  expect((await call("GET", `/keys/x${canary.toString("base64url").replace(/_/g, "-")}`)).status).toBeGreaterThanOrEqual(400);
  http.close();
  const stopped = await server.stop("SIGTERM");
  expect(stopped.code).toBe(0);
}, 180_000);

afterAll(async () => {
  // Stopped already when the set-up ran to its end; not when it failed half-way.
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const storeFiles = () =>
  readdirSync(dataDir)
    .filter((f) => f.startsWith("vault.sqlite"))
    .map((f) => join(dataDir, f))
    .filter(existsSync);

describe("leak scan of the server", () => {
  it("covers keys of every kty, BYOK targets and secrets, and saw many answers", () => {
    expect(secrets.filter((s) => s.label.startsWith("secret"))).toHaveLength(3);
    expect(secrets.length).toBe(6 + 4 + 3 + 6 + 1 + 1 + 3);
    expect(answers.length).toBeGreaterThan(150);
  });

  it("the canary planted through a tag and a URL is found in the responses, the store and the logs: the scan sees", () => {
    const planted = [{ label: "canary", bytes: canary }];
    expect(answers.flatMap((a) => scan(a.request, a.text, planted)).length).toBeGreaterThan(0);
    expect(storeFiles().flatMap((f) => scan(f, readFileSync(f), planted)).length).toBeGreaterThan(0);
    expect(
      scan("logs", server.stderr(), [{ label: "canary", bytes: Buffer.from(canary.toString("base64url").replace(/_/g, "-"), "ascii") }])
        .length,
    ).toBeGreaterThan(0);
  });

  it("no response or error carries a private key byte, and secret values only in their own set and get", () => {
    expect(answers.flatMap((a) => scan(a.request, a.text, secrets, a.request))).toEqual([]);
    // The allowance is needed: the secrets' own answers do carry them (so the scan would see a leak elsewhere).
    expect(
      answers
        .filter((a) => /^(PUT|GET) \/secrets\/sec0$/.test(a.request))
        .flatMap((a) =>
          scan(
            a.request,
            a.text,
            secrets.filter((s) => s.label === "secret0"),
          ),
        ).length,
    ).toBeGreaterThan(0);
  });

  it("the store's files (database and WAL) hold neither", () => {
    expect(storeFiles().length).toBeGreaterThan(0);
    expect(storeFiles().flatMap((f) => scan(f, readFileSync(f)))).toEqual([]);
  });

  it("the logs, at trace level, hold neither", () => {
    expect(server.stderr().split("\n").length).toBeGreaterThan(100);
    expect(scan("logs", server.stderr())).toEqual([]);
  });
});

// Issue 10 end to end: the real `wasm-hsm serve` (with --delete-delay-ms and --attestation-jwks)
// driven by the real @azure/keyvault-keys KeyClient and by a raw HTTPS client:
//  - exportable RSA-HSM, EC-HSM and oct-HSM keys released with a token from the built-in attestation
//    service, unwrapped with node:crypto and checked against the vault (sign with the released key,
//    verify through the vault); a non-matching claim and a non-exportable key are refused;
//  - every api-version the SDKs send, through a raw client; case-insensitive names;
//  - the service's answers the SDK team's tests check (empty versions list, corrupt backup message);
//  - a key of 2,000 versions backs up and restores through the SDK;
//  - the delete delay, with the SDK's pollers (and a poller resumed from a stopped one).
import { createHash, generateKeyPairSync, sign as nodeSign, createSign, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeyClient } from "@azure/keyvault-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli, type CliServer } from "../helpers/cli-server.js";
import { rawRequest } from "../helpers/https.js";
import { pkcs8Key, unwrapRelease } from "../helpers/release.js";
import { cryptoClient, keyClient, restError } from "../helpers/sdk.js";

const DELAY_MS = 300;
const work = mkdtempSync(join(tmpdir(), "wasm-hsm-kv-"));
const outside = generateKeyPairSync("rsa", { modulusLength: 2048 }); // an attestation signer trusted by file
const jwksFile = join(work, "attestation.jwks.json");
writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...outside.publicKey.export({ format: "jwk" }), kid: "outside", use: "sig" }] }));

let s: CliServer;
let kc: KeyClient;
let attestationUri: string;
let target: { key: KeyObject; jwk: object };
beforeAll(async () => {
  s = await startCli(["--delete-delay-ms", String(DELAY_MS), "--attestation-jwks", jwksFile]);
  kc = keyClient(s);
  attestationUri = `${s.url}/_attestation`;
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  target = { key: pair.privateKey, jwk: { ...pair.publicKey.export({ format: "jwk" }), kid: "my-target", use: "enc" } };
});
afterAll(async () => {
  await s?.stop();
  rmSync(work, { recursive: true, force: true });
});

let seq = 0;
const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${seq++}`;
const raw = (r: Parameters<typeof rawRequest>[2]) => rawRequest(s.url, s.cert, r);
const b64u = (b: Uint8Array | string) => Buffer.from(b).toString("base64url");

/** The JS SDK's tests' policy ("equals" the string "true" for a boolean claim), for our attestation service. */
const policyFor = (authority: string, equals: unknown = "true") => ({
  encodedPolicy: new TextEncoder().encode(
    JSON.stringify({ anyOf: [{ allOf: [{ claim: "sdk-test", equals }], authority }], version: "1.0.0" }),
  ),
});

/** A token from the built-in service with our own target key (POST), or its default claims (GET, as the SDK tests do). */
async function token(claims?: object): Promise<string> {
  const res =
    claims === undefined
      ? await raw({ path: "/_attestation/generate-test-token", headers: { authorization: "" } })
      : await raw({
          method: "POST",
          path: "/_attestation/generate-test-token",
          headers: { authorization: "" },
          body: JSON.stringify(claims),
        });
  expect(res.status, res.text).toBe(200);
  return res.json().token;
}
const ourToken = (extra: object = {}) => token({ "x-ms-runtime": { keys: [target.jwk] }, ...extra });

function releasedMaterial(value: string): Buffer {
  const payload = JSON.parse(Buffer.from(value.split(".")[1]!, "base64url").toString());
  const keyHsm = JSON.parse(Buffer.from(payload.response.key.key.key_hsm, "base64url").toString());
  return unwrapRelease(Buffer.from(keyHsm.ciphertext, "base64url"), target.key, keyHsm.header.enc);
}

describe("secure key release through the SDK", () => {
  it("the attestation service publishes its OpenID metadata and JWKS", async () => {
    const meta = await raw({ path: "/_attestation/.well-known/openid-configuration", headers: { authorization: "" } });
    expect(meta.json().jwks_uri).toBe(`${attestationUri}/keys`);
    const jwks = await raw({ path: "/_attestation/keys", headers: { authorization: "" } });
    expect(jwks.json().keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
  });

  it.each([
    ["RSA-HSM", (n: string, o: object) => kc.createRsaKey(n, { hsm: true, ...o })],
    ["EC-HSM", (n: string, o: object) => kc.createEcKey(n, { hsm: true, curve: "P-256", ...o })],
    ["oct-HSM", (n: string, o: object) => kc.createOctKey(n, { hsm: true, ...o })],
  ] as const)("%s: exportable with a policy, released, unwrapped with node:crypto, and the same key as the vault's", async (kty, make) => {
    const name = uniq("rel");
    const key = await make(name, { exportable: true, releasePolicy: policyFor(attestationUri) });
    expect(key.keyType).toBe(kty);
    expect(key.properties.exportable).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(key.properties.releasePolicy!.encodedPolicy)).version).toBe("1.0.0");

    // As the SDK team's tests do it: a token with the default claims; only the value is checked.
    expect((await kc.releaseKey(name, await token())).value).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const released = await kc.releaseKey(name, await ourToken(), { algorithm: "RSA_AES_KEY_WRAP_256", nonce: "abc" });
    const material = releasedMaterial(released.value);
    if (kty === "oct-HSM") {
      const cek = Buffer.alloc(32, 5);
      const wrapped = await cryptoClient(s, key).wrapKey("A256KW", cek);
      const { createDecipheriv } = await import("node:crypto");
      const d = createDecipheriv("id-aes256-wrap", material, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
      expect(Buffer.concat([d.update(wrapped.result), d.final()])).toEqual(cek);
      return;
    }
    const privateKey = pkcs8Key(material);
    const data = Buffer.from(`signed with the released ${kty} key`);
    const alg = kty === "RSA-HSM" ? "RS256" : "ES256";
    const signature = nodeSign("sha256", data, { key: privateKey, ...(kty === "EC-HSM" ? { dsaEncoding: "ieee-p1363" as const } : {}) });
    const digest = createHash("sha256").update(data).digest();
    expect((await cryptoClient(s, key).verify(alg, digest, signature)).result).toBe(true);
  });

  it("a token whose claim does not match the policy is refused with 403", async () => {
    const name = uniq("nomatch");
    await kc.createEcKey(name, { hsm: true, exportable: true, releasePolicy: policyFor(attestationUri) });
    const e = await restError(kc.releaseKey(name, await ourToken({ "sdk-test": false })));
    expect(e.statusCode).toBe(403);
    expect(e.code).toBe("Forbidden");
    expect(e.message).toMatch(/does not satisfy the key's release policy/);
  });

  it("a non-exportable key is refused", async () => {
    const name = uniq("plain");
    await kc.createEcKey(name, { hsm: true });
    const e = await restError(kc.releaseKey(name, await ourToken()));
    expect(e.statusCode).toBe(403);
    expect(e.message).toBe("Operation release is not permitted on this key: it was not created exportable.");
  });

  it("a token of a signer from --attestation-jwks releases; the SDK tests' rules for exportable keys hold", async () => {
    const iss = "https://attest.outside/";
    const name = uniq("outside");
    await kc.createRsaKey(name, { hsm: true, exportable: true, releasePolicy: policyFor(iss, true) });
    const now = Math.floor(Date.now() / 1000);
    const header = b64u(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "outside" }));
    const body = b64u(JSON.stringify({ iss, iat: now, exp: now + 300, "sdk-test": true, "x-ms-runtime": { keys: [target.jwk] } }));
    const jwt = `${header}.${body}.${b64u(createSign("RSA-SHA256").update(`${header}.${body}`).sign(outside.privateKey))}`;
    expect(pkcs8Key(releasedMaterial((await kc.releaseKey(name, jwt)).value)).asymmetricKeyType).toBe("rsa");

    // keyClient.spec.ts: exportable without a policy, and a policy without exportable, name "exportable".
    expect((await restError(kc.createRsaKey(uniq("x"), { hsm: true, exportable: true }))).message).toMatch(/exportable/i);
    expect((await restError(kc.createRsaKey(uniq("x"), { hsm: true, releasePolicy: policyFor(iss) }))).message).toMatch(/exportable/i);
    // An immutable policy cannot be updated (the SDK test matches /Immutable Key Release/).
    const imm = uniq("imm");
    await kc.createRsaKey(imm, { hsm: true, exportable: true, releasePolicy: { ...policyFor(iss), immutable: true } });
    const e = await restError(kc.updateKeyProperties(imm, { releasePolicy: policyFor(iss, "false") }));
    expect(e.message).toMatch(/Immutable Key Release/);
  });
});

describe("api-versions and names through a raw client", () => {
  const VERSIONS = [
    "2016-10-01",
    "7.0",
    "7.1",
    "7.2",
    "7.3-preview",
    "7.3",
    "7.4-preview.1",
    "7.4",
    "7.5-preview.1",
    "7.5",
    "7.6-preview.1",
    "7.6-preview.2",
    "7.6",
    "2025-07-01",
  ];

  it.each(VERSIONS)("api-version %s: create, get, list versions, sign", async (v) => {
    const name = uniq("Ver");
    const made = await raw({ method: "POST", path: `/keys/${name}/create?api-version=${v}`, body: '{"kty":"EC","crv":"P-256"}' });
    expect(made.status, made.text).toBe(200);
    const attrs = made.json().attributes;
    expect("recoverableDays" in attrs).toBe(!["2016-10-01", "7.0"].includes(v));
    expect("exportable" in attrs).toBe(!["2016-10-01", "7.0", "7.1", "7.2"].includes(v));
    const got = await raw({ path: `/keys/${name.toLowerCase()}?api-version=${v}` });
    expect(got.status).toBe(200);
    expect(got.json().key.kid).toBe(made.json().key.kid); // the name's casing is kept
    const versions = await raw({ path: `/keys/${name.toUpperCase()}/versions?api-version=${v}` });
    expect(versions.json().value).toHaveLength(1);
    const signed = await raw({
      method: "POST",
      path: `/keys/${name}//sign?api-version=${v}`,
      body: JSON.stringify({ alg: "ES256", value: b64u(createHash("sha256").update("x").digest()) }),
    });
    expect(signed.status, signed.text).toBe(200);
  });

  it("an unknown api-version stays a 400", async () => {
    for (const v of ["7.7", "2024-01-01", "7.4-preview"]) {
      const res = await raw({ path: `/keys?api-version=${v}` });
      expect(res.status).toBe(400);
      expect(res.json().error.message).toMatch(/^The specified version \(.*\) is not recognized/);
    }
  });

  it("a Key Vault route used with the wrong method is its 405, not a version lookup", async () => {
    const res = await raw({ path: "/keys/k1/sign?api-version=7.6" });
    expect(res.status).toBe(405);
    expect(res.json().error.message).toBe("The requested resource does not support http method 'GET'. Allowed: POST.");
  });
});

describe("the service's answers that the SDK team's tests check", () => {
  it("the versions of a missing key are an empty list", async () => {
    const versions = [];
    for await (const v of kc.listPropertiesOfKeyVersions(uniq("missing"))) versions.push(v);
    expect(versions).toEqual([]);
  });

  it("a corrupt backup: 400 and the service's message", async () => {
    const e = await restError(kc.restoreKeyBackup(new Uint8Array(8693)));
    expect(e.statusCode).toBe(400);
    expect(e.message).toBe("Backup blob contains invalid or corrupt version.");
  });
});

describe("large backups", () => {
  it("a key with 2,000 versions backs up and restores through the SDK", { timeout: 300_000 }, async () => {
    const name = uniq("big");
    await kc.createEcKey(name, { curve: "P-256" });
    for (let i = 1; i < 2000; i++) await kc.rotateKey(name);
    const blob = await kc.backupKey(name);
    expect(blob!.length).toBeGreaterThan(1024 * 1024); // and its base64url body more still
    await (await kc.beginDeleteKey(name, { intervalInMs: 50 })).pollUntilDone();
    await kc.purgeDeletedKey(name);
    const restored = await kc.restoreKeyBackup(blob!);
    expect(restored.name).toBe(name);
    let n = 0;
    for await (const _ of kc.listPropertiesOfKeyVersions(name)) n++;
    expect(n).toBe(2000);
  });
});

describe(`the delete delay (${DELAY_MS} ms) with the SDK's pollers`, () => {
  it("beginDeleteKey polls until the deleted key is seen; beginRecoverDeletedKey until the key is back", async () => {
    const name = uniq("poll");
    const key = await kc.createEcKey(name);
    const start = Date.now();
    const poller = await kc.beginDeleteKey(name, { intervalInMs: 50 });
    // Right after the delete, the deleted key is not seen yet.
    expect((await raw({ path: `/deletedkeys/${name}?api-version=7.6` })).status).toBe(404);
    const deleted = await poller.pollUntilDone();
    expect(Date.now() - start).toBeGreaterThanOrEqual(DELAY_MS - 50);
    expect(deleted.properties.recoveryId).toBe(`${s.url}/deletedkeys/${name}`);
    const recovering = Date.now();
    const recovered = await (await kc.beginRecoverDeletedKey(name, { intervalInMs: 50 })).pollUntilDone();
    expect(Date.now() - recovering).toBeGreaterThanOrEqual(DELAY_MS - 50);
    expect(recovered.id).toBe(key.id);
  });

  it("a poller resumed from a stopped one finishes the deletion", async () => {
    const name = uniq("resume");
    await kc.createEcKey(name);
    const poller = await kc.beginDeleteKey(name, { intervalInMs: 50 });
    poller.stopPolling();
    expect(poller.isStopped()).toBe(true);
    const resumed = await kc.beginDeleteKey(name, { resumeFrom: poller.toString(), intervalInMs: 50 });
    const deleted = await resumed.pollUntilDone();
    expect(deleted.name).toBe(name);
    expect(resumed.getOperationState().isCompleted).toBe(true);
  });
});

// End to end: the real `wasm-hsm serve` (a child process, on a free port) driven by the real
// @azure/keyvault-keys KeyClient and CryptographyClient, with the server's certificate passed
// through the SDK's tlsOptions. Every result the server produces is checked by node:crypto, and
// node:crypto's results are given to the server (RSA encrypt and wrapKey, which the SDK does locally
// with the public key, and node-made ciphertexts).
// It runs against the wasm core, the engine `wasm-hsm serve` ships with; every family is tested, none is skipped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
  verify as nodeVerify,
  type KeyObject,
} from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CryptographyClient, KeyClient, KeyVaultKey } from "@azure/keyvault-keys";
import { ROOT, startCli, type CliServer } from "../helpers/cli-server.js";
import { rawRequest } from "../helpers/https.js";
import { cryptoClient, digest, hashOf, keyClient, nodePublicKey, restError, sdkJwk } from "../helpers/sdk.js";

const V = "7.6";
const work = mkdtempSync(join(tmpdir(), "wasm-hsm-e2e-"));
const domainFile = join(work, "domain.json");

let a: CliServer; // the main server
let b: CliServer; // shares a's security domain
let other: CliServer; // its own domain
let kc: KeyClient;

beforeAll(async () => {
  a = await startCli(["--security-domain", domainFile]);
  [b, other] = await Promise.all([startCli(["--security-domain", domainFile]), startCli([])]);
  kc = keyClient(a);
});
afterAll(async () => {
  await Promise.all([a, b, other].filter(Boolean).map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

let seq = 0;
const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${seq++}`;
const raw = (s: CliServer, r: Parameters<typeof rawRequest>[2]) => rawRequest(s.url, s.cert, r);

// ------------------------------------------------------------------------------------------ RSA

const RSA_ENC = ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"] as const;
const RSA_SIG = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] as const;

function nodeRsaEncrypt(pub: KeyObject, alg: string, data: Buffer): Buffer {
  if (alg === "RSA1_5") return publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, data);
  return publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === "RSA-OAEP" ? "sha1" : "sha256" }, data);
}

function nodeVerifies(pub: KeyObject, alg: string, data: Buffer, sig: Uint8Array): boolean {
  const hash = hashOf(alg);
  if (alg.startsWith("PS")) {
    return nodeVerify(
      hash,
      data,
      { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: createHash(hash).digest().length },
      sig,
    );
  }
  if (alg.startsWith("RS")) return nodeVerify(hash, data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, sig);
  return nodeVerify(hash, data, { key: pub, dsaEncoding: "ieee-p1363" }, sig);
}

const rsaKeys = [
  { label: "RSA 2048 (generated)", make: (name: string) => kc.createRsaKey(name, { keySize: 2048 }) },
  { label: "RSA-HSM 3072 (generated)", make: (name: string) => kc.createRsaKey(name, { keySize: 3072, hsm: true }) },
  {
    label: "RSA 4096 (imported from node:crypto)",
    make: async (name: string) => {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 4096 });
      const jwk = privateKey.export({ format: "jwk" });
      const key = await kc.importKey(name, sdkJwk(jwk));
      expect(Buffer.from(key.key!.n!).toString("base64url")).toBe(jwk.n);
      expect(Buffer.from(key.key!.e!).toString("base64url")).toBe(jwk.e);
      return key;
    },
  },
  {
    label: "RSA-HSM 2048 (imported from node:crypto, Hsm: true)",
    make: async (name: string) => {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const key = await kc.importKey(name, sdkJwk(privateKey.export({ format: "jwk" })), { hardwareProtected: true });
      expect(key.keyType).toBe("RSA-HSM");
      return key;
    },
  },
];

describe("RSA through the SDK", () => {
  for (const spec of rsaKeys) {
    describe(spec.label, () => {
      let key: KeyVaultKey;
      let cc: CryptographyClient;
      let pub: KeyObject;
      beforeAll(async () => {
        key = await spec.make(uniq("rsa"));
        cc = cryptoClient(a, key);
        pub = nodePublicKey(key.key!);
        expect(key.keyOperations?.sort()).toEqual(["decrypt", "encrypt", "sign", "unwrapKey", "verify", "wrapKey"]);
      });

      for (const alg of RSA_ENC) {
        it(`encrypt/decrypt ${alg}`, async () => {
          const pt = randomBytes(32);
          // RSA1_5 and RSA-OAEP: the SDK encrypts locally with the public key; RSA-OAEP-256 goes to the server.
          const enc = await cc.encrypt({ algorithm: alg, plaintext: pt });
          expect(Buffer.from((await cc.decrypt({ algorithm: alg, ciphertext: enc.result })).result)).toEqual(pt);
          const fromNode = nodeRsaEncrypt(pub, alg, pt);
          expect(Buffer.from((await cc.decrypt({ algorithm: alg, ciphertext: fromNode })).result)).toEqual(pt);
        });

        it(`wrapKey/unwrapKey ${alg}`, async () => {
          const cek = randomBytes(32);
          const wrapped = await cc.wrapKey(alg, cek);
          expect(Buffer.from((await cc.unwrapKey(alg, wrapped.result)).result)).toEqual(cek);
          const fromNode = nodeRsaEncrypt(pub, alg, cek);
          expect(Buffer.from((await cc.unwrapKey(alg, fromNode)).result)).toEqual(cek);
        });
      }

      it("encrypt on the server (RSA1_5, RSA-OAEP) decrypts with the same key", async () => {
        for (const alg of ["RSA1_5", "RSA-OAEP"]) {
          const pt = randomBytes(20);
          const name = key.name;
          const res = await raw(a, {
            method: "POST",
            path: `/keys/${name}//encrypt?api-version=${V}`,
            body: JSON.stringify({ alg, value: pt.toString("base64url") }),
          });
          expect(res.status, res.text).toBe(200);
          const ct = Buffer.from(res.json().value, "base64url");
          expect(ct.length).toBe(key.key!.n!.length);
          expect(Buffer.from((await cc.decrypt({ algorithm: alg as "RSA1_5", ciphertext: ct })).result)).toEqual(pt);
        }
      });

      for (const alg of RSA_SIG) {
        it(`sign/verify ${alg}`, async () => {
          const data = randomBytes(100);
          const d = digest(alg, data);
          const { result: sig } = await cc.sign(alg, d);
          expect(sig.length).toBe(key.key!.n!.length);
          expect(nodeVerifies(pub, alg, data, sig)).toBe(true);
          expect((await cc.verify(alg, d, sig)).result).toBe(true);
          const bad = Buffer.from(sig);
          bad[bad.length - 1] ^= 1;
          expect((await cc.verify(alg, d, bad)).result).toBe(false);
          // signData hashes locally and signs on the server; verifyData runs locally with the public key.
          const signed = await cc.signData(alg, data);
          expect(nodeVerifies(pub, alg, data, signed.result)).toBe(true);
          if (alg.startsWith("RS")) expect((await cc.verifyData(alg, data, signed.result)).result).toBe(true);
          // The SDK's local verifyData ignores PSS padding (it verifies PKCS#1 v1.5 only), so PS*
          // signatures are checked above by node:crypto and by the server's verify instead.
        });
      }
    });
  }
});

// ------------------------------------------------------------------------------------------- EC

const CURVES = [
  { crv: "P-256", alg: "ES256", node: "prime256v1", size: 64 },
  { crv: "P-256K", alg: "ES256K", node: "secp256k1", size: 64 },
  { crv: "P-384", alg: "ES384", node: "secp384r1", size: 96 },
  { crv: "P-521", alg: "ES512", node: "secp521r1", size: 132 },
] as const;

describe("EC through the SDK", () => {
  for (const c of CURVES) {
    for (const origin of ["generated EC", "generated EC-HSM", "imported from node:crypto"] as const) {
      it(`${c.crv} ${origin}: ${c.alg} sign, verify, verifyData`, async () => {
        const name = uniq("ec");
        let key: KeyVaultKey;
        if (origin === "imported from node:crypto") {
          const { privateKey } = generateKeyPairSync("ec", { namedCurve: c.node });
          const jwk = privateKey.export({ format: "jwk" });
          key = await kc.importKey(name, sdkJwk(jwk));
          expect(Buffer.from(key.key!.x!).toString("base64url")).toBe(jwk.x);
        } else {
          key = await kc.createEcKey(name, { curve: c.crv, hsm: origin === "generated EC-HSM" });
          expect(key.keyType).toBe(origin === "generated EC-HSM" ? "EC-HSM" : "EC");
        }
        expect(key.key!.crv).toBe(c.crv);
        expect(key.keyOperations?.sort()).toEqual(["sign", "verify"]);
        const pub = nodePublicKey(key.key!);
        const cc = cryptoClient(a, key);
        const data = randomBytes(64);
        const d = digest(c.alg, data);
        const { result: sig } = await cc.sign(c.alg, d);
        expect(sig.length).toBe(c.size);
        expect(nodeVerifies(pub, c.alg, data, sig)).toBe(true);
        expect((await cc.verify(c.alg, d, sig)).result).toBe(true);
        expect((await cc.verifyData(c.alg, data, sig)).result).toBe(true);
        const bad = Buffer.from(sig);
        bad[0] ^= 0x80;
        expect((await cc.verify(c.alg, d, bad)).result).toBe(false);
        expect(await restError(cc.encrypt({ algorithm: "RSA-OAEP", plaintext: data }))).toBeDefined();
      });
    }
  }
});

// ------------------------------------------------------------------------------------------ oct

const OCT_SIZES = [128, 192, 256] as const;

describe("oct through the SDK", () => {
  for (const bits of OCT_SIZES) {
    describe(`AES-${bits}`, () => {
      const k = randomBytes(bits / 8);
      let imported: CryptographyClient;
      let generated: CryptographyClient;
      beforeAll(async () => {
        const key = await kc.importKey(uniq("oct"), sdkJwk({ kty: "oct", k: k.toString("base64url") }), { hardwareProtected: true });
        expect(key.keyType).toBe("oct-HSM");
        expect(key.key!.k).toBeUndefined();
        imported = cryptoClient(a, key);
        // The imported key is oct-HSM, the generated one plain oct: both ktys, every size.
        const made = await kc.createOctKey(uniq("oct"), { keySize: bits, hsm: false });
        expect(made.keyType).toBe("oct");
        expect(made.keyOperations?.sort()).toEqual(["decrypt", "encrypt", "unwrapKey", "wrapKey"]);
        generated = cryptoClient(a, made);
      });

      it(`A${bits}KW wrapKey/unwrapKey (RFC 3394, checked by node:crypto)`, async () => {
        const cek = randomBytes(32);
        const alg = `A${bits}KW` as "A128KW";
        const wrapped = await imported.wrapKey(alg, cek);
        const c = createCipheriv(`id-aes${bits}-wrap`, k, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
        expect(Buffer.from(wrapped.result)).toEqual(Buffer.concat([c.update(cek), c.final()]));
        expect(Buffer.from((await imported.unwrapKey(alg, wrapped.result)).result)).toEqual(cek);
        const g = await generated.wrapKey(alg, cek);
        expect(Buffer.from((await generated.unwrapKey(alg, g.result)).result)).toEqual(cek);
      });

      it(`A${bits}GCM encrypt/decrypt with AAD (the server makes the IV)`, async () => {
        const alg = `A${bits}GCM` as "A128GCM";
        const pt = randomBytes(45);
        const aad = randomBytes(13);
        const enc = await imported.encrypt({ algorithm: alg, plaintext: pt, additionalAuthenticatedData: aad });
        expect(enc.iv?.length).toBe(12);
        expect(enc.authenticationTag?.length).toBe(16);
        const d = createDecipheriv(`aes-${bits}-gcm`, k, enc.iv!);
        d.setAAD(aad);
        d.setAuthTag(enc.authenticationTag!);
        expect(Buffer.concat([d.update(enc.result), d.final()])).toEqual(pt);
        // node's ciphertext, the server's decrypt
        const iv = randomBytes(12);
        const c = createCipheriv(`aes-${bits}-gcm`, k, iv);
        c.setAAD(aad);
        const ct = Buffer.concat([c.update(pt), c.final()]);
        const dec = await imported.decrypt({
          algorithm: alg,
          ciphertext: ct,
          iv,
          authenticationTag: c.getAuthTag(),
          additionalAuthenticatedData: aad,
        });
        expect(Buffer.from(dec.result)).toEqual(pt);
        const badTag = Buffer.from(c.getAuthTag());
        badTag[0] ^= 1;
        const err = await restError(
          imported.decrypt({ algorithm: alg, ciphertext: ct, iv, authenticationTag: badTag, additionalAuthenticatedData: aad }),
        );
        expect(err.statusCode).toBe(400);
        expect(err.code).toBe("BadParameter");
        const g = await generated.encrypt({ algorithm: alg, plaintext: pt });
        expect(
          Buffer.from(
            (await generated.decrypt({ algorithm: alg, ciphertext: g.result, iv: g.iv!, authenticationTag: g.authenticationTag! })).result,
          ),
        ).toEqual(pt);
      });

      for (const pad of [false, true]) {
        const alg = `A${bits}CBC${pad ? "PAD" : ""}` as "A128CBC";
        it(`${alg} encrypt/decrypt (checked by node:crypto)`, async () => {
          const pt = randomBytes(pad ? 37 : 48);
          const iv = randomBytes(16);
          const enc = await imported.encrypt({ algorithm: alg, plaintext: pt, iv });
          const c = createCipheriv(`aes-${bits}-cbc`, k, iv);
          c.setAutoPadding(pad);
          expect(Buffer.from(enc.result)).toEqual(Buffer.concat([c.update(pt), c.final()]));
          expect(Buffer.from((await imported.decrypt({ algorithm: alg, ciphertext: enc.result, iv })).result)).toEqual(pt);
          const g = await generated.encrypt({ algorithm: alg, plaintext: pt, iv });
          expect(Buffer.from((await generated.decrypt({ algorithm: alg, ciphertext: g.result, iv })).result)).toEqual(pt);
        });
      }
    });
  }
});

// ---------------------------------------------------------------------- key management (EC keys)

/** An EC P-256 key, and an operation that uses its private part. */
const createKey = (n: string) => kc.createEcKey(n, { curve: "P-256" });
const useKey = (cc: CryptographyClient) => cc.sign("ES256", randomBytes(32));

describe("key management through the SDK", () => {
  it("update: key_ops and enabled take effect at once", async () => {
    const name = uniq("ops");
    const key = await createKey(name);
    // A client that has the key (with its old key_ops) cached: the refusal must come from the server.
    const cc = cryptoClient(a, key);
    await useKey(cc);
    const narrowed = await kc.updateKeyProperties(name, key.properties.version!, { keyOps: ["verify"] });
    expect(narrowed.keyOperations).not.toContain("sign");
    const err = await restError(useKey(cc));
    expect(err.name).toBe("RestError");
    expect(err.statusCode).toBe(403);
    expect(err.code).toBe("Forbidden");
    await kc.updateKeyProperties(name, { keyOps: ["sign", "verify"] });
    await useKey(cc);
    await kc.updateKeyProperties(name, { enabled: false, tags: { state: "off" } });
    const disabled = await kc.getKey(name);
    expect(disabled.properties.enabled).toBe(false);
    expect(disabled.properties.tags).toEqual({ state: "off" });
    expect((await restError(useKey(cc))).statusCode).toBe(403);
    await kc.updateKeyProperties(name, { enabled: true });
    await useKey(cc);
  });

  it("lists with maxresults 1 over several pages, nextLink absolute on the request's host", async () => {
    const prefix = uniq("page");
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const n of names) await createKey(n);
    await kc.rotateKey(names[0]);
    await kc.rotateKey(names[0]);
    const pages: string[][] = [];
    for await (const page of kc.listPropertiesOfKeys().byPage({ maxPageSize: 1 })) pages.push(page.map((p) => p.name));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((p) => p.length <= 1)).toBe(true);
    expect(pages.flat()).toEqual(expect.arrayContaining(names));
    const versions: string[] = [];
    for await (const page of kc.listPropertiesOfKeyVersions(names[0]).byPage({ maxPageSize: 1 })) {
      expect(page.length).toBeLessThanOrEqual(1);
      versions.push(...page.map((p) => p.version!));
    }
    expect(new Set(versions).size).toBe(3);
    for (const host of [new URL(a.url).host, `localhost:${new URL(a.url).port}`]) {
      const res = await raw(a, { path: `/keys?api-version=${V}&maxresults=1`, headers: { host } });
      expect(res.status).toBe(200);
      const body = res.json();
      expect(body.value).toHaveLength(1);
      expect(body.nextLink.startsWith(`https://${host}/keys?`)).toBe(true);
      expect(new URL(body.nextLink).searchParams.get("$skiptoken")).toBeTruthy();
      expect(body.value[0].kid.startsWith(`https://${host}/keys/`)).toBe(true);
    }
    expect((await raw(a, { path: `/keys?api-version=${V}&maxresults=26` })).status).toBe(400);
    expect((await raw(a, { path: `/keys?api-version=${V}&maxresults=0` })).status).toBe(400);
  });

  it("delete (poller), recover (poller), delete again, purge", async () => {
    const name = uniq("del");
    await createKey(name);
    const deleted = await (await kc.beginDeleteKey(name, { intervalInMs: 50 })).pollUntilDone();
    expect(deleted.name).toBe(name);
    expect(deleted.properties.recoveryId).toContain(`/deletedkeys/${name}`);
    expect(deleted.properties.scheduledPurgeDate!.getTime()).toBeGreaterThan(Date.now() + 89 * 24 * 3600 * 1000);
    expect((await restError(kc.getKey(name))).statusCode).toBe(404);
    expect((await kc.getDeletedKey(name)).name).toBe(name);
    const conflict = await restError(createKey(name));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.code).toBe("Conflict");
    let found = false;
    for await (const page of kc.listDeletedKeys().byPage({ maxPageSize: 1 })) found ||= page.some((d) => d.name === name);
    expect(found).toBe(true);
    const recovered = await (await kc.beginRecoverDeletedKey(name, { intervalInMs: 50 })).pollUntilDone();
    expect(recovered.name).toBe(name);
    await useKey(cryptoClient(a, await kc.getKey(name)));
    await (await kc.beginDeleteKey(name, { intervalInMs: 50 })).pollUntilDone();
    await kc.purgeDeletedKey(name);
    const gone = await restError(kc.getDeletedKey(name));
    expect(gone.statusCode).toBe(404);
    expect(gone.code).toBe("KeyNotFound");
    await createKey(name); // the name is free again
  });

  it("rotate: a new current version, the old one still usable by its id; rotation policy round trip", async () => {
    const name = uniq("rot");
    const first = await createKey(name);
    const second = await kc.rotateKey(name);
    expect(second.properties.version).not.toBe(first.properties.version);
    expect(second.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect((await kc.getKey(name)).properties.version).toBe(second.properties.version);
    expect((await kc.getKey(name, { version: first.properties.version })).id).toBe(first.id);
    await useKey(cryptoClient(a, first.id!));
    const policy = await kc.updateKeyRotationPolicy(name, {
      lifetimeActions: [{ action: "Rotate", timeAfterCreate: "P30D" }],
      expiresIn: "P90D",
    });
    expect(policy.lifetimeActions?.[0]).toMatchObject({ action: "Rotate", timeAfterCreate: "P30D" });
    const read = await kc.getKeyRotationPolicy(name);
    expect(read.expiresIn).toBe("P90D");
    expect(read.lifetimeActions?.[0]).toMatchObject({ action: "Rotate", timeAfterCreate: "P30D" });
  });

  it("backup on one server, restore into a second one that shares the security domain", async () => {
    const name = uniq("bak");
    const v1 = await createKey(name);
    const v2 = await kc.rotateKey(name);
    const blob = await kc.backupKey(name);
    expect(blob).toBeInstanceOf(Uint8Array);
    const kcB = keyClient(b);
    const restored = await kcB.restoreKeyBackup(blob!);
    expect(restored.name).toBe(name);
    expect(restored.properties.version).toBe(v2.properties.version);
    expect(restored.id).toBe(`${b.url}/keys/${name}/${v2.properties.version}`);
    const versions: string[] = [];
    for await (const p of kcB.listPropertiesOfKeyVersions(name)) versions.push(p.version!);
    expect(versions.sort()).toEqual([v1.properties.version!, v2.properties.version!].sort());
    // The restored private key is the same key: what b signs, a verifies (and the other way round).
    await useKey(cryptoClient(b, restored));
    const d = randomBytes(32);
    const sig = await cryptoClient(b, restored).sign("ES256", d);
    expect((await cryptoClient(a, v2).verify("ES256", d, sig.result)).result).toBe(true);
    // Restoring over an existing name: 409. Into another security domain: refused.
    expect((await restError(kcB.restoreKeyBackup(blob!))).statusCode).toBe(409);
    const foreign = await restError(keyClient(other).restoreKeyBackup(blob!));
    // Key Vault's own answer to a blob it cannot restore (see test/src/vault/backup.test.ts).
    expect(foreign.statusCode).toBe(400);
    expect(foreign.code).toBe("Malformed backup blob");
    expect(foreign.message).toBe("Backup blob contains invalid or corrupt version.");
    const tampered = Buffer.from(blob!);
    tampered[tampered.length >> 1] ^= 1;
    expect((await restError(keyClient(other).restoreKeyBackup(tampered))).statusCode).toBe(400);
  });

  it("error statuses arrive as RestError with Key Vault's codes", async () => {
    const missing = await restError(kc.getKey(uniq("missing")));
    expect([missing.name, missing.statusCode, missing.code]).toEqual(["RestError", 404, "KeyNotFound"]);
    const badSize = await restError(kc.createRsaKey(uniq("bad"), { keySize: 1000 }));
    expect([badSize.statusCode, badSize.code]).toEqual([400, "BadParameter"]);
    const badKty = await restError(kc.createKey(uniq("bad"), "XYZ" as never));
    expect([badKty.statusCode, badKty.code]).toEqual([400, "BadParameter"]);
    const badName = await restError(kc.createKey("bad_name!", "EC"));
    expect([badName.statusCode, badName.code]).toEqual([400, "BadParameter"]);
  });

  it("getRandomBytes", async () => {
    const r1 = await kc.getRandomBytes(32);
    const r2 = await kc.getRandomBytes(32);
    expect(r1.length).toBe(32);
    expect(Buffer.from(r1).equals(Buffer.from(r2))).toBe(false);
    expect((await restError(kc.getRandomBytes(0))).statusCode).toBe(400);
  });
});

// ------------------------------------------------------------------------- raw HTTP, real vault

describe("raw HTTP the SDK cannot send, against the real vault", () => {
  it("bad JSON, a missing or unknown api-version, an oversize body, bad tokens, unknown routes, wrong methods", async () => {
    const cases: [Parameters<typeof rawRequest>[2], number, string][] = [
      [{ method: "POST", path: `/keys/x/create?api-version=${V}`, body: "{bad json" }, 400, "BadParameter"],
      [
        { method: "POST", path: `/keys/x/create?api-version=${V}`, body: '{"kty":"EC"}', headers: { "content-type": "text/plain" } },
        400,
        "BadParameter",
      ],
      [{ method: "POST", path: "/keys/x/create", body: '{"kty":"EC"}' }, 400, "BadParameter"],
      [{ path: "/keys?api-version=7.7" }, 400, "BadParameter"],
      [
        {
          method: "POST",
          path: `/keys/x/create?api-version=${V}`,
          body: JSON.stringify({ kty: "EC", tags: { t: "x".repeat(2 * 1024 * 1024) } }),
        },
        413, // our limit, not the client's fault
        "RequestEntityTooLarge",
      ],
      [{ path: `/keys?api-version=${V}`, headers: { authorization: "Bearer" } }, 401, "Unauthorized"],
      [{ path: `/keys?api-version=${V}`, headers: { authorization: "Basic YTpi" } }, 401, "Unauthorized"],
      [{ path: `/keys?api-version=${V}`, headers: { authorization: "" } }, 401, "Unauthorized"],
      [{ path: `/nothing/s?api-version=${V}` }, 404, "NotFound"],
      [{ method: "DELETE", path: `/keys?api-version=${V}` }, 405, "MethodNotAllowed"],
    ];
    for (const [req, status, code] of cases) {
      const res = await raw(a, req);
      expect(res.status, `${req.method ?? "GET"} ${req.path} ${res.text.slice(0, 200)}`).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(res.headers["x-ms-request-id"]).toBeTruthy();
      if (status === 401)
        expect(res.headers["www-authenticate"]).toMatch(
          /^Bearer authorization="https:\/\/login\.microsoftonline\.com\/[^"]+", resource="https:\/\/vault\.azure\.net"$/,
        );
    }
  });

  it("malformed bodies on every route get a 4xx, never a 500", async () => {
    const name = uniq("fuzz");
    await createKey(name);
    const bodies = [
      "{}",
      '{"kty":5}',
      '{"kty":"EC","crv":{}}',
      '{"key":"x"}',
      '{"key":{"kty":"RSA","n":7}}',
      '{"alg":1,"value":{}}',
      '{"alg":"ES256","value":"!!"}',
      '{"alg":"RS256","digest":[],"value":null}',
      '{"count":"x"}',
      '{"count":-1}',
      '{"value":5}',
      '{"value":"AAAA"}',
      '{"attributes":"x","tags":[1]}',
      '{"key_ops":"sign"}',
      '{"lifetimeActions":"x"}',
      '{"attributes":{"exp":"soon"}}',
      '{"tags":{"a":1}}',
    ];
    const routes: [string, string][] = [
      ["POST", `/keys/${name}/create`],
      ["PUT", `/keys/${name}-imp`],
      ["PATCH", `/keys/${name}`],
      ["POST", "/keys/restore"],
      ...["encrypt", "decrypt", "wrapkey", "unwrapkey", "sign", "verify"].map((op): [string, string] => ["POST", `/keys/${name}//${op}`]),
      ["PUT", `/keys/${name}/rotationpolicy`],
      ["POST", "/rng"],
    ];
    const failures: string[] = [];
    for (const [method, path] of routes) {
      for (const body of bodies) {
        const res = await raw(a, { method, path: `${path}?api-version=${V}`, body });
        if (res.status >= 500) failures.push(`${method} ${path} ${body} -> ${res.status} ${res.text}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("an empty version segment and a double slash mean the current version; request ids", async () => {
    const name = uniq("slash");
    const key = await createKey(name);
    const res = await raw(a, { path: `/keys/${name}/?api-version=${V}`, headers: { "x-ms-client-request-id": "e2e-42" } });
    expect(res.status).toBe(200);
    expect(res.json().key.kid).toBe(key.id);
    expect(res.headers["x-ms-client-request-id"]).toBe("e2e-42");
    expect(res.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const signed = await raw(a, {
      method: "POST",
      path: `/keys/${name}//sign?api-version=${V}`,
      body: JSON.stringify({ alg: "ES256", value: randomBytes(32).toString("base64url") }),
    });
    expect(signed.status, signed.text).toBe(200);
    expect(signed.json().kid).toBe(key.id);
  });
});

// ---------------------------------------------------------------------------------- durability

describe("--data-dir: kill -9, restart, everything is there and works", () => {
  it("keeps every version and the security domain across kill -9", async () => {
    const dataDir = join(work, "data");
    const s1 = await startCli(["--data-dir", dataDir]);
    const kc1 = keyClient(s1);
    const name = uniq("durable");
    const made: KeyVaultKey[] = [];
    const create = (n: string) => kc1.createEcKey(n, { curve: "P-384" });
    made.push(await create(name));
    made.push(await kc1.rotateKey(name));
    made.push(await kc1.rotateKey(name));
    const other1 = await create(uniq("durable-b"));
    const backupName = uniq("durable-bak");
    await create(backupName);
    const backup = await kc1.backupKey(backupName);
    // Outputs made before the crash, to be checked with the keys after it.
    const before = await Promise.all(
      made.map(async (k) => {
        const d = randomBytes(48);
        return { version: k.properties.version!, d, sig: (await cryptoClient(s1, k).sign("ES384", d)).result };
      }),
    );
    const killed = await s1.stop("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");

    const s2 = await startCli(["--data-dir", dataDir]);
    try {
      expect(s2.certFile).toBe(s1.certFile); // the certificate is kept with the data
      expect(s2.cert).toBe(s1.cert);
      const kc2 = keyClient(s2);
      const versions: string[] = [];
      for await (const p of kc2.listPropertiesOfKeyVersions(name)) versions.push(p.version!);
      expect(versions.sort()).toEqual(made.map((k) => k.properties.version!).sort());
      expect((await kc2.getKey(other1.name)).properties.version).toBe(other1.properties.version);
      for (const x of before) {
        const cc = cryptoClient(s2, `${s2.url}/keys/${name}/${x.version}`);
        expect((await cc.verify("ES384", x.d, x.sig)).result).toBe(true);
        const again = await cc.sign("ES384", x.d);
        expect((await cc.verify("ES384", x.d, again.result)).result).toBe(true);
      }
      // The domain persisted: a backup made before the restart restores after it.
      await (await kc2.beginDeleteKey(backupName, { intervalInMs: 50 })).pollUntilDone();
      await kc2.purgeDeletedKey(backupName);
      const restored = await kc2.restoreKeyBackup(backup!);
      expect(restored.name).toBe(backupName);
    } finally {
      expect((await s2.stop("SIGINT")).code).toBe(0);
    }
  });
});

// --------------------------------------------------------------------------------- the command

describe("the command line", () => {
  it("stops cleanly on SIGINT and SIGTERM", async () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const s = await startCli([]);
      const res = await raw(s, { path: `/keys?api-version=${V}` });
      expect(res.status).toBe(200);
      expect(await s.stop(signal)).toEqual({ code: 0, signal: null });
    }
  });

  it("--vault-url sets the base of every kid; --auth-resource the challenge; PORT the port", async () => {
    const probe = await startCli([]);
    const port = Number(new URL(probe.url).port);
    await probe.stop();
    const s = await startCli(["--vault-url", "https://myvault.vault.azure.net", "--auth-resource", "https://vault.example.org"], {
      env: { PORT: String(port) },
      port: false,
    });
    try {
      expect(s.url).toBe("https://myvault.vault.azure.net");
      // The start line still says where the server listens.
      const target = `https://127.0.0.1:${port}`;
      expect(s.listenUrl).toBe(target);
      const challenge = await rawRequest(target, s.cert, { path: `/keys?api-version=${V}`, headers: { authorization: "" } });
      expect(challenge.headers["www-authenticate"]).toContain('resource="https://vault.example.org"');
      const created = await rawRequest(target, s.cert, {
        method: "POST",
        path: `/keys/${uniq("vu")}/create?api-version=${V}`,
        body: JSON.stringify({ kty: "EC" }),
      });
      expect(created.status, created.text).toBe(200);
      expect(created.json().key.kid).toMatch(/^https:\/\/myvault\.vault\.azure\.net\/keys\//);
    } finally {
      await s.stop();
    }
  });

  it("the README's example runs with NODE_EXTRA_CA_CERTS", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: a.certFile, VAULT_URL: a.url };
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, "examples/quickstart.mjs")], { env, cwd: ROOT });
    expect(stdout).toMatch(/^created https:\/\/127\.0\.0\.1:\d+\/keys\/quickstart-\d+\/[0-9a-f]{32}\nsignature verified: true\n$/);
  });
});

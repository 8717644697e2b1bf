// Exportable keys and secure key release through the vault: Key Vault's rules for exportable keys and
// release policies (AKV.SKR.*), the release itself checked by a target that unwraps with node:crypto,
// its refusals, and the api-version shapes of key bundles.
import { createPublicKey, createSign, createVerify, generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { KeyBundle, RequestContext } from "../../../src/vault/index.js";
import { pkcs8Key, rsaPartsAgree, unwrapRelease } from "../../helpers/release.js";
import { DAY, b64u, bad, ctx, expectKvError, openVault, unb64u, type Fixture } from "./fixture.js";

const AUTHORITY = `${ctx.vaultUrl}/_attestation`;
const policy = (equals: unknown = "true", authority = AUTHORITY) => ({
  version: "1.0.0",
  anyOf: [{ authority, allOf: [{ claim: "sdk-test", equals }] }],
});
const releasePolicy = (p: object = policy(), extra: object = {}) => ({ data: b64u(Buffer.from(JSON.stringify(p))), ...extra });
const forbidden = (message: string | RegExp, innerCode?: string) => ({
  status: 403,
  code: "Forbidden",
  message,
  ...(innerCode ? { innerCode } : {}),
});

let f: Fixture;
let target: { key: KeyObject; jwk: { kty: "RSA"; kid: string; use: "enc"; n: string; e: string } };
beforeAll(async () => {
  f = await openVault();
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pub = pair.publicKey.export({ format: "jwk" });
  target = { key: pair.privateKey, jwk: { kty: "RSA", kid: "my-release-key", use: "enc", n: pub.n!, e: pub.e! } };
});

let seq = 0;
const uniq = (p: string) => `${p}-${seq++}`;

async function token(claims: Record<string, unknown> = {}, fx = f): Promise<string> {
  return (await fx.vault.attestation.generateTestToken({ "x-ms-runtime": { keys: [target.jwk] }, ...claims }, ctx)).token;
}

function decodeJws(jws: string): { header: any; payload: any; verified: boolean } {
  const [h, p, s] = jws.split(".");
  const header = JSON.parse(unb64u(h!).toString());
  const payload = JSON.parse(unb64u(p!).toString());
  const verified = createVerify("RSA-SHA256")
    .update(`${h}.${p}`)
    .verify(createPublicKey({ key: header.jwk, format: "jwk" }), unb64u(s!));
  return { header, payload, verified };
}

/** Releases and unwraps with node:crypto: the key bytes and the release result's payload. */
async function release(name: string, body: object = {}, c: RequestContext = ctx, fx = f) {
  const res = await fx.vault.keys.releaseKey(name, undefined, { target: await token({}, fx), ...body }, c);
  const { header, payload, verified } = decodeJws(res.value);
  expect(header.alg).toBe("RS256");
  expect(verified).toBe(true);
  const keyHsm = JSON.parse(unb64u(payload.response.key.key.key_hsm).toString());
  expect(keyHsm.schema_version).toBe("1.0");
  expect(keyHsm.header).toEqual({ kid: "my-release-key", alg: "dir", enc: (body as { enc?: string }).enc ?? "CKM_RSA_AES_KEY_WRAP" });
  const material = unwrapRelease(unb64u(keyHsm.ciphertext), target.key, keyHsm.header.enc);
  return { material, payload };
}

describe("creating exportable keys", () => {
  it("an exportable EC-HSM key with a policy: the bundle says so, with the policy as the service stores it", async () => {
    const b = await f.vault.keys.createKey(
      uniq("exp"),
      { kty: "EC-HSM", crv: "P-256", attributes: { exportable: true }, release_policy: releasePolicy({ ...policy(), version: "1.0" }) },
      ctx,
    );
    expect(b.attributes.exportable).toBe(true);
    expect(b.release_policy).toEqual({
      contentType: "application/json; charset=utf-8",
      immutable: false,
      data: b64u(Buffer.from(`{"version":"1.0.0","anyOf":[{"authority":"${AUTHORITY}","allOf":[{"claim":"sdk-test","equals":"true"}]}]}`)),
    });
  });

  it.each([
    [
      "exportable without a policy",
      { kty: "RSA-HSM", attributes: { exportable: true } },
      "AKV.SKR.1004: Exportable keys must have release policy.",
    ],
    [
      "a policy on a non-exportable key",
      { kty: "RSA-HSM", release_policy: releasePolicy() },
      "AKV.SKR.1005: Non-exportable keys must not have release policy.",
    ],
    [
      "a policy with exportable false",
      { kty: "EC-HSM", attributes: { exportable: false }, release_policy: releasePolicy() },
      "AKV.SKR.1005: Non-exportable keys must not have release policy.",
    ],
    [
      "an exportable software key",
      { kty: "EC", attributes: { exportable: true }, release_policy: releasePolicy() },
      "AKV.SKR.1006: Only HSM-protected keys can be exportable: use the kty RSA-HSM, EC-HSM or oct-HSM.",
    ],
    [
      "a policy without version",
      { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy({ anyOf: policy().anyOf }) },
      "Key Release Policy: missing 'version' property.",
    ],
    [
      "policy data that is not base64url",
      { kty: "EC-HSM", attributes: { exportable: true }, release_policy: { data: "{}" } },
      "Key Release Policy: 'data' is not valid base64url.",
    ],
    [
      "policy data that is not JSON",
      { kty: "EC-HSM", attributes: { exportable: true }, release_policy: { data: b64u(Buffer.from("nope")) } },
      "Key Release Policy: 'data' does not decode to JSON.",
    ],
    [
      "another content type",
      { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy(policy(), { contentType: "text/plain" }) },
      "Key Release Policy: contentType must be 'application/json; charset=utf-8'.",
    ],
    ["exportable not a boolean", { kty: "EC-HSM", attributes: { exportable: "yes" } }, "attributes.exportable must be true or false."],
  ])("%s is refused", async (_what, body, message) => {
    const name = uniq("bad");
    await expectKvError(f.vault.keys.createKey(name, body as never, ctx), bad(message));
    expect((await f.vault.keys.listKeyVersions(name, {}, ctx)).value).toEqual([]);
  });

  it("below api-version 7.3-preview, exportable is the service's AKV.SKR.1001", async () => {
    for (const apiVersion of ["7.2", "7.0", "2016-10-01"]) {
      await expectKvError(
        f.vault.keys.createKey(
          uniq("old"),
          { kty: "RSA-HSM", attributes: { exportable: true }, release_policy: releasePolicy() },
          { ...ctx, apiVersion },
        ),
        bad("AKV.SKR.1001: The exportable attribute is only supported with premium vaults and API version >= '7.3-preview'."),
      );
    }
  });

  it("an imported key can be exportable (Hsm: true); a software import cannot", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = privateKey.export({ format: "jwk" });
    const b = await f.vault.keys.importKey(
      uniq("imp"),
      { Hsm: true, key: jwk as never, attributes: { exportable: true }, release_policy: releasePolicy() },
      ctx,
    );
    expect(b.key.kty).toBe("RSA-HSM");
    expect(b.attributes.exportable).toBe(true);
    await expectKvError(
      f.vault.keys.importKey(uniq("imp"), { key: jwk as never, attributes: { exportable: true }, release_policy: releasePolicy() }, ctx),
      bad("AKV.SKR.1006: Only HSM-protected keys can be exportable: use the kty RSA-HSM, EC-HSM or oct-HSM."),
    );
    // The released key is the imported one.
    const { material } = await release(b.key.kid!.split("/")[4]!);
    const back = pkcs8Key(material).export({ format: "jwk" });
    for (const m of ["n", "e", "p", "q", "dp", "dq", "qi"] as const) expect(back[m]).toBe(jwk[m]);
  });

  it("a new version keeps the key's exportability and policy; changing exportable is AKV.SKR.1003", async () => {
    const name = uniq("ver");
    const first = await f.vault.keys.createKey(
      name,
      { kty: "oct-HSM", attributes: { exportable: true }, release_policy: releasePolicy(policy(), { immutable: true }) },
      ctx,
    );
    const second = await f.vault.keys.createKey(name, { kty: "oct-HSM" }, ctx);
    expect(second.attributes.exportable).toBe(true);
    expect(second.release_policy).toEqual(first.release_policy);
    expect(second.key.kid).not.toBe(first.key.kid);
    await expectKvError(
      f.vault.keys.createKey(name, { kty: "oct-HSM", attributes: { exportable: false } }, ctx),
      bad("AKV.SKR.1003: The exportable attribute of an existing key cannot be changed."),
    );
    const plain = uniq("plain");
    await f.vault.keys.createKey(plain, { kty: "EC-HSM" }, ctx);
    await expectKvError(
      f.vault.keys.createKey(plain, { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy() }, ctx),
      bad("AKV.SKR.1003: The exportable attribute of an existing key cannot be changed."),
    );
  });
});

describe("updating a release policy", () => {
  it("a mutable policy is replaced; an immutable one is the service's AKV.SKR.1020", async () => {
    const name = uniq("upd");
    await f.vault.keys.createKey(name, { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy() }, ctx);
    const changed = await f.vault.keys.updateKey(name, "", { release_policy: releasePolicy(policy("false"), { immutable: true }) }, ctx);
    expect(JSON.parse(unb64u(changed.release_policy!.data!).toString()).anyOf[0].allOf[0].equals).toBe("false");
    expect(changed.release_policy!.immutable).toBe(true);
    await expectKvError(
      f.vault.keys.updateKey(name, "", { release_policy: releasePolicy() }, ctx),
      bad("AKV.SKR.1020: Immutable Key Release Policy cannot be modified."),
    );
    // Other members still update.
    expect((await f.vault.keys.updateKey(name, "", { tags: { a: "b" } }, ctx)).tags).toEqual({ a: "b" });
  });

  it("a policy on a non-exportable key, or exportable changed, is refused", async () => {
    const name = uniq("upd");
    await f.vault.keys.createKey(name, { kty: "RSA-HSM" }, ctx);
    await expectKvError(
      f.vault.keys.updateKey(name, undefined, { release_policy: releasePolicy() }, ctx),
      bad("AKV.SKR.1005: Non-exportable keys must not have release policy."),
    );
    await expectKvError(
      f.vault.keys.updateKey(name, undefined, { attributes: { exportable: true } }, ctx),
      bad("AKV.SKR.1003: The exportable attribute of an existing key cannot be changed."),
    );
  });
});

describe("release", () => {
  it.each([
    ["RSA-HSM", { kty: "RSA-HSM", key_size: 2048 }],
    ["EC-HSM", { kty: "EC-HSM", crv: "P-384" }],
    ["oct-HSM", { kty: "oct-HSM", key_size: 256 }],
  ])("%s: the target unwraps the key, and it is the vault's key", async (kty, create) => {
    const name = uniq("rel");
    const created = await f.vault.keys.createKey(
      name,
      { ...create, attributes: { exportable: true }, release_policy: releasePolicy() } as never,
      ctx,
    );
    const { material, payload } = await release(name, { nonce: "n-123" });
    expect(payload.request).toEqual({
      "api-version": ctx.apiVersion,
      enc: "CKM_RSA_AES_KEY_WRAP",
      kid: `${ctx.vaultUrl}/keys/${name}`,
      nonce: "n-123",
    });
    expect(payload.response.key.key.kid).toBe(created.key.kid);
    expect(payload.response.key.attributes).toEqual(created.attributes);
    expect(payload.response.key.release_policy).toEqual(created.release_policy);
    if (kty === "oct-HSM") {
      // The vault's A256KW wrap opens with node's AES key wrap under the released key.
      const cek = Buffer.alloc(32, 9);
      const wrapped = await f.vault.keys.wrapKey(name, undefined, { alg: "A256KW", value: b64u(cek) }, ctx);
      const { createDecipheriv } = await import("node:crypto");
      const d = createDecipheriv("id-aes256-wrap", material, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
      expect(Buffer.concat([d.update(unb64u(wrapped.value)), d.final()])).toEqual(cek);
      return;
    }
    const key = pkcs8Key(material);
    const jwk = key.export({ format: "jwk" });
    if (kty === "RSA-HSM") {
      expect([jwk.n, jwk.e]).toEqual([created.key.n, created.key.e]);
      expect(rsaPartsAgree(jwk)).toBe(true);
    } else {
      expect([jwk.x, jwk.y]).toEqual([created.key.x, created.key.y]);
    }
    // Sign with the released key; the vault verifies.
    const alg = kty === "RSA-HSM" ? "RS256" : "ES384";
    const hash = kty === "RSA-HSM" ? "sha256" : "sha384";
    const data = Buffer.from("signed by the released key");
    const sig = nodeSign(hash, data, { key, ...(kty === "EC-HSM" ? { dsaEncoding: "ieee-p1363" as const } : {}) });
    const { createHash } = await import("node:crypto");
    const digest = b64u(createHash(hash).update(data).digest());
    expect((await f.vault.keys.verify(name, undefined, { alg, digest, value: b64u(sig) }, ctx)).value).toBe(true);
  });

  it.each(["RSA_AES_KEY_WRAP_256", "RSA_AES_KEY_WRAP_384"])("enc %s", async (enc) => {
    const name = uniq("enc");
    await f.vault.keys.createKey(name, { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy() }, ctx);
    const { material, payload } = await release(name, { enc });
    expect(payload.request.enc).toBe(enc);
    expect(pkcs8Key(material).asymmetricKeyType).toBe("ec");
  });

  it("a rotated exportable key releases its new version", async () => {
    const name = uniq("rot");
    await f.vault.keys.createKey(name, { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy() }, ctx);
    const rotated = await f.vault.keys.rotateKey(name, ctx);
    expect(rotated.attributes.exportable).toBe(true);
    const { material, payload } = await release(name);
    expect(payload.response.key.key.kid).toBe(rotated.key.kid);
    expect(pkcs8Key(material).export({ format: "jwk" }).x).toBe(rotated.key.x);
  });

  it("a backed-up exportable key restores exportable, and still releases", async () => {
    const name = uniq("bak");
    await f.vault.keys.createKey(name, { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy() }, ctx);
    const blob = await f.vault.keys.backupKey(name, ctx);
    await f.vault.keys.deleteKey(name, ctx);
    await f.vault.keys.purgeDeletedKey(name, ctx);
    const restored = await f.vault.keys.restoreKey(blob, ctx);
    expect(restored.attributes.exportable).toBe(true);
    expect(pkcs8Key((await release(name)).material).asymmetricKeyType).toBe("ec");
  });

  describe("refusals", () => {
    let name: string;
    beforeAll(async () => {
      name = uniq("ref");
      await f.vault.keys.createKey(name, { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy() }, ctx);
    });

    it("a claim that does not match the policy: 403", async () => {
      await expectKvError(
        f.vault.keys.releaseKey(name, undefined, { target: await token({ "sdk-test": false }) }, ctx),
        forbidden(`The attestation token from "${AUTHORITY}/" does not satisfy the key's release policy.`),
      );
    });

    it("a non-exportable key: 403", async () => {
      const plain = uniq("plain");
      await f.vault.keys.createKey(plain, { kty: "EC-HSM" }, ctx);
      await expectKvError(
        f.vault.keys.releaseKey(plain, undefined, { target: await token() }, ctx),
        forbidden("Operation release is not permitted on this key: it was not created exportable.", "KeyNotExportable"),
      );
    });

    it("a token signed by an untrusted key: 403; trusted through attestationJwks, it releases", async () => {
      const signer = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const jwk = { ...signer.publicKey.export({ format: "jwk" }), kid: "outside", alg: "RS256", use: "sig" };
      const iss = "https://attest.outside/";
      const header = b64u(Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "outside" })));
      const now = f.clock.seconds;
      const claims = { iss, iat: now, exp: now + 600, "sdk-test": true, "x-ms-runtime": { keys: [target.jwk] } };
      const body = b64u(Buffer.from(JSON.stringify(claims)));
      const jwt = `${header}.${body}.${b64u(createSign("RSA-SHA256").update(`${header}.${body}`).sign(signer.privateKey))}`;
      const outside = { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy(policy("true", iss)) };
      await f.vault.keys.createKey("outside", outside as never, ctx);
      await expectKvError(
        f.vault.keys.releaseKey("outside", undefined, { target: jwt }, ctx),
        forbidden("The attestation token is not signed by a trusted attestation authority."),
      );
      const g = await openVault({ clock: f.clock, vault: { attestationJwks: { keys: [jwk as never] } } });
      await g.vault.keys.createKey("outside", outside as never, ctx);
      const res = await g.vault.keys.releaseKey("outside", undefined, { target: jwt }, ctx);
      expect(decodeJws(res.value).verified).toBe(true);
    });

    it("an expired token: 403", async () => {
      const t = await token();
      f.clock.advance(8 * DAY);
      try {
        await expectKvError(f.vault.keys.releaseKey(name, undefined, { target: t }, ctx), forbidden("The attestation token has expired."));
      } finally {
        f.clock.advance(-8 * DAY);
      }
    });

    it.each([
      ["no target", {}, "'target' must be the attestation token (a JWT) of the environment the key is released to."],
      [
        "a target that is not a JWT",
        { target: "not-a-jwt" },
        "The attestation token (target) is not a compact JWS: three base64url parts separated by dots.",
      ],
      ["a target with a broken header", { target: "e30.e30.AAAA" }, /^The attestation token \(target\) is malformed/],
      [
        "an unknown enc",
        { target: "a.b.c", enc: "RSA-OAEP" },
        "'enc' must be one of CKM_RSA_AES_KEY_WRAP, RSA_AES_KEY_WRAP_256, RSA_AES_KEY_WRAP_384; got \"RSA-OAEP\".",
      ],
      ["a nonce that is not a string", { target: "a.b.c", nonce: 5 }, "'nonce' must be a string."],
    ])("%s: 400", async (_what, body, message) => {
      await expectKvError(f.vault.keys.releaseKey(name, undefined, body as never, ctx), bad(message));
    });

    it("a token without an RSA encryption key in x-ms-runtime: 400", async () => {
      const t = await token({ "x-ms-runtime": { keys: [{ ...target.jwk, use: "sig" }] } });
      await expectKvError(
        f.vault.keys.releaseKey(name, undefined, { target: t }, ctx),
        bad('The attestation token has no RSA encryption key (use "enc" or key_ops "encrypt") in x-ms-runtime.keys to release the key to.'),
      );
    });

    it("a disabled key: 403; api-version 7.2: 400", async () => {
      const off = uniq("off");
      await f.vault.keys.createKey(
        off,
        { kty: "EC-HSM", attributes: { exportable: true, enabled: false }, release_policy: releasePolicy() },
        ctx,
      );
      await expectKvError(
        f.vault.keys.releaseKey(off, undefined, { target: await token() }, ctx),
        forbidden("Operation release is not allowed on a disabled key."),
      );
      await expectKvError(
        f.vault.keys.releaseKey(name, undefined, { target: await token() }, { ...ctx, apiVersion: "7.2" }),
        bad("The release operation needs api-version 7.3-preview or later; this request has 7.2."),
      );
    });
  });
});

describe("api-version shapes", () => {
  let name: string;
  beforeAll(async () => {
    name = uniq("shape");
    await f.vault.keys.createKey(name, { kty: "EC-HSM", attributes: { exportable: true }, release_policy: releasePolicy() }, ctx);
  });
  const get = (apiVersion: string): Promise<KeyBundle> => f.vault.keys.getKey(name, undefined, { ...ctx, apiVersion });

  it("2016-10-01 and 7.0: no recoverableDays, no exportable, no release_policy", async () => {
    for (const v of ["2016-10-01", "7.0"]) {
      const b = await get(v);
      expect(Object.keys(b.attributes).sort()).toEqual(["created", "enabled", "recoveryLevel", "updated"]);
      expect(b).not.toHaveProperty("release_policy");
    }
  });

  it("7.1 and 7.2 add recoverableDays; 7.3-preview on add exportable and release_policy", async () => {
    for (const v of ["7.1", "7.2"]) {
      const b = await get(v);
      expect(Object.keys(b.attributes).sort()).toEqual(["created", "enabled", "recoverableDays", "recoveryLevel", "updated"]);
      expect(b).not.toHaveProperty("release_policy");
    }
    for (const v of [
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
    ]) {
      const b = await get(v);
      expect(Object.keys(b.attributes).sort()).toEqual(["created", "enabled", "exportable", "recoverableDays", "recoveryLevel", "updated"]);
      expect(b.release_policy?.contentType).toBe("application/json; charset=utf-8");
    }
  });

  it("lists and deleted keys follow the same shape", async () => {
    const list = await f.vault.keys.listKeyVersions(name, {}, { ...ctx, apiVersion: "7.0" });
    expect(Object.keys(list.value[0]!.attributes).sort()).toEqual(["created", "enabled", "recoveryLevel", "updated"]);
    const d = uniq("del");
    await f.vault.keys.createKey(d, { kty: "EC" }, ctx);
    const deleted = await f.vault.keys.deleteKey(d, { ...ctx, apiVersion: "2016-10-01" });
    expect(deleted.attributes).not.toHaveProperty("recoverableDays");
    expect(deleted.attributes).not.toHaveProperty("exportable");
  });
});

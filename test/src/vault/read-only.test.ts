// Read-only key operations (RequestContext.readOnly, used by vault workers that are not a key's own):
// they read and never write. A record that a read must change first (a due rotation, a due purge)
// throws WriteNeededError and is left as it was; the same request without readOnly does the write.
import { beforeAll, describe, expect, it } from "vitest";
import { WriteNeededError } from "../../../src/vault/errors.js";
import { ctx, DAY, openVault, type Fixture } from "./fixture.js";

let f: Fixture;
beforeAll(async () => {
  f = await openVault();
});

const readOnly = { ...ctx, readOnly: true };
const digest = Buffer.alloc(32, 7).toString("base64url");
const versionsOf = async (name: string) => (await f.vault.keys.listKeyVersions(name, {}, ctx)).value.length;
/** A P-256 key whose rotation (every 7 days) is due: made, given the policy, and the clock moved 8 days. */
async function keyDueForRotation(name: string): Promise<void> {
  await f.vault.keys.createKey(name, { kty: "EC", crv: "P-256" }, ctx);
  await f.vault.keys.updateRotationPolicy(
    name,
    { lifetimeActions: [{ trigger: { timeAfterCreate: "P7D" }, action: { type: "Rotate" } }] },
    ctx,
  );
  f.clock.advance(8 * DAY);
}

describe("read-only key operations", () => {
  it("sign, verify, encrypt and wrap run read-only on a key that needs no write", async () => {
    await f.vault.keys.createKey("ro-plain", { kty: "RSA", key_size: 2048 }, ctx);
    const signed = await f.vault.keys.sign("ro-plain", undefined, { alg: "RS256", value: digest }, readOnly);
    expect((await f.vault.keys.verify("ro-plain", undefined, { alg: "RS256", digest, value: signed.value }, readOnly)).value).toBe(true);
    const wrapped = await f.vault.keys.wrapKey("ro-plain", undefined, { alg: "RSA-OAEP-256", value: digest }, readOnly);
    expect((await f.vault.keys.unwrapKey("ro-plain", undefined, { alg: "RSA-OAEP-256", value: wrapped.value }, readOnly)).value).toBe(
      digest,
    );
  });

  it("a due rotation: read-only throws WriteNeededError and writes nothing; the same request without it rotates once", async () => {
    await keyDueForRotation("ro-due");
    const sign = (c: typeof ctx) => f.vault.keys.sign("ro-due", undefined, { alg: "ES256", value: digest }, c);
    await expect(sign(readOnly)).rejects.toBeInstanceOf(WriteNeededError);
    await expect(sign(readOnly)).rejects.toBeInstanceOf(WriteNeededError);
    expect(await f.store.get("key", "ro-due")).toMatchObject({ versions: [expect.anything()] });
    const rotated = await sign(ctx);
    expect(await versionsOf("ro-due")).toBe(2);
    // Now nothing is due: read-only requests run, with the new version.
    expect((await sign(readOnly)).kid).toBe(rotated.kid);
    expect(await versionsOf("ro-due")).toBe(2);
  });

  it("a key that is not there: read-only throws WriteNeededError (its own worker answers); without it, 404", async () => {
    const sign = (c: typeof ctx) => f.vault.keys.sign("ro-none", undefined, { alg: "ES256", value: digest }, c);
    await expect(sign(readOnly)).rejects.toBeInstanceOf(WriteNeededError);
    await expect(sign(ctx)).rejects.toMatchObject({ status: 404 });
  });

  it("a deleted key due for purge: read-only throws WriteNeededError and leaves it; without it, the purge happens and 404", async () => {
    await f.vault.keys.createKey("ro-gone", { kty: "EC", crv: "P-256" }, ctx);
    await f.vault.keys.deleteKey("ro-gone", ctx);
    f.clock.advance(91 * DAY);
    const sign = (c: typeof ctx) => f.vault.keys.sign("ro-gone", undefined, { alg: "ES256", value: digest }, c);
    await expect(sign(readOnly)).rejects.toBeInstanceOf(WriteNeededError);
    expect(await f.store.get("key", "ro-gone")).toBeDefined();
    await expect(sign(ctx)).rejects.toMatchObject({ status: 404 });
    expect(await f.store.get("key", "ro-gone")).toBeUndefined();
  });
});

describe("read-only GETs of keys and secrets", () => {
  it("a GET of a key or a secret runs read-only and answers as without it", async () => {
    await f.vault.keys.createKey("ro-get", { kty: "EC", crv: "P-256" }, ctx);
    await f.vault.secrets.setSecret("ro-get", { value: "s1" }, ctx);
    expect(await f.vault.keys.getKey("ro-get", undefined, readOnly)).toEqual(await f.vault.keys.getKey("ro-get", undefined, ctx));
    expect((await f.vault.secrets.getSecret("ro-get", undefined, readOnly)).value).toBe("s1");
    // A disabled secret is refused the same way (a read's answer, not a write).
    const id = (await f.vault.secrets.getSecret("ro-get", undefined, ctx)).id!;
    await f.vault.secrets.updateSecret("ro-get", id.split("/").pop(), { attributes: { enabled: false } }, ctx);
    await expect(f.vault.secrets.getSecret("ro-get", undefined, readOnly)).rejects.toMatchObject({ status: 403 });
  });

  it("a GET that must write first, or that finds nothing live, throws WriteNeededError and writes nothing", async () => {
    await keyDueForRotation("ro-get-due");
    await expect(f.vault.keys.getKey("ro-get-due", undefined, readOnly)).rejects.toBeInstanceOf(WriteNeededError);
    expect(await f.store.get("key", "ro-get-due")).toMatchObject({ versions: [expect.anything()] });
    await expect(f.vault.keys.getKey("ro-get-none", undefined, readOnly)).rejects.toBeInstanceOf(WriteNeededError);
    await expect(f.vault.secrets.getSecret("ro-get-none", undefined, readOnly)).rejects.toBeInstanceOf(WriteNeededError);
    await expect(f.vault.secrets.getSecret("ro-get-none", undefined, ctx)).rejects.toMatchObject({ status: 404 });
  });
});

describe("a certificate's key and secret", () => {
  it("are read only where the certificate's writes hold their locks: read-only throws WriteNeededError; without it, they answer", async () => {
    const made = await f.vault.certificates.createCertificate(
      "ro-cert",
      { policy: { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=ro" }, issuer: { name: "Self" } } },
      ctx,
    );
    expect(made.status).toBe("completed");
    await expect(f.vault.keys.getKey("ro-cert", undefined, readOnly)).rejects.toBeInstanceOf(WriteNeededError);
    await expect(f.vault.secrets.getSecret("ro-cert", undefined, readOnly)).rejects.toBeInstanceOf(WriteNeededError);
    await expect(f.vault.keys.sign("ro-cert", undefined, { alg: "ES256", value: digest }, readOnly)).rejects.toBeInstanceOf(
      WriteNeededError,
    );
    expect((await f.vault.keys.getKey("ro-cert", undefined, ctx)).key?.kty).toBe("EC");
    expect((await f.vault.secrets.getSecret("ro-cert", undefined, ctx)).value).toBeTypeOf("string");
    expect((await f.vault.keys.sign("ro-cert", undefined, { alg: "ES256", value: digest }, ctx)).value).toBeTypeOf("string");
  });
});

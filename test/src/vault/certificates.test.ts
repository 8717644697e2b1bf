// Certificates in the vault, with the real core and a clock the test drives: AutoRenew when the clock
// passes the trigger (with and without reuse_key), nothing half-made when the store fails at any
// write, names held by other objects, the pending operation's rules, restore's checks, what the store
// holds (no private byte in clear), the managed key's and secret's refusals.
import { createHash, createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { p384 } from "@noble/curves/nist.js";
import { describe, expect, it } from "vitest";
import type { CertificatePolicy } from "../../../src/model/index.js";
import type { ObjectKind, ObjectRecord } from "../../../src/store/types.js";
import { pemEncode, selfSignedCertificate } from "../../../src/x509/index.js";
import { checkIssued } from "../../helpers/x509-check.js";
import { ctx, DAY, DurableMemoryStore, expectKvError, openVault, T0 } from "./fixture.js";

const SELF: CertificatePolicy = { issuer: { name: "Self" }, x509_props: { subject: "CN=renew.example" } };
const ec = (p: CertificatePolicy): CertificatePolicy => ({ ...p, key_props: { kty: "EC", crv: "P-256" } });
const der = (cer: string | undefined) => Buffer.from(cer!, "base64");
const KINDS: ObjectKind[] = ["certificate", "key", "secret"];

async function records(store: DurableMemoryStore, name: string): Promise<(ObjectRecord | undefined)[]> {
  return Promise.all(KINDS.map((k) => store.get(k, name)));
}

describe("AutoRenew, applied when a read finds the clock past the trigger", () => {
  it("80 % of the lifetime (the default): one renewal, a new key, checked by node:crypto and openssl", async () => {
    const { vault, clock } = await openVault();
    const c = vault.certificates;
    await c.createCertificate("renew", { policy: ec(SELF) }, ctx);
    const first = await c.getCertificate("renew", undefined, ctx);
    const { nbf, exp } = first.attributes;
    const due = nbf! + Math.floor((exp! - nbf!) * 0.8);
    clock.set(due - 1);
    expect((await c.getCertificate("renew", undefined, ctx)).id).toBe(first.id);
    clock.set(due);
    const renewed = await c.getCertificate("renew", undefined, ctx);
    expect(renewed.id).not.toBe(first.id);
    expect(renewed.attributes.created).toBe(due);
    checkIssued(der(renewed.cer), {
      subject: ["CN=renew.example"],
      ekus: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
      keyUsage: "Digital Signature",
      validityMonths: 12,
      created: due,
    });
    const oldKey = new X509Certificate(der(first.cer)).publicKey.export({ format: "jwk" });
    expect(new X509Certificate(der(renewed.cer)).publicKey.export({ format: "jwk" })).not.toEqual(oldKey);
    // The key and the secret have the new version too, and the secret holds the new certificate.
    expect((await vault.keys.getKey("renew", undefined, ctx)).key.kid).toBe(renewed.kid);
    const secret = await vault.secrets.getSecret("renew", undefined, ctx);
    expect(secret.id).toBe(renewed.sid);
    expect(secret.kid).toBe(renewed.kid);
    // A second read does not renew again: the new version's trigger lies ahead.
    expect((await c.getCertificate("renew", undefined, ctx)).id).toBe(renewed.id);
    expect((await c.listCertificateVersions("renew", {}, ctx)).value).toHaveLength(2);
  });

  it("days_before_expiry with reuse_key: the renewed certificate has the same key", async () => {
    const { vault, clock } = await openVault();
    const c = vault.certificates;
    const policy: CertificatePolicy = {
      ...ec(SELF),
      key_props: { kty: "EC", crv: "P-384", reuse_key: true },
      x509_props: { subject: "CN=reuse", validity_months: 2 },
      lifetime_actions: [{ trigger: { days_before_expiry: 10 }, action: { action_type: "AutoRenew" } }],
    };
    await c.createCertificate("reuse", { policy }, ctx);
    const first = await c.getCertificate("reuse", undefined, ctx);
    clock.set(first.attributes.exp! - 10 * DAY);
    const renewed = await c.getCertificate("reuse", undefined, ctx);
    expect(renewed.id).not.toBe(first.id);
    expect(new X509Certificate(der(renewed.cer)).publicKey.export({ format: "jwk" })).toEqual(
      new X509Certificate(der(first.cer)).publicKey.export({ format: "jwk" }),
    );
    // The reused key signs under the new version's kid.
    const k = await vault.keys.getKey("reuse", undefined, ctx);
    expect(k.key.kid).toBe(renewed.kid);
    expect(k.key.x).toBe((await vault.keys.getKey("reuse", first.kid!.split("/").pop(), ctx)).key.x);
  });

  it("EmailContacts, the Unknown issuer and a pending operation never renew; lists renew what they read", async () => {
    const { vault, clock } = await openVault();
    const c = vault.certificates;
    await c.createCertificate(
      "mail",
      { policy: { ...ec(SELF), lifetime_actions: [{ trigger: { lifetime_percentage: 50 }, action: { action_type: "EmailContacts" } }] } },
      ctx,
    );
    await c.createCertificate("auto", { policy: ec(SELF) }, ctx);
    await c.createCertificate("unknown", { policy: { ...ec(SELF), issuer: { name: "Unknown" } } }, ctx);
    clock.advance(400 * DAY);
    const listed = await c.listCertificates({ includePending: true }, ctx);
    expect(listed.value.map((i) => i.id.split("/").pop())).toEqual(["auto", "mail", "unknown"]);
    expect((await c.listCertificateVersions("auto", {}, ctx)).value).toHaveLength(2);
    expect((await c.listCertificateVersions("mail", {}, ctx)).value).toHaveLength(1);
    expect((await c.listCertificateVersions("unknown", {}, ctx)).value).toHaveLength(1);
    // Without includePending, a certificate never issued is left out of the list.
    expect((await c.listCertificates({}, ctx)).value.map((i) => i.id.split("/").pop())).toEqual(["auto", "mail"]);
  });
});

/** A store that fails its nth put (counting from 1) once. */
class FailingStore extends DurableMemoryStore {
  failAt = 0;
  puts = 0;
  override async put(record: ObjectRecord): Promise<void> {
    this.puts++;
    if (this.puts === this.failAt) throw new Error(`store failure at put ${this.puts}`);
    return super.put(record);
  }
}

describe("x5t, hashed by the core", () => {
  it("is node:crypto's SHA-1 fingerprint of the DER in the bundle, the list item and the deleted forms", async () => {
    const { vault } = await openVault();
    const c = vault.certificates;
    await c.createCertificate("thumb", { policy: SELF }, ctx);
    const bundle = await c.getCertificate("thumb", undefined, ctx);
    const expected = Buffer.from(new X509Certificate(der(bundle.cer)).fingerprint.replaceAll(":", ""), "hex").toString("base64url");
    expect(bundle.x5t).toBe(expected);
    expect((await c.listCertificates({}, ctx)).value.map((i) => i.x5t)).toEqual([expected]);
    expect((await c.listCertificateVersions("thumb", {}, ctx)).value.map((i) => i.x5t)).toEqual([expected]);
    expect((await c.deleteCertificate("thumb", ctx)).x5t).toBe(expected);
    expect((await c.listDeletedCertificates({}, ctx)).value.map((i) => i.x5t)).toEqual([expected]);
  });
});

describe("nothing is half-made: a failing store at any write of the three", () => {
  it("a first version: no certificate, key, secret or engine key is left", async () => {
    const store = new FailingStore();
    const { vault, engine } = await openVault({ store });
    for (const failAt of [1, 2, 3]) {
      const name = `fail-${failAt}`;
      const keysBefore = engine.keyCount();
      store.puts = 0;
      store.failAt = failAt;
      await expect(vault.certificates.createCertificate(name, { policy: ec(SELF) }, ctx)).rejects.toThrow(`store failure at put ${failAt}`);
      store.failAt = 0;
      expect(await records(store, name)).toEqual([undefined, undefined, undefined]);
      expect(engine.keyCount()).toBe(keysBefore);
    }
  });

  it("a second version, an update, a delete and a recover: the three records are as they were", async () => {
    const store = new FailingStore();
    const { vault } = await openVault({ store });
    const c = vault.certificates;
    await c.createCertificate("keep", { policy: ec(SELF) }, ctx);
    const steps: [string, () => Promise<unknown>][] = [
      ["create", () => c.createCertificate("keep", { policy: ec(SELF) }, ctx)],
      ["update", () => c.updateCertificate("keep", undefined, { attributes: { enabled: false } }, ctx)],
      ["delete", () => c.deleteCertificate("keep", ctx)],
    ];
    for (const [what, step] of steps) {
      for (const failAt of [1, 2, 3]) {
        const before = await records(store, "keep");
        store.puts = 0;
        store.failAt = failAt;
        await expect(step(), `${what} failing at ${failAt}`).rejects.toThrow(/store failure/);
        store.failAt = 0;
        expect(await records(store, "keep"), `${what} failing at ${failAt}`).toEqual(before);
      }
    }
    await c.deleteCertificate("keep", ctx);
    for (const failAt of [1, 2, 3]) {
      const before = await records(store, "keep");
      store.puts = 0;
      store.failAt = failAt;
      await expect(c.recoverDeletedCertificate("keep", ctx)).rejects.toThrow(/store failure/);
      store.failAt = 0;
      expect(await records(store, "keep")).toEqual(before);
    }
  });
});

describe("names, operations and their errors", () => {
  it("a name held by a key or a secret of its own is a conflict; a deleted certificate's name too", async () => {
    const { vault } = await openVault();
    await vault.keys.createKey("taken-key", { kty: "EC" }, ctx);
    await vault.secrets.setSecret("taken-secret", { value: "v" }, ctx);
    await expectKvError(vault.certificates.createCertificate("taken-key", { policy: ec(SELF) }, ctx), {
      status: 409,
      code: "Conflict",
      message: /A key named taken-key already exists and is not a certificate's/,
    });
    await expectKvError(vault.certificates.createCertificate("taken-secret", { policy: ec(SELF) }, ctx), {
      status: 409,
      code: "Conflict",
      message: /A secret named taken-secret already exists/,
    });
    await vault.certificates.createCertificate("gone", { policy: ec(SELF) }, ctx);
    await vault.certificates.deleteCertificate("gone", ctx);
    await expectKvError(vault.certificates.createCertificate("GONE", { policy: ec(SELF) }, ctx), {
      status: 409,
      code: "Conflict",
      innerCode: "ObjectIsDeletedButRecoverable",
      message: /^Certificate gone is currently in a deleted but recoverable state/,
    });
  });

  it("an operation in progress blocks create and import (409 Forbidden); merge, cancel and delete follow the service's rules", async () => {
    const { vault } = await openVault();
    const c = vault.certificates;
    const op = await c.createCertificate("pend", { policy: { ...ec(SELF), issuer: { name: "Unknown" } } }, ctx);
    expect(op).toMatchObject({
      status: "inProgress",
      cancellation_requested: false,
      status_details: "Pending certificate created. Please Perform Merge to complete the request.",
    });
    await expectKvError(c.createCertificate("pend", { policy: ec(SELF) }, ctx), {
      status: 409,
      code: "Forbidden",
      message: "A new key vault certificate can not be created or imported while a pending key vault certificate's status is inProgress.",
    });
    // The placeholder version: disabled, no cer/kid/sid, with `pending`.
    const placeholder = await c.getCertificate("pend", undefined, ctx);
    expect(placeholder).toMatchObject({ attributes: { enabled: false }, pending: { id: `${ctx.vaultUrl}/certificates/pend/pending` } });
    expect(placeholder.cer ?? placeholder.kid ?? placeholder.sid).toBeUndefined();
    // Nothing else exists until the merge.
    await expectKvError(vault.keys.getKey("pend", undefined, ctx), { status: 404, code: "KeyNotFound", message: /pend/ });
    await expectKvError(c.mergeCertificate("pend", { x5c: ["not base64 !"] }, ctx), {
      status: 400,
      code: "BadParameter",
      message: "x5c[0] is not a base64 DER certificate.",
    });
    const other = await openVault();
    await other.vault.certificates.createCertificate("x", { policy: ec(SELF) }, ctx);
    const foreign = (await other.vault.certificates.getCertificate("x", undefined, ctx)).cer!;
    await expectKvError(c.mergeCertificate("pend", { x5c: [foreign] }, ctx), {
      status: 400,
      code: "BadParameter",
      message: /do not match the pending certificate's key/,
    });
    await c.updateCertificateOperation("pend", { cancellation_requested: true }, ctx);
    expect(await c.getCertificateOperation("pend", ctx)).toMatchObject({ status: "inProgress", cancellation_requested: true });
    await c.deleteCertificateOperation("pend", ctx);
    await expectKvError(c.getCertificateOperation("pend", ctx), {
      status: 404,
      code: "PendingCertificateNotFound",
      message: "Pending certificate not found: pend",
    });
    // Self: completed at once; an update of a completed operation is 403.
    await c.createCertificate("done", { policy: ec(SELF) }, ctx);
    await expectKvError(c.updateCertificateOperation("done", { cancellation_requested: true }, ctx), {
      status: 403,
      code: "Forbidden",
      message: "Pending status must be in progress to allow update.",
    });
  });

  it("issuers: a policy naming an issuer not set is 400; provider Test stays in progress; another provider fails as unreachable", async () => {
    const { vault } = await openVault();
    const c = vault.certificates;
    await expectKvError(c.createCertificate("n1", { policy: { ...ec(SELF), issuer: { name: "Nope" } } }, ctx), {
      status: 400,
      code: "BadParameter",
      message: /The issuer Nope is not set in this vault/,
    });
    await c.setIssuer("test-ca", { provider: "Test" }, ctx);
    await c.setIssuer("digicert", { provider: "DigiCert", credentials: { account_id: "a", pwd: "p@ss" } }, ctx);
    expect(await c.createCertificate("n2", { policy: { ...ec(SELF), issuer: { name: "test-ca" } } }, ctx)).toMatchObject({
      status: "inProgress",
    });
    const failed = await c.createCertificate("n3", { policy: { ...ec(SELF), issuer: { name: "digicert" } } }, ctx);
    expect(failed).toMatchObject({ status: "failed", status_details: "", error: { code: "Certificate issuer error" } });
    await c.createCertificate("any", { policy: ec(SELF) }, ctx);
    const cer = (await c.getCertificate("any", undefined, ctx)).cer!;
    await expectKvError(c.mergeCertificate("n2", { x5c: [cer] }, ctx), {
      status: 403,
      code: "Forbidden",
      message: "Merge is forbidden on pending object created with issuer : test-ca while it is in progess.",
    });
    await expectKvError(c.setIssuer("Self", { provider: "x" }, ctx), {
      status: 400,
      code: "BadParameter",
      message: /reserved issuer name/,
    });
  });

  it("a certificate's key and secret refuse every change through their own APIs", async () => {
    const { vault } = await openVault();
    await vault.certificates.createCertificate("owned", { policy: ec(SELF) }, ctx);
    const keyRefusal = (op: string) => ({
      status: 403,
      code: "Forbidden",
      innerCode: "KeyManagedByKeyVault",
      message: `Operation "${op}" is not allowed as this object's lifetime is managed by Key Vault.`,
    });
    const secretRefusal = (op: string) => ({ ...keyRefusal(op), innerCode: "SecretManagedByKeyVault" });
    await expectKvError(vault.keys.createKey("owned", { kty: "EC" }, ctx), keyRefusal("create"));
    await expectKvError(vault.keys.updateKey("owned", undefined, { tags: {} }, ctx), keyRefusal("update"));
    await expectKvError(vault.keys.rotateKey("owned", ctx), keyRefusal("rotate"));
    await expectKvError(vault.keys.deleteKey("owned", ctx), keyRefusal("delete"));
    await expectKvError(vault.secrets.setSecret("owned", { value: "x" }, ctx), secretRefusal("set"));
    await expectKvError(vault.secrets.deleteSecret("owned", ctx), secretRefusal("delete"));
    await vault.certificates.deleteCertificate("owned", ctx);
    await expectKvError(vault.keys.recoverDeletedKey("owned", ctx), keyRefusal("recover"));
    await expectKvError(vault.keys.purgeDeletedKey("owned", ctx), keyRefusal("purge"));
    await expectKvError(vault.secrets.recoverDeletedSecret("owned", ctx), secretRefusal("recover"));
    await expectKvError(vault.secrets.purgeDeletedSecret("owned", ctx), secretRefusal("purge"));
  });

  it("restore: a corrupt blob is the service's 400; a name held by a key is 409; nothing is written on failure", async () => {
    const { vault, store } = await openVault();
    const c = vault.certificates;
    await c.createCertificate("bk", { policy: ec(SELF) }, ctx);
    const { value } = await c.backupCertificate("bk", ctx);
    const bytes = Buffer.from(value, "base64url");
    bytes[bytes.length - 5]! ^= 1;
    await expectKvError(c.restoreCertificate({ value: bytes.toString("base64url") }, ctx), {
      status: 400,
      code: "Malformed backup blob",
      message: "Backup blob contains invalid or corrupt version.",
    });
    await c.deleteCertificate("bk", ctx);
    await c.purgeDeletedCertificate("bk", ctx);
    await vault.keys.createKey("bk", { kty: "EC" }, ctx);
    await expectKvError(c.restoreCertificate({ value }, ctx), { status: 409, code: "Conflict", message: /a key of that name exists/ });
    expect(await store.get("certificate", "bk")).toBeUndefined();
    expect(await store.get("secret", "bk")).toBeUndefined();
  });
});

describe("what the store holds", () => {
  it("no private key byte and no issuer password in clear, for an exportable PEM certificate", async () => {
    const { vault, store } = await openVault();
    const c = vault.certificates;
    await c.createCertificate("leak", { policy: { ...SELF, secret_props: { contentType: "application/x-pem-file" } } }, ctx);
    await c.setIssuer("iss", { provider: "DigiCert", credentials: { pwd: "issuer-password-123" } }, ctx);
    const pem = (await vault.secrets.getSecret("leak", undefined, ctx)).value!;
    expect(pem).toContain("-----BEGIN PRIVATE KEY-----");
    const jwk = createPrivateKey(pem).export({ format: "jwk" });
    const secrets = ["d", "p", "q", "dp", "dq", "qi"].map((m) => Buffer.from(jwk[m as "d"]!, "base64url"));
    const dump = JSON.stringify(
      await Promise.all(
        (["certificate", "key", "secret", "certificate-issuer"] as ObjectKind[]).map((k) => store.list(k, { deleted: false, limit: 100 })),
      ),
    );
    for (const s of secrets) {
      for (const form of [s.toString("base64url"), s.toString("base64"), s.toString("hex")]) expect(dump).not.toContain(form.slice(0, 24));
    }
    expect(dump).not.toContain("PRIVATE KEY");
    expect(dump).not.toContain("issuer-password-123");
    expect(JSON.stringify(await c.getIssuer("iss", ctx))).not.toContain("issuer-password");
  });
});

describe("policies", () => {
  it("a policy update merges what it names into the policy; a bad one is refused and changes nothing", async () => {
    const { vault, clock } = await openVault();
    const c = vault.certificates;
    await c.createCertificate("pol", { policy: { ...ec(SELF), x509_props: { subject: "CN=pol", validity_months: 6 } } }, ctx);
    clock.advance(60);
    const updated = await c.updateCertificatePolicy(
      "pol",
      { x509_props: { subject: "CN=pol2" }, secret_props: { contentType: "application/x-pem-file" } },
      ctx,
    );
    expect(updated).toMatchObject({
      key_props: { kty: "EC", crv: "P-256", key_size: 256, exportable: true },
      x509_props: { subject: "CN=pol2", validity_months: 6 },
      secret_props: { contentType: "application/x-pem-file" },
      attributes: { created: T0, updated: T0 + 60 },
    });
    await expectKvError(
      c.updateCertificatePolicy(
        "pol",
        { lifetime_actions: [{ trigger: { lifetime_percentage: 100 }, action: { action_type: "AutoRenew" } }] },
        ctx,
      ),
      {
        status: 400,
        code: "BadParameter",
        message: "policy.lifetime_actions[0].trigger.lifetime_percentage must be a whole number from 1 to 99; got 100.",
      },
    );
    await expectKvError(
      c.updateCertificatePolicy(
        "pol",
        {
          lifetime_actions: [
            { trigger: { days_before_expiry: 10 }, action: { action_type: "AutoRenew" } },
            { trigger: { days_before_expiry: 5 }, action: { action_type: "EmailContacts" } },
          ],
        },
        ctx,
      ),
      { status: 400, code: "BadParameter", message: "policy.lifetime_actions: At most one action is allowed." },
    );
    expect((await c.getCertificatePolicy("pol", ctx)).x509_props?.subject).toBe("CN=pol2");
  });
});

describe("api-version shapes (api-versions.ts)", () => {
  it("preserveCertOrder from 7.6 on, SAN URIs and IP addresses from 2025-07-01 on, recoverableDays from 7.1 on", async () => {
    const { vault } = await openVault();
    const c = vault.certificates;
    const sans = { dns_names: ["a.example"], uris: ["https://a.example/"], ipAddresses: ["10.0.0.1"] };
    await c.createCertificate("shape", { policy: { ...ec(SELF), x509_props: { subject: "CN=a", sans } }, preserveCertOrder: true }, ctx);
    const at = (apiVersion: string) => c.getCertificate("shape", undefined, { ...ctx, apiVersion });
    const newest = await at("2025-07-01");
    expect(newest.preserveCertOrder).toBe(true);
    expect(newest.policy?.x509_props?.sans).toEqual(sans);
    expect(new X509Certificate(der(newest.cer)).subjectAltName).toBe("DNS:a.example, URI:https://a.example/, IP Address:10.0.0.1");
    const v76 = await at("7.6");
    expect(v76.preserveCertOrder).toBe(true);
    expect(v76.policy?.x509_props?.sans).toEqual({ dns_names: ["a.example"] });
    const v75 = await at("7.5");
    expect(v75).not.toHaveProperty("preserveCertOrder");
    expect(v75.attributes.recoverableDays).toBe(90);
    expect((await at("7.0")).attributes).not.toHaveProperty("recoverableDays");
  });
});

describe("import: the key goes into the HSM, exportable as the policy says", () => {
  /** A self-signed certificate of a node:crypto key (the X.509 layer, checked against openssl in its own suite). */
  function nodeCertificate() {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const j = publicKey.export({ format: "jwk" });
    const d = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
    const now = Math.floor(Date.now() / 1000);
    const cert = selfSignedCertificate(
      {
        subject: "CN=imported",
        profile: { keyUsage: ["digitalSignature"] },
        publicKey: { kty: "EC", crv: "P-384", x: j.x!, y: j.y! },
        notBefore: now - 60,
        notAfter: now + 400 * DAY,
        serial: new Uint8Array([5]),
      },
      {
        sign: (_alg, digest) => p384.sign(digest, d, { prehash: false }),
        digest: (hash, data) => new Uint8Array(createHash(hash.replace("-", "").toLowerCase()).update(data).digest()),
      },
    );
    const pem = `${privateKey.export({ format: "pem", type: "pkcs8" })}${pemEncode("CERTIFICATE", cert)}`;
    return { privateKey, cert, pem };
  }

  it("exportable (the default): the PEM secret holds the key the HSM holds; exportable false: the certificate only", async () => {
    const { vault, clock } = await openVault();
    clock.set(Math.floor(Date.now() / 1000));
    const c = vault.certificates;
    const { privateKey, cert, pem } = nodeCertificate();
    const yes = await c.importCertificate("imp-yes", { value: pem }, ctx);
    expect(der(yes.cer)).toEqual(Buffer.from(cert));
    expect(yes.policy).toMatchObject({
      key_props: { kty: "EC", crv: "P-384", key_size: 384, exportable: true },
      secret_props: { contentType: "application/x-pem-file" },
      x509_props: { subject: "CN=imported", key_usage: ["digitalSignature"], ekus: [], validity_months: 14 },
      issuer: { name: "Unknown" },
    });
    const secret = (await vault.secrets.getSecret("imp-yes", undefined, ctx)).value!;
    expect(createPrivateKey(secret).export({ format: "jwk" })).toEqual(privateKey.export({ format: "jwk" }));
    const no = await c.importCertificate("imp-no", { value: pem, policy: { key_props: { exportable: false } } }, ctx);
    expect(no.policy?.key_props?.exportable).toBe(false);
    expect((await vault.secrets.getSecret("imp-no", undefined, ctx)).value).not.toContain("PRIVATE KEY");
    expect((await vault.keys.getKey("imp-no", undefined, ctx)).attributes.exportable).toBe(false);
    await expectKvError(c.importCertificate("imp-bad", { value: pem, policy: { key_props: { kty: "RSA" } } }, ctx), {
      status: 400,
      code: "BadParameter",
      message: "policy.key_props.kty RSA does not match the imported key, which is EC.",
    });
  });
});

describe("lists", () => {
  it("includePending carries on to the next page; pages of one skip the pending certificates", async () => {
    const { vault } = await openVault();
    const c = vault.certificates;
    await c.createCertificate("a1", { policy: ec(SELF) }, ctx);
    await c.createCertificate("a2", { policy: { ...ec(SELF), issuer: { name: "Unknown" } } }, ctx);
    await c.createCertificate("a3", { policy: ec(SELF) }, ctx);
    const first = await c.listCertificates({ maxresults: 2, includePending: true }, ctx);
    expect(first.value.map((i) => i.id.split("/").pop())).toEqual(["a1", "a2"]);
    const next = new URL(first.nextLink!);
    expect(next.searchParams.get("includePending")).toBe("true");
    const second = await c.listCertificates({ maxresults: 2, includePending: true, skiptoken: next.searchParams.get("$skiptoken")! }, ctx);
    expect(second.value.map((i) => i.id.split("/").pop())).toEqual(["a3"]);
    expect(second.nextLink).toBeNull();
    const plain = await c.listCertificates({ maxresults: 2 }, ctx);
    expect(plain.value.map((i) => i.id.split("/").pop())).toEqual(["a1"]);
    expect(new URL(plain.nextLink!).searchParams.has("includePending")).toBe(false);
  });
});

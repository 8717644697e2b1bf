// End to end: the real @azure/keyvault-certificates CertificateClient (with KeyClient, CryptographyClient
// and SecretClient on the same names) against `wasm-hsm serve` child processes: create with
// DefaultCertificatePolicy (RSA and EC), both secret content types, get/versions/update/policy, the delete
// and recover pollers, purge, backup/restore between servers sharing a security domain, import of PFX and
// PEM made by node:crypto and openssl, the Unknown-issuer flow (an openssl CA signs the CSR, then merge),
// contacts, issuers, and the checks that tie the three objects together. Every issued certificate is
// read by node:crypto and openssl (helpers/x509-check.ts).
import { createPrivateKey, generateKeyPairSync, verify as nodeVerify, X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CertificateClient,
  type CertificatePolicy,
  CertificateClient as Client,
  DefaultCertificatePolicy,
  type KeyVaultCertificateWithPolicy,
} from "@azure/keyvault-certificates";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliServer, startCli } from "../helpers/cli-server.js";
import { rawRequest } from "../helpers/https.js";
import { hasOpenssl, openssl, opensslIn } from "../helpers/openssl.js";
import { clientOptions, credential, digest, nodePublicKey, restError } from "../helpers/sdk.js";
import { checkIssued } from "../helpers/x509-check.js";

const work = mkdtempSync(join(tmpdir(), "wasm-hsm-e2e-certs-"));
const domainFile = join(work, "domain.json");
// The ports given to this work (9600-9699).
const PORTS = [9611, 9612, 9613];

let a: CliServer; // the main server
let b: CliServer; // shares a's security domain
let other: CliServer; // its own domain

beforeAll(async () => {
  // a first: it writes the domain file that b then adopts (started together, both could make one).
  a = await startCli(["--port", String(PORTS[0]), "--security-domain", domainFile], { port: false });
  [b, other] = await Promise.all([
    startCli(["--port", String(PORTS[1]), "--security-domain", domainFile], { port: false }),
    startCli(["--port", String(PORTS[2])], { port: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([a, b, other].filter(Boolean).map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

const opts = (s: CliServer) => clientOptions({ url: s.url, cert: s.cert });
const certs = (s: CliServer): CertificateClient => new Client(s.url, credential, opts(s));
const keys = (s: CliServer) => new KeyClient(s.url, credential, opts(s));
const secrets = (s: CliServer) => new SecretClient(s.url, credential, opts(s));
const fast = { intervalInMs: 0 };

let seq = 0;
const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${seq++}`;
const createdOf = (c: KeyVaultCertificateWithPolicy) => c.properties.createdOn!.getTime() / 1000;

async function create(client: CertificateClient, name: string, policy: CertificatePolicy = DefaultCertificatePolicy) {
  const poller = await client.beginCreateCertificate(name, policy, fast);
  return poller.pollUntilDone();
}

/** PEM blocks of a text, in order. */
function pemBlocks(text: string): { label: string; der: Buffer }[] {
  return [...text.matchAll(/-----BEGIN ([A-Z ]+)-----\n([\s\S]*?)\n-----END \1-----\n/g)].map((m) => ({
    label: m[1]!,
    der: Buffer.from(m[2]!.replace(/\n/g, ""), "base64"),
  }));
}

describe("create with DefaultCertificatePolicy", () => {
  it("RSA: issued at once; node:crypto and openssl read it; the key signs through KeyClient; the PFX secret holds the exportable key", async () => {
    const cc = certs(a);
    const name = uniq("default-rsa");
    const cert = await create(cc, name);
    expect(cert.name).toBe(name);
    expect(cert.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(cert.keyId).toBe(`${a.url}/keys/${name}/${cert.properties.version}`);
    expect(cert.secretId).toBe(`${a.url}/secrets/${name}/${cert.properties.version}`);
    expect(cert.policy).toMatchObject({
      issuerName: "Self",
      subject: "cn=MyCert",
      keyType: "RSA",
      keySize: 2048,
      exportable: true,
      reuseKey: false,
      contentType: "application/x-pkcs12",
      enhancedKeyUsage: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
      keyUsage: ["digitalSignature", "keyEncipherment"],
      validityInMonths: 12,
      lifetimeActions: [{ lifetimePercentage: 80, action: "AutoRenew" }],
    });
    const x = checkIssued(cert.cer!, {
      subject: ["CN=MyCert"],
      ekus: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
      keyUsage: "Digital Signature, Key Encipherment",
      validityMonths: 12,
      created: createdOf(cert),
    });
    expect(cert.properties.notBefore!.getTime()).toBe(Date.parse(x.validFrom));
    expect(cert.properties.expiresOn!.getTime()).toBe(Date.parse(x.validTo));

    // The certificate's key, through KeyClient: managed, the certificate's public key, and it signs.
    const key = await keys(a).getKey(name);
    expect(key.properties.managed).toBe(true);
    expect(key.id).toBe(cert.keyId);
    expect(key.keyOperations).toEqual(["sign", "verify", "wrapKey", "unwrapKey"]);
    expect(nodePublicKey(key.key!).export({ format: "jwk" })).toEqual(x.publicKey.export({ format: "jwk" }));
    const data = Buffer.from("signed by the certificate's key");
    const sig = await new CryptographyClient(key, credential, opts(a)).sign("RS256", digest("RS256", data));
    expect(nodeVerify("sha256", data, x.publicKey, Buffer.from(sig.result))).toBe(true);

    // The secret: managed, kid = the key, a PFX holding the certificate.
    const secret = await secrets(a).getSecret(name);
    expect(secret.properties.managed).toBe(true);
    expect(secret.properties.certificateKeyId).toBe(cert.keyId);
    expect(secret.properties.contentType).toBe("application/x-pkcs12");
    if (hasOpenssl) {
      const pfx = Buffer.from(secret.value!, "base64");
      const out = openssl(["pkcs12", "-in", "{dir}/s.p12", "-passin", "pass:", "-nodes"], { "s.p12": pfx });
      const blocks = pemBlocks(out.replace(/\r/g, ""));
      expect(blocks.filter((bl) => bl.label === "CERTIFICATE").map((bl) => bl.der)).toEqual([Buffer.from(cert.cer!)]);
      // The policy's key is exportable (the default for RSA): the PFX holds the certificate's own private key.
      const keys8 = blocks.filter((bl) => bl.label === "PRIVATE KEY");
      expect(keys8).toHaveLength(1);
      expect(x.checkPrivateKey(createPrivateKey({ key: keys8[0]!.der, format: "der", type: "pkcs8" }))).toBe(true);
    }
  });

  it("EC P-256 with SANs and the PEM content type", async () => {
    const cc = certs(a);
    const name = uniq("default-ec");
    const cert = await create(cc, name, {
      ...DefaultCertificatePolicy,
      subject: "CN=ec.example, O=Contoso",
      keyType: "EC",
      keyCurveName: "P-256",
      contentType: "application/x-pem-file",
      subjectAlternativeNames: {
        dnsNames: ["ec.example", "*.ec.example"],
        emails: ["ops@ec.example"],
        userPrincipalNames: ["svc@corp.example"],
      },
    });
    expect(cert.policy).toMatchObject({ keyType: "EC", keyCurveName: "P-256", keySize: 256, contentType: "application/x-pem-file" });
    const x = checkIssued(cert.cer!, {
      subject: ["O=Contoso", "CN=ec.example"],
      sans: "DNS:ec.example, DNS:*.ec.example, email:ops@ec.example, othername:UPN:svc@corp.example",
      ekus: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
      keyUsage: "Digital Signature",
      validityMonths: 12,
      created: createdOf(cert),
    });
    const key = await keys(a).getKey(name);
    expect(key.keyType).toBe("EC");
    expect(key.keyOperations).toEqual(["sign", "verify"]);
    const data = Buffer.from("ecdsa");
    const sig = await new CryptographyClient(key, credential, opts(a)).sign("ES256", digest("ES256", data));
    expect(nodeVerify("sha256", data, { key: x.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(sig.result))).toBe(true);
    // The PEM secret, read as the JS SDK's own test reads it: the certificate is the last block.
    const secret = await secrets(a).getSecret(name);
    expect(secret.properties.contentType).toBe("application/x-pem-file");
    expect(secret.value!.endsWith("-----END CERTIFICATE-----\n")).toBe(true);
    const blocks = pemBlocks(secret.value!);
    expect(blocks.map((bl) => bl.label)).toEqual(["PRIVATE KEY", "CERTIFICATE"]);
    expect(blocks.at(-1)!.der).toEqual(Buffer.from(cert.cer!));
    expect(x.checkPrivateKey(createPrivateKey({ key: blocks[0]!.der, format: "der", type: "pkcs8" }))).toBe(true);
  });

  it("a non-exportable key (exportable: false, and every HSM key) stays in the HSM: its secret holds the certificate only", async () => {
    const cc = certs(a);
    for (const [keyType, exportable, contentType] of [
      ["RSA", false, "application/x-pem-file"],
      ["EC-HSM", undefined, "application/x-pkcs12"],
    ] as const) {
      const name = uniq("no-export");
      const cert = await create(cc, name, {
        ...DefaultCertificatePolicy,
        keyType,
        ...(exportable !== undefined ? { exportable } : {}),
        contentType,
      });
      expect(cert.policy?.exportable).toBe(false);
      const value = (await secrets(a).getSecret(name)).value!;
      const text =
        contentType === "application/x-pem-file"
          ? value
          : hasOpenssl
            ? openssl(["pkcs12", "-in", "{dir}/s.p12", "-passin", "pass:", "-nodes"], { "s.p12": Buffer.from(value, "base64") })
            : "";
      if (text === "") continue;
      expect(pemBlocks(text.replace(/\r/g, "")).map((bl) => bl.label)).toEqual(["CERTIFICATE"]);
      expect((await keys(a).getKey(name)).properties.exportable).toBe(false);
    }
  });

  it("answers create with 202, Location to the operation, and the operation (completed for Self)", async () => {
    const name = uniq("raw-create");
    const r = await rawRequest(a.url, a.cert, {
      method: "POST",
      path: `/certificates/${name}/create?api-version=2025-07-01`,
      body: JSON.stringify({ policy: { x509_props: { subject: "CN=raw" }, issuer: { name: "Self" } } }),
    });
    expect(r.status).toBe(202);
    const op = r.json();
    expect(r.headers.location).toBe(`${a.url}/certificates/${name}/pending?api-version=2025-07-01&request_id=${op.request_id}`);
    expect(op).toMatchObject({ id: `${a.url}/certificates/${name}/pending`, status: "completed", target: `${a.url}/certificates/${name}` });
    expect(op.request_id).toMatch(/^[0-9a-f]{32}$/);
    const csr = new X509Certificate(Buffer.from((await certs(a).getCertificate(name)).cer!)); // the certificate exists
    expect(csr.subject).toBe("CN=raw");
  });
});

describe("read and change", () => {
  it("get, versions, update properties (empty version = current), disable, policy update, and a new version", async () => {
    const cc = certs(a);
    const name = uniq("crud");
    const first = await create(cc, name);
    const byVersion = await cc.getCertificateVersion(name, first.properties.version!);
    expect(Buffer.from(byVersion.cer!)).toEqual(Buffer.from(first.cer!));
    const updated = await cc.updateCertificateProperties(name, "", { tags: { env: "test" } });
    expect(updated.properties.tags).toEqual({ env: "test" });
    await cc.updateCertificateProperties(name, first.properties.version!, { enabled: false });
    expect((await cc.getCertificate(name)).properties.enabled).toBe(false);
    expect((await cc.getCertificateVersion(name, first.properties.version!)).properties.enabled).toBe(false);
    // Disabling the certificate disables its key and secret of that version.
    expect((await keys(a).getKey(name)).properties.enabled).toBe(false);

    // (The SDK's updateCertificatePolicy returns an empty policy whatever the service answers: it
    // reads a response body it never captures. The policy is read back instead.)
    await cc.updateCertificatePolicy(name, { issuerName: "Self", subject: "cn=MyOtherCert" });
    expect((await cc.getCertificatePolicy(name)).subject).toBe("cn=MyOtherCert");
    expect((await cc.getCertificate(name)).policy?.issuerName).toBe("Self");
    const second = await create(cc, name, { issuerName: "Self", subject: "cn=MyOtherCert" });
    expect(second.properties.version).not.toBe(first.properties.version);
    expect(new X509Certificate(Buffer.from(second.cer!)).subject).toBe("CN=MyOtherCert");
    const versions: string[] = [];
    for await (const p of cc.listPropertiesOfCertificateVersions(name)) versions.push(p.version!);
    expect(versions.sort()).toEqual([first.properties.version!, second.properties.version!].sort());
    const listed: string[] = [];
    for await (const p of cc.listPropertiesOfCertificates()) listed.push(p.name!);
    expect(listed).toContain(name);
  });

  it("a malformed policy is 400 BadParameter naming the problem", async () => {
    const cc = certs(a);
    for (const [policy, message] of [
      [{ issuerName: "Self", subject: "" }, /subject is required/],
      [{ issuerName: "Self", subject: "CN=x", validityInMonths: 0 }, /validity_months must be a whole number from 1 to 1200/],
      [{ issuerName: "Self", subject: "CN=x", validityInMonths: 1201 }, /validity_months/],
      [{ issuerName: "Self", subject: "CN=x", keyType: "oct" }, /kty must be RSA, RSA-HSM, EC or EC-HSM/],
      [{ issuerName: "Self", subject: "CN=x", keyType: "RSA", keySize: 1024 }, /key_size must be 2048, 3072 or 4096/],
      [{ issuerName: "Self", subject: "CN=x", keyType: "EC", keyCurveName: "P-192" }, /crv must be P-256/],
      [{ issuerName: "Self", subject: "CN=x", subjectAlternativeNames: { dnsNames: ["bad host!"] } }, /not a DNS name/],
      [{ issuerName: "Self", subject: "XX=nope" }, /unknown attribute/],
      [{ issuerName: "Self", subject: "CN=x", keyType: "RSA-HSM", exportable: true }, /HSM keys are not exportable/],
    ] as const) {
      const e = await restError(cc.beginCreateCertificate(uniq("bad"), policy as never, fast));
      expect(e.statusCode, JSON.stringify(policy)).toBe(400);
      expect(e.code).toBe("BadParameter");
      expect(e.message).toMatch(message);
    }
  });
});

describe("soft delete, recover, purge, backup and restore (all three objects)", () => {
  it("the delete poller deletes the certificate, its key and its secret; recover brings all three back; purge removes them", async () => {
    const cc = certs(a);
    const name = uniq("soft");
    const cert = await create(cc, name);
    const deleted = await (await cc.beginDeleteCertificate(name, fast)).pollUntilDone();
    expect(deleted.recoveryId).toBe(`${a.url}/deletedcertificates/${name}`);
    expect((await cc.getDeletedCertificate(name)).properties.version).toBe(cert.properties.version);
    const names: string[] = [];
    for await (const d of cc.listDeletedCertificates()) names.push(d.name!);
    expect(names).toContain(name);
    expect((await restError(cc.getCertificate(name))).statusCode).toBe(404);
    expect((await keys(a).getDeletedKey(name)).name).toBe(name);
    expect((await secrets(a).getDeletedSecret(name)).name).toBe(name);

    await (await cc.beginRecoverDeletedCertificate(name, fast)).pollUntilDone();
    expect(Buffer.from((await cc.getCertificate(name)).cer!)).toEqual(Buffer.from(cert.cer!));
    expect((await keys(a).getKey(name)).properties.managed).toBe(true);
    expect((await secrets(a).getSecret(name)).properties.managed).toBe(true);

    await (await cc.beginDeleteCertificate(name, fast)).pollUntilDone();
    await cc.purgeDeletedCertificate(name);
    expect((await restError(cc.getDeletedCertificate(name))).statusCode).toBe(404);
    expect((await restError(keys(a).getDeletedKey(name))).statusCode).toBe(404);
    expect((await restError(secrets(a).getDeletedSecret(name))).statusCode).toBe(404);
  });

  it("the keys and secrets APIs may read a certificate's key and secret but not change them (403 ...ManagedByKeyVault)", async () => {
    const name = uniq("managed");
    await create(certs(a), name);
    const del = await restError(keys(a).beginDeleteKey(name));
    expect(del.statusCode).toBe(403);
    expect(del.message).toBe(`Operation "delete" is not allowed as this object's lifetime is managed by Key Vault.`);
    const set = await restError(secrets(a).setSecret(name, "x"));
    expect(set.statusCode).toBe(403);
    expect((await restError(keys(a).updateKeyProperties(name, "", { enabled: false }))).statusCode).toBe(403);
    expect((await restError(secrets(a).beginDeleteSecret(name))).statusCode).toBe(403);
  });

  it("backup restores, with its key and secret, into a vault of the same security domain; another domain refuses it", async () => {
    const name = uniq("backup");
    const cert = await create(certs(a), name, { ...DefaultCertificatePolicy, contentType: "application/x-pem-file" });
    const blob = (await certs(a).backupCertificate(name))!;
    const conflict = await restError(certs(a).restoreCertificateBackup(blob));
    expect(conflict.statusCode).toBe(409);
    const refused = await restError(certs(other).restoreCertificateBackup(blob));
    expect(refused.statusCode).toBe(400);
    const restored = await certs(b).restoreCertificateBackup(blob);
    expect(restored.properties.version).toBe(cert.properties.version);
    expect(Buffer.from(restored.cer!)).toEqual(Buffer.from(cert.cer!));
    expect(restored.policy?.contentType).toBe("application/x-pem-file");
    const key = await keys(b).getKey(name);
    expect(key.properties.managed).toBe(true);
    const data = Buffer.from("restored key");
    const sig = await new CryptographyClient(key, credential, opts(b)).sign("RS256", digest("RS256", data));
    expect(nodeVerify("sha256", data, new X509Certificate(Buffer.from(cert.cer!)).publicKey, Buffer.from(sig.result))).toBe(true);
    expect(pemBlocks((await secrets(b).getSecret(name)).value!).at(-1)!.der).toEqual(Buffer.from(cert.cer!));
  });
});

describe.skipIf(!hasOpenssl)("import (PKCS#12 and PEM made by node:crypto and openssl)", () => {
  const dir = join(work, "import");
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 });
  let certPem = "";
  let keyPem = "";
  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    keyPem = key.privateKey.export({ format: "pem", type: "pkcs8" }) as string;
    writeFileSync(join(dir, "k.pem"), keyPem);
    opensslIn(dir, [
      "req",
      "-new",
      "-x509",
      "-key",
      "k.pem",
      "-subj",
      "/CN=imported/O=Fabrikam",
      "-days",
      "30",
      "-addext",
      "subjectAltName=DNS:imported.example",
      "-out",
      "c.pem",
    ]);
    certPem = readFileSync(join(dir, "c.pem"), "utf8");
    opensslIn(dir, ["pkcs12", "-export", "-inkey", "k.pem", "-in", "c.pem", "-passout", "pass:s3cret", "-out", "c.p12"]);
    opensslIn(dir, ["pkcs12", "-export", "-legacy", "-inkey", "k.pem", "-in", "c.pem", "-passout", "pass:", "-out", "legacy.p12"]);
  });
  const certDer = () => Buffer.from(pemBlocks(certPem)[0]!.der);
  const PEM_POLICY = { ...DefaultCertificatePolicy, contentType: "application/x-pem-file" } as const;

  it("a PFX with a password: the key goes into the HSM and signs; the policy comes from the certificate", async () => {
    const cc = certs(a);
    const name = uniq("import-pfx");
    const pfx = readFileSync(join(dir, "c.p12"));
    const cert = await cc.importCertificate(name, pfx, { password: "s3cret" });
    expect(Buffer.from(cert.cer!)).toEqual(certDer());
    expect(cert.policy).toMatchObject({
      issuerName: "Unknown",
      // openssl -subj /CN=imported/O=Fabrikam encodes CN first; RFC 4514 text names the last RDN first.
      subject: "O=Fabrikam, CN=imported",
      keyType: "RSA",
      keySize: 2048,
      exportable: true,
      contentType: "application/x-pkcs12",
      validityInMonths: 1,
      subjectAlternativeNames: { dnsNames: ["imported.example"] },
      lifetimeActions: [{ lifetimePercentage: 80, action: "EmailContacts" }],
    });
    const k = await keys(a).getKey(name);
    expect(k.properties.managed).toBe(true);
    expect(nodePublicKey(k.key!).export({ format: "jwk" })).toEqual(key.publicKey.export({ format: "jwk" }));
    const data = Buffer.from("imported key signs");
    const sig = await new CryptographyClient(k, credential, opts(a)).sign("PS256", digest("PS256", data));
    expect(nodeVerify("sha256", data, { key: key.publicKey, padding: 6, saltLength: 32 }, Buffer.from(sig.result))).toBe(true);
  });

  it("a legacy (3DES/RC2) PFX with an empty password, and PEM text with its PKCS#8 key", async () => {
    const cc = certs(a);
    const legacy = await cc.importCertificate(uniq("import-legacy"), readFileSync(join(dir, "legacy.p12")));
    expect(Buffer.from(legacy.cer!)).toEqual(certDer());
    const name = uniq("import-pem");
    // The policy's content type makes the SDK send the bytes as text (it sends no policy with an import).
    const pem = await cc.importCertificate(name, Buffer.from(keyPem + certPem), { policy: PEM_POLICY });
    expect(Buffer.from(pem.cer!)).toEqual(certDer());
    const secret = await secrets(a).getSecret(name);
    expect(secret.properties.contentType).toBe("application/x-pem-file");
    const blocks = pemBlocks(secret.value!);
    expect(blocks.at(-1)!.der).toEqual(certDer());
    // Imported exportable (the default): the key went into the HSM, and comes back out of it for the
    // secret. The core rebuilds d as e^-1 mod (p-1)(q-1); OpenSSL's is mod lcm(p-1, q-1): both work.
    const { d: _d, ...back } = createPrivateKey({ key: blocks[0]!.der, format: "der", type: "pkcs8" }).export({ format: "jwk" });
    const { d: _d0, ...original } = key.privateKey.export({ format: "jwk" });
    expect(back).toEqual(original);
    expect(new X509Certificate(certDer()).checkPrivateKey(createPrivateKey({ key: blocks[0]!.der, format: "der", type: "pkcs8" }))).toBe(
      true,
    );
  });

  it("a wrong password, a corrupt PFX, PEM without its key, a PKCS#1 key: 400 BadParameter naming the problem", async () => {
    const cc = certs(a);
    const pfx = readFileSync(join(dir, "c.p12"));
    const wrong = await restError(cc.importCertificate(uniq("bad-pwd"), pfx, { password: "nope" }));
    expect([wrong.statusCode, wrong.code]).toEqual([400, "BadParameter"]);
    expect(wrong.message).toMatch(/PKCS#12 .* can not be read.*given password/);
    const corrupt = Buffer.from(pfx);
    corrupt[corrupt.length >> 1]! ^= 0xff;
    expect((await restError(cc.importCertificate(uniq("corrupt"), corrupt, { password: "s3cret" }))).statusCode).toBe(400);
    const pemPolicy = { policy: PEM_POLICY };
    const noKey = await restError(cc.importCertificate(uniq("no-key"), Buffer.from(certPem), pemPolicy));
    expect([noKey.statusCode, noKey.code]).toEqual([400, "BadParameter"]);
    expect(noKey.message).toMatch(/no private key/);
    const pkcs1 = key.privateKey.export({ format: "pem", type: "pkcs1" }) as string;
    const legacyKey = await restError(cc.importCertificate(uniq("pkcs1"), Buffer.from(pkcs1 + certPem), pemPolicy));
    expect(legacyKey.message).toMatch(/BEGIN RSA PRIVATE KEY/);
    // Nothing was made by the failures.
    for await (const p of cc.listPropertiesOfCertificates()) expect(p.name).not.toMatch(/^(bad-pwd|corrupt|no-key|pkcs1)-/);
  });
});

describe.skipIf(!hasOpenssl)("the Unknown issuer: a CSR signed by an openssl CA, then merged", () => {
  it("pending with a CSR; a chain of another key is refused (400); the right one merges (201) into a certificate of the pending key", async () => {
    const cc = certs(a);
    const name = uniq("unknown");
    const poller = await cc.beginCreateCertificate(
      name,
      { issuerName: "Unknown", subject: "CN=merged.example", subjectAlternativeNames: { dnsNames: ["merged.example"] } },
      fast,
    );
    expect(poller.isDone()).toBe(false);
    const op = (await cc.getCertificateOperation(name)).getOperationState().certificateOperation!;
    expect(op.status).toBe("inProgress");
    expect(op.statusDetails).toBe("Pending certificate created. Please Perform Merge to complete the request.");
    const pending = await cc.getCertificate(name);
    expect(pending.properties.enabled).toBe(false);
    expect(pending.cer).toBeUndefined();

    const dir = mkdtempSync(join(work, "ca-"));
    opensslIn(dir, [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-subj",
      "/CN=Test CA",
      "-days",
      "30",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    const csrPem = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(op.csr!).toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    writeFileSync(join(dir, "r.csr"), csrPem);
    expect(opensslIn(dir, ["req", "-in", "r.csr", "-noout", "-verify"])).toMatch(/verify OK/);
    opensslIn(dir, [
      "x509",
      "-req",
      "-in",
      "r.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "30",
      "-copy_extensions",
      "copy",
      "-out",
      "leaf.crt",
    ]);
    // A certificate of another key (the CA's own) does not match the pending key.
    const caDer = Buffer.from(pemBlocks(readFileSync(join(dir, "ca.crt"), "utf8"))[0]!.der);
    const leafDer = Buffer.from(pemBlocks(readFileSync(join(dir, "leaf.crt"), "utf8"))[0]!.der);
    const mismatch = await restError(cc.mergeCertificate(name, [caDer]));
    expect([mismatch.statusCode, mismatch.code]).toEqual([400, "BadParameter"]);
    expect(mismatch.message).toMatch(/do not match the pending certificate's key/);

    const merged = await cc.mergeCertificate(name, [leafDer, caDer]);
    expect(Buffer.from(merged.cer!)).toEqual(leafDer);
    expect(merged.properties.enabled).toBe(true);
    expect(merged.properties.version).toBe(pending.properties.version);
    const ca = new X509Certificate(caDer);
    checkIssued(merged.cer!, {
      subject: ["CN=merged.example"],
      sans: "DNS:merged.example",
      ekus: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
      keyUsage: "Digital Signature, Key Encipherment",
      validityMonths: 0,
      created: 0,
      issuer: ca,
    });
    expect((await cc.getCertificateOperation(name)).getOperationState().certificateOperation!.status).toBe("completed");
    // The key of the request is the certificate's key, now in the key object; the PFX carries the chain.
    const k = await keys(a).getKey(name);
    expect(nodePublicKey(k.key!).export({ format: "jwk" })).toEqual(new X509Certificate(leafDer).publicKey.export({ format: "jwk" }));
    const out = openssl(["pkcs12", "-in", "{dir}/s.p12", "-passin", "pass:", "-nodes"], {
      "s.p12": Buffer.from((await secrets(a).getSecret(name)).value!, "base64"),
    });
    const blocks = pemBlocks(out.replace(/\r/g, ""));
    expect(blocks.filter((bl) => bl.label === "CERTIFICATE").map((bl) => bl.der)).toEqual([leafDer, caDer]);
    const pkcs8 = blocks.find((bl) => bl.label === "PRIVATE KEY")!;
    expect(new X509Certificate(leafDer).checkPrivateKey(createPrivateKey({ key: pkcs8.der, format: "der", type: "pkcs8" }))).toBe(true);
    // Merging again: there is no operation in progress.
    expect((await restError(cc.mergeCertificate(name, [leafDer]))).statusCode).toBe(404);
  });

  it("cancel leaves the operation in progress with cancellation_requested; delete removes it; a second cancel is 403", async () => {
    const cc = certs(a);
    const name = uniq("cancel");
    const poller = await cc.beginCreateCertificate(name, { issuerName: "Unknown", subject: "CN=cancel" }, fast);
    await poller.cancelOperation();
    const state = (await cc.getCertificateOperation(name)).getOperationState().certificateOperation!;
    expect([state.status, state.cancellationRequested]).toEqual(["inProgress", true]);
    const deleted = await cc.deleteCertificateOperation(name);
    expect(deleted.status).toBe("inProgress");
    const gone = await restError(cc.getCertificateOperation(name));
    expect([gone.statusCode, gone.code, gone.message]).toEqual([
      404,
      "PendingCertificateNotFound",
      `Pending certificate not found: ${name}`,
    ]);
  });
});

describe("contacts and issuers", () => {
  it("contacts: set, get, delete; then 404 ContactsNotFound", async () => {
    const cc = certs(b);
    const contacts = [{ email: "ops@example.com", name: "Ops", phone: "555-0100" }, { email: "sec@example.com" }];
    expect(await cc.setContacts(contacts)).toEqual(contacts);
    expect(await cc.getContacts()).toEqual(contacts);
    // (The SDK's deleteContacts reads the raw body with its model's member names and returns []: the body is checked raw.)
    const del = await rawRequest(b.url, b.cert, { method: "DELETE", path: "/certificates/contacts?api-version=2025-07-01" });
    expect(del.status).toBe(200);
    expect(del.json()).toEqual({ id: `${b.url}/certificates/contacts`, contacts });
    const e = await restError(cc.getContacts());
    expect([e.statusCode, e.code, e.message]).toEqual([404, "ContactsNotFound", "Contacts not found"]);
  });

  it("issuers: create, get, update, list, delete (the password is never returned); then 404 Issuer not found", async () => {
    const cc = certs(b);
    const name = uniq("issuer");
    const created = await cc.createIssuer(name, "Test", { accountId: "acct", password: "hunter2", organizationId: "org-1" });
    // (The SDK names an issuer by the second segment of its id, /certificates/issuers/{name}: "issuers".)
    expect(created).toMatchObject({
      id: `${b.url}/certificates/issuers/${name}`,
      provider: "Test",
      accountId: "acct",
      organizationId: "org-1",
    });
    expect(JSON.stringify(created)).not.toContain("hunter2");
    expect((await cc.getIssuer(name)).provider).toBe("Test");
    expect((await cc.updateIssuer(name, { provider: "Test", accountId: "acct-2" })).accountId).toBe("acct-2");
    const names: string[] = [];
    for await (const i of cc.listPropertiesOfIssuers()) names.push(i.id!);
    expect(names).toContain(`${b.url}/certificates/issuers/${name}`);
    // A certificate of a provider the service accepts stays in progress, as the service's does.
    const via = uniq("via-issuer");
    await cc.beginCreateCertificate(via, { issuerName: name, subject: "CN=via" }, fast);
    expect((await cc.getCertificateOperation(via)).getOperationState().certificateOperation!.status).toBe("inProgress");
    await cc.deleteIssuer(name);
    const e = await restError(cc.getIssuer(name));
    expect([e.statusCode, e.message]).toEqual([404, "Issuer not found"]);
  });
});

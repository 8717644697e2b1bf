// The offline vault driven by the real SDK clients, every result checked by node:crypto (a subset of
// test/e2e/server.test.ts's differential checks). Run against the engine in this thread and in a worker.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
  verify,
  X509Certificate,
} from "node:crypto";
import { CryptographyClient, KeyClient, type KeyVaultKey } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { CertificateClient, DefaultCertificatePolicy } from "@azure/keyvault-certificates";
import { expect, it } from "vitest";
import type { OfflineVault } from "../../../src/offline/node.js";
import { nodePublicKey, restError, sdkJwk } from "../../helpers/sdk.js";

let seq = 0;
const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${seq++}`;
const sha = (bits: number, data: Uint8Array) => createHash(`sha${bits}`).update(data).digest();

export function sdkChecks(vault: () => OfflineVault): void {
  const kc = () => new KeyClient(vault().url, vault().credential, vault().clientOptions);
  const cc = (key: KeyVaultKey | string) => new CryptographyClient(key, vault().credential, vault().clientOptions);

  it("RSA-2048: sign RS256 and PS256 (node verifies), RSA-OAEP-256 from node decrypts, wrap and unwrap", async () => {
    const key = await kc().createRsaKey(uniq("rsa"), { keySize: 2048 });
    const pub = nodePublicKey(key.key!);
    const c = cc(key);
    const data = randomBytes(100);
    const rs = await c.sign("RS256", sha(256, data));
    expect(verify("sha256", data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, rs.result)).toBe(true);
    const ps = await c.sign("PS256", sha(256, data));
    expect(verify("sha256", data, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, ps.result)).toBe(true);
    expect((await c.verify("PS256", sha(256, data), ps.result)).result).toBe(true);
    const bad = Buffer.from(ps.result);
    bad[0] ^= 1;
    expect((await c.verify("PS256", sha(256, data), bad)).result).toBe(false);
    const pt = randomBytes(32);
    const ct = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, pt);
    expect(Buffer.from((await c.decrypt({ algorithm: "RSA-OAEP-256", ciphertext: ct })).result)).toEqual(pt);
    const wrapped = await c.wrapKey("RSA-OAEP", pt);
    expect(Buffer.from((await c.unwrapKey("RSA-OAEP", wrapped.result)).result)).toEqual(pt);
  });

  it("EC P-256 generated and P-384 imported from node: ES256 and ES384 signatures verify in node", async () => {
    const made = await kc().createEcKey(uniq("ec"), { curve: "P-256" });
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const jwk = privateKey.export({ format: "jwk" });
    const imported = await kc().importKey(uniq("ec"), sdkJwk(jwk));
    expect(Buffer.from(imported.key!.x!).toString("base64url")).toBe(jwk.x);
    for (const [key, alg, bits] of [
      [made, "ES256", 256],
      [imported, "ES384", 384],
    ] as const) {
      const data = randomBytes(64);
      const sig = await cc(key).sign(alg, sha(bits, data));
      expect(verify(`sha${bits}`, data, { key: nodePublicKey(key.key!), dsaEncoding: "ieee-p1363" }, sig.result)).toBe(true);
      expect((await cc(key).verify(alg, sha(bits, data), sig.result)).result).toBe(true);
    }
  });

  it("AES-256 imported: A256KW matches node's key wrap, A256GCM decrypts in node", async () => {
    const k = randomBytes(32);
    const key = await kc().importKey(uniq("oct"), sdkJwk({ kty: "oct", k: k.toString("base64url") }), { hardwareProtected: true });
    const cek = randomBytes(32);
    const wrapped = await cc(key).wrapKey("A256KW", cek);
    const w = createCipheriv("id-aes256-wrap", k, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
    expect(Buffer.from(wrapped.result)).toEqual(Buffer.concat([w.update(cek), w.final()]));
    const pt = randomBytes(45);
    const enc = await cc(key).encrypt({ algorithm: "A256GCM", plaintext: pt });
    const d = createDecipheriv("aes-256-gcm", k, enc.iv!);
    d.setAuthTag(enc.authenticationTag!);
    expect(Buffer.concat([d.update(enc.result), d.final()])).toEqual(pt);
  });

  it("secrets: set, get, a new version, list; errors arrive as RestError", async () => {
    const sc = new SecretClient(vault().url, vault().credential, vault().clientOptions);
    const name = uniq("sec");
    const v1 = await sc.setSecret(name, "first value");
    await sc.setSecret(name, "second value", { contentType: "text/plain" });
    expect((await sc.getSecret(name)).value).toBe("second value");
    expect((await sc.getSecret(name, { version: v1.properties.version })).value).toBe("first value");
    const names: string[] = [];
    for await (const p of sc.listPropertiesOfSecrets()) names.push(p.name);
    expect(names).toContain(name);
    const missing = await restError(sc.getSecret(uniq("missing")));
    expect([missing.statusCode, missing.code]).toEqual([404, "SecretNotFound"]);
  });

  it("certificates: a self-signed certificate with DefaultCertificatePolicy, whose key signs through KeyClient", async () => {
    const cc2 = new CertificateClient(vault().url, vault().credential, vault().clientOptions);
    const name = uniq("cert");
    const poller = await cc2.beginCreateCertificate(name, DefaultCertificatePolicy, { intervalInMs: 10 });
    const cert = await poller.pollUntilDone();
    const x509 = new X509Certificate(Buffer.from(cert.cer!));
    expect(x509.verify(x509.publicKey)).toBe(true);
    const data = randomBytes(32);
    const key = await kc().getKey(name);
    const sig = await cc(key).sign("RS256", sha(256, data));
    expect(verify("sha256", data, x509.publicKey, sig.result)).toBe(true);
  });

  it("backup, delete, purge, restore: the restored key signs what the original's public key verifies", async () => {
    const name = uniq("bak");
    const key = await kc().createEcKey(name, { curve: "P-256" });
    const blob = await kc().backupKey(name);
    await (await kc().beginDeleteKey(name, { intervalInMs: 10 })).pollUntilDone();
    await kc().purgeDeletedKey(name);
    expect((await restError(kc().getKey(name))).statusCode).toBe(404);
    const restored = await kc().restoreKeyBackup(blob!);
    expect(restored.id).toBe(key.id);
    const data = randomBytes(32);
    const sig = await cc(restored).sign("ES256", sha(256, data));
    expect(verify("sha256", data, { key: nodePublicKey(key.key!), dsaEncoding: "ieee-p1363" }, sig.result)).toBe(true);
  });
}

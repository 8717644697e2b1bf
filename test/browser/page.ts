// Runs in Chromium (bundled by esbuild with the real SDK clients; "wasm-hsm" is the browser bundle,
// mapped by the page's import map). window.runChecks(worker) drives the offline vault through
// KeyClient, CryptographyClient and SecretClient and checks every result with the browser's own
// WebCrypto; it returns what it saw, and the test checks it again with node:crypto.
import { CryptographyClient, KeyClient, type JsonWebKey, type KeyVaultKey } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { CertificateClient } from "@azure/keyvault-certificates";
// @ts-expect-error: resolved in the browser by the import map (dist/browser/wasm-hsm.js or .inline.js)
import { createOfflineVault } from "wasm-hsm";
import type { OfflineVault } from "../../src/offline/browser.js";

export interface PageReport {
  checks: Record<string, boolean>;
  /** For node:crypto: an RSA and an EC public key, a digest's message and signatures over it. */
  message: string;
  rsa: { n: string; e: string; rs256: string };
  ec: { x: string; y: string; es256: string };
  /** Calls to WebAssembly.instantiate in the page (none with the engine in a worker). */
  instantiations: number;
  errors: string[];
}

const b64u = (b: Uint8Array) =>
  btoa(String.fromCharCode(...b))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const sha256 = async (data: Uint8Array<ArrayBuffer>) => new Uint8Array(await crypto.subtle.digest("SHA-256", data));
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const rand = (n: number) => crypto.getRandomValues(new Uint8Array(n));

let instantiations = 0;
const instantiate = WebAssembly.instantiate.bind(WebAssembly);
(WebAssembly as { instantiate: unknown }).instantiate = (...args: Parameters<typeof WebAssembly.instantiate>) => {
  instantiations++;
  return instantiate(...args);
};

async function runChecks(worker: boolean): Promise<PageReport> {
  const checks: Record<string, boolean> = {};
  const errors: string[] = [];
  const before = instantiations;
  const vault: OfflineVault = await createOfflineVault({ worker });
  const kc = new KeyClient(vault.url, vault.credential, vault.clientOptions);
  const sc = new SecretClient(vault.url, vault.credential, vault.clientOptions);
  const cc = (k: KeyVaultKey) => new CryptographyClient(k, vault.credential, vault.clientOptions);
  const check = async (name: string, fn: () => Promise<boolean>) => {
    try {
      checks[name] = await fn();
    } catch (e) {
      checks[name] = false;
      errors.push(`${name}: ${(e as Error).stack ?? e}`);
    }
  };
  const message = `wasm-hsm in a browser ${Date.now()}`;
  const digest = await sha256(new TextEncoder().encode(message));
  const report: PageReport = {
    checks,
    message,
    rsa: { n: "", e: "", rs256: "" },
    ec: { x: "", y: "", es256: "" },
    instantiations: 0,
    errors,
  };
  try {
    const rsa = await kc.createRsaKey(`rsa-${worker}`, { keySize: 2048 });
    const ec = await kc.createEcKey(`ec-${worker}`, { curve: "P-256" });
    const rsaJwk = publicJwk(rsa.key!);
    const ecJwk = publicJwk(ec.key!);
    const rsaVerify = await crypto.subtle.importKey(
      "jwk",
      { ...rsaJwk, alg: "RS256" },
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["verify"],
    );
    const ecVerify = await crypto.subtle.importKey("jwk", ecJwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const oaep = await crypto.subtle.importKey("jwk", { ...rsaJwk, alg: "RSA-OAEP-256" }, { name: "RSA-OAEP", hash: "SHA-256" }, false, [
      "encrypt",
    ]);

    await check("RSA RS256 sign: WebCrypto verifies; the vault verifies", async () => {
      const sig = (await cc(rsa).sign("RS256", digest)).result;
      report.rsa = { n: rsaJwk.n!, e: rsaJwk.e!, rs256: b64u(sig) };
      const web = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", rsaVerify, new Uint8Array(sig), new TextEncoder().encode(message));
      return web && (await cc(rsa).verify("RS256", digest, sig)).result;
    });
    await check("EC ES256 sign: WebCrypto verifies; a changed signature fails", async () => {
      const sig = (await cc(ec).sign("ES256", digest)).result;
      report.ec = { x: ecJwk.x!, y: ecJwk.y!, es256: b64u(sig) };
      const ok = await crypto.subtle.verify(
        { name: "ECDSA", hash: "SHA-256" },
        ecVerify,
        new Uint8Array(sig),
        new TextEncoder().encode(message),
      );
      const bad = sig.slice();
      bad[10] ^= 1;
      return ok && (await cc(ec).verify("ES256", digest, sig)).result && !(await cc(ec).verify("ES256", digest, bad)).result;
    });
    await check("RSA-OAEP-256: WebCrypto encrypts, the vault decrypts", async () => {
      const pt = rand(32);
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, oaep, pt));
      return equal((await cc(rsa).decrypt({ algorithm: "RSA-OAEP-256", ciphertext: ct })).result, pt);
    });
    await check("RSA-OAEP wrapKey and unwrapKey", async () => {
      const cek = rand(32);
      const wrapped = await cc(rsa).wrapKey("RSA-OAEP", cek);
      return equal((await cc(rsa).unwrapKey("RSA-OAEP", wrapped.result)).result, cek);
    });
    await check("secret: set, get, versions", async () => {
      const v1 = await sc.setSecret(`secret-${worker}`, "first");
      await sc.setSecret(`secret-${worker}`, "second");
      const now = await sc.getSecret(`secret-${worker}`);
      const old = await sc.getSecret(`secret-${worker}`, { version: v1.properties.version! });
      return now.value === "second" && old.value === "first";
    });
    await check("certificate: a self-signed certificate whose key signs, verified by WebCrypto with the certificate's key", async () => {
      const certs = new CertificateClient(vault.url, vault.credential, vault.clientOptions);
      const name = `cert-${worker}`;
      const poller = await certs.beginCreateCertificate(
        name,
        { issuerName: "Self", subject: "CN=browser.example", keyType: "EC", keyCurveName: "P-256" },
        { intervalInMs: 10 },
      );
      const cert = await poller.pollUntilDone();
      const key = await kc.getKey(name);
      const sig = (await cc(key).sign("ES256", digest)).result;
      const pub = await crypto.subtle.importKey(
        "jwk",
        { kty: "EC", crv: "P-256", x: b64u(key.key!.x!), y: b64u(key.key!.y!) },
        { name: "ECDSA", namedCurve: "P-256" },
        false,
        ["verify"],
      );
      const ok = await crypto.subtle.verify(
        { name: "ECDSA", hash: "SHA-256" },
        pub,
        new Uint8Array(sig),
        new TextEncoder().encode(message),
      );
      return ok && (cert.cer?.length ?? 0) > 100 && cert.properties.x509Thumbprint !== undefined;
    });
    await check("backup, delete, purge, restore: the key and the secret come back", async () => {
      const keyBlob = (await kc.backupKey(ec.name))!;
      const secretBlob = (await sc.backupSecret(`secret-${worker}`))!;
      await (await kc.beginDeleteKey(ec.name, { intervalInMs: 10 })).pollUntilDone();
      await kc.purgeDeletedKey(ec.name);
      await (await sc.beginDeleteSecret(`secret-${worker}`, { intervalInMs: 10 })).pollUntilDone();
      await sc.purgeDeletedSecret(`secret-${worker}`);
      const restored = await kc.restoreKeyBackup(keyBlob);
      const secret = await sc.restoreSecretBackup(secretBlob);
      const sig = (await cc(restored).sign("ES256", digest)).result;
      const ok = await crypto.subtle.verify(
        { name: "ECDSA", hash: "SHA-256" },
        ecVerify,
        new Uint8Array(sig),
        new TextEncoder().encode(message),
      );
      return ok && restored.id === ec.id && (await sc.getSecret(secret.name)).value === "second";
    });
    await check("controls: a named vault with its seed, the time shift, export and import", async () => {
      const controlled = await createOfflineVault({
        worker,
        vaults: [{ name: "kv2" }],
        seed: { document: { vaults: { kv2: { secrets: [{ name: "seeded", value: "from the seed" }] } } } },
      });
      try {
        const kv2 = new SecretClient(controlled.vaultUrl("kv2"), controlled.credential, controlled.clientOptions);
        const seeded = await kv2.getSecret("seeded");
        await (await kv2.beginDeleteSecret("seeded", { intervalInMs: 10 })).pollUntilDone();
        await controlled.management.shiftClock(91 * 86_400, "kv2");
        let purged = false;
        await kv2.getDeletedSecret("seeded").catch((e: { statusCode?: number }) => {
          purged = e.statusCode === 404;
        });
        await kv2.setSecret("moving", "along");
        const imported = await controlled.management.importVault("kv3", await controlled.management.exportVault("kv2"));
        const kv3 = new SecretClient(controlled.vaultUrl("kv3"), controlled.credential, controlled.clientOptions);
        return (
          seeded.value === "from the seed" &&
          seeded.properties.id!.startsWith("https://kv2.offline.vault.invalid/") &&
          purged &&
          imported === 1 &&
          (await kv3.getSecret("moving")).value === "along"
        );
      } finally {
        await controlled.close();
      }
    });
    await check("errors arrive as RestError with Key Vault's codes", async () => {
      try {
        await kc.getKey("missing");
        return false;
      } catch (e) {
        const err = e as { name: string; statusCode?: number; code?: string };
        return err.name === "RestError" && err.statusCode === 404 && err.code === "KeyNotFound";
      }
    });
  } catch (e) {
    errors.push((e as Error).stack ?? String(e));
  } finally {
    await vault.close();
  }
  report.instantiations = instantiations - before;
  return report;
}

function publicJwk(key: JsonWebKey): globalThis.JsonWebKey {
  const kty = String(key.kty).replace("-HSM", "");
  if (kty === "RSA") return { kty, n: b64u(key.n!), e: b64u(key.e!), ext: true };
  return { kty, crv: String(key.crv), x: b64u(key.x!), y: b64u(key.y!), ext: true };
}

(globalThis as { runChecks?: typeof runChecks }).runChecks = runChecks;

// Seed entries that name files (pemFile for a key or a certificate, pfxFile for a certificate), read by the
// server relative to the seed file: a key made by node:crypto and a certificate and PFX made by openssl,
// served through the real SDK clients after startEmulator. Where the seed cannot read files (an offline
// vault) such an entry is refused naming it; so is a missing file, or a file and inline content at once.
import { createHash, createPublicKey, generateKeyPairSync, verify, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CertificateClient } from "@azure/keyvault-certificates";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../../src/index.js";
import { createOfflineVault } from "../../../src/offline/node.js";
import { hasOpenssl, opensslIn } from "../../helpers/openssl.js";

const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-seed-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasOpenssl)("seed files", () => {
  it("pemFile (a PKCS#8 key) and pfxFile (openssl's PKCS#12) relative to the seed file: the SDK gets those very keys", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "signing.pem"), rsa.privateKey.export({ format: "pem", type: "pkcs8" }));
    const req = "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=from-a-file -days 30";
    opensslIn(dir, [...req.split(" "), "-keyout", "tls.key", "-out", "tls.crt"]);
    opensslIn(dir, ["pkcs12", "-export", "-inkey", "tls.key", "-in", "tls.crt", "-passout", "pass:pw", "-out", "tls.pfx"]);
    const seedFile = join(dir, "seed.yaml");
    writeFileSync(
      seedFile,
      "keys:\n  - {name: from-pem-file, pemFile: signing.pem}\ncertificates:\n  - {name: from-pfx-file, pfxFile: tls.pfx, password: pw}\n",
    );
    const emu = await startEmulator({ seed: { text: readFileSync(seedFile, "utf8"), source: seedFile } });
    try {
      const key = await new KeyClient(emu.url, emu.credential, emu.clientOptions).getKey("from-pem-file");
      const digest = createHash("sha256").update("file").digest();
      const { result } = await new CryptographyClient(key, emu.credential, emu.clientOptions).sign("RS256", digest);
      expect(verify("sha256", Buffer.from("file"), createPublicKey(rsa.privateKey), result)).toBe(true);
      const cert = await new CertificateClient(emu.url, emu.credential, emu.clientOptions).getCertificate("from-pfx-file");
      const expected = new X509Certificate(readFileSync(join(dir, "tls.crt")));
      expect(Buffer.from(cert.cer!).equals(expected.raw)).toBe(true);
    } finally {
      await emu.close();
    }
  });

  it.each([
    [
      "a missing file",
      { text: "keys: [{name: k, pemFile: nope.pem}]", source: join(dir, "s.yaml") },
      /^.*s\.yaml: keys\[0\] \(k\): pemFile nope\.pem: ENOENT/,
    ],
    [
      "a file and inline content",
      { text: "certificates: [{name: c, pfx: AAAA, pfxFile: x.pfx}]", source: join(dir, "s.yaml") },
      /certificates\[0\] \(c\): give pfx or pfxFile, not both/,
    ],
  ])("%s stops the start, naming the entry", async (_label, seed, message) => {
    await expect(startEmulator({ seed })).rejects.toThrow(message);
  });

  it("an offline vault cannot read files: such an entry is refused, naming it and the inline alternative", async () => {
    await expect(
      createOfflineVault({
        seed: { document: { vaults: { kv2: { keys: [{ name: "k", pemFile: "k.pem" }] } } } },
        vaults: [{ name: "kv2" }],
      }),
    ).rejects.toThrow(/^seed: vaults\.kv2\.keys\[0\] \(k\): pemFile: this seed cannot read files \(give the content inline as pem\)/);
  });
});

// Seeding (src/seed): YAML and JSON documents, keys generated and imported (JWK and PEM made by
// node:crypto), secrets, the skip and replace modes, and malformed seeds refused naming the file,
// the entry and what is wrong.
import { X509Certificate, createHash, createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { applySeed, parseSeed, SeedError } from "../../../src/seed/index.js";
import { ctx, openVault } from "../vault/fixture.js";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });

const YAML = `
keys:
  - name: generated-rsa
    kty: RSA
    size: 3072
    tags: {team: a}
  - name: generated-ec-hsm
    kty: EC
    curve: P-256
    hsm: true
    key_ops: [sign]
  - name: imported-pem
    pem: |
${rsa.privateKey
  .export({ format: "pem", type: "pkcs8" })
  .toString()
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
  - name: imported-jwk
    jwk: ${JSON.stringify(ec.privateKey.export({ format: "jwk" }))}
secrets:
  - name: db-password
    value: "hunter2-not-really"
    contentType: text/plain
    attributes: {enabled: true}
vaults:
  team-b:
    secrets:
      - {name: only-in-b, value: b}
`;

describe("parseSeed", () => {
  it("reads YAML (and JSON, a subset) into one seed per vault", () => {
    const doc = parseSeed(YAML, "seed.yaml");
    expect([...doc.vaults.keys()]).toEqual(["default", "team-b"]);
    expect(doc.vaults.get("default")!.keys.map((k) => k.name)).toEqual([
      "generated-rsa",
      "generated-ec-hsm",
      "imported-pem",
      "imported-jwk",
    ]);
    const json = parseSeed(JSON.stringify({ secrets: [{ name: "s", value: "v" }] }), "seed.json");
    expect(json.vaults.get("default")!.secrets).toEqual([{ name: "s", value: "v" }]);
    expect(parseSeed("", "empty.yaml").vaults.size).toBe(0);
  });

  it.each([
    ["keys: [1, 2", /^bad\.yaml: the file: is not YAML or JSON/],
    ["- a\n- b", /^bad\.yaml: the file: must be a mapping with keys, secrets, certificates or vaults$/],
    ["kees: []", /^bad\.yaml: kees: is not a seed member/],
    ["keys: {name: x}", /^bad\.yaml: keys: must be a list$/],
    ["secrets: [{value: v}]", /^bad\.yaml: secrets\[0\]: name must be 1 to 127 characters .* got undefined$/],
    ["secrets: [{name: bad_name, value: v}]", /^bad\.yaml: secrets\[0\]: name must be .* got "bad_name"$/],
    ["vaults: [a]", /^bad\.yaml: vaults: must be a mapping of vault names$/],
    ["vaults: {b: {keys: [7]}}", /^bad\.yaml: vaults\.b\.keys\[0\]: must be a mapping$/],
  ])("refuses %j naming file, entry and problem", (text, message) => {
    expect(() => parseSeed(text, "bad.yaml")).toThrow(SeedError);
    expect(() => parseSeed(text, "bad.yaml")).toThrow(message);
  });
});

describe("applySeed", () => {
  it("creates and imports keys and sets secrets; imported keys are the seed's own keys", async () => {
    const { vault } = await openVault();
    const report = await applySeed(vault, parseSeed(YAML, "seed.yaml").vaults.get("default")!, { source: "seed.yaml" });
    expect(report.created).toHaveLength(5);
    const gen = await vault.keys.getKey("generated-rsa", undefined, ctx);
    expect(gen.key.kty).toBe("RSA");
    expect(Buffer.from(gen.key.n!, "base64url").length * 8).toBe(3072);
    expect(gen.tags).toEqual({ team: "a" });
    const hsm = await vault.keys.getKey("generated-ec-hsm", undefined, ctx);
    expect(hsm.key).toMatchObject({ kty: "EC-HSM", crv: "P-256", key_ops: ["sign"] });
    // The PEM and JWK imports hold node:crypto's keys: a signature through the vault verifies with node's public keys.
    for (const [name, alg, pub, hash, opts] of [
      ["imported-pem", "RS256", createPublicKey(rsa.privateKey), "sha256", {}],
      ["imported-jwk", "ES384", createPublicKey(ec.privateKey), "sha384", { dsaEncoding: "ieee-p1363" as const }],
    ] as const) {
      const data = Buffer.from(`seeded ${name}`);
      const sig = await vault.keys.sign(name, undefined, { alg, value: createHash(hash).update(data).digest("base64url") }, ctx);
      expect(verify(hash, data, { key: pub, ...opts }, Buffer.from(sig.value, "base64url")), name).toBe(true);
    }
    expect((await vault.secrets.getSecret("db-password", undefined, ctx)).value).toBe("hunter2-not-really");
  });

  it("issues a self-signed certificate from a policy, with its managed key and secret", async () => {
    const { vault } = await openVault();
    const seed = parseSeed(
      "certificates: [{name: web, policy: {key_props: {kty: EC, crv: P-256}, x509_props: {subject: CN=web.example, validity_months: 12}, issuer: {name: Self}}}]",
      "c.yaml",
    ).vaults.get("default")!;
    expect((await applySeed(vault, seed, { source: "c.yaml" })).created).toEqual(["certificates[0] (web)"]);
    const cert = await vault.certificates.getCertificate("web", undefined, ctx);
    const x509 = new X509Certificate(Buffer.from(cert.cer!, "base64url"));
    expect(x509.subject).toBe("CN=web.example");
    expect((await vault.keys.getKey("web", undefined, ctx)).managed).toBe(true);
    expect((await applySeed(vault, seed, { source: "c.yaml" })).skipped).toEqual(["certificates[0] (web)"]);
  });

  it("leaves existing objects alone, or adds a version with mode replace (a deleted one is purged first)", async () => {
    const { vault } = await openVault();
    await vault.secrets.setSecret("kept", { value: "original" }, ctx);
    await vault.secrets.setSecret("was-deleted", { value: "old" }, ctx);
    await vault.secrets.deleteSecret("was-deleted", ctx);
    const seed = parseSeed("secrets: [{name: kept, value: seeded}, {name: was-deleted, value: seeded}]", "s.yaml").vaults.get("default")!;
    const skip = await applySeed(vault, seed, { source: "s.yaml" });
    expect(skip.skipped).toEqual(["secrets[0] (kept)", "secrets[1] (was-deleted)"]);
    expect((await vault.secrets.getSecret("kept", undefined, ctx)).value).toBe("original");
    const replace = await applySeed(vault, seed, { source: "s.yaml", mode: "replace" });
    expect(replace.replaced).toEqual(["secrets[0] (kept)", "secrets[1] (was-deleted)"]);
    expect((await vault.secrets.getSecret("kept", undefined, ctx)).value).toBe("seeded");
    expect((await vault.secrets.listSecretVersions("kept", {}, ctx)).value).toHaveLength(2);
    expect((await vault.secrets.listSecretVersions("was-deleted", {}, ctx)).value).toHaveLength(1);
  });

  it.each([
    ["keys: [{name: k, kty: RSA, size: 1024}]", /^bad\.yaml: keys\[0\] \(k\): RSA key_size must be 2048, 3072 or 4096; got 1024\.$/],
    ["keys: [{name: k}]", /^bad\.yaml: keys\[0\] \(k\): a key needs kty/],
    ["keys: [{name: k, pem: nope}]", /^bad\.yaml: keys\[0\] \(k\): pem must hold a PKCS#8 private key/],
    ["secrets: [{name: s, value: 5}]", /^bad\.yaml: secrets\[0\] \(s\): a secret needs a string value$/],
    [
      "certificates: [{name: c, policy: {x509_props: {subject: CN=c, validity_months: 0}}}]",
      /^bad\.yaml: certificates\[0\] \(c\): .*validity_months/,
    ],
    ["certificates: [{name: c}]", /^bad\.yaml: certificates\[0\] \(c\): a certificate needs a policy/],
  ])("a bad entry %j stops the seeding with the file, the entry and Key Vault's message", async (text, message) => {
    const { vault } = await openVault();
    await expect(applySeed(vault, parseSeed(text, "bad.yaml").vaults.get("default")!, { source: "bad.yaml" })).rejects.toThrow(message);
  });
});

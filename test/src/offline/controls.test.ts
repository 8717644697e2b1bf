// createOfflineVault takes the emulator controls' options (issue 18): several vaults, a seed, simulated
// throttling, and the management API (time shift, export and import), driven by the real SDK clients,
// with the vaults in this thread and each in a worker of its own. No network: every socket call throws.
import { createHash, createPublicKey, verify } from "node:crypto";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { CertificateClient } from "@azure/keyvault-certificates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfflineVault, type OfflineVault } from "../../../src/offline/node.js";
import { forbidNetwork, type NetworkGuard } from "../../helpers/no-network.js";
import { restError } from "../../helpers/sdk.js";

let guard: NetworkGuard;
beforeAll(() => {
  guard = forbidNetwork();
});
afterAll(() => {
  guard.restore();
  expect(guard.attempts).toEqual([]);
});

const DAY = 86_400;

// The same document as `--seed FILE` takes (YAML): a key, a secret and a certificate in the default
// vault, and a secret in the named vault kv2.
const SEED = `
keys:
  - name: seeded-ec
    kty: EC
    curve: P-256
    key_ops: [sign, verify]
    tags: { from: seed }
secrets:
  - name: seeded-secret
    value: from-the-seed
    contentType: text/plain
certificates:
  - name: seeded-cert
    policy:
      x509_props: { subject: "CN=seeded" }
      issuer: { name: Self }
vaults:
  kv2:
    secrets:
      - name: only-in-kv2
        value: kv2's own
`;

describe.each([
  ["in this thread", false],
  ["each vault in a worker", true],
])("%s", (_label, worker) => {
  let vault: OfflineVault;
  const secrets = (url = vault.url) => new SecretClient(url, vault.credential, vault.clientOptions);
  const keys = (url = vault.url) => new KeyClient(url, vault.credential, vault.clientOptions);

  beforeAll(async () => {
    vault = await createOfflineVault({
      worker,
      vaults: [{ name: "kv2" }, { name: "kv3", aliases: ["kv3.example.test"] }],
      seed: { text: SEED, source: "seed.yaml" },
    });
  });
  afterAll(() => vault.close());

  it("several vaults: each its own objects, URL and identifiers; an alias reaches the same vault", async () => {
    expect(vault.vaultUrl("default")).toBe(vault.url);
    expect(vault.vaultUrl("kv2")).toBe("https://kv2.offline.vault.invalid");
    expect(() => vault.vaultUrl("nope")).toThrow(/no vault named "nope"/);
    const inKv2 = await secrets(vault.vaultUrl("kv2")).setSecret("same-name", "two");
    const inDefault = await secrets().setSecret("same-name", "default");
    expect(inKv2.properties.id!.startsWith("https://kv2.offline.vault.invalid/secrets/same-name/")).toBe(true);
    expect(inDefault.properties.id!.startsWith("https://offline.vault.invalid/secrets/same-name/")).toBe(true);
    expect((await secrets(vault.vaultUrl("kv2")).getSecret("same-name")).value).toBe("two");
    expect((await secrets().getSecret("same-name")).value).toBe("default");
    expect(await restError(secrets(vault.vaultUrl("kv3")).getSecret("same-name"))).toMatchObject({
      statusCode: 404,
      code: "SecretNotFound",
    });
    await secrets("https://kv3.example.test").setSecret("via-alias", "a");
    const viaName = await secrets(vault.vaultUrl("kv3")).getSecret("via-alias");
    expect(viaName.value).toBe("a");
    expect(viaName.properties.id!.startsWith("https://kv3.offline.vault.invalid/secrets/via-alias/")).toBe(true);
  });

  it("the seed: a key, a secret and a certificate in the default vault, a secret in kv2", async () => {
    const key = await keys().getKey("seeded-ec");
    expect(key.keyOperations).toEqual(["sign", "verify"]);
    expect(key.properties.tags).toEqual({ from: "seed" });
    // The seeded key signs, and node:crypto verifies with the public key the SDK got.
    const digest = createHash("sha256").update("seeded").digest();
    const { result } = await new CryptographyClient(key, vault.credential, vault.clientOptions).sign("ES256", digest);
    const pub = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64u(key.key!.x!), y: b64u(key.key!.y!) }, format: "jwk" });
    expect(verify("sha256", Buffer.from("seeded"), { key: pub, dsaEncoding: "ieee-p1363" }, result)).toBe(true);
    const secret = await secrets().getSecret("seeded-secret");
    expect([secret.value, secret.properties.contentType]).toEqual(["from-the-seed", "text/plain"]);
    const cert = await new CertificateClient(vault.url, vault.credential, vault.clientOptions).getCertificate("seeded-cert");
    expect(cert.policy?.subject).toBe("CN=seeded");
    expect((await secrets(vault.vaultUrl("kv2")).getSecret("only-in-kv2")).value).toBe("kv2's own");
    expect(await restError(secrets().getSecret("only-in-kv2"))).toMatchObject({ statusCode: 404 });
  });

  it("the time shift moves one vault's clock or all: exp, then the scheduled purge of a deleted secret", async () => {
    const kc = keys(vault.vaultUrl("kv2"));
    const key = await kc.createEcKey(`expiring-${worker}`, { curve: "P-256", expiresOn: new Date(Date.now() + 3_600_000) });
    const crypto = () => new CryptographyClient(key, vault.credential, vault.clientOptions);
    const digest = createHash("sha256").update("x").digest();
    await crypto().sign("ES256", digest);
    await vault.management.shiftClock(2 * 3600, "kv2");
    expect(await restError(crypto().sign("ES256", digest))).toMatchObject({ statusCode: 403, code: "Forbidden" });
    // The default vault's clock did not move: a key there that expires in an hour still signs.
    const here = await keys().createEcKey(`expiring-${worker}`, { curve: "P-256", expiresOn: new Date(Date.now() + 3_600_000) });
    await new CryptographyClient(here, vault.credential, vault.clientOptions).sign("ES256", digest);
    const times = (await vault.management.request("GET", "time")) as { vaults: { name: string; offsetSeconds: number }[] };
    expect(Object.fromEntries(times.vaults.map((v) => [v.name, v.offsetSeconds]))).toEqual({ default: 0, kv2: 7200, kv3: 0 });

    const sc = secrets();
    await sc.setSecret(`purged-later-${worker}`, "v");
    await (await sc.beginDeleteSecret(`purged-later-${worker}`)).pollUntilDone();
    expect((await sc.getDeletedSecret(`purged-later-${worker}`)).name).toBe(`purged-later-${worker}`);
    await vault.management.shiftClock(91 * DAY);
    expect(await restError(sc.getDeletedSecret(`purged-later-${worker}`))).toMatchObject({ statusCode: 404 });
  });

  it("export a vault and import it into a new vault of the same security domain", async () => {
    await secrets(vault.vaultUrl("kv3")).setSecret("moving", "along");
    const exported = await vault.management.exportVault("kv3");
    expect(JSON.stringify(exported)).not.toContain("along");
    const count = await vault.management.importVault("kv4", exported);
    expect(count).toBeGreaterThanOrEqual(1);
    expect((await secrets(vault.vaultUrl("kv4")).getSecret("moving")).value).toBe("along");
    // Into a vault of another domain: refused, nothing written.
    await expect(vault.management.importVault("kv2", exported)).rejects.toMatchObject({ status: 400 });
    await vault.management.deleteVault("kv4");
    // An offline vault listens on no port: a vault asked for with one is refused, and not made.
    await expect(vault.management.request("PUT", "vaults/ported", { port: 0 })).rejects.toMatchObject({
      status: 400,
      message: "This emulator listens on no port (it is offline): leave out port.",
    });
    expect(() => vault.vaultUrl("ported")).toThrow(/no vault named/);
    expect(() => vault.vaultUrl("kv4")).toThrow(/no vault named/);
  });
});

describe("seeds and throttles that are wrong stop the start, naming what is wrong", () => {
  it.each<[string, Parameters<typeof createOfflineVault>[0], RegExp]>([
    ["a malformed seed", { seed: { text: "keys: [{ kty: EC }]", source: "s.yaml" } }, /^s\.yaml: keys\[0\]: name must be/],
    ["a seed for an undeclared vault", { seed: { document: { vaults: { nope: { secrets: [] } } } } }, /^seed: vaults\.nope: no such vault/],
    [
      "an entry the vault refuses",
      { seed: { document: { keys: [{ name: "k", kty: "EC", curve: "P-1" }] } } },
      /^seed: keys\[0\] \(k\): .*P-1/,
    ],
    ["a limit that is not positive", { throttle: { other: 0 } }, /^throttle: other must be a positive number, got 0/],
    ["a throttle name", { throttle: "fast" as never }, /^throttle: "service-limits" or an object of limits/],
    ["a port", { vaults: [{ name: "kv2", port: 8443 }] }, /^vaults: kv2: an offline vault listens on no port/],
  ])("%s", async (_label, options, message) => {
    await expect(createOfflineVault(options)).rejects.toThrow(message);
  });
});

describe("throttling", () => {
  it("over the limit: 429 Throttled with Retry-After, and the SDK's retry policy recovers", async () => {
    const vault = await createOfflineVault({ throttle: { windowSeconds: 1, create: 2 } });
    try {
      const put = async (name: string) =>
        vault.clientOptions.httpClient.sendRequest(
          createPipelineRequest({
            url: `${vault.url}/secrets/${name}?api-version=7.6`,
            method: "PUT",
            body: JSON.stringify({ value: "v" }),
            headers: undefined,
          }),
        );
      // Without a token the router answers the challenge, which the throttle does not count.
      const token = (await vault.credential.getToken("https://vault.azure.net/.default"))!.token;
      const authed = async (name: string) => {
        const req = createPipelineRequest({
          url: `${vault.url}/secrets/${name}?api-version=7.6`,
          method: "PUT",
          body: JSON.stringify({ value: "v" }),
        });
        req.headers.set("authorization", `Bearer ${token}`);
        req.headers.set("content-type", "application/json");
        return vault.clientOptions.httpClient.sendRequest(req);
      };
      expect((await put("t0")).status).toBe(401);
      const answers = [await authed("t1"), await authed("t2"), await authed("t3")];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
      expect(JSON.parse(answers[2]!.bodyAsText!).error.code).toBe("Throttled");
      expect(Number(answers[2]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      const set = await new SecretClient(vault.url, vault.credential, vault.clientOptions).setSecret("t4", "after a wait");
      expect(set.value).toBe("after a wait");
    } finally {
      await vault.close();
    }
  });
});

function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

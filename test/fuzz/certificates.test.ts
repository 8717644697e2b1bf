// Fuzzing (issue 15): certificate policies and PFX files. Policies are made up member by member (key,
// secret, X.509 and issuer properties, lifetime actions) with hostile values; a PFX made by openssl is
// mutated (bits flipped, cut, extended, spliced) and imported with its password or another. Properties: an
// answer or a Key Vault 4xx, never anything else; a refusal stores nothing and leaves no key in the engine.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { KeyVaultError } from "../../src/vault/index.js";
import { hasOpenssl, opensslIn } from "../helpers/openssl.js";
import { ctx, type Fixture, openVault } from "../src/vault/fixture.js";
import { memberArb } from "./arbitraries.js";

let f: Fixture;

async function snapshot(): Promise<string> {
  const out: unknown[] = [];
  for (const kind of ["key", "secret", "certificate"] as const) {
    for (const n of (await f.store.names(kind)).sort()) out.push(await f.store.get(kind, n));
  }
  return JSON.stringify(out);
}

/** Runs a call that may succeed; a failure must be a Key Vault 4xx that changed nothing. Returns true if it succeeded. */
async function answersOr4xx(call: () => Promise<unknown>): Promise<boolean> {
  const before = await snapshot();
  const keys = f.engine.keyCount();
  try {
    await call();
    return true;
  } catch (e) {
    if (!(e instanceof KeyVaultError)) throw new Error(`threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
    expect(e.status, e.message).toBeGreaterThanOrEqual(400);
    expect(e.status, e.message).toBeLessThan(500);
    expect(await snapshot()).toBe(before);
    expect(f.engine.keyCount()).toBe(keys);
    return false;
  }
}

beforeAll(async () => {
  f = await openVault();
  f.clock.set(Math.floor(Date.now() / 1000));
});

const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const policyArb = fc.record(
  {
    key_props: rarely(
      fc.record(
        {
          kty: fc.oneof(fc.constantFrom("EC", "EC-HSM", "RSA", "oct", "OKP"), memberArb),
          // RSA keys of a valid size take a while to make: the valid sizes are rare here.
          key_size: fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom(256, 384, 521, 1024, 512, 0, -1, 4097) },
            { weight: 1, arbitrary: fc.constant(2048) },
            { weight: 1, arbitrary: memberArb },
          ),
          crv: fc.oneof(fc.constantFrom("P-256", "P-256K", "P-384", "P-521", "P-192"), memberArb),
          exportable: fc.oneof(fc.boolean(), memberArb),
          reuse_key: fc.oneof(fc.boolean(), memberArb),
        },
        { requiredKeys: [] },
      ),
    ),
    secret_props: rarely(
      fc.record({ contentType: fc.oneof(fc.constantFrom("application/x-pkcs12", "application/x-pem-file", "text/plain"), memberArb) }),
    ),
    x509_props: fc.oneof(
      { weight: 3, arbitrary: fc.constant({ subject: "CN=fuzz" }) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      {
        weight: 2,
        arbitrary: fc.record(
          {
            subject: fc.oneof(
              fc.constantFrom("CN=a", "CN=a, O=b", "", "CN=", "C=XX", "CN=é", "CN=a\u0000"),
              fc.string({ maxLength: 30 }),
              memberArb,
            ),
            sans: fc.oneof(
              fc.record(
                { dns_names: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), emails: memberArb, upns: memberArb },
                { requiredKeys: [] },
              ),
              memberArb,
            ),
            ekus: fc.oneof(fc.array(fc.constantFrom("1.3.6.1.5.5.7.3.1", "1.2", "x", ""), { maxLength: 3 }), memberArb),
            key_usage: fc.oneof(
              fc.array(fc.constantFrom("digitalSignature", "keyEncipherment", "cRLSign", "nope"), { maxLength: 3 }),
              memberArb,
            ),
            validity_months: fc.oneof(fc.integer({ min: -2, max: 1300 }), memberArb),
          },
          { requiredKeys: [] },
        ),
      },
    ),
    issuer: fc.oneof(
      { weight: 4, arbitrary: fc.record({ name: fc.constantFrom("Self", "Unknown") }) },
      {
        weight: 1,
        arbitrary: fc.record(
          { name: fc.oneof(fc.constantFrom("self", "DigiCert", "nope"), memberArb), cty: memberArb, cert_transparency: memberArb },
          { requiredKeys: [] },
        ),
      },
    ),
    lifetime_actions: rarely(
      fc.array(
        fc.record({
          trigger: fc.record({ lifetime_percentage: memberArb, days_before_expiry: memberArb }, { requiredKeys: [] }),
          action: fc.record({ action_type: fc.oneof(fc.constantFrom("AutoRenew", "EmailContacts"), memberArb) }),
        }),
        { maxLength: 2 },
      ),
    ),
  },
  { requiredKeys: [] },
);

describe("certificate policies", () => {
  it("create and policy updates answer or refuse with a 4xx that changes nothing", async () => {
    let n = 0;
    let accepted = 0;
    await f.vault.certificates.createCertificate(
      "target",
      { policy: { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=target" }, issuer: { name: "Self" } } },
      ctx,
    );
    await fc.assert(
      fc.asyncProperty(policyArb, fc.boolean(), async (policy, create) => {
        const ok = await answersOr4xx(() =>
          create
            ? f.vault.certificates.createCertificate(`c${n++}`, { policy: policy as never }, ctx)
            : f.vault.certificates.updateCertificatePolicy("target", policy as never, ctx),
        );
        if (ok) accepted++;
      }),
      { numRuns: 250 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});

const mutateBytes = (bytes: Buffer): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }).map((flips) => {
      const b = Buffer.from(bytes);
      for (const [at, x] of flips) b[at % b.length]! ^= x;
      return b;
    }),
    fc.nat({ max: bytes.length - 1 }).map((n) => bytes.subarray(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((extra) => Buffer.concat([bytes, extra])),
    fc
      .tuple(fc.nat({ max: bytes.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 60 }))
      .map(([at, junk]) => Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)])),
  );

describe.skipIf(!hasOpenssl)("PFX files", () => {
  it("a changed PFX, or a wrong password, is refused with a 4xx that changes nothing", async () => {
    // A PFX of an EC key and its self-signed certificate, made by openssl.
    const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-pfx-"));
    let pfx: Buffer;
    try {
      opensslIn(dir, [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        "/CN=fuzz",
        "-days",
        "30",
        "-keyout",
        "k.pem",
        "-out",
        "c.pem",
      ]);
      opensslIn(dir, ["pkcs12", "-export", "-inkey", "k.pem", "-in", "c.pem", "-passout", "pass:pw", "-out", "f.pfx"]);
      pfx = readFileSync(join(dir, "f.pfx"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The PFX as made imports.
    await f.vault.certificates.importCertificate("pfx-good", { value: pfx.toString("base64"), pwd: "pw" }, ctx);
    // Every cut of its last 64 bytes (the MAC, its salt and iteration count) is refused: a cut inside the
    // iteration count once escaped the PKCS#12 reader as forge's own error, a 500.
    for (let cut = pfx.length - 64; cut < pfx.length; cut++) {
      expect(
        await answersOr4xx(() =>
          f.vault.certificates.importCertificate("pfx-cut", { value: pfx.subarray(0, cut).toString("base64"), pwd: "pw" }, ctx),
        ),
        `cut at ${cut}`,
      ).toBe(false);
    }
    let n = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(mutateBytes(pfx), fc.constantFrom("pw", "pw", "wrong", "", undefined), async (mutated, pwd) => {
        const ok = await answersOr4xx(() =>
          f.vault.certificates.importCertificate(
            `pfx${n++}`,
            { value: mutated.toString("base64"), ...(pwd !== undefined ? { pwd } : {}) },
            ctx,
          ),
        );
        if (!ok) refused++;
      }),
      { numRuns: 250 },
    );
    expect(refused).toBeGreaterThan(200);
  });
});

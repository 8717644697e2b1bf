// Fuzzing (issue 15): JWK import for every kty (RSA, RSA-HSM, EC, EC-HSM, oct, oct-HSM). Valid keys made by
// node:crypto are mutated (members dropped, replaced with hostile base64url, taken from another key, bytes
// flipped, kty changed, junk added), or made up from nothing. Properties: the import succeeds with only
// public members in its answer, or fails with a Key Vault 4xx; a failed import stores nothing and leaves
// no key in the engine; the vault still signs afterwards (checked with node:crypto).
import * as nc from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { KeyVaultError } from "../../src/vault/index.js";
import { ecKey, octKey, rsaKey } from "../src/jwk/keys.js";
import { ctx, type Fixture, openVault } from "../src/vault/fixture.js";
import { b64Arb, b64u, jwkLikeArb, memberArb } from "./arbitraries.js";

const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "k", "key_hsm"];
const valid: Record<string, unknown>[] = [];
let f: Fixture;
const signer = ecKey("P-384");

beforeAll(async () => {
  f = await openVault();
  valid.push(rsaKey(2048).jwk as never, rsaKey(2048, 3).jwk as never);
  for (const crv of ["P-256", "P-256K", "P-384", "P-521"] as const) valid.push(ecKey(crv).jwk as never);
  for (const bits of [128, 192, 256]) valid.push(octKey(bits).jwk as never);
  await f.vault.keys.importKey("signer", { key: signer.jwk }, ctx);
});

type Mutation = (jwk: Record<string, unknown>) => fc.Arbitrary<Record<string, unknown>>;
/** A member of the JWK (other than kty and crv if `bytesOnly`); with none, the mutation leaves the JWK as it is. */
function withMember(
  jwk: Record<string, unknown>,
  bytesOnly: boolean,
  f: (m: fc.Arbitrary<string>) => fc.Arbitrary<Record<string, unknown>>,
) {
  const members = Object.keys(jwk).filter((m) => !bytesOnly || (m !== "kty" && m !== "crv" && typeof jwk[m] === "string"));
  return members.length === 0 ? fc.constant(jwk) : f(fc.constantFrom(...members));
}
const mutations: Mutation[] = [
  (jwk) => withMember(jwk, false, (m) => m.map((x) => Object.fromEntries(Object.entries(jwk).filter(([k]) => k !== x)))),
  (jwk) => withMember(jwk, false, (m) => fc.tuple(m, b64Arb).map(([x, v]) => ({ ...jwk, [x]: v }))),
  (jwk) => withMember(jwk, false, (m) => fc.tuple(m, memberArb).map(([x, v]) => ({ ...jwk, [x]: v }))),
  (jwk) =>
    withMember(jwk, false, (m) =>
      fc.tuple(m, fc.constantFrom(...valid)).map(([x, other]) => (other[x] === undefined ? jwk : { ...jwk, [x]: other[x] })),
    ),
  (jwk) =>
    withMember(jwk, true, (m) =>
      fc.tuple(m, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([x, at, bits]) => {
        const bytes = Buffer.from(String(jwk[x]), "base64url");
        if (bytes.length > 0) bytes[at % bytes.length]! ^= bits;
        return { ...jwk, [x]: b64u(bytes) };
      }),
    ),
  (jwk) =>
    withMember(jwk, true, (m) =>
      fc.tuple(m, fc.boolean()).map(([x, grow]) => {
        const bytes = Buffer.from(String(jwk[x]), "base64url");
        return { ...jwk, [x]: b64u(grow ? Buffer.concat([Buffer.from([0]), bytes]) : bytes.subarray(1)) };
      }),
    ),
  (jwk) => fc.constantFrom("RSA", "RSA-HSM", "EC", "EC-HSM", "oct", "oct-HSM", "OKP", "rsa").map((kty) => ({ ...jwk, kty })),
  (jwk) =>
    fc.record({ key_ops: fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), memberArb) }).map((x) => ({ ...jwk, ...x })),
  (jwk) => b64Arb.map((key_hsm) => ({ ...jwk, key_hsm })),
];

/** Built when called: `valid` is filled in beforeAll. */
const jwkArb = () =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...valid)
        .chain((jwk) =>
          fc
            .array(fc.constantFrom(...mutations), { minLength: 1, maxLength: 3 })
            .chain((ms) => ms.reduce((acc, m) => acc.chain(m), fc.constant(jwk))),
        ),
    },
    { weight: 2, arbitrary: fc.constantFrom("RSA", "EC", "oct" as const).chain((family) => jwkLikeArb(family)) },
    { weight: 1, arbitrary: memberArb },
  );

/** Mostly absent (so that the key itself is what is tried), sometimes hostile. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const bodyArb = (jwk: fc.Arbitrary<unknown>) =>
  fc
    .tuple(
      jwk,
      rarely(fc.oneof(fc.boolean(), memberArb)),
      rarely(
        fc.oneof(fc.record({ enabled: memberArb, exp: memberArb, nbf: memberArb, exportable: memberArb }, { requiredKeys: [] }), memberArb),
      ),
      rarely(fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }), memberArb)),
    )
    .map(([key, Hsm, attributes, tags]) => ({
      key,
      ...(Hsm !== undefined ? { Hsm } : {}),
      ...(attributes !== undefined ? { attributes } : {}),
      ...(tags !== undefined ? { tags } : {}),
    }));

describe("JWK import with hostile keys", () => {
  it("succeeds with public members only, or fails with a 4xx that stores nothing and leaves nothing in the engine", async () => {
    let n = 0;
    let accepted = 0;
    const arb = bodyArb(jwkArb());
    await fc.assert(
      fc.asyncProperty(arb, async (body) => {
        const name = `fuzz-${n++}`;
        const keysBefore = f.engine.keyCount();
        try {
          const bundle = await f.vault.keys.importKey(name, body as never, ctx);
          accepted++;
          for (const m of PRIVATE) expect((bundle.key as Record<string, unknown>)[m], m).toBeUndefined();
        } catch (e) {
          if (!(e instanceof KeyVaultError)) throw new Error(`import threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
          expect(e.status, e.message).toBeGreaterThanOrEqual(400);
          expect(e.status, e.message).toBeLessThan(500);
          expect(await f.store.get("key", name)).toBeUndefined();
          expect(f.engine.keyCount()).toBe(keysBefore);
        }
      }),
      { numRuns: 2000 },
    );
    // Some mutations keep a key valid (e.g. a changed kty of the same family): both outcomes were exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(n);
    const digest = nc.createHash("sha384").update("after the fuzz").digest();
    const sig = await f.vault.keys.sign("signer", undefined, { alg: "ES384", value: b64u(digest) }, ctx);
    expect(
      nc.verify(
        "sha384",
        Buffer.from("after the fuzz"),
        { key: signer.publicKey, dsaEncoding: "ieee-p1363" },
        Buffer.from(sig.value, "base64url"),
      ),
    ).toBe(true);
  });
});

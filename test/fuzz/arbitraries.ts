// Shared fast-check arbitraries for the fuzz suites: hostile bytes, names, JWKs and JSON.
import fc from "fast-check";

/** Every Key Vault algorithm name (DESIGN.md), and a few that are not. */
export const ALGS = [
  "RSA1_5",
  "RSA-OAEP",
  "RSA-OAEP-256",
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES256K",
  "ES384",
  "ES512",
  "A128KW",
  "A192KW",
  "A256KW",
  "A128GCM",
  "A192GCM",
  "A256GCM",
  "A128CBC",
  "A192CBC",
  "A256CBC",
  "A128CBCPAD",
  "A192CBCPAD",
  "A256CBCPAD",
  "HS256",
  "dir",
  "none",
  "RSA-OAEP-384",
];

export const HASHES = ["SHA-1", "SHA-256", "SHA-384", "SHA-512", "sha256", "MD5"];

/** Byte strings of the lengths that matter (empty, block and key sizes, off by one, large) and any content. */
export const bytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 80 }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(0, 15, 16, 17, 24, 31, 32, 33, 48, 64, 65, 66, 96, 97, 128, 132, 255, 256, 257, 384, 512, 513)
      .chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 600, max: 70_000 }).map((n) => new Uint8Array(n).fill(n & 0xff)) },
);

export const b64u = (b: Uint8Array): string => Buffer.from(b).toString("base64url");

/** A string that is base64url of hostile bytes, or not base64url at all. */
export const b64Arb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: bytesArb.map(b64u) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "=", "AA==", "A", "!!!!", "AAAA AAAA", "AP8", "_-_-") },
);

const KTY = { RSA: ["RSA", "RSA-HSM"], EC: ["EC", "EC-HSM"], oct: ["oct", "oct-HSM"] } as const;
const MEMBERS = { RSA: ["n", "e", "d", "p", "q", "dp", "dq", "qi"], EC: ["crv", "x", "y", "d"], oct: ["k"] } as const;

/** A JWK of a family with any subset of its members, each of any base64url (crv: a real or made-up curve), sometimes extra junk. */
export function jwkLikeArb(family: keyof typeof KTY): fc.Arbitrary<Record<string, unknown>> {
  const members: Record<string, fc.Arbitrary<unknown>> = {};
  for (const m of MEMBERS[family]) {
    members[m] = m === "crv" ? fc.constantFrom("P-256", "P-256K", "P-384", "P-521", "P-192", "", "X25519") : b64Arb;
  }
  return fc
    .record(
      { kty: fc.oneof(fc.constantFrom(...KTY[family]), fc.constantFrom("RSA", "EC", "oct", "OKP", "")), ...members },
      { requiredKeys: ["kty"] },
    )
    .chain((jwk) =>
      fc
        .option(fc.dictionary(fc.constantFrom("key_ops", "key_hsm", "alg", "use", "kid", "ext", "__proto__x"), fc.jsonValue()), {
          nil: undefined,
        })
        .map((extra) => ({ ...jwk, ...(extra ?? {}) })),
    );
}

/** Any JSON value, with a bias towards objects. */
export const jsonArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }) },
);

/** A member value of a request body: right types with hostile values, wrong types, null. */
export const memberArb: fc.Arbitrary<unknown> = fc.oneof(
  b64Arb,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, true, false, 0, -1, 1e300, 2 ** 53, "", "RSA", "EC", "oct", "P-256", 2048, 256, [], {}),
  fc.constantFrom(...ALGS),
);

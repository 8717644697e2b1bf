// Fuzzing (issue 15): every REST route (keys and secrets), through the transport-free router, with hostile
// paths (names and versions real, made up or malformed, percent-encoding), queries (api-version, maxresults,
// $skiptoken), headers (token, content type, request id, host) and bodies (the route's own members with
// hostile values, any JSON, bad JSON, bad UTF-8). Properties: never a 5xx; every error is Key Vault's
// envelope and nothing else; a request that fails changes no stored object; the vault still serves after.
import * as nc from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createRouter, type HttpRequest, type Router } from "../../src/server/router.js";
import { routes } from "../../src/server/routes.js";
import { MemoryStore } from "../../src/store/memory.js";
import { TOKEN } from "../helpers/https.js";
import { ecKey, octKey, rsaKey } from "../src/jwk/keys.js";
import { ctx, openVault, type Fixture } from "../src/vault/fixture.js";
import { ALGS, b64u, jsonArb, memberArb } from "./arbitraries.js";

let f: Fixture;
let router: Router;
const names: string[] = [];
const versions: string[] = [];
const SENTINEL = "post-fuzz-sentinel-key-0123456789abcdef";
const sentinel = ecKey("P-256");
let backups: string[] = [];

beforeAll(async () => {
  f = await openVault({ store: new MemoryStore() });
  router = createRouter({ vault: f.vault });
  const k = f.vault.keys;
  const made = [
    await k.importKey("rsa", { key: rsaKey(2048).jwk }, ctx),
    await k.importKey("ec", { key: ecKey("P-256").jwk }, ctx),
    await k.importKey("oct", { key: octKey(256).jwk }, ctx),
    await k.importKey("oct128", { key: octKey(128).jwk }, ctx),
    await k.createKey("kek", { kty: "RSA-HSM", key_ops: ["import"] }, ctx),
    await k.importKey("gone", { key: octKey(128).jwk }, ctx),
  ];
  await k.deleteKey("gone", ctx);
  await k.updateRotationPolicy("ec", { lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" }, action: { type: "Rotate" } }] }, ctx);
  for (const m of made) versions.push(m.key.kid!.split("/").pop()!);
  const s = f.vault.secrets;
  versions.push((await s.setSecret("s1", { value: "secret one", contentType: "text/plain" }, ctx)).id!.split("/").pop()!);
  await s.setSecret("s2", { value: "secret two" }, ctx);
  await s.setSecret("sgone", { value: "gone" }, ctx);
  await s.deleteSecret("sgone", ctx);
  names.push("rsa", "ec", "oct", "oct128", "kek", "gone", "s1", "s2", "sgone", "RSA", "Ec");
  backups = [(await k.backupKey("oct", ctx)).value, (await s.backupSecret("s1", ctx)).value];
  await k.importKey(SENTINEL, { key: sentinel.jwk }, ctx);
});

// ------------------------------------------------------------------ arbitraries

const nameArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant(null).chain(() => fc.constantFrom(...names)) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9a-zA-Z-]{1,12}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "a".repeat(127),
      "a".repeat(128),
      "%zz",
      "%2F",
      "a%2Fb",
      "..",
      "%00",
      "a b",
      "k%C3%A9",
      "%ff%fe",
      "-",
      "__proto__",
      "constructor",
      "%",
      "a.b",
      "\u00e9",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(encodeURIComponent) },
);
const versionArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(""),
  fc.constant(null).chain(() => fc.constantFrom(...versions)),
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.constantFrom("A".repeat(32), "0", "%zz", "versions", "x".repeat(200)),
);
const apiVersionArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("7.6", "7.5", "7.0", "2025-07-01", "2026-04-01") },
  { weight: 1, arbitrary: fc.constantFrom("", "7.7", "2016-10-01", "7.6&api-version=7.5", "%ff", "7.6%00") },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map(encodeURIComponent) },
);
/** Mostly absent, sometimes hostile. */
const sometimes = <T>(arb: fc.Arbitrary<T>, weight = 3) =>
  fc.oneof({ weight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const queryArb = fc
  .record({
    api: fc.oneof({ weight: 12, arbitrary: apiVersionArb }, { weight: 1, arbitrary: fc.constant(undefined) }),
    maxresults: sometimes(fc.oneof(fc.constantFrom("1", "25", "26", "0", "-1", "1e3", "99999999999", "abc", ""), fc.nat().map(String))),
    skiptoken: sometimes(fc.oneof(fc.string({ maxLength: 30 }), fc.base64String({ maxLength: 40 })).map(encodeURIComponent)),
    extra: sometimes(fc.constantFrom("&x=1", "&&", "&api-version", "#frag", "&%zz=1"), 6),
  })
  .map((q) => {
    const parts = [
      ...(q.api !== undefined ? [`api-version=${q.api}`] : []),
      ...(q.maxresults !== undefined ? [`maxresults=${q.maxresults}`] : []),
      ...(q.skiptoken !== undefined ? [`$skiptoken=${q.skiptoken}`] : []),
    ];
    return `?${parts.join("&")}${q.extra ?? ""}`;
  });

/** The members that the routes' bodies read, each with a hostile value. */
const BODY_MEMBERS = [
  "kty",
  "key_size",
  "crv",
  "key_ops",
  "public_exponent",
  "attributes",
  "tags",
  "release_policy",
  "key",
  "Hsm",
  "alg",
  "value",
  "iv",
  "aad",
  "tag",
  "digest",
  "lifetimeActions",
  "contentType",
  "count",
];
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  kty: fc.constantFrom("RSA", "RSA-HSM", "EC", "EC-HSM", "oct", "oct-HSM", "OKP"),
  key_size: fc.constantFrom(128, 192, 256, 2048, 3072, 1024, 0, 257),
  crv: fc.constantFrom("P-256", "P-256K", "P-384", "P-521", "P-192"),
  key_ops: fc.array(fc.constantFrom("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export", "x"), {
    maxLength: 4,
  }),
  attributes: fc.record({ enabled: fc.boolean(), exp: fc.integer(), nbf: fc.integer() }, { requiredKeys: [] }),
  tags: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
  key: fc.constantFrom(octKey(128).jwk, { kty: "oct", k: "" }, { kty: "EC", crv: "P-256", x: "AA", y: "AA", d: "AA" }),
  lifetimeActions: fc.array(
    fc.record({
      trigger: fc.record({ timeAfterCreate: fc.constantFrom("P30D", "P7D", "P1D", "P9999999999999999999999D", "PT1S", "x") }),
      action: fc.record({ type: fc.constantFrom("Rotate", "Notify", "x") }),
    }),
    { maxLength: 2 },
  ),
  count: fc.integer({ min: -2, max: 200 }),
  alg: fc.constantFrom(...ALGS),
  iv: fc.constantFrom(12, 16).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map(b64u)),
  tag: fc.uint8Array({ minLength: 16, maxLength: 16 }).map(b64u),
  value: fc.uint8Array({ maxLength: 300 }).map(b64u),
  digest: fc.constantFrom(20, 32, 48, 64).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map(b64u)),
};
const bodyObjectArb = fc
  .uniqueArray(fc.constantFrom(...BODY_MEMBERS), { maxLength: 6 })
  .chain((members) =>
    fc.tuple(
      ...members.map((m) =>
        fc.oneof({ weight: 1, arbitrary: memberArb }, { weight: 3, arbitrary: plausible[m] ?? memberArb }).map((v) => [m, v] as const),
      ),
    ),
  )
  .map((entries) => JSON.stringify(Object.fromEntries(entries)));
const bodyArb: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  { weight: 8, arbitrary: bodyObjectArb },
  { weight: 2, arbitrary: jsonArb.map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc
      .constant(null)
      .chain(() => fc.constantFrom(...backups))
      .map((value) => JSON.stringify({ value })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("", "{", '{"a":}', "null", "[]", '{"__proto__":{"x":1}}', '{"value":"\\ud800"}', "\u0000", "{}".repeat(3)),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const headersArb = fc
  .record({
    authorization: fc.oneof(
      { weight: 12, arbitrary: fc.constant(TOKEN) },
      { weight: 1, arbitrary: fc.constantFrom("", "Bearer", "Bearer ", "Basic eDp5", "Bearer a b", TOKEN.toLowerCase()) },
    ),
    "content-type": fc.oneof(
      { weight: 10, arbitrary: fc.constant("application/json") },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "application/json; charset=utf-16",
          "text/plain",
          "",
          "application/json;;",
          "APPLICATION/JSON; charset=UTF-8",
          "application/jsonx",
        ),
      },
    ),
    "x-ms-client-request-id": sometimes(fc.oneof(fc.uuid(), fc.string({ maxLength: 300 }))),
    host: fc.oneof(
      { weight: 10, arbitrary: fc.constant("vault.test:8443") },
      { weight: 1, arbitrary: fc.constantFrom("", "a b", "[::1]:1", "x".repeat(300), "h:99999999", "évil") },
    ),
  })
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);

const requestArb: fc.Arbitrary<HttpRequest> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .tuple(fc.constantFrom(...routes), nameArb, versionArb, queryArb, headersArb, bodyArb)
      .map(([route, name, version, query, headers, body]) => {
        const path = route.path.replace("{name}", name).replace("/{version?}", version === undefined ? "" : `/${version}`);
        return { method: route.method, url: `${path}${query}`, headers, body };
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "get"),
        fc.oneof(
          fc.webPath(),
          fc.constantFrom(
            "/",
            "//",
            "/keys//",
            "/keys/k//sign",
            "/secrets/",
            "/keys/%",
            "keys",
            "*",
            "https://x/keys",
            "/keys/k/v/extra/more",
          ),
        ),
        queryArb,
        headersArb,
        bodyArb,
      )
      .map(([method, path, query, headers, body]) => ({ method, url: `${path}${query}`, headers, body })),
  },
);

// ------------------------------------------------------------------ the property

async function snapshot(): Promise<string> {
  const out: unknown[] = [];
  for (const kind of ["key", "secret"] as const) for (const n of (await f.store.names(kind)).sort()) out.push(await f.store.get(kind, n));
  return JSON.stringify(out);
}

describe("every route with hostile paths, queries, headers and bodies", () => {
  it("never answers 5xx; errors are the envelope alone; a failed request changes nothing stored", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (req) => {
        const before = await snapshot();
        const res = await router.handle(req);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${req.method} ${req.url}: ${res.body}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
          const body = JSON.parse(res.body!);
          expect(Object.keys(body)).toEqual(["error"]);
          expect(typeof body.error.code).toBe("string");
          expect(typeof body.error.message).toBe("string");
          expect(Object.keys(body.error).every((k) => ["code", "message", "innererror"].includes(k))).toBe(true);
          if (body.error.innererror !== undefined) expect(Object.keys(body.error.innererror)).toEqual(["code"]);
          expect(await snapshot(), `${req.method} ${req.url} answered ${res.status} but changed the store`).toBe(before);
        }
      }),
      { numRuns: 2500 },
    );
    // Both outcomes happened, and many kinds of refusal.
    expect([...statuses.keys()].filter((s) => s < 300).length).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(4);

    const digest = nc.createHash("sha256").update("after").digest();
    const sig = await f.vault.keys.sign(SENTINEL, undefined, { alg: "ES256", value: b64u(digest) }, ctx);
    expect(
      nc.verify(
        "sha256",
        Buffer.from("after"),
        { key: sentinel.publicKey, dsaEncoding: "ieee-p1363" },
        Buffer.from(sig.value, "base64url"),
      ),
    ).toBe(true);
  });
});

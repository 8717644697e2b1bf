// The transport-free router, against a fake vault: routing, versions in paths, api-version, the
// challenge, body framing, headers, and the error envelope. No socket is opened here.
import { describe, expect, it } from "vitest";
import { FakeVault } from "../../helpers/fake-vault.js";
import { createRouter, SUPPORTED_API_VERSIONS, type HttpRequest, type HttpResponse } from "../../../src/server/router.js";

const V = "7.6";
const auth = { authorization: "Bearer eyJ0eXAiOiJKV1QifQ.e30.sig-_~+/=", host: "127.0.0.1:8443" };

function setup(options: Partial<Parameters<typeof createRouter>[0]> = {}) {
  const vault = new FakeVault();
  const logged: { level: string; obj: any; msg?: string }[] = [];
  const log = {
    info: (obj: object, msg?: string) => logged.push({ level: "info", obj, msg }),
    warn: (obj: object, msg?: string) => logged.push({ level: "warn", obj, msg }),
    error: (obj: object, msg?: string) => logged.push({ level: "error", obj, msg }),
  };
  const router = createRouter({ vault, log, ...options });
  const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> => {
    const req: HttpRequest = {
      method,
      url,
      headers: { ...auth, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
    };
    return router.handle(req);
  };
  return { vault, router, call, logged };
}

const json = (res: HttpResponse) => JSON.parse(res.body!);
/** The last call's method and its first n arguments. */
const head = (vault: FakeVault, n: number) => [vault.last.method, ...vault.last.args.slice(0, n)];

describe("routes: each REST operation calls one vault method", () => {
  const cases: [string, string, unknown, string, unknown[]][] = [
    ["POST", "/keys/k1/create", { kty: "EC" }, "createKey", ["k1", { kty: "EC" }]],
    ["PUT", "/keys/k1", { key: { kty: "oct" } }, "importKey", ["k1", { key: { kty: "oct" } }]],
    ["GET", "/keys/k1", undefined, "getKey", ["k1", undefined]],
    ["GET", "/keys/k1/abc123", undefined, "getKey", ["k1", "abc123"]],
    ["PATCH", "/keys/k1", { tags: { a: "b" } }, "updateKey", ["k1", undefined, { tags: { a: "b" } }]],
    ["PATCH", "/keys/k1/abc123", { tags: {} }, "updateKey", ["k1", "abc123", { tags: {} }]],
    ["GET", "/keys", undefined, "listKeys", [{}]],
    ["GET", "/keys/k1/versions", undefined, "listKeyVersions", ["k1", {}]],
    ["DELETE", "/keys/k1", undefined, "deleteKey", ["k1"]],
    ["GET", "/deletedkeys", undefined, "listDeletedKeys", [{}]],
    ["GET", "/deletedkeys/k1", undefined, "getDeletedKey", ["k1"]],
    ["DELETE", "/deletedkeys/k1", undefined, "purgeDeletedKey", ["k1"]],
    ["POST", "/deletedkeys/k1/recover", undefined, "recoverDeletedKey", ["k1"]],
    ["POST", "/keys/k1/backup", undefined, "backupKey", ["k1"]],
    ["POST", "/keys/restore", { value: "abc" }, "restoreKey", [{ value: "abc" }]],
    ["POST", "/keys/k1/abc/encrypt", { alg: "A", value: "x" }, "encrypt", ["k1", "abc", { alg: "A", value: "x" }]],
    ["POST", "/keys/k1/abc/decrypt", { alg: "A", value: "x" }, "decrypt", ["k1", "abc", { alg: "A", value: "x" }]],
    ["POST", "/keys/k1/abc/wrapkey", { alg: "A", value: "x" }, "wrapKey", ["k1", "abc", { alg: "A", value: "x" }]],
    ["POST", "/keys/k1/abc/unwrapkey", { alg: "A", value: "x" }, "unwrapKey", ["k1", "abc", { alg: "A", value: "x" }]],
    ["POST", "/keys/k1/abc/sign", { alg: "A", value: "x" }, "sign", ["k1", "abc", { alg: "A", value: "x" }]],
    ["POST", "/keys/k1/abc/verify", { alg: "A", digest: "d", value: "x" }, "verify", ["k1", "abc", { alg: "A", digest: "d", value: "x" }]],
    ["POST", "/keys/k1/rotate", undefined, "rotateKey", ["k1"]],
    ["GET", "/keys/k1/rotationpolicy", undefined, "getRotationPolicy", ["k1"]],
    ["PUT", "/keys/k1/rotationpolicy", { lifetimeActions: [] }, "updateRotationPolicy", ["k1", { lifetimeActions: [] }]],
    ["POST", "/rng", { count: 8 }, "getRandomBytes", [{ count: 8 }]],
  ];
  for (const [method, path, body, vaultMethod, args] of cases) {
    it(`${method} ${path} -> ${vaultMethod}`, async () => {
      const { vault, call } = setup();
      vault.records.set("k1", { kty: "RSA", deleted: method === "GET" && path.startsWith("/deletedkeys/") });
      if (path.startsWith("/deletedkeys/k1") && method !== "GET") vault.records.get("k1")!.deleted = true;
      const res = await call(method, `${path}?api-version=${V}`, body);
      expect(vault.calls.map((c) => c.method)).toEqual([vaultMethod]);
      const got = vault.last.args;
      // Every method but getRandomBytes gets the context last.
      if (vaultMethod !== "getRandomBytes") {
        expect(got[got.length - 1]).toEqual({ vaultUrl: "https://127.0.0.1:8443", apiVersion: V });
        expect(got.slice(0, -1)).toEqual(args);
      } else expect(got).toEqual(args);
      expect(res.status).toBe(vaultMethod === "purgeDeletedKey" ? 204 : 200);
      if (res.status === 204) expect(res.body).toBeUndefined();
      else expect(res.headers["content-type"]).toMatch(/^application\/json/);
    });
  }
});

describe("paths", () => {
  it("an empty version segment and a double slash mean the current version", async () => {
    const { vault, call } = setup();
    vault.records.set("k", { kty: "EC", deleted: false });
    await call("GET", `/keys/k/?api-version=${V}`);
    expect(head(vault, 2)).toEqual(["getKey", "k", undefined]);
    await call("POST", `/keys/k//sign?api-version=${V}`, { alg: "ES256", value: "AA" });
    expect(head(vault, 2)).toEqual(["sign", "k", undefined]);
    await call("POST", `/keys/k/sign?api-version=${V}`, { alg: "ES256", value: "AA" });
    expect(head(vault, 2)).toEqual(["sign", "k", undefined]);
    await call("PATCH", `/keys/k/?api-version=${V}`, { tags: {} });
    expect(head(vault, 2)).toEqual(["updateKey", "k", undefined]);
    await call("GET", `/keys/?api-version=${V}`);
    expect(vault.last.method).toBe("listKeys");
  });

  it("literal segments are case-insensitive; names are percent-decoded", async () => {
    const { vault, call } = setup();
    await call("POST", `/keys/my%2Dkey/v1/WrapKey?api-version=${V}`, { alg: "RSA-OAEP", value: "AA" });
    expect(head(vault, 2)).toEqual(["wrapKey", "my-key", "v1"]);
    const bad = await call("GET", `/keys/%E0%A4%A/?api-version=${V}`);
    expect(bad.status).toBe(400);
    expect(json(bad).error.code).toBe("BadParameter");
  });

  it("an absolute-form request target is routed by its path", async () => {
    const { vault, call } = setup();
    await call("GET", `https://127.0.0.1:8443/keys?api-version=${V}`);
    expect(vault.last.method).toBe("listKeys");
  });

  it("an unknown route gets 404 NotFound in the envelope, without calling the vault", async () => {
    const { vault, call } = setup();
    for (const url of [
      `/nothing/s?api-version=${V}`,
      `/keys/k/v/frobnicate?api-version=${V}`,
      `/?api-version=${V}`,
      `/keys//?api-version=${V}`,
      "*",
    ]) {
      const res = await call("POST", url, {});
      expect(res.status, url).toBe(404);
      expect(json(res)).toEqual({ error: { code: "NotFound", message: expect.any(String) } });
    }
    expect(vault.calls).toEqual([]);
  });

  it("a wrong method gets 405 MethodNotAllowed with the envelope", async () => {
    const { vault, call } = setup();
    const cases: [string, string][] = [
      ["PUT", "/keys"],
      ["DELETE", "/keys/k/v1"],
      ["GET", "/rng"],
      ["POST", "/keys/k"],
      ["HEAD", "/keys"],
      ["OPTIONS", "/keys/k/rotationpolicy"],
      // A Key Vault operation used with the wrong method is that operation's 405, never a version lookup.
      ["GET", "/keys/k1/sign"],
      ["GET", "/keys/k1/release"],
      ["PATCH", "/keys/k1/v1/encrypt"],
      ["GET", "/keys/k1/create"],
    ];
    for (const [method, url] of cases) {
      const res = await call(method, `${url}?api-version=${V}`);
      expect(res.status, `${method} ${url}`).toBe(405);
      expect(json(res).error.code).toBe("MethodNotAllowed");
    }
    expect(vault.calls).toEqual([]);
  });
});

describe("api-version", () => {
  it("accepts every version the SDKs send, and carries it in the context", async () => {
    // Issue 10's list: the original reference, 7.0 to 7.6, their previews, 2025-07-01; and
    // 2026-04-01, @azure/keyvault-secrets 4.12's default.
    expect([...SUPPORTED_API_VERSIONS].sort()).toEqual(
      [
        "2016-10-01",
        "7.0",
        "7.1",
        "7.2",
        "7.3-preview",
        "7.3",
        "7.4-preview.1",
        "7.4",
        "7.5-preview.1",
        "7.5",
        "7.6-preview.1",
        "7.6-preview.2",
        "7.6",
        "2025-07-01",
        "2026-04-01",
      ].sort(),
    );
    const { vault, call } = setup();
    for (const v of SUPPORTED_API_VERSIONS) {
      const res = await call("GET", `/keys?api-version=${v}`);
      expect(res.status).toBe(200);
      expect(vault.last.args[1]).toMatchObject({ apiVersion: v });
    }
  });

  it("a missing, empty, unknown or repeated api-version gets 400 BadParameter", async () => {
    const { vault, call } = setup();
    for (const q of [
      "",
      "?api-version=",
      "?api-version=7.7",
      "?api-version=2016-10-02",
      "?api-version=7.6-preview",
      "?api-version=7.4-PREVIEW.1",
      "?api-version=7.5&api-version=7.6",
      "?foo=1",
    ]) {
      const res = await call("GET", `/keys${q}`);
      expect(res.status, q).toBe(400);
      expect(json(res).error.code).toBe("BadParameter");
    }
    expect(vault.calls).toEqual([]);
  });
});

describe("the challenge", () => {
  it("no token: 401 with WWW-Authenticate naming the authority and the resource", async () => {
    const { vault, router } = setup({ authResource: "https://vault.example.net" });
    const res = await router.handle({ method: "POST", url: `/keys/k/create?api-version=${V}`, headers: {}, body: '{"kty":"EC"}' });
    expect(res.status).toBe(401);
    expect(json(res).error.code).toBe("Unauthorized");
    const challenge = res.headers["www-authenticate"];
    const m = /^Bearer authorization="https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})", resource="([^"]+)"$/.exec(challenge);
    expect(m, challenge).not.toBeNull();
    expect(m![2]).toBe("https://vault.example.net");
    expect(m![2]).not.toMatch(/[ =]/);
    expect(vault.calls).toEqual([]);
  });

  it("the challenge comes before routing and before any body check", async () => {
    const { router } = setup();
    expect(router.preflight({ method: "GET", url: "/nowhere", headers: {} })?.status).toBe(401);
    expect(router.preflight({ method: "GET", url: "/keys", headers: { authorization: "Bearer abc" } })).toBeUndefined();
    const res = await router.handle({ method: "POST", url: "/keys/k/create", headers: { "content-type": "text/plain" }, body: "{" });
    expect(res.status).toBe(401);
  });

  it("a malformed Authorization header gets 401; any well-formed bearer token is accepted", async () => {
    const { call } = setup();
    for (const bad of [
      "Bearer",
      "Bearer ",
      "Basic dXNlcjpwYXNz",
      "Bearer a b",
      'Bearer a"b',
      "bearer=abc",
      "Bearer ab=c",
      "x".repeat(10),
    ]) {
      const res = await call("GET", `/keys?api-version=${V}`, undefined, { authorization: bad });
      expect(res.status, bad).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
    }
    for (const good of ["Bearer x", "bearer abc.def.ghi", "Bearer eyJhbGciOi==", "Bearer  a-b_c~d+e/f"]) {
      expect((await call("GET", `/keys?api-version=${V}`, undefined, { authorization: good })).status, good).toBe(200);
    }
  });
});

describe("GET /ping, for readiness probes", () => {
  it("answers 200 with no token and no api-version, before the challenge, without calling the vault", async () => {
    const { vault, router } = setup();
    const ping = { method: "GET", url: "/ping", headers: {} };
    expect(router.preflight(ping)).toBeUndefined();
    const res = await router.handle(ping);
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ status: "ok" });
    expect(res.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const head = await router.handle({ method: "HEAD", url: "/ping?probe=1", headers: {} });
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
    expect(vault.calls).toEqual([]);
  });

  it("other methods and other paths still need a token", async () => {
    const { router } = setup();
    for (const [method, url] of [
      ["POST", "/ping"],
      ["DELETE", "/ping"],
      ["GET", "/ping/x"],
      ["GET", "/pingx"],
    ]) {
      expect((await router.handle({ method, url, headers: {} })).status, `${method} ${url}`).toBe(401);
    }
  });
});

describe("bodies", () => {
  it("malformed JSON, a JSON non-object, a missing body and invalid UTF-8 get 400 BadParameter", async () => {
    const { vault, call } = setup();
    const bodies: (string | Uint8Array)[] = [
      "{",
      "[1,2]",
      "null",
      '"s"',
      "3",
      "",
      new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      '{"__proto__":{"x":1}}',
      // The same member name spelled with escapes, and one level down.
      '{"\\u005f_proto__":{"x":1}}',
      '{"tags":{"__\\u0070roto__":1}}',
    ];
    for (const body of bodies) {
      const res = await call("POST", `/keys/k/create?api-version=${V}`, body);
      expect(res.status, String(body)).toBe(400);
      expect(json(res).error.code).toBe("BadParameter");
    }
    const none = await call("POST", `/keys/k/create?api-version=${V}`);
    expect(none.status).toBe(400);
    expect(vault.calls).toEqual([]);
  });

  it("a wrong content type gets 400; application/json with utf-8 is fine", async () => {
    const { vault, call } = setup();
    for (const ct of ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/jsonx"]) {
      const res = await call("POST", `/keys/k/create?api-version=${V}`, '{"kty":"EC"}', { "content-type": ct });
      expect(res.status, ct).toBe(400);
      expect(json(res).error.code).toBe("BadParameter");
    }
    const res = await call("POST", `/keys/k/create?api-version=${V}`, new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('{"kty":"EC"}')]), {
      "content-type": "Application/JSON; Charset=UTF-8",
    });
    expect(res.status).toBe(200);
    expect(vault.last.args[1]).toEqual({ kty: "EC" });
    const noType = await setup().router.handle({ method: "POST", url: `/keys/k/create?api-version=${V}`, headers: auth, body: "{}" });
    expect(noType.status).toBe(400);
  });

  it("a body over the limit gets 413 (our limit, not the client's fault), also on routes that take none", async () => {
    const { vault, call } = setup({ maxBodyBytes: 64 });
    const big = JSON.stringify({ kty: "EC", tags: { a: "x".repeat(100) } });
    for (const path of [`/keys/k/create?api-version=${V}`, `/keys/k/backup?api-version=${V}`]) {
      const res = await call("POST", path, big);
      expect(res.status).toBe(413);
      expect(json(res)).toEqual({
        error: { code: "RequestEntityTooLarge", message: "The request body is larger than this server's limit of 64 bytes." },
      });
    }
    expect(vault.calls).toEqual([]);
    expect((await call("POST", `/keys/k/create?api-version=${V}`, { kty: "EC" })).status).toBe(200);
  });
});

describe("answers", () => {
  it("sets x-ms-request-id and echoes x-ms-client-request-id, on success and on errors", async () => {
    const { call } = setup();
    const ok = await call("GET", `/keys?api-version=${V}`, undefined, { "x-ms-client-request-id": "abc-123" });
    expect(ok.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers["x-ms-client-request-id"]).toBe("abc-123");
    const err = await call("GET", `/nowhere?api-version=${V}`, undefined, { "x-ms-client-request-id": "def" });
    expect(err.headers["x-ms-client-request-id"]).toBe("def");
    expect(err.headers["x-ms-request-id"]).not.toBe(ok.headers["x-ms-request-id"]);
    const unauth = await setup().router.handle({ method: "GET", url: "/keys", headers: { "x-ms-client-request-id": "ghi" } });
    expect(unauth.headers["x-ms-client-request-id"]).toBe("ghi");
    const weird = await call("GET", `/keys?api-version=${V}`, undefined, { "x-ms-client-request-id": "a\u0000b" });
    expect(weird.headers["x-ms-client-request-id"]).toBeUndefined();
  });

  it("a KeyVaultError keeps its status, code and inner code", async () => {
    const { vault, call } = setup();
    const missing = await call("GET", `/keys/nope?api-version=${V}`);
    expect(missing.status).toBe(404);
    expect(json(missing)).toEqual({ error: { code: "KeyNotFound", message: expect.stringContaining("nope") } });
    vault.records.set("gone", { kty: "EC", deleted: true });
    const conflict = await call("POST", `/keys/gone/create?api-version=${V}`, { kty: "EC" });
    expect(conflict.status).toBe(409);
    expect(json(conflict)).toEqual({
      error: { code: "Conflict", message: "deleted", innererror: { code: "ObjectIsDeletedButRecoverable" } },
    });
  });

  it("an unexpected exception is a logged 500 that reveals nothing", async () => {
    const { call, logged } = setup();
    const res = await call("GET", `/keys/bug-1?api-version=${V}`);
    expect(res.status).toBe(500);
    expect(json(res).error.code).toBe("InternalServerError");
    expect(res.body).not.toContain("simulated");
    expect(logged.some((l) => l.level === "error" && String(l.obj.err?.message).includes("simulated"))).toBe(true);
  });

  it("maxresults and $skiptoken are passed on; nextLink is absolute on the request's host", async () => {
    const { vault, call } = setup();
    for (const n of ["a", "b", "c"]) vault.records.set(n, { kty: "EC", deleted: false });
    const first = json(await call("GET", `/keys?api-version=${V}&maxresults=1`, undefined, { host: "localhost:9999" }));
    expect(vault.last.args[0]).toEqual({ maxresults: 1 });
    expect(first.value).toHaveLength(1);
    expect(first.nextLink).toMatch(/^https:\/\/localhost:9999\/keys\?/);
    const next = new URL(first.nextLink);
    await call("GET", next.pathname + next.search, undefined, { host: "localhost:9999" });
    expect(vault.last.args[0]).toEqual({ maxresults: 1, skiptoken: "1" });
    for (const bad of ["x", "-1", "1.5", ""]) {
      const res = await call("GET", `/keys?api-version=${V}&maxresults=${bad}`);
      expect(res.status, bad).toBe(400);
    }
    expect((await call("GET", `/keys?api-version=${V}&maxresults=26`)).status).toBe(400); // the (fake) vault's range rule
  });

  it("the vault URL comes from --vault-url when given, else from Host; a malformed Host is refused", async () => {
    const fixed = setup({ vaultUrl: "https://myvault.vault.azure.net/" });
    await fixed.call("GET", `/keys?api-version=${V}`, undefined, { host: "evil.example" });
    expect(fixed.vault.last.args[1]).toMatchObject({ vaultUrl: "https://myvault.vault.azure.net" });
    const { vault, call } = setup();
    await call("GET", `/keys?api-version=${V}`, undefined, { host: "[::1]:8443" });
    expect(vault.last.args[1]).toMatchObject({ vaultUrl: "https://[::1]:8443" });
    for (const host of ["a b", "x/y", "h:port", "a@b", ""]) {
      const res = await call("GET", `/keys?api-version=${V}`, undefined, { host });
      expect(res.status, host).toBe(400);
    }
  });
});

describe("body size of string bodies", () => {
  it("counts UTF-8 bytes as Buffer.byteLength does, lone surrogates included", async () => {
    const { utf8Length } = await import("../../../src/server/router.js");
    const fc = (await import("fast-check")).default;
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => utf8Length(s) === Buffer.byteLength(s, "utf8")),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0xd700, max: 0xe000 }).map((c) => String.fromCharCode(c)) }),
        (s) => utf8Length(s) === Buffer.byteLength(s, "utf8"),
      ),
    );
    const { call } = setup({ maxBodyBytes: 24 });
    expect((await call("POST", `/rng?api-version=${V}`, '{"count":1,"t":"éé"}')).status).toBe(200); // 22 bytes
    expect((await call("POST", `/rng?api-version=${V}`, '{"count":1,"t":"éééé"}')).status).toBe(413); // 26 bytes, 22 chars
  });
});

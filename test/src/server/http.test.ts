// The HTTPS transport (fastify) in process, with a fake vault: framing that only a real socket
// shows (the 401 before the body, fastify's own refusals in the envelope, the body limit), the
// logs, and the Azure SDK's pipeline (challenge, TLS options, paging, RestError) end to end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { KeyClient } from "@azure/keyvault-keys";
import { FakeVault } from "../../helpers/fake-vault.js";
import { rawRequest, TOKEN } from "../../helpers/https.js";
import { serve, type RunningServer } from "../../../src/server/serve.js";

const V = "7.6";
let server: RunningServer;
let vault: FakeVault;
const logLines: string[] = [];

beforeAll(async () => {
  vault = new FakeVault();
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  server = await serve({ vault, port: 0, logLevel: "info", logStream, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await server?.close();
});

const req = (r: Parameters<typeof rawRequest>[2]) => rawRequest(server.url, server.cert, r);

describe("transport", () => {
  it("listens on HTTPS with a certificate the client can trust from the printed file", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await req({ path: `/keys?api-version=${V}` });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ value: [], nextLink: null });
  });

  it("answers 401 before the body is read: the headers alone get the challenge", async () => {
    const res = await req({
      method: "POST",
      path: `/keys/k/create?api-version=${V}`,
      headers: { authorization: "", "content-type": "application/json", "content-length": 1_000_000 },
      withholdBody: true,
    });
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toMatch(
      /^Bearer authorization="https:\/\/login\.microsoftonline\.com\/[0-9a-f-]+", resource="https:\/\/vault\.azure\.net"$/,
    );
    expect(res.json().error.code).toBe("Unauthorized");
  });

  it("a bad token gets 401", async () => {
    const res = await req({ path: `/keys?api-version=${V}`, headers: { authorization: "Basic Zm9vOmJhcg==" } });
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
  });

  it("a body over the limit gets 413 in the envelope, streamed or not", async () => {
    const big = JSON.stringify({ kty: "EC", tags: { t: "x".repeat(70 * 1024) } });
    const res = await req({ method: "POST", path: `/keys/k/create?api-version=${V}`, body: big });
    expect(res.status).toBe(413);
    expect(res.json().error.code).toBe("RequestEntityTooLarge");
    const chunked = await req({
      method: "POST",
      path: `/keys/k/create?api-version=${V}`,
      body: big,
      headers: { "transfer-encoding": "chunked" },
    });
    expect(chunked.status).toBe(413);
    expect(chunked.json().error.code).toBe("RequestEntityTooLarge");
  });

  it("bad JSON, no content type, a wrong content type and a malformed one get 400 in the envelope", async () => {
    for (const [body, headers] of [
      ["{not json", {}],
      ['{"kty":"EC"}', { "content-type": "text/plain" }],
      ['{"kty":"EC"}', { "content-type": "application" }],
      ['{"kty":"EC"}', { "content-type": "" }],
    ] as [string, Record<string, string>][]) {
      const res = await req({ method: "POST", path: `/keys/k/create?api-version=${V}`, body, headers });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(res.json().error.code).toBe("BadParameter");
    }
  });

  it("a missing api-version gets 400; an unknown route 404 and a wrong method 405, all in the envelope", async () => {
    const noVersion = await req({ path: "/keys" });
    expect(noVersion.status).toBe(400);
    expect(noVersion.json().error.code).toBe("BadParameter");
    const unknown = await req({ path: `/storage?api-version=${V}` });
    expect(unknown.status).toBe(404);
    expect(unknown.json().error.code).toBe("NotFound");
    for (const method of ["PUT", "HEAD", "OPTIONS", "TRACE"]) {
      const wrong = await req({ method, path: `/keys?api-version=${V}` });
      expect(wrong.status, method).toBe(405);
      if (method !== "HEAD") expect(wrong.json().error.code).toBe("MethodNotAllowed");
    }
    const weird = await req({ method: "PROPFIND", path: `/keys?api-version=${V}` });
    expect([404, 405]).toContain(weird.status);
    expect(weird.json().error).toBeDefined();
  });

  it("odd request lines never produce a 500", async () => {
    for (const path of [
      "/keys/%zz?api-version=7.6",
      `/keys/${"a".repeat(5000)}?api-version=${V}`,
      "/%?api-version=7.6",
      "/keys/k?api-version=%ff",
      "//keys//k//",
    ]) {
      const res = await req({ path });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.json().error.code, path).toBeTypeOf("string");
    }
  });

  it("sets x-ms-request-id and echoes x-ms-client-request-id", async () => {
    const res = await req({ path: `/keys?api-version=${V}`, headers: { "x-ms-client-request-id": "my-id-1" } });
    expect(res.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers["x-ms-client-request-id"]).toBe("my-id-1");
  });

  it("logs are structured JSON lines without the token or the body", async () => {
    const secret = "Q0FGRUJBQkUtc2VjcmV0LWtleS1tYXRlcmlhbA";
    await req({ method: "PUT", path: `/keys/logged?api-version=${V}`, body: JSON.stringify({ key: { kty: "oct", k: secret } }) });
    await req({ path: `/keys?api-version=${V}`, headers: { authorization: "Bearer SUPERSECRETTOKEN" } });
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      const entry = JSON.parse(line);
      expect(entry).toHaveProperty("level");
      expect(line).not.toContain(secret);
      expect(line).not.toContain("SUPERSECRETTOKEN");
      expect(line).not.toContain(TOKEN.slice(7));
    }
    expect(logLines.some((l) => l.includes("/keys/logged"))).toBe(true);
  });
});

describe("the Azure SDK's pipeline against the router (fake vault)", () => {
  const credential = { getToken: async () => ({ token: "fake-token", expiresOnTimestamp: Date.now() + 3600_000 }) };
  const client = () =>
    new KeyClient(server.url, credential, {
      disableChallengeResourceVerification: true,
      tlsOptions: { ca: server.cert },
      retryOptions: { maxRetries: 0 },
    });

  it("passes the challenge, creates and gets a key, and sees RestError codes", async () => {
    const kc = client();
    const created = await kc.createKey("sdk-key", "EC", { tags: { a: "1" } });
    expect(created.id).toBe(`${server.url}/keys/sdk-key/0123456789abcdef0123456789abcdef`);
    expect(vault.calls.find((c) => c.method === "createKey" && c.args[0] === "sdk-key")?.args[1]).toMatchObject({
      kty: "EC",
      tags: { a: "1" },
    });
    const err = await kc.getKey("missing").catch((e) => e);
    expect(err.name).toBe("RestError");
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe("KeyNotFound");
  });

  it("follows absolute nextLinks page by page", async () => {
    const kc = client();
    for (const n of ["p1", "p2", "p3"]) await kc.createKey(n, "EC");
    const pages: number[] = [];
    for await (const page of kc.listPropertiesOfKeys().byPage({ maxPageSize: 1 })) pages.push(page.length);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.every((n) => n === 1)).toBe(true);
  });
});

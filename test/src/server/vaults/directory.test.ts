// Several vaults behind one router (src/server/vaults): the Host header or the port picks the vault,
// identifiers carry the vault's own host, the management API creates, lists, deletes, moves clocks
// (nbf/exp, scheduled purges and rotations follow at once), exports and imports; the throttle answers
// 429 in Key Vault's envelope with Retry-After. Transport-free: no socket is opened here.
import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../../../../src/server/router.js";
import { ShiftableClock } from "../../../../src/server/vaults/clock.js";
import { VaultDirectory, type VaultSpec } from "../../../../src/server/vaults/directory.js";
import { vaultFactory } from "../../../../src/server/vaults/factory.js";
import { createDirectoryRouter } from "../../../../src/server/vaults/routing.js";
import { parseLimits } from "../../../../src/server/vaults/throttle.js";

const V = "7.6";
const DAY = 86_400;

async function setup(specs: VaultSpec[] = [], limits?: unknown) {
  const base = { ms: Date.UTC(2026, 0, 1) };
  const clock = new ShiftableClock(() => base.ms);
  // Ports are "listened on" by a stand-in: this file tests routing, test/e2e/controls.test.ts real listeners.
  const ports = { open: async (_d: unknown, _v: unknown, port: number) => port, close: async () => {} };
  const dir = await VaultDirectory.open(
    vaultFactory(limits ? { throttle: parseLimits(limits, "test") } : {}),
    specs,
    clock,
    undefined,
    ports,
  );
  const router = createDirectoryRouter({ directory: dir });
  const call = async (method: string, path: string, body?: unknown, host = "127.0.0.1:8443"): Promise<HttpResponse & { json: any }> => {
    const res = await router.handle({
      method,
      url: path.includes("?") || path.startsWith("/management") ? path : `${path}?api-version=${V}`,
      headers: { host, authorization: "Bearer x.y.z", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
  };
  return { dir, router, call, base };
}

describe("choosing a vault", () => {
  it("NAME.localhost, an alias, or else the default vault; each keeps its own objects and identifiers carry its host", async () => {
    const { call } = await setup([{ name: "alpha" }, { name: "beta", aliases: ["kv.example.test"] }]);
    const a = await call("PUT", "/secrets/s", { value: "in alpha" }, "alpha.localhost:8443");
    expect(a.status).toBe(200);
    expect(a.json.id).toMatch(/^https:\/\/alpha\.localhost:8443\/secrets\/s\/[0-9a-f]{32}$/);
    const b = await call("PUT", "/secrets/s", { value: "in beta" }, "kv.example.test");
    expect(b.json.id).toMatch(/^https:\/\/kv\.example\.test\/secrets\/s\//);
    expect((await call("GET", "/secrets/s", undefined, "ALPHA.localhost")).json.value).toBe("in alpha");
    expect((await call("GET", "/secrets/s", undefined, "beta.localhost")).json.value).toBe("in beta");
    expect((await call("GET", "/secrets/s", undefined, "127.0.0.1:8443")).status).toBe(404);
    expect((await call("GET", "/secrets/s", undefined, "unknown.localhost")).status).toBe(404);
  });

  it("a vault's own port serves that vault whatever the Host header says", async () => {
    const { dir } = await setup([{ name: "ported", port: 9999 }]);
    const router = createDirectoryRouter({ directory: dir, vaultName: "ported" });
    const req = (method: string, path: string, body?: unknown) =>
      router.handle({
        method,
        url: `${path}?api-version=${V}`,
        headers: { host: "127.0.0.1:9999", authorization: "Bearer x.y.z", ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    expect((await req("PUT", "/secrets/p", { value: "v" })).status).toBe(200);
    const viaMain = await createDirectoryRouter({ directory: dir }).handle({
      method: "GET",
      url: `/secrets/p?api-version=${V}`,
      headers: { host: "ported.localhost", authorization: "Bearer x.y.z" },
    });
    expect(JSON.parse(viaMain.body!).value).toBe("v");
    expect((await req("GET", "/management/vaults")).status).toBe(404); // management only on the main port's router
  });

  it("the challenge still comes first for a vault; management needs no token", async () => {
    const { router } = await setup([{ name: "alpha" }]);
    const res = await router.handle({ method: "GET", url: `/keys?api-version=${V}`, headers: { host: "alpha.localhost" } });
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
    expect(router.preflight({ method: "GET", url: "/management/vaults", headers: {} })).toBeUndefined();
  });
});

describe("the management API", () => {
  it("a Host header asked before a vault exists, and after it is gone, finds what is there each time", async () => {
    const { call } = await setup();
    const hosts = ["team-b.localhost:8443", "b.example.test"];
    // Asked first: no such vault, so the default one answers (and byHost remembers that answer).
    for (const host of hosts) expect((await call("GET", "/secrets/only-in-b", undefined, host)).status).toBe(404);
    expect((await call("PUT", "/management/vaults/team-b", { aliases: ["b.example.test"] })).status).toBe(201);
    expect((await call("PUT", "/secrets/only-in-b", { value: "b" }, hosts[0])).status).toBe(200);
    for (const host of hosts) expect((await call("GET", "/secrets/only-in-b", undefined, host)).json.value).toBe("b");
    expect((await call("GET", "/secrets/only-in-b")).status).toBe(404);
    expect((await call("DELETE", "/management/vaults/team-b")).status).toBe(204);
    for (const host of hosts) expect((await call("GET", "/secrets/only-in-b", undefined, host)).status).toBe(404);
  });

  it("creates, lists, reads and deletes vaults; refuses bad names, duplicates and deleting the default", async () => {
    const { call } = await setup();
    const created = await call("PUT", "/management/vaults/team-a", { aliases: ["team-a.example.test"] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "team-a", hosts: ["team-a.localhost", "team-a.example.test"], clockOffsetSeconds: 0 });
    expect((await call("GET", "/management/vaults")).json.value.map((v: { name: string }) => v.name)).toEqual(["default", "team-a"]);
    expect((await call("PUT", "/management/vaults/team-a", {})).status).toBe(409);
    const badName = await call("PUT", "/management/vaults/Bad_Name", {});
    expect(badName.status).toBe(400);
    expect(badName.json.error.code).toBe("BadParameter");
    expect((await call("DELETE", "/management/vaults/default")).status).toBe(400);
    await call("PUT", "/secrets/x", { value: "v" }, "team-a.localhost");
    expect((await call("DELETE", "/management/vaults/team-a")).status).toBe(204);
    expect((await call("GET", "/management/vaults/team-a")).status).toBe(404);
    expect((await call("GET", "/management/nothing")).json.error.code).toBe("NotFound");
  });

  it("a time shift drives exp, scheduled purges and rotation policies, for one vault or all", async () => {
    const { call } = await setup([{ name: "other" }]);
    const now = Date.UTC(2026, 0, 1) / 1000;
    await call("POST", "/keys/expiring/create", { kty: "oct", key_size: 128, attributes: { exp: now + 2 * DAY } });
    const wrap = () => call("POST", "/keys/expiring/wrapkey", { alg: "A128KW", value: Buffer.alloc(16).toString("base64url") });
    expect((await wrap()).status).toBe(200);
    await call("POST", "/keys/rotating/create", { kty: "oct", key_size: 128 });
    await call("PUT", "/keys/rotating/rotationpolicy", {
      lifetimeActions: [{ trigger: { timeAfterCreate: "P7D" }, action: { type: "Rotate" } }],
    });
    await call("PUT", "/secrets/gone", { value: "v" });
    await call("DELETE", "/secrets/gone");
    await call("PUT", "/secrets/other-gone", { value: "v" }, "other.localhost");
    await call("DELETE", "/secrets/other-gone", undefined, "other.localhost");

    const shifted = await call("POST", "/management/time", { seconds: 8 * DAY, vault: "default" });
    expect(shifted.json.vaults).toEqual([
      { name: "default", offsetSeconds: 8 * DAY },
      { name: "other", offsetSeconds: 0 },
    ]);
    expect((await wrap()).status).toBe(403);
    expect((await call("GET", "/keys/rotating/versions")).json.value).toHaveLength(2);
    const all = await call("POST", "/management/time", { seconds: 90 * DAY });
    expect(all.json).toEqual({
      globalOffsetSeconds: 90 * DAY,
      vaults: [
        { name: "default", offsetSeconds: 98 * DAY },
        { name: "other", offsetSeconds: 90 * DAY },
      ],
    });
    // Purged at the shift, not at the next read.
    expect((await call("GET", "/deletedsecrets")).json.value).toEqual([]);
    expect((await call("GET", "/deletedsecrets", undefined, "other.localhost")).json.value).toEqual([]);
    expect((await call("GET", "/management/time")).json.globalOffsetSeconds).toBe(90 * DAY);
    for (const body of [{ seconds: 0 }, { seconds: -5 }, { seconds: 1.5 }, { seconds: "10" }, {}]) {
      expect((await call("POST", "/management/time", body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call("POST", "/management/time", { seconds: 5, vault: "nope" })).status).toBe(404);
  });

  it("exports a vault and imports it into a new vault (adopting the domain) and refuses a vault of another domain", async () => {
    const { call } = await setup([{ name: "elsewhere" }]);
    await call("PUT", "/secrets/kept", { value: "exported value", tags: { t: "1" } });
    const key = await call("POST", "/keys/kept-key/create", { kty: "EC", crv: "P-256" });
    await call("PUT", "/secrets/deleted-one", { value: "v" });
    await call("DELETE", "/secrets/deleted-one");
    const exported = await call("POST", "/management/vaults/default/export");
    expect(exported.status).toBe(200);
    expect(exported.body).not.toContain("exported value");
    const { value, securityDomain } = exported.json;
    const imported = await call("POST", "/management/vaults/copy/import", { value, securityDomain });
    expect(imported.json.imported).toBe(3);
    expect((await call("GET", "/secrets/kept", undefined, "copy.localhost")).json).toMatchObject({
      value: "exported value",
      tags: { t: "1" },
    });
    const digest = Buffer.alloc(32, 1).toString("base64url");
    const sig = await call("POST", "/keys/kept-key/sign", { alg: "ES256", value: digest }, "copy.localhost");
    const verified = await call("POST", `/keys/kept-key/${key.json.key.kid.split("/").at(-1)}/verify`, {
      alg: "ES256",
      digest,
      value: sig.json.value,
    });
    expect(verified.json.value).toBe(true);
    expect((await call("GET", "/deletedsecrets/deleted-one", undefined, "copy.localhost")).status).toBe(200);
    // Importing again: the names are taken.
    expect((await call("POST", "/management/vaults/copy/import", { value })).status).toBe(409);
    // Another domain cannot open it, and nothing is written.
    const refused = await call("POST", "/management/vaults/elsewhere/import", { value });
    expect(refused.status).toBe(400);
    expect((await call("GET", "/secrets", undefined, "elsewhere.localhost")).json.value).toEqual([]);
  });
});

describe("throttling", () => {
  it("over a limit: 429 Throttled with Retry-After, refused requests do not count, and the window frees", async () => {
    const { call, dir } = await setup([], { windowSeconds: 10, other: 3, create: 2 });
    for (let i = 0; i < 2; i++) expect((await call("PUT", `/secrets/s${i}`, { value: "v" })).status).toBe(200);
    const over = await call("PUT", "/secrets/s2", { value: "v" });
    expect(over.status).toBe(429);
    expect(over.json).toEqual({
      error: {
        code: "Throttled",
        message: "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
      },
    });
    expect(Number(over.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 3; i++) expect((await call("GET", "/secrets/s0")).status).toBe(200);
    expect((await call("GET", "/secrets/s0")).status).toBe(429);
    dir.clock.shift(11);
    expect((await call("GET", "/secrets/s0")).status).toBe(200);
    expect((await call("PUT", "/secrets/s2", { value: "v" })).status).toBe(200);
  });

  it("key transactions are weighted by key type: RSA-4096 costs more than EC", async () => {
    const { call } = await setup([], { keyOther: { "RSA-4096": 2, EC: 4 }, keyCreate: 10 });
    await call("POST", "/keys/ec/create", { kty: "EC" });
    await call("POST", "/keys/rsa/create", { kty: "RSA", key_size: 4096 });
    // Creates cost 2/10; one RSA-4096 get costs 1/2 and one EC get 1/4: 0.2 + 0.5 + 0.25 = 0.95, then the window is full.
    expect((await call("GET", "/keys/rsa")).status).toBe(200);
    expect((await call("GET", "/keys/ec")).status).toBe(200);
    expect((await call("GET", "/keys/ec")).status).toBe(429);
  });

  it("a malformed limits file is refused naming what is wrong", () => {
    expect(() => parseLimits({ other: -1 }, "limits.json")).toThrow("limits.json: other must be a positive number, got -1");
    expect(() => parseLimits({ sometimes: 1 }, "limits.json")).toThrow('limits.json: unknown member "sometimes"');
    expect(() => parseLimits([], "limits.json")).toThrow("limits.json: the throttle limits must be a JSON or YAML object");
  });
});

// Identity, access and audit at the router (src/server/access, identity, audit): tokens from the
// emulator's issuer, --auth strict, RBAC with Key Vault's built-in roles (vault and object scopes),
// ForbiddenByRbac in the service's message shape, and the audit log (operation names, identities,
// refused calls, no secret in it). Transport-free: no socket.
import { beforeAll, describe, expect, it } from "vitest";
import { Hsm } from "../../../../src/engine/index.js";
import { createAccessControl } from "../../../../src/server/access/control.js";
import { parsePrincipals } from "../../../../src/server/access/principals.js";
import type { AuditEvent } from "../../../../src/server/audit/event.js";
import { createIdentityEndpoints, DEFAULT_MANAGED_IDENTITY } from "../../../../src/server/identity/endpoints.js";
import { TokenIssuer } from "../../../../src/server/identity/issuer.js";
import { createRouter, type HttpResponse } from "../../../../src/server/router.js";
import { Vault } from "../../../../src/vault/index.js";

const V = "7.6";
const RESOURCE = "https://vault.azure.net";
const ids = {
  officer: "00000000-0000-4000-8000-000000000001",
  cryptoUser: "00000000-0000-4000-8000-000000000002",
  secretsUser: "00000000-0000-4000-8000-000000000003",
  reader: "00000000-0000-4000-8000-000000000004",
  scoped: "00000000-0000-4000-8000-000000000005",
  nobody: "00000000-0000-4000-8000-000000000006",
};
const PRINCIPALS = `
principals:
  - {name: officer, objectId: ${ids.officer}, clientId: 10000000-0000-4000-8000-000000000001, clientSecret: s1, roles: [{role: Key Vault Administrator}]}
  - {name: crypto-user, objectId: ${ids.cryptoUser}, clientId: 10000000-0000-4000-8000-000000000002, clientSecret: s2, managedIdentity: true, roles: [{role: Crypto User, scope: /}]}
  - {name: secrets-user, objectId: ${ids.secretsUser}, clientId: 10000000-0000-4000-8000-000000000003, roles: [{role: Secrets User}]}
  - {name: reader, objectId: ${ids.reader}, clientId: 10000000-0000-4000-8000-000000000004, roles: [{role: Reader}]}
  - {name: scoped, objectId: ${ids.scoped}, clientId: 10000000-0000-4000-8000-000000000005, roles: [{role: Secrets Officer, scope: /secrets/mine}]}
  - {name: nobody, objectId: ${ids.nobody}, clientId: 10000000-0000-4000-8000-000000000006}
`;

let issuer: TokenIssuer;
let other: TokenIssuer;
beforeAll(async () => {
  issuer = new TokenIssuer(await Hsm.create(), "https://127.0.0.1:8443");
  other = new TokenIssuer(await Hsm.create(), "https://127.0.0.1:8443");
});

async function setup(mode: "any" | "strict", withPrincipals = true) {
  const principals = withPrincipals ? parsePrincipals(PRINCIPALS, "principals.yaml") : undefined;
  const events: AuditEvent[] = [];
  const vault = await Vault.open({ hsm: await Hsm.create() });
  const router = createRouter({
    vault,
    access: createAccessControl({
      mode,
      issuer,
      audiences: [RESOURCE, `${RESOURCE}/`],
      ...(principals ? { principals } : {}),
      vaultName: "default",
    }),
    audit: { write: (e) => events.push(e) },
  });
  const call = async (who: string | undefined, method: string, path: string, body?: unknown): Promise<HttpResponse & { json: any }> => {
    const res = await router.handle({
      method,
      url: `${path}?api-version=${V}`,
      remoteAddress: "127.0.0.9",
      headers: {
        host: "127.0.0.1:8443",
        "user-agent": "test-agent",
        "x-ms-client-request-id": "corr-1",
        ...(who ? { authorization: `Bearer ${who}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
  };
  const token = (oid: string, aud = RESOURCE) => issuer.sign({ aud, oid, appid: `app-${oid.slice(-1)}` }).token;
  return { call, events, token };
}

describe("--auth strict", () => {
  it("accepts the emulator's tokens for the vault's audience; refuses foreign, expired and wrong-audience ones with 401 and the challenge", async () => {
    const { call, token } = await setup("strict", false);
    expect((await call(token(ids.officer), "GET", "/secrets")).status).toBe(200);
    for (const [label, t, message] of [
      ["foreign signature", other.sign({ aud: RESOURCE, oid: ids.officer }).token, /AKV10032/],
      [
        "wrong audience",
        token(ids.officer, "https://management.azure.com"),
        /AKV10022: Invalid audience\. Expected https:\/\/vault\.azure\.net, found: https:\/\/management\.azure\.com\./,
      ],
      ["not a JWT", "opaque-token", /AKV10032/],
      [
        "an alg:none token",
        `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ aud: RESOURCE, oid: ids.officer, iss: issuer.issuer, exp: 9e9 })).toString("base64url")}.`,
        /AKV10032/,
      ],
    ] as const) {
      const res = await call(t, "GET", "/secrets");
      expect(res.status, label).toBe(401);
      expect(res.headers["www-authenticate"], label).toMatch(/^Bearer authorization=/);
      expect(res.json.error.code, label).toBe("Unauthorized");
      expect(res.json.error.message, label).toMatch(message);
    }
  });

  it("an expired token is refused", async () => {
    const clock = { ms: Date.now() };
    const past = new TokenIssuer(await Hsm.create(), "https://127.0.0.1:8443", () => clock.ms);
    const expired = past.sign({ aud: RESOURCE, oid: ids.officer }).token;
    clock.ms += 2 * 3600_000;
    const events: AuditEvent[] = [];
    const router = createRouter({
      vault: await Vault.open({ hsm: await Hsm.create() }),
      access: createAccessControl({ mode: "strict", issuer: past, audiences: [RESOURCE], vaultName: "default" }),
      audit: { write: (e) => events.push(e) },
    });
    const res = await router.handle({
      method: "GET",
      url: `/secrets?api-version=${V}`,
      headers: { host: "h", authorization: `Bearer ${expired}` },
    });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body!).error.message).toMatch(/"exp" claim timestamp check failed/);
  });
});

describe("RBAC with Key Vault's built-in roles", () => {
  it("a Crypto User signs but cannot create; a Secrets User gets but cannot set; a Reader sees metadata but no value; an object scope reaches that object only", async () => {
    const { call, token } = await setup("strict");
    const officer = token(ids.officer);
    expect((await call(officer, "POST", "/keys/k/create", { kty: "EC" })).status).toBe(200);
    expect((await call(officer, "PUT", "/secrets/s", { value: "rbac-secret-value" })).status).toBe(200);
    expect((await call(officer, "PUT", "/secrets/mine", { value: "mine" })).status).toBe(200);
    const digest = Buffer.alloc(32, 3).toString("base64url");

    const cu = token(ids.cryptoUser);
    expect((await call(cu, "POST", "/keys/k/sign", { alg: "ES256", value: digest })).status).toBe(200);
    const denied = await call(cu, "POST", "/keys/k2/create", { kty: "EC" });
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("Forbidden");
    expect(denied.json.error.innererror).toEqual({ code: "ForbiddenByRbac" });
    expect(denied.json.error.message.split("\r\n")).toEqual([
      "Caller is not authorized to perform action on resource.",
      "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
      `Caller: appid=app-2;oid=${ids.cryptoUser};iss=${issuer.issuer}`,
      "Action: 'Microsoft.KeyVault/vaults/keys/create/action'",
      "Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/wasm-hsm/providers/microsoft.keyvault/vaults/default/keys/k2'",
      "Assignment: (not found)",
      "DenyAssignmentId: null",
      "DecisionReason: 'DeniedWithNoValidRBAC' ",
      "Vault: default;location=local",
    ]);
    expect((await call(cu, "GET", "/secrets/s")).status).toBe(403);

    const su = token(ids.secretsUser);
    expect((await call(su, "GET", "/secrets/s")).json.value).toBe("rbac-secret-value");
    expect((await call(su, "PUT", "/secrets/s", { value: "x" })).status).toBe(403);
    expect((await call(su, "GET", "/keys/k")).status).toBe(403);

    const reader = token(ids.reader);
    expect((await call(reader, "GET", "/secrets")).status).toBe(200);
    expect((await call(reader, "GET", "/secrets/s/versions")).status).toBe(200);
    expect((await call(reader, "GET", "/keys/k")).status).toBe(200);
    expect((await call(reader, "GET", "/secrets/s")).status).toBe(403);
    expect((await call(reader, "POST", "/keys/k/sign", { alg: "ES256", value: digest })).status).toBe(403);

    const scoped = token(ids.scoped);
    expect((await call(scoped, "GET", "/secrets/mine")).json.value).toBe("mine");
    expect((await call(scoped, "PUT", "/secrets/MINE", { value: "mine too" })).status).toBe(200);
    expect((await call(scoped, "GET", "/secrets/s")).status).toBe(403);
    expect((await call(scoped, "GET", "/secrets")).status).toBe(403); // lists need the vault's scope

    expect((await call(token(ids.nobody), "GET", "/secrets")).status).toBe(403);
    expect((await call(token("00000000-0000-4000-8000-0000000000ff"), "GET", "/secrets")).status).toBe(403);
  });

  it("without a principals file everyone may do everything, and --auth any names the caller from the token's claims", async () => {
    const { call, events } = await setup("any", false);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ oid: ids.nobody, appid: "app-x", upn: "x@example" })).toString("base64url")}.sig`;
    expect((await call(unsigned, "PUT", "/secrets/a", { value: "v" })).status).toBe(200);
    expect(events.at(-1)!.identity.claim).toEqual({
      "http://schemas.microsoft.com/identity/claims/objectidentifier": ids.nobody,
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": "x@example",
      appid: "app-x",
    });
    expect(events.at(-1)!.properties.isRbacAuthorized).toBe(false);
  });

  it("a malformed principals file is refused naming the entry", () => {
    expect(() => parsePrincipals("principals: [{name: a, objectId: nope, clientId: x}]", "p.yaml")).toThrow(
      'p.yaml: principals[0] (a): objectId must be a GUID, got "nope"',
    );
    expect(() =>
      parsePrincipals(`principals: [{name: a, objectId: ${ids.officer}, clientId: ${ids.officer}, roles: [{role: Wizard}]}]`, "p.yaml"),
    ).toThrow(/unknown role "Wizard"/);
    expect(() =>
      parsePrincipals(
        `principals: [{name: a, objectId: ${ids.officer}, clientId: ${ids.officer}, roles: [{role: Reader, scope: /vaults/x}]}]`,
        "p.yaml",
      ),
    ).toThrow(/scope must be/);
  });
});

describe("the audit log", () => {
  it("has Key Vault's operation names, identities, results and request data for a scripted sequence, refused calls included, and no secret", async () => {
    const { call, events, token } = await setup("strict");
    const secretValue = "planted-secret-value-0123456789";
    const officer = token(ids.officer);
    await call(officer, "PUT", "/secrets/audited", { value: secretValue, tags: { t: secretValue } });
    await call(officer, "GET", "/secrets/audited");
    await call(token(ids.reader), "GET", "/secrets/audited");
    await call(undefined, "GET", "/secrets/audited");
    await call(officer, "POST", "/keys/ak/create", { kty: "EC" });
    await call(officer, "POST", "/keys/ak/sign", { alg: "ES256", value: Buffer.alloc(32).toString("base64url") });
    await call(officer, "DELETE", "/secrets/audited");
    expect(events.map((e) => [e.operationName, e.properties.httpStatusCode, e.resultType])).toEqual([
      ["SecretSet", 200, "Success"],
      ["SecretGet", 200, "Success"],
      ["SecretGet", 403, "Failure"],
      ["Authentication", 401, "Failure"],
      ["KeyCreate", 200, "Success"],
      ["KeySign", 200, "Success"],
      ["SecretDelete", 200, "Success"],
    ]);
    const get = events[1]!;
    expect(get).toMatchObject({
      resourceId: "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/WASM-HSM/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/DEFAULT",
      operationVersion: V,
      category: "AuditEvent",
      resultSignature: "OK",
      callerIpAddress: "127.0.0.9",
      correlationId: "corr-1",
      identity: { claim: { "http://schemas.microsoft.com/identity/claims/objectidentifier": ids.officer, appid: "app-1" } },
      properties: {
        id: "https://127.0.0.1:8443/secrets/audited",
        requestUri: `https://127.0.0.1:8443/secrets/audited?api-version=${V}`,
        isRbacAuthorized: true,
        clientInfo: "test-agent",
      },
    });
    expect(typeof get.durationMs).toBe("number");
    expect(new Date(get.time).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(events[2]!.resultDescription).toBe("Forbidden (ForbiddenByRbac)");
    // No value, no token, no body in any line; the scan is shown to work on a line that has one.
    const text = events.map((e) => JSON.stringify(e)).join("\n");
    expect(`${text}${secretValue}`).toContain(secretValue);
    for (const needle of [secretValue, Buffer.from(secretValue).toString("base64"), officer, officer.split(".")[1]!])
      expect(text).not.toContain(needle);
  });
});

describe("the identity endpoints", () => {
  it("IMDS and App Service answer tokens for the managed identity that verify; missing headers are refused", async () => {
    const ep = createIdentityEndpoints({ issuer, identityHeader: "hdr" });
    const imds = await ep.handleManagedIdentity({
      method: "GET",
      url: "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net",
      headers: { metadata: "true" },
    });
    const body = JSON.parse(imds.body!);
    expect(body).toMatchObject({ resource: RESOURCE, token_type: "Bearer", client_id: DEFAULT_MANAGED_IDENTITY.clientId });
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000 + 3000);
    const verified = await issuer.verify(body.access_token, [RESOURCE]);
    expect(verified).toMatchObject({ claims: { oid: DEFAULT_MANAGED_IDENTITY.objectId, aud: RESOURCE, tid: issuer.tenant } });
    expect((await ep.handleManagedIdentity({ method: "GET", url: "/metadata/identity/oauth2/token?resource=r", headers: {} })).status).toBe(
      400,
    );
    expect(
      (
        await ep.handleManagedIdentity({
          method: "GET",
          url: "/msi/token?resource=https://vault.azure.net",
          headers: { "x-identity-header": "hdr" },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await ep.handleManagedIdentity({
          method: "GET",
          url: "/msi/token?resource=https://vault.azure.net",
          headers: { "x-identity-header": "wrong" },
        })
      ).status,
    ).toBe(401);
  });

  it("client credentials with a secret; wrong secrets and unknown clients are refused; the OpenID metadata names the token endpoint", async () => {
    const principals = parsePrincipals(PRINCIPALS, "p.yaml");
    const ep = createIdentityEndpoints({ issuer, principals, identityHeader: "h" });
    const post = (form: Record<string, string>) =>
      ep.handleTokenService({
        method: "POST",
        url: `/${issuer.tenant}/oauth2/v2.0/token`,
        headers: {},
        body: new URLSearchParams(form).toString(),
      });
    const ok = await post({
      grant_type: "client_credentials",
      client_id: "10000000-0000-4000-8000-000000000001",
      client_secret: "s1",
      scope: "https://vault.azure.net/.default",
    });
    expect(ok!.status).toBe(200);
    const t = JSON.parse(ok!.body!);
    expect(await issuer.verify(t.access_token, [RESOURCE])).toMatchObject({
      claims: { oid: ids.officer, appid: "10000000-0000-4000-8000-000000000001" },
    });
    expect(
      (await post({
        grant_type: "client_credentials",
        client_id: "10000000-0000-4000-8000-000000000001",
        client_secret: "nope",
        scope: "x/.default",
      }))!.status,
    ).toBe(401);
    expect(
      (await post({
        grant_type: "client_credentials",
        client_id: "99999999-0000-4000-8000-000000000001",
        client_secret: "s1",
        scope: "x/.default",
      }))!.status,
    ).toBe(400);
    const meta = await ep.handleTokenService({
      method: "GET",
      url: `/${issuer.tenant}/v2.0/.well-known/openid-configuration`,
      headers: {},
    });
    expect(JSON.parse(meta!.body!)).toMatchObject({
      issuer: issuer.issuer,
      token_endpoint: `https://127.0.0.1:8443/${issuer.tenant}/oauth2/v2.0/token`,
    });
    expect(await ep.handleTokenService({ method: "GET", url: "/keys", headers: {} })).toBeUndefined();
  });
});

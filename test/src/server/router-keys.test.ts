// The router's part of issue 10, against a fake vault: the release route (also with the double
// slash of older SDKs), restore's own body limit (whatever backup makes), and the built-in
// attestation service's routes (no token, no api-version, a path no Key Vault route can take).
import { describe, expect, it } from "vitest";
import type { AttestationApi, RequestContext } from "../../../src/model/index.js";
import { createRouter, type HttpResponse } from "../../../src/server/router.js";
import { RESTORE_BODY_BYTES } from "../../../src/vault/index.js";
import { FakeVault } from "../../helpers/fake-vault.js";

const V = "7.4-preview.1";
const auth = { authorization: "Bearer eyJ0eXAiOiJKV1QifQ.e30.sig", host: "127.0.0.1:8443" };

class FakeAttestation implements AttestationApi {
  readonly calls: unknown[][] = [];
  async generateTestToken(claims: Record<string, unknown> | undefined, ctx: RequestContext) {
    this.calls.push(["generateTestToken", claims, ctx]);
    return { token: "a.b.c" };
  }
  async openidConfiguration(ctx: RequestContext) {
    this.calls.push(["openidConfiguration", ctx]);
    return { jwks_uri: `${ctx.vaultUrl}/_attestation/keys` };
  }
  async jwks(ctx: RequestContext) {
    this.calls.push(["jwks", ctx]);
    return { keys: [] };
  }
}

function setup(withAttestation = true) {
  const vault = new FakeVault() as FakeVault & { attestation?: AttestationApi };
  const attestation = new FakeAttestation();
  if (withAttestation) vault.attestation = attestation;
  const router = createRouter({ vault });
  const call = (method: string, url: string, body?: string, headers: Record<string, string> = auth): Promise<HttpResponse> =>
    router.handle({ method, url, headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, body });
  return { vault, attestation, router, call };
}

describe("release", () => {
  it.each([
    ["/keys/k1/abc/release", "abc"],
    ["/keys/k1//release", undefined],
    ["/keys/k1/release", undefined],
  ])("POST %s calls releaseKey", async (path, version) => {
    const { vault, call } = setup();
    const res = await call("POST", `${path}?api-version=${V}`, '{"target":"t"}');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ value: "released" });
    expect(vault.last.method).toBe("releaseKey");
    expect(vault.last.args.slice(0, 3)).toEqual(["k1", version, { target: "t" }]);
  });
});

describe("restore takes whatever backup makes", () => {
  it("a body over the general 1 MiB limit reaches restore; one over restore's own limit is a 413", async () => {
    const { vault, router, call } = setup();
    expect(router.largestBodyBytes).toBe(RESTORE_BODY_BYTES);
    const big = JSON.stringify({ value: "A".repeat(3 * 1024 * 1024) });
    const ok = await call("POST", `/keys/restore?api-version=${V}`, big);
    expect(ok.status).toBe(200);
    expect(vault.last.method).toBe("restoreKey");
    // Not elsewhere: the general limit still holds for create.
    const refused = await call("POST", `/keys/k/create?api-version=${V}`, big);
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body!).error.message).toBe("The request body is larger than this server's limit of 1048576 bytes.");
    const tooBig = await call("POST", `/keys/restore?api-version=${V}`, "x".repeat(RESTORE_BODY_BYTES + 1));
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body!).error.code).toBe("RequestEntityTooLarge");
  });
});

describe("the built-in attestation service", () => {
  it("answers without a token and without api-version", async () => {
    const { attestation, router, call } = setup();
    for (const [method, path, body] of [
      ["GET", "/_attestation/generate-test-token", undefined],
      ["POST", "/_attestation/generate-test-token", '{"sdk-test":false}'],
      ["GET", "/_attestation/.well-known/openid-configuration", undefined],
      ["GET", "/_attestation/keys", undefined],
    ] as const) {
      expect(router.preflight({ method, url: path, headers: {} })).toBeUndefined();
      const res = await call(method, path, body, { host: "127.0.0.1:9999" });
      expect(res.status, path).toBe(200);
    }
    expect(attestation.calls.map((c) => c[0])).toEqual(["generateTestToken", "generateTestToken", "openidConfiguration", "jwks"]);
    expect(attestation.calls[1]![1]).toEqual({ "sdk-test": false });
    expect(attestation.calls[2]![1]).toEqual({ vaultUrl: "https://127.0.0.1:9999", apiVersion: "" });
  });

  it("Key Vault's routes still need a token; a vault without the service answers 404", async () => {
    const { router } = setup();
    expect(router.preflight({ method: "GET", url: `/keys?api-version=${V}`, headers: {} })?.status).toBe(401);
    const res = await setup(false).call("GET", "/_attestation/keys", undefined, { host: "h" });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body!)).toEqual({ error: { code: "NotFound", message: "This vault has no attestation service." } });
  });
});

// The emulator as a token issuer, for @azure/identity:
//  - on the vault's HTTPS port (an authority for ClientSecretCredential / ClientCertificateCredential
//    with `authorityHost` set to the emulator and `disableInstanceDiscovery`):
//      GET  /{tenant}/v2.0/.well-known/openid-configuration      OpenID metadata
//      GET  /{tenant}/discovery/v2.0/keys                        the JWKS
//      POST /{tenant}/oauth2/v2.0/token                          client_credentials (secret or assertion)
//  - on a plain-HTTP port of its own (`--identity-port`), the managed-identity protocols:
//      GET  /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R   IMDS (header Metadata: true)
//      GET  /msi/token?api-version=2019-08-01&resource=R                         App Service (X-IDENTITY-HEADER)
// Tokens carry oid, tid, appid, aud, iss, exp (issuer.ts). Who a client or managed identity is comes from
// the principals file; without one, any client id and secret is accepted and named by its client id.
import { importX509, jwtVerify } from "jose";
import type { HttpRequest, HttpResponse } from "../router.js";
import type { Principal } from "../access/principals.js";
import type { TokenIssuer } from "./issuer.js";

export interface IdentityOptions {
  issuer: TokenIssuer;
  principals?: Principal[];
  /** The secret App Service clients must send in X-IDENTITY-HEADER (IDENTITY_HEADER). */
  identityHeader: string;
}

/** The managed identity used when there is no principals file. */
export const DEFAULT_MANAGED_IDENTITY = {
  name: "wasm-hsm-managed-identity",
  objectId: "7f3b2c1d-0e4f-4a5b-8c6d-9e0f1a2b3c4d",
  clientId: "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
};

const json = (status: number, body: unknown, extra: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...extra },
  body: JSON.stringify(body),
});

/** OAuth 2.0 error answers (RFC 6749 §5.2), as Entra ID shapes them. */
const oauthError = (status: number, error: string, description: string) => json(status, { error, error_description: description });

function parseUrl(url: string): { path: string; query: URLSearchParams } {
  const u = new URL(url, "http://emulator.invalid");
  // MSAL's IMDS client asks for ".../oauth2/token/" (with a trailing slash): both are the same endpoint.
  return { path: u.pathname.length > 1 ? u.pathname.replace(/\/+$/, "") : u.pathname, query: u.searchParams };
}

function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function resourceOf(scopeOrResource: string | null): string | undefined {
  if (!scopeOrResource) return undefined;
  const first = scopeOrResource.split(" ")[0]!;
  return first.replace(/\/\.default$/, "");
}

export function createIdentityEndpoints(o: IdentityOptions) {
  const tenant = o.issuer.tenant;
  const authorityPath = `/${tenant}`;

  function managedIdentity(query: URLSearchParams): { name: string; objectId: string; clientId: string } | undefined {
    const wanted = query.get("client_id") ?? query.get("clientid") ?? query.get("object_id") ?? undefined;
    if (!o.principals) return DEFAULT_MANAGED_IDENTITY;
    const mis = o.principals.filter((p) => p.managedIdentity);
    if (!wanted) return mis[0];
    return mis.find((p) => p.clientId === wanted.toLowerCase() || p.objectId === wanted.toLowerCase());
  }

  function tokenFor(who: { name: string; objectId: string; clientId: string }, resource: string) {
    return o.issuer.sign({ aud: resource, oid: who.objectId, appid: who.clientId, azp: who.clientId, upn: who.name, name: who.name });
  }

  /** The managed-identity port. */
  async function handleManagedIdentity(req: HttpRequest): Promise<HttpResponse> {
    const { path, query } = parseUrl(req.url);
    if (req.method !== "GET") return oauthError(405, "invalid_request", "Only GET is supported.");
    let resource: string | undefined;
    if (path === "/metadata/identity/oauth2/token") {
      if (header(req, "metadata")?.toLowerCase() !== "true")
        return oauthError(400, "invalid_request", "Required metadata header not specified");
      resource = resourceOf(query.get("resource"));
    } else if (path === "/msi/token") {
      if (header(req, "x-identity-header") !== o.identityHeader)
        return oauthError(401, "unauthorized_client", "The X-IDENTITY-HEADER is missing or wrong.");
      resource = resourceOf(query.get("resource"));
    } else {
      return oauthError(404, "not_found", `No managed-identity endpoint at ${path}.`);
    }
    if (!resource) return oauthError(400, "invalid_request", "The resource parameter is missing.");
    const who = managedIdentity(query);
    if (!who) return oauthError(400, "invalid_request", "No managed identity matches the requested client_id or object_id.");
    const { token, expiresOn } = tokenFor(who, resource);
    const now = Math.floor(Date.now() / 1000);
    return json(200, {
      access_token: token,
      expires_on: String(expiresOn),
      expires_in: String(expiresOn - now),
      not_before: String(now),
      resource,
      token_type: "Bearer",
      client_id: who.clientId,
    });
  }

  async function clientCredentials(form: URLSearchParams): Promise<HttpResponse> {
    if (form.get("grant_type") !== "client_credentials")
      return oauthError(400, "unsupported_grant_type", "Only the client_credentials grant is supported.");
    const clientId = form.get("client_id")?.toLowerCase();
    const resource = resourceOf(form.get("scope"));
    if (!clientId)
      return oauthError(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.");
    if (!resource) return oauthError(400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid.");
    let who: { name: string; objectId: string; clientId: string } | undefined;
    const principal = o.principals?.find((p) => p.clientId === clientId);
    if (o.principals && !principal)
      return oauthError(400, "unauthorized_client", `AADSTS700016: Application with identifier '${clientId}' was not found.`);
    const secret = form.get("client_secret");
    const assertion = form.get("client_assertion");
    if (principal) {
      if (secret !== null) {
        if (principal.clientSecret === undefined || secret !== principal.clientSecret)
          return oauthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
      } else if (assertion !== null) {
        if (!principal.certificate) return oauthError(401, "invalid_client", "AADSTS700027: The client has no certificate registered.");
        try {
          const key = await importX509(principal.certificate, "RS256");
          await jwtVerify(assertion, key, {
            audience: `${o.issuer.baseUrl}${authorityPath}/oauth2/v2.0/token`,
            issuer: clientId,
            subject: clientId,
          });
        } catch (err) {
          return oauthError(
            401,
            "invalid_client",
            `AADSTS700027: Client assertion failed signature validation (${(err as Error).message}).`,
          );
        }
      } else {
        return oauthError(401, "invalid_client", "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required.");
      }
      who = principal;
    } else {
      if (secret === null && assertion === null)
        return oauthError(401, "invalid_client", "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required.");
      who = { name: clientId, objectId: clientId, clientId };
    }
    const { token, expiresOn } = tokenFor(who, resource);
    const expiresIn = expiresOn - Math.floor(Date.now() / 1000);
    return json(200, { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token });
  }

  /** The token service on the HTTPS port; undefined when the path is not one of its. */
  async function handleTokenService(req: HttpRequest): Promise<HttpResponse | undefined> {
    const { path } = parseUrl(req.url);
    const lower = path.toLowerCase();
    if (lower === `${authorityPath}/v2.0/.well-known/openid-configuration`) {
      return json(200, {
        issuer: o.issuer.issuer,
        token_endpoint: `${o.issuer.baseUrl}${authorityPath}/oauth2/v2.0/token`,
        authorization_endpoint: `${o.issuer.baseUrl}${authorityPath}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${o.issuer.baseUrl}${authorityPath}/oauth2/v2.0/logout`,
        jwks_uri: `${o.issuer.baseUrl}${authorityPath}/discovery/v2.0/keys`,
        response_types_supported: ["token"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["ES256"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt"],
        grant_types_supported: ["client_credentials"],
        tenant_region_scope: null,
        cloud_instance_name: "wasm-hsm.local",
      });
    }
    if (lower === `${authorityPath}/discovery/v2.0/keys`) return json(200, o.issuer.jwks());
    if (lower === `${authorityPath}/oauth2/v2.0/token`) {
      if (req.method !== "POST") return oauthError(405, "invalid_request", "The token endpoint takes POST.");
      const body =
        req.body === undefined || req.body === null ? "" : typeof req.body === "string" ? req.body : new TextDecoder().decode(req.body);
      return clientCredentials(new URLSearchParams(body));
    }
    return undefined;
  }

  /** Whether a request line is the token service's (it takes no Key Vault token). */
  function isTokenServicePath(url: string): boolean {
    const { path } = parseUrl(url);
    return path.toLowerCase().startsWith(`${authorityPath}/`);
  }

  return { handleManagedIdentity, handleTokenService, isTokenServicePath };
}

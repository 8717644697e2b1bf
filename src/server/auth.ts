// The bearer challenge, as Key Vault answers it and as the Azure SDK's
// keyVaultAuthenticationPolicy (@azure/keyvault-common) expects it:
//  - a request with no Authorization header gets 401 and
//    WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/{tenant}", resource="{resource}"
//    (the SDK sends its first request without a token and without its body, reads `resource`, gets a
//    token for "{resource}/.default" and the tenant from the authorization URL's path, and retries);
//  - a well-formed bearer token (RFC 6750 §2.1, b64token) is accepted: the emulator checks no signature;
//  - any other Authorization header gets the same 401.
// The token itself is never logged nor kept.
import { httpErrors } from "./errors.js";
import type { KeyVaultError } from "../vault/errors.js";

/** A fixed, made-up tenant: the SDK only passes it back to the credential. */
export const EMULATOR_TENANT_ID = "6d1e3f1a-0b7c-4c1e-9a55-7a11e5c0ffee";
export const DEFAULT_AUTH_RESOURCE = "https://vault.azure.net";

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_AUTHORIZATION_LENGTH = 16 * 1024;

/** The challenge's values must be free of spaces, quotes, commas and '=' (the SDK splits on them). */
export function checkAuthResource(resource: string): string {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new Error(`--auth-resource must be an absolute URL, got ${JSON.stringify(resource)}`);
  }
  if (!/^https?:$/.test(url.protocol) || /[\s",=]/.test(resource)) {
    throw new Error(`--auth-resource must be an http(s) URL without spaces, quotes, commas or '=', got ${JSON.stringify(resource)}`);
  }
  return resource.replace(/\/+$/, "");
}

export function challengeHeader(resource: string): string {
  return `Bearer authorization="https://login.microsoftonline.com/${EMULATOR_TENANT_ID}", resource="${resource}"`;
}

/** undefined when the request may go on; otherwise the 401 to answer, before reading any body. */
export function checkAuthorization(header: string | string[] | undefined): KeyVaultError | undefined {
  if (header === undefined || header === "") {
    return httpErrors.unauthorized("AKV10000: Request is missing a Bearer or PoP token.");
  }
  if (Array.isArray(header) || header.length > MAX_AUTHORIZATION_LENGTH || !BEARER.test(header)) {
    return httpErrors.unauthorized("The Authorization header is malformed: a Bearer token is expected.");
  }
  return undefined;
}

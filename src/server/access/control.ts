// Who the caller is, and whether they may do what they ask (the router asks once per request).
//  - `--auth any` (the default): any well-formed bearer token is accepted; the caller is whoever its
//    unverified claims say (oid, appid, upn), or "anonymous" when it is not a JWT.
//  - `--auth strict`: the token must be signed by the emulator's issuer, unexpired, for the vault's
//    audience; otherwise 401 with the challenge, as the service answers (AKV10022-style messages).
//  - With principals (`--principals FILE`), every operation needs a role assignment whose role has the
//    operation's data action, at the vault's scope or the object's; otherwise 403 ForbiddenByRbac in the
//    service's message shape. Without principals, everyone may do everything.
import { decodeBase64url } from "../../encoding/base64url.js";
import { KeyVaultError } from "../../vault/errors.js";
import type { TokenIssuer } from "../identity/issuer.js";
import type { Principal } from "./principals.js";
import { actionMatches } from "./roles.js";

export interface Caller {
  oid?: string;
  appid?: string;
  upn?: string;
  tid?: string;
  iss?: string;
  /** The principal the token names, when there is a principals file and the oid is in it. */
  principal?: Principal;
}

export interface AccessDecision {
  /** Whether a role assignment allowed it (false when no principals file is in force). */
  rbac: boolean;
}

export interface AccessControl {
  /** The caller of a request with this Authorization header, or the 401 to answer. */
  authenticate(authorization: string | undefined): Promise<Caller | KeyVaultError>;
  /** Whether the caller may perform `action` (e.g. "keys/sign/action") on `resource` ("/" or "/keys/name"). */
  authorize(caller: Caller, action: string, resource: string): AccessDecision | KeyVaultError;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const unauthorized = (message: string) => new KeyVaultError(401, "Unauthorized", message);

/** The claims of a JWT, unverified; undefined when the token is not one. */
export function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const bytes = decodeBase64url(parts[1]!);
    const claims = bytes && JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return claims && typeof claims === "object" && !Array.isArray(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

function callerOf(claims: Record<string, unknown> | undefined, principals: Principal[] | undefined): Caller {
  const str = (k: string) => (typeof claims?.[k] === "string" ? (claims[k] as string) : undefined);
  const oid = str("oid")?.toLowerCase();
  const principal = oid ? principals?.find((p) => p.objectId === oid) : undefined;
  const upn = str("upn") ?? str("preferred_username") ?? principal?.name;
  return {
    ...(oid ? { oid } : {}),
    ...((str("appid") ?? str("azp")) ? { appid: (str("appid") ?? str("azp"))!.toLowerCase() } : {}),
    ...(upn ? { upn } : {}),
    ...(str("tid") ? { tid: str("tid") } : {}),
    ...(str("iss") ? { iss: str("iss") } : {}),
    ...(principal ? { principal } : {}),
  };
}

export interface AccessOptions {
  mode: "any" | "strict";
  issuer?: TokenIssuer;
  /** The audiences a token may carry: the challenge's resource (with and without a trailing slash). */
  audiences: string[];
  principals?: Principal[];
  /** For the 403 message's Vault line. */
  vaultName: string;
}

export function createAccessControl(o: AccessOptions): AccessControl {
  if (o.mode === "strict" && !o.issuer) throw new Error("--auth strict needs the emulator's token issuer");
  return {
    async authenticate(header) {
      if (header === undefined || header === "") return unauthorized("AKV10000: Request is missing a Bearer or PoP token.");
      const m = BEARER.exec(header);
      if (!m || header.length > 16 * 1024) return unauthorized("The Authorization header is malformed: a Bearer token is expected.");
      const token = m[1]!;
      if (o.mode === "any") return callerOf(unverifiedClaims(token), o.principals);
      const verified = await o.issuer!.verify(token, o.audiences);
      if ("reason" in verified) {
        const claims = unverifiedClaims(token);
        if (claims && typeof claims.aud === "string" && !o.audiences.includes(claims.aud)) {
          return unauthorized(`AKV10022: Invalid audience. Expected ${o.audiences[0]}, found: ${claims.aud}.`);
        }
        return unauthorized(`AKV10032: The token was not issued by this emulator or is no longer valid (${verified.reason}).`);
      }
      return callerOf(verified.claims as Record<string, unknown>, o.principals);
    },
    authorize(caller, action, resource) {
      if (!o.principals) return { rbac: false };
      const full = `Microsoft.KeyVault/vaults/${action}`;
      const scopeCovers = (scope: string) => scope === "/" || scope === resource.toLowerCase();
      const granted = caller.principal?.roles.some((a) => scopeCovers(a.scope) && a.role.dataActions.some((p) => actionMatches(p, full)));
      if (granted) return { rbac: true };
      return new KeyVaultError(
        403,
        "Forbidden",
        [
          "Caller is not authorized to perform action on resource.",
          "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
          `Caller: appid=${caller.appid ?? ""};oid=${caller.oid ?? ""};iss=${caller.iss ?? ""}`,
          `Action: '${full}'`,
          `Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/wasm-hsm/providers/microsoft.keyvault/vaults/${o.vaultName}${resource === "/" ? "" : resource.toLowerCase()}'`,
          "Assignment: (not found)",
          "DenyAssignmentId: null",
          "DecisionReason: 'DeniedWithNoValidRBAC' ",
          `Vault: ${o.vaultName};location=local`,
        ].join("\r\n"),
        "ForbiddenByRbac",
      );
    },
  };
}

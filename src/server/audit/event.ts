// One audit line per data-plane request, in Azure Monitor's AuditEvent shape for Key Vault
// (MicrosoftDocs azure-security-docs, articles/key-vault/general/logging.md: time, resourceId,
// operationName, operationVersion, category, resultType, resultSignature, resultDescription,
// durationMs, callerIpAddress, correlationId, identity.claim, properties). It never holds a request
// body, a secret value, key material or a token.

export interface AuditEvent {
  time: string;
  resourceId: string;
  operationName: string;
  operationVersion: string;
  category: "AuditEvent";
  resultType: "Success" | "Failure";
  resultSignature: string;
  resultDescription: string;
  durationMs: number;
  callerIpAddress: string;
  correlationId: string;
  identity: { claim: Record<string, string> };
  properties: {
    id: string;
    httpStatusCode: number;
    requestUri: string;
    isRbacAuthorized: boolean;
    clientInfo: string;
  };
}

export interface AuditSink {
  /** Called before the response goes out. */
  write(event: AuditEvent): void;
}

/** HTTP reason phrases, for resultSignature (the service writes e.g. "OK", "Forbidden"). */
const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "NoContent",
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  413: "RequestEntityTooLarge",
  429: "TooManyRequests",
  500: "InternalServerError",
  503: "ServiceUnavailable",
};

/** The ARM id Key Vault puts in resourceId, upper-cased as the service writes it. */
export function resourceIdOf(vaultName: string): string {
  return `/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/WASM-HSM/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/${vaultName.toUpperCase()}`;
}

export function auditEvent(o: {
  started: number;
  vaultName: string;
  operation: string;
  apiVersion: string;
  status: number;
  message?: string;
  callerIp?: string;
  correlationId?: string;
  caller?: { oid?: string; appid?: string; upn?: string };
  objectUrl: string;
  requestUri: string;
  rbac: boolean;
  userAgent?: string;
}): AuditEvent {
  const claim: Record<string, string> = {};
  if (o.caller?.oid) claim["http://schemas.microsoft.com/identity/claims/objectidentifier"] = o.caller.oid;
  if (o.caller?.upn) claim["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] = o.caller.upn;
  if (o.caller?.appid) claim.appid = o.caller.appid;
  return {
    time: new Date().toISOString(),
    resourceId: resourceIdOf(o.vaultName),
    operationName: o.operation,
    operationVersion: o.apiVersion,
    category: "AuditEvent",
    resultType: o.status < 400 ? "Success" : "Failure",
    resultSignature: REASONS[o.status] ?? String(o.status),
    resultDescription: o.status < 400 ? "" : (o.message ?? ""),
    durationMs: Math.max(0, Math.round(performance.now() - o.started)),
    callerIpAddress: o.callerIp ?? "",
    correlationId: o.correlationId ?? "",
    identity: { claim },
    properties: {
      id: o.objectUrl,
      httpStatusCode: o.status,
      requestUri: o.requestUri,
      isRbacAuthorized: o.rbac,
      clientInfo: o.userAgent ?? "",
    },
  };
}

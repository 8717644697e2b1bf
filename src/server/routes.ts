// The route table, as data: one row per REST operation of DESIGN.md, each calling exactly one
// VaultApi method. Paths use {name} (a non-empty segment) and {version?} (a segment that may be
// empty or absent: both mean the current version). Literal segments match case-insensitively.
// Rows with literal segments come before the rows they would otherwise collide with
// (GET /keys/{name}/versions before GET /keys/{name}/{version?}).
import type {
  CertificateCreateParameters,
  CertificateImportParameters,
  CertificateIssuerSetParameters,
  CertificateIssuerUpdateParameters,
  CertificateMergeParameters,
  CertificateOperationUpdateParameter,
  CertificatePolicy,
  CertificateRestoreParameters,
  CertificateUpdateParameters,
  Contacts,
  GetRandomBytesRequest,
  KeyCreateParameters,
  KeyImportParameters,
  KeyOperationsParameters,
  KeyReleaseParameters,
  KeyRestoreParameters,
  KeyRotationPolicy,
  KeySignParameters,
  KeyUpdateParameters,
  VaultApi,
  KeyVerifyParameters,
  ListOptions,
  RequestContext,
  AttestationApi,
  SecretRestoreParameters,
  SecretSetParameters,
  SecretUpdateParameters,
} from "../model/index.js";
import { ATTESTATION_PATH, RESTORE_BODY_BYTES } from "../vault/index.js";
import { httpErrors } from "./errors.js";

export type Method = "GET" | "PUT" | "POST" | "PATCH" | "DELETE";

export interface RouteArgs {
  name: string;
  version: string | undefined;
  /** The parsed JSON object, for rows with `body: true`. */
  body: any;
  list: ListOptions;
  ctx: RequestContext;
}

export interface Route {
  method: Method;
  path: string;
  /** The operation needs a JSON object body. */
  body?: true;
  /** Success status; 200 unless said. */
  status?: 200 | 201 | 202 | 204;
  /** Headers of a success answer, from its body (a certificate operation's Location). */
  headers?(result: any, a: RouteArgs): Record<string, string>;
  /** A body limit of its own, above the router's (restore takes whatever backup makes). */
  maxBodyBytes?: number;
  /** Not Key Vault's: no token and no api-version (the built-in attestation service). */
  anonymous?: true;
  run(vault: VaultApi, a: RouteArgs): Promise<unknown>;
}

function attestation(v: VaultApi): AttestationApi {
  if (!v.attestation) throw httpErrors.notFound("This vault has no attestation service.");
  return v.attestation;
}

export const routes: readonly Route[] = [
  { method: "GET", path: "/keys", run: (v, a) => v.keys.listKeys(a.list, a.ctx) },
  {
    method: "POST",
    path: "/keys/restore",
    body: true,
    maxBodyBytes: RESTORE_BODY_BYTES,
    run: (v, a) => v.keys.restoreKey(a.body as KeyRestoreParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/create",
    body: true,
    run: (v, a) => v.keys.createKey(a.name, a.body as KeyCreateParameters, a.ctx),
  },
  { method: "PUT", path: "/keys/{name}", body: true, run: (v, a) => v.keys.importKey(a.name, a.body as KeyImportParameters, a.ctx) },
  { method: "DELETE", path: "/keys/{name}", run: (v, a) => v.keys.deleteKey(a.name, a.ctx) },
  { method: "GET", path: "/keys/{name}/versions", run: (v, a) => v.keys.listKeyVersions(a.name, a.list, a.ctx) },
  { method: "POST", path: "/keys/{name}/backup", run: (v, a) => v.keys.backupKey(a.name, a.ctx) },
  { method: "POST", path: "/keys/{name}/rotate", run: (v, a) => v.keys.rotateKey(a.name, a.ctx) },
  { method: "GET", path: "/keys/{name}/rotationpolicy", run: (v, a) => v.keys.getRotationPolicy(a.name, a.ctx) },
  {
    method: "PUT",
    path: "/keys/{name}/rotationpolicy",
    body: true,
    run: (v, a) => v.keys.updateRotationPolicy(a.name, a.body as KeyRotationPolicy, a.ctx),
  },
  { method: "GET", path: "/keys/{name}/{version?}", run: (v, a) => v.keys.getKey(a.name, a.version, a.ctx) },
  {
    method: "PATCH",
    path: "/keys/{name}/{version?}",
    body: true,
    run: (v, a) => v.keys.updateKey(a.name, a.version, a.body as KeyUpdateParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/encrypt",
    body: true,
    run: (v, a) => v.keys.encrypt(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/decrypt",
    body: true,
    run: (v, a) => v.keys.decrypt(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/wrapkey",
    body: true,
    run: (v, a) => v.keys.wrapKey(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/unwrapkey",
    body: true,
    run: (v, a) => v.keys.unwrapKey(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/sign",
    body: true,
    run: (v, a) => v.keys.sign(a.name, a.version, a.body as KeySignParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/verify",
    body: true,
    run: (v, a) => v.keys.verify(a.name, a.version, a.body as KeyVerifyParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/release",
    body: true,
    run: (v, a) => v.keys.releaseKey(a.name, a.version, a.body as KeyReleaseParameters, a.ctx),
  },
  { method: "GET", path: "/deletedkeys", run: (v, a) => v.keys.listDeletedKeys(a.list, a.ctx) },
  { method: "GET", path: "/deletedkeys/{name}", run: (v, a) => v.keys.getDeletedKey(a.name, a.ctx) },
  { method: "DELETE", path: "/deletedkeys/{name}", status: 204, run: (v, a) => v.keys.purgeDeletedKey(a.name, a.ctx) },
  { method: "POST", path: "/deletedkeys/{name}/recover", run: (v, a) => v.keys.recoverDeletedKey(a.name, a.ctx) },
  { method: "POST", path: "/rng", body: true, run: (v, a) => v.keys.getRandomBytes(a.body as GetRandomBytesRequest) },

  // Secrets (secrets.json).
  { method: "GET", path: "/secrets", run: (v, a) => v.secrets.listSecrets(a.list, a.ctx) },
  {
    method: "POST",
    path: "/secrets/restore",
    body: true,
    maxBodyBytes: RESTORE_BODY_BYTES,
    run: (v, a) => v.secrets.restoreSecret(a.body as SecretRestoreParameters, a.ctx),
  },
  { method: "PUT", path: "/secrets/{name}", body: true, run: (v, a) => v.secrets.setSecret(a.name, a.body as SecretSetParameters, a.ctx) },
  { method: "DELETE", path: "/secrets/{name}", run: (v, a) => v.secrets.deleteSecret(a.name, a.ctx) },
  { method: "GET", path: "/secrets/{name}/versions", run: (v, a) => v.secrets.listSecretVersions(a.name, a.list, a.ctx) },
  { method: "POST", path: "/secrets/{name}/backup", run: (v, a) => v.secrets.backupSecret(a.name, a.ctx) },
  { method: "GET", path: "/secrets/{name}/{version?}", run: (v, a) => v.secrets.getSecret(a.name, a.version, a.ctx) },
  {
    method: "PATCH",
    path: "/secrets/{name}/{version?}",
    body: true,
    run: (v, a) => v.secrets.updateSecret(a.name, a.version, a.body as SecretUpdateParameters, a.ctx),
  },
  { method: "GET", path: "/deletedsecrets", run: (v, a) => v.secrets.listDeletedSecrets(a.list, a.ctx) },
  { method: "GET", path: "/deletedsecrets/{name}", run: (v, a) => v.secrets.getDeletedSecret(a.name, a.ctx) },
  { method: "DELETE", path: "/deletedsecrets/{name}", status: 204, run: (v, a) => v.secrets.purgeDeletedSecret(a.name, a.ctx) },
  { method: "POST", path: "/deletedsecrets/{name}/recover", run: (v, a) => v.secrets.recoverDeletedSecret(a.name, a.ctx) },

  // Certificates (certificates.json). contacts, issuers and restore come before /certificates/{name}.
  { method: "GET", path: "/certificates", run: (v, a) => v.certificates.listCertificates(a.list, a.ctx) },
  { method: "GET", path: "/certificates/contacts", run: (v, a) => v.certificates.getContacts(a.ctx) },
  { method: "PUT", path: "/certificates/contacts", body: true, run: (v, a) => v.certificates.setContacts(a.body as Contacts, a.ctx) },
  { method: "DELETE", path: "/certificates/contacts", run: (v, a) => v.certificates.deleteContacts(a.ctx) },
  { method: "GET", path: "/certificates/issuers", run: (v, a) => v.certificates.listIssuers(a.list, a.ctx) },
  { method: "GET", path: "/certificates/issuers/{name}", run: (v, a) => v.certificates.getIssuer(a.name, a.ctx) },
  {
    method: "PUT",
    path: "/certificates/issuers/{name}",
    body: true,
    run: (v, a) => v.certificates.setIssuer(a.name, a.body as CertificateIssuerSetParameters, a.ctx),
  },
  {
    method: "PATCH",
    path: "/certificates/issuers/{name}",
    body: true,
    run: (v, a) => v.certificates.updateIssuer(a.name, a.body as CertificateIssuerUpdateParameters, a.ctx),
  },
  { method: "DELETE", path: "/certificates/issuers/{name}", run: (v, a) => v.certificates.deleteIssuer(a.name, a.ctx) },
  {
    method: "POST",
    path: "/certificates/restore",
    body: true,
    maxBodyBytes: RESTORE_BODY_BYTES,
    run: (v, a) => v.certificates.restoreCertificate(a.body as CertificateRestoreParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/certificates/{name}/create",
    body: true,
    status: 202,
    // The service's headers (recorded): where to poll the operation, and how soon.
    headers: (op, a) => ({
      location: `${op.id}?api-version=${a.ctx.apiVersion}&request_id=${op.request_id}`,
      ...(op.status === "inProgress" ? { "retry-after": "10" } : {}),
    }),
    run: (v, a) => v.certificates.createCertificate(a.name, a.body as CertificateCreateParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/certificates/{name}/import",
    body: true,
    run: (v, a) => v.certificates.importCertificate(a.name, a.body as CertificateImportParameters, a.ctx),
  },
  { method: "DELETE", path: "/certificates/{name}", run: (v, a) => v.certificates.deleteCertificate(a.name, a.ctx) },
  { method: "GET", path: "/certificates/{name}/versions", run: (v, a) => v.certificates.listCertificateVersions(a.name, a.list, a.ctx) },
  { method: "POST", path: "/certificates/{name}/backup", run: (v, a) => v.certificates.backupCertificate(a.name, a.ctx) },
  { method: "GET", path: "/certificates/{name}/policy", run: (v, a) => v.certificates.getCertificatePolicy(a.name, a.ctx) },
  {
    method: "PATCH",
    path: "/certificates/{name}/policy",
    body: true,
    run: (v, a) => v.certificates.updateCertificatePolicy(a.name, a.body as CertificatePolicy, a.ctx),
  },
  { method: "GET", path: "/certificates/{name}/pending", run: (v, a) => v.certificates.getCertificateOperation(a.name, a.ctx) },
  {
    method: "PATCH",
    path: "/certificates/{name}/pending",
    body: true,
    run: (v, a) => v.certificates.updateCertificateOperation(a.name, a.body as CertificateOperationUpdateParameter, a.ctx),
  },
  { method: "DELETE", path: "/certificates/{name}/pending", run: (v, a) => v.certificates.deleteCertificateOperation(a.name, a.ctx) },
  {
    method: "POST",
    path: "/certificates/{name}/pending/merge",
    body: true,
    status: 201,
    headers: (bundle, a) => ({ location: `${String(bundle.id).replace(/\/[^/]*$/, "")}?api-version=${a.ctx.apiVersion}` }),
    run: (v, a) => v.certificates.mergeCertificate(a.name, a.body as CertificateMergeParameters, a.ctx),
  },
  { method: "GET", path: "/certificates/{name}/{version?}", run: (v, a) => v.certificates.getCertificate(a.name, a.version, a.ctx) },
  {
    method: "PATCH",
    path: "/certificates/{name}/{version?}",
    body: true,
    run: (v, a) => v.certificates.updateCertificate(a.name, a.version, a.body as CertificateUpdateParameters, a.ctx),
  },
  { method: "GET", path: "/deletedcertificates", run: (v, a) => v.certificates.listDeletedCertificates(a.list, a.ctx) },
  { method: "GET", path: "/deletedcertificates/{name}", run: (v, a) => v.certificates.getDeletedCertificate(a.name, a.ctx) },
  {
    method: "DELETE",
    path: "/deletedcertificates/{name}",
    status: 204,
    run: (v, a) => v.certificates.purgeDeletedCertificate(a.name, a.ctx),
  },
  { method: "POST", path: "/deletedcertificates/{name}/recover", run: (v, a) => v.certificates.recoverDeletedCertificate(a.name, a.ctx) },

  // The built-in attestation service (README "Secure key release"), like the Azure SDK team's mock.
  {
    method: "GET",
    path: `${ATTESTATION_PATH}/generate-test-token`,
    anonymous: true,
    run: (v, a) => attestation(v).generateTestToken(undefined, a.ctx),
  },
  {
    method: "POST",
    path: `${ATTESTATION_PATH}/generate-test-token`,
    anonymous: true,
    body: true,
    run: (v, a) => attestation(v).generateTestToken(a.body as Record<string, unknown>, a.ctx),
  },
  {
    method: "GET",
    path: `${ATTESTATION_PATH}/.well-known/openid-configuration`,
    anonymous: true,
    run: (v, a) => attestation(v).openidConfiguration(a.ctx),
  },
  { method: "GET", path: `${ATTESTATION_PATH}/keys`, anonymous: true, run: (v, a) => attestation(v).jwks(a.ctx) },
];

type Segment = { kind: "literal"; text: string } | { kind: "name" } | { kind: "version" };

export interface CompiledRoute {
  route: Route;
  segments: Segment[];
}

/**
 * Literal words that follow a name or a version in some route ("sign", "release", "versions", ...).
 * None can be a version (versions are 32 hex digits), so GET /keys/k/sign is the sign route used
 * with the wrong method (405), never a lookup of version "sign".
 */
export const OPERATION_WORDS: ReadonlySet<string> = new Set(
  routes.flatMap((r) =>
    r.path
      .split("/")
      .slice(2)
      .filter((s) => !s.startsWith("{")),
  ),
);

export function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split("/")
    .slice(1)
    .map((s): Segment => {
      if (s === "{name}") return { kind: "name" };
      if (s === "{version?}") return { kind: "version" };
      if (!/^[a-z_.-]+$/.test(s)) throw new Error(`route ${route.path}: bad segment ${s}`);
      return { kind: "literal", text: s };
    });
  return { route, segments };
}

export interface PathMatch {
  /** Still percent-encoded. */
  name?: string;
  version?: string;
}

/**
 * Matches raw (still encoded) path segments against a route. {version?} takes one segment, which
 * may be empty, or none. Returns undefined when the path is not this route's.
 */
export function matchPath(compiled: CompiledRoute, parts: string[]): PathMatch | undefined {
  const segs = compiled.segments;
  const go = (si: number, pi: number, acc: PathMatch): PathMatch | undefined => {
    if (si === segs.length) return pi === parts.length ? acc : undefined;
    const seg = segs[si];
    if (seg.kind === "version") {
      if (pi < parts.length && !OPERATION_WORDS.has(parts[pi]!.toLowerCase())) {
        const taken = go(si + 1, pi + 1, { ...acc, version: parts[pi] === "" ? undefined : parts[pi] });
        if (taken) return taken;
      }
      return go(si + 1, pi, acc);
    }
    if (pi >= parts.length) return undefined;
    const part = parts[pi];
    if (seg.kind === "name") return part === "" ? undefined : go(si + 1, pi + 1, { ...acc, name: part });
    return part.toLowerCase() === seg.text ? go(si + 1, pi + 1, acc) : undefined;
  };
  return go(0, 0, {});
}

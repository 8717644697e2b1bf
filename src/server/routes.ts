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
  /**
   * The Key Vault data action this operation needs (after "Microsoft.KeyVault/vaults/"; the role
   * definitions' names; empty for routes that take no token) and its name in Key Vault's audit log.
   */
  access: { action: string; operation: string };
  /** Success status; 200 unless said. */
  status?: 200 | 201 | 202 | 204;
  /** Headers of a success answer, from its body (a certificate operation's Location). */
  headers?(result: any, a: RouteArgs): Record<string, string>;
  /** A body limit of its own, above the router's (restore takes whatever backup makes). */
  maxBodyBytes?: number;
  /** Not Key Vault's: no token and no api-version (the built-in attestation service). */
  anonymous?: true;
  /**
   * The operation reads its object and writes nothing (a key operation, a GET of a key or a secret):
   * with RequestContext.readOnly any vault worker may run it, not only the name's own (workers/pool.ts).
   */
  readOnly?: true;
  /**
   * When a readOnly route goes to another worker. Default: whenever the name's own worker has more
   * in flight (a key operation: an RSA signature is ~1 ms of work, worth a second core). "stalled":
   * only when the name's own worker has answered nothing for a while (a GET: cheap, so another
   * worker only adds a second stream of messages, unless its own is stuck making a key).
   */
  spread?: "stalled";
  run(vault: VaultApi, a: RouteArgs): Promise<unknown>;
}

function attestation(v: VaultApi): AttestationApi {
  if (!v.attestation) throw httpErrors.notFound("This vault has no attestation service.");
  return v.attestation;
}

export const routes: readonly Route[] = [
  { method: "GET", path: "/keys", access: { action: "keys/read", operation: "KeyList" }, run: (v, a) => v.keys.listKeys(a.list, a.ctx) },
  {
    method: "POST",
    path: "/keys/restore",
    access: { action: "keys/restore/action", operation: "KeyRestore" },
    body: true,
    maxBodyBytes: RESTORE_BODY_BYTES,
    run: (v, a) => v.keys.restoreKey(a.body as KeyRestoreParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/create",
    access: { action: "keys/create/action", operation: "KeyCreate" },
    body: true,
    run: (v, a) => v.keys.createKey(a.name, a.body as KeyCreateParameters, a.ctx),
  },
  {
    method: "PUT",
    path: "/keys/{name}",
    access: { action: "keys/import/action", operation: "KeyImport" },
    body: true,
    run: (v, a) => v.keys.importKey(a.name, a.body as KeyImportParameters, a.ctx),
  },
  {
    method: "DELETE",
    path: "/keys/{name}",
    access: { action: "keys/delete", operation: "KeyDelete" },
    run: (v, a) => v.keys.deleteKey(a.name, a.ctx),
  },
  {
    method: "GET",
    path: "/keys/{name}/versions",
    access: { action: "keys/read", operation: "KeyListVersions" },
    run: (v, a) => v.keys.listKeyVersions(a.name, a.list, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/backup",
    access: { action: "keys/backup/action", operation: "KeyBackup" },
    run: (v, a) => v.keys.backupKey(a.name, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/rotate",
    access: { action: "keys/rotate/action", operation: "KeyRotate" },
    run: (v, a) => v.keys.rotateKey(a.name, a.ctx),
  },
  {
    method: "GET",
    path: "/keys/{name}/rotationpolicy",
    access: { action: "keyrotationpolicies/read", operation: "KeyRotationPolicyGet" },
    run: (v, a) => v.keys.getRotationPolicy(a.name, a.ctx),
  },
  {
    method: "PUT",
    path: "/keys/{name}/rotationpolicy",
    access: { action: "keyrotationpolicies/write", operation: "KeyRotationPolicySet" },
    body: true,
    run: (v, a) => v.keys.updateRotationPolicy(a.name, a.body as KeyRotationPolicy, a.ctx),
  },
  {
    method: "GET",
    path: "/keys/{name}/{version?}",
    access: { action: "keys/read", operation: "KeyGet" },
    readOnly: true,
    spread: "stalled",
    run: (v, a) => v.keys.getKey(a.name, a.version, a.ctx),
  },
  {
    method: "PATCH",
    path: "/keys/{name}/{version?}",
    access: { action: "keys/update/action", operation: "KeyUpdate" },
    body: true,
    run: (v, a) => v.keys.updateKey(a.name, a.version, a.body as KeyUpdateParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/encrypt",
    readOnly: true,
    access: { action: "keys/encrypt/action", operation: "KeyEncrypt" },
    body: true,
    run: (v, a) => v.keys.encrypt(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/decrypt",
    readOnly: true,
    access: { action: "keys/decrypt/action", operation: "KeyDecrypt" },
    body: true,
    run: (v, a) => v.keys.decrypt(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/wrapkey",
    readOnly: true,
    access: { action: "keys/wrap/action", operation: "KeyWrap" },
    body: true,
    run: (v, a) => v.keys.wrapKey(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/unwrapkey",
    readOnly: true,
    access: { action: "keys/unwrap/action", operation: "KeyUnwrap" },
    body: true,
    run: (v, a) => v.keys.unwrapKey(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/sign",
    readOnly: true,
    access: { action: "keys/sign/action", operation: "KeySign" },
    body: true,
    run: (v, a) => v.keys.sign(a.name, a.version, a.body as KeySignParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/verify",
    readOnly: true,
    access: { action: "keys/verify/action", operation: "KeyVerify" },
    body: true,
    run: (v, a) => v.keys.verify(a.name, a.version, a.body as KeyVerifyParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/release",
    access: { action: "keys/release/action", operation: "KeyRelease" },
    body: true,
    run: (v, a) => v.keys.releaseKey(a.name, a.version, a.body as KeyReleaseParameters, a.ctx),
  },
  {
    method: "GET",
    path: "/deletedkeys",
    access: { action: "keys/read", operation: "KeyListDeleted" },
    run: (v, a) => v.keys.listDeletedKeys(a.list, a.ctx),
  },
  {
    method: "GET",
    path: "/deletedkeys/{name}",
    access: { action: "keys/read", operation: "KeyGetDeleted" },
    run: (v, a) => v.keys.getDeletedKey(a.name, a.ctx),
  },
  {
    method: "DELETE",
    path: "/deletedkeys/{name}",
    access: { action: "keys/purge/action", operation: "KeyPurge" },
    status: 204,
    run: (v, a) => v.keys.purgeDeletedKey(a.name, a.ctx),
  },
  {
    method: "POST",
    path: "/deletedkeys/{name}/recover",
    access: { action: "keys/recover/action", operation: "KeyRecover" },
    run: (v, a) => v.keys.recoverDeletedKey(a.name, a.ctx),
  },
  {
    method: "POST",
    path: "/rng",
    access: { action: "rng/action", operation: "GetRandomBytes" },
    body: true,
    run: (v, a) => v.keys.getRandomBytes(a.body as GetRandomBytesRequest),
  },

  // Secrets (secrets.json).
  {
    method: "GET",
    path: "/secrets",
    access: { action: "secrets/readMetadata/action", operation: "SecretList" },
    run: (v, a) => v.secrets.listSecrets(a.list, a.ctx),
  },
  {
    method: "POST",
    path: "/secrets/restore",
    access: { action: "secrets/restore/action", operation: "SecretRestore" },
    body: true,
    maxBodyBytes: RESTORE_BODY_BYTES,
    run: (v, a) => v.secrets.restoreSecret(a.body as SecretRestoreParameters, a.ctx),
  },
  {
    method: "PUT",
    path: "/secrets/{name}",
    access: { action: "secrets/setSecret/action", operation: "SecretSet" },
    body: true,
    run: (v, a) => v.secrets.setSecret(a.name, a.body as SecretSetParameters, a.ctx),
  },
  {
    method: "DELETE",
    path: "/secrets/{name}",
    access: { action: "secrets/delete", operation: "SecretDelete" },
    run: (v, a) => v.secrets.deleteSecret(a.name, a.ctx),
  },
  {
    method: "GET",
    path: "/secrets/{name}/versions",
    access: { action: "secrets/readMetadata/action", operation: "SecretListVersions" },
    run: (v, a) => v.secrets.listSecretVersions(a.name, a.list, a.ctx),
  },
  {
    method: "POST",
    path: "/secrets/{name}/backup",
    access: { action: "secrets/backup/action", operation: "SecretBackup" },
    run: (v, a) => v.secrets.backupSecret(a.name, a.ctx),
  },
  {
    method: "GET",
    path: "/secrets/{name}/{version?}",
    access: { action: "secrets/getSecret/action", operation: "SecretGet" },
    readOnly: true,
    spread: "stalled",
    run: (v, a) => v.secrets.getSecret(a.name, a.version, a.ctx),
  },
  {
    method: "PATCH",
    path: "/secrets/{name}/{version?}",
    access: { action: "secrets/update/action", operation: "SecretUpdate" },
    body: true,
    run: (v, a) => v.secrets.updateSecret(a.name, a.version, a.body as SecretUpdateParameters, a.ctx),
  },
  {
    method: "GET",
    path: "/deletedsecrets",
    access: { action: "secrets/readMetadata/action", operation: "SecretListDeleted" },
    run: (v, a) => v.secrets.listDeletedSecrets(a.list, a.ctx),
  },
  {
    method: "GET",
    path: "/deletedsecrets/{name}",
    access: { action: "secrets/readMetadata/action", operation: "SecretGetDeleted" },
    run: (v, a) => v.secrets.getDeletedSecret(a.name, a.ctx),
  },
  {
    method: "DELETE",
    path: "/deletedsecrets/{name}",
    access: { action: "secrets/purge/action", operation: "SecretPurge" },
    status: 204,
    run: (v, a) => v.secrets.purgeDeletedSecret(a.name, a.ctx),
  },
  {
    method: "POST",
    path: "/deletedsecrets/{name}/recover",
    access: { action: "secrets/recover/action", operation: "SecretRecover" },
    run: (v, a) => v.secrets.recoverDeletedSecret(a.name, a.ctx),
  },

  // Certificates (certificates.json). contacts, issuers and restore come before /certificates/{name}.
  {
    method: "GET",
    path: "/certificates",
    access: { action: "certificates/read", operation: "CertificateList" },
    run: (v, a) => v.certificates.listCertificates(a.list, a.ctx),
  },
  {
    method: "GET",
    path: "/certificates/contacts",
    access: { action: "certificates/read", operation: "CertificateContactsGet" },
    run: (v, a) => v.certificates.getContacts(a.ctx),
  },
  {
    method: "PUT",
    path: "/certificates/contacts",
    access: { action: "certificatecontacts/write", operation: "CertificateContactsSet" },
    body: true,
    run: (v, a) => v.certificates.setContacts(a.body as Contacts, a.ctx),
  },
  {
    method: "DELETE",
    path: "/certificates/contacts",
    access: { action: "certificatecontacts/write", operation: "CertificateContactsDelete" },
    run: (v, a) => v.certificates.deleteContacts(a.ctx),
  },
  {
    method: "GET",
    path: "/certificates/issuers",
    access: { action: "certificatecas/read", operation: "CertificateIssuersList" },
    run: (v, a) => v.certificates.listIssuers(a.list, a.ctx),
  },
  {
    method: "GET",
    path: "/certificates/issuers/{name}",
    access: { action: "certificatecas/read", operation: "CertificateIssuerGet" },
    run: (v, a) => v.certificates.getIssuer(a.name, a.ctx),
  },
  {
    method: "PUT",
    path: "/certificates/issuers/{name}",
    access: { action: "certificatecas/write", operation: "CertificateIssuerSet" },
    body: true,
    run: (v, a) => v.certificates.setIssuer(a.name, a.body as CertificateIssuerSetParameters, a.ctx),
  },
  {
    method: "PATCH",
    path: "/certificates/issuers/{name}",
    access: { action: "certificatecas/write", operation: "CertificateIssuerUpdate" },
    body: true,
    run: (v, a) => v.certificates.updateIssuer(a.name, a.body as CertificateIssuerUpdateParameters, a.ctx),
  },
  {
    method: "DELETE",
    path: "/certificates/issuers/{name}",
    access: { action: "certificatecas/delete", operation: "CertificateIssuerDelete" },
    run: (v, a) => v.certificates.deleteIssuer(a.name, a.ctx),
  },
  {
    method: "POST",
    path: "/certificates/restore",
    access: { action: "certificates/restore/action", operation: "CertificateRestore" },
    body: true,
    maxBodyBytes: RESTORE_BODY_BYTES,
    run: (v, a) => v.certificates.restoreCertificate(a.body as CertificateRestoreParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/certificates/{name}/create",
    access: { action: "certificates/create/action", operation: "CertificateCreate" },
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
    access: { action: "certificates/import/action", operation: "CertificateImport" },
    body: true,
    run: (v, a) => v.certificates.importCertificate(a.name, a.body as CertificateImportParameters, a.ctx),
  },
  {
    method: "DELETE",
    path: "/certificates/{name}",
    access: { action: "certificates/delete", operation: "CertificateDelete" },
    run: (v, a) => v.certificates.deleteCertificate(a.name, a.ctx),
  },
  {
    method: "GET",
    path: "/certificates/{name}/versions",
    access: { action: "certificates/read", operation: "CertificateListVersions" },
    run: (v, a) => v.certificates.listCertificateVersions(a.name, a.list, a.ctx),
  },
  {
    method: "POST",
    path: "/certificates/{name}/backup",
    access: { action: "certificates/backup/action", operation: "CertificateBackup" },
    run: (v, a) => v.certificates.backupCertificate(a.name, a.ctx),
  },
  {
    method: "GET",
    path: "/certificates/{name}/policy",
    access: { action: "certificates/read", operation: "CertificatePolicyGet" },
    run: (v, a) => v.certificates.getCertificatePolicy(a.name, a.ctx),
  },
  {
    method: "PATCH",
    path: "/certificates/{name}/policy",
    access: { action: "certificates/update/action", operation: "CertificatePolicyUpdate" },
    body: true,
    run: (v, a) => v.certificates.updateCertificatePolicy(a.name, a.body as CertificatePolicy, a.ctx),
  },
  {
    method: "GET",
    path: "/certificates/{name}/pending",
    access: { action: "certificates/read", operation: "CertificatePendingGet" },
    run: (v, a) => v.certificates.getCertificateOperation(a.name, a.ctx),
  },
  {
    method: "PATCH",
    path: "/certificates/{name}/pending",
    access: { action: "certificates/update/action", operation: "CertificatePendingUpdate" },
    body: true,
    run: (v, a) => v.certificates.updateCertificateOperation(a.name, a.body as CertificateOperationUpdateParameter, a.ctx),
  },
  {
    method: "DELETE",
    path: "/certificates/{name}/pending",
    access: { action: "certificates/delete", operation: "CertificatePendingDelete" },
    run: (v, a) => v.certificates.deleteCertificateOperation(a.name, a.ctx),
  },
  {
    method: "POST",
    path: "/certificates/{name}/pending/merge",
    access: { action: "certificates/update/action", operation: "CertificatePendingMerge" },
    body: true,
    status: 201,
    headers: (bundle, a) => ({ location: `${String(bundle.id).replace(/\/[^/]*$/, "")}?api-version=${a.ctx.apiVersion}` }),
    run: (v, a) => v.certificates.mergeCertificate(a.name, a.body as CertificateMergeParameters, a.ctx),
  },
  {
    method: "GET",
    path: "/certificates/{name}/{version?}",
    access: { action: "certificates/read", operation: "CertificateGet" },
    run: (v, a) => v.certificates.getCertificate(a.name, a.version, a.ctx),
  },
  {
    method: "PATCH",
    path: "/certificates/{name}/{version?}",
    access: { action: "certificates/update/action", operation: "CertificateUpdate" },
    body: true,
    run: (v, a) => v.certificates.updateCertificate(a.name, a.version, a.body as CertificateUpdateParameters, a.ctx),
  },
  {
    method: "GET",
    path: "/deletedcertificates",
    access: { action: "certificates/read", operation: "CertificateListDeleted" },
    run: (v, a) => v.certificates.listDeletedCertificates(a.list, a.ctx),
  },
  {
    method: "GET",
    path: "/deletedcertificates/{name}",
    access: { action: "certificates/read", operation: "CertificateGetDeleted" },
    run: (v, a) => v.certificates.getDeletedCertificate(a.name, a.ctx),
  },
  {
    method: "DELETE",
    path: "/deletedcertificates/{name}",
    access: { action: "certificates/purge/action", operation: "CertificatePurge" },
    status: 204,
    run: (v, a) => v.certificates.purgeDeletedCertificate(a.name, a.ctx),
  },
  {
    method: "POST",
    path: "/deletedcertificates/{name}/recover",
    access: { action: "certificates/recover/action", operation: "CertificateRecover" },
    run: (v, a) => v.certificates.recoverDeletedCertificate(a.name, a.ctx),
  },

  // The built-in attestation service (README "Secure key release"), like the Azure SDK team's mock.
  {
    method: "GET",
    path: `${ATTESTATION_PATH}/generate-test-token`,
    access: { action: "", operation: "Attestation" },
    anonymous: true,
    run: (v, a) => attestation(v).generateTestToken(undefined, a.ctx),
  },
  {
    method: "POST",
    path: `${ATTESTATION_PATH}/generate-test-token`,
    access: { action: "", operation: "Attestation" },
    anonymous: true,
    body: true,
    run: (v, a) => attestation(v).generateTestToken(a.body as Record<string, unknown>, a.ctx),
  },
  {
    method: "GET",
    path: `${ATTESTATION_PATH}/.well-known/openid-configuration`,
    access: { action: "", operation: "Attestation" },
    anonymous: true,
    run: (v, a) => attestation(v).openidConfiguration(a.ctx),
  },
  {
    method: "GET",
    path: `${ATTESTATION_PATH}/keys`,
    access: { action: "", operation: "Attestation" },
    anonymous: true,
    run: (v, a) => attestation(v).jwks(a.ctx),
  },
];

type Segment = { kind: "literal"; text: string } | { kind: "name" } | { kind: "version" };

export interface CompiledRoute {
  route: Route;
  segments: Segment[];
  /** How many path segments the row takes: one fewer when its {version?} is absent. */
  minParts: number;
  maxParts: number;
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
  const versions = segments.filter((s) => s.kind === "version").length;
  // matchPath tries the version segment taken, then left out: that is all the backtracking one needs.
  if (versions > 1) throw new Error(`route ${route.path}: at most one {version?}`);
  return { route, segments, minParts: segments.length - versions, maxParts: segments.length };
}

export interface PathMatch {
  /** Still percent-encoded. */
  name?: string;
  version?: string;
}

/**
 * Matches raw (still encoded) path segments against a route. {version?} takes one segment, which
 * may be empty, or none (tried in that order). Returns undefined when the path is not this route's.
 */
export function matchPath(compiled: CompiledRoute, parts: string[]): PathMatch | undefined {
  if (parts.length < compiled.minParts || parts.length > compiled.maxParts) return undefined;
  // With as many parts as segments the version (if the row has one) is taken; with one fewer, absent.
  return attempt(compiled.segments, parts, parts.length === compiled.maxParts);
}

function attempt(segs: Segment[], parts: string[], takeVersion: boolean): PathMatch | undefined {
  const match: PathMatch = {};
  let pi = 0;
  for (const seg of segs) {
    if (seg.kind === "version") {
      if (!takeVersion) continue;
      const part = parts[pi++]!;
      if (OPERATION_WORDS.has(part.toLowerCase())) return undefined;
      match.version = part === "" ? undefined : part;
      continue;
    }
    const part = parts[pi++]!;
    if (seg.kind === "name") {
      if (part === "") return undefined;
      match.name = part;
    } else if (part.toLowerCase() !== seg.text) return undefined;
  }
  return match;
}

// The route table, as data: one row per REST operation of DESIGN.md, each calling exactly one
// VaultApi method. Paths use {name} (a non-empty segment) and {version?} (a segment that may be
// empty or absent: both mean the current version). Literal segments match case-insensitively.
// Rows with literal segments come before the rows they would otherwise collide with
// (GET /keys/{name}/versions before GET /keys/{name}/{version?}).
import type {
  GetRandomBytesRequest,
  KeyCreateParameters,
  KeyImportParameters,
  KeyOperationsParameters,
  KeyRestoreParameters,
  KeyRotationPolicy,
  KeySignParameters,
  KeyUpdateParameters,
  VaultApi,
  KeyVerifyParameters,
  ListOptions,
  RequestContext,
  SecretRestoreParameters,
  SecretSetParameters,
  SecretUpdateParameters,
} from "../model/index.js";

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
   * definitions' names) and its name in Key Vault's audit log (operationName).
   */
  access: { action: string; operation: string };
  /** Success status; 200 unless said. */
  status?: 200 | 204;
  run(vault: VaultApi, a: RouteArgs): Promise<unknown>;
}

export const routes: readonly Route[] = [
  { method: "GET", path: "/keys", access: { action: "keys/read", operation: "KeyList" }, run: (v, a) => v.keys.listKeys(a.list, a.ctx) },
  {
    method: "POST",
    path: "/keys/restore",
    access: { action: "keys/restore/action", operation: "KeyRestore" },
    body: true,
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
    access: { action: "keys/encrypt/action", operation: "KeyEncrypt" },
    body: true,
    run: (v, a) => v.keys.encrypt(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/decrypt",
    access: { action: "keys/decrypt/action", operation: "KeyDecrypt" },
    body: true,
    run: (v, a) => v.keys.decrypt(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/wrapkey",
    access: { action: "keys/wrap/action", operation: "KeyWrap" },
    body: true,
    run: (v, a) => v.keys.wrapKey(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/unwrapkey",
    access: { action: "keys/unwrap/action", operation: "KeyUnwrap" },
    body: true,
    run: (v, a) => v.keys.unwrapKey(a.name, a.version, a.body as KeyOperationsParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/sign",
    access: { action: "keys/sign/action", operation: "KeySign" },
    body: true,
    run: (v, a) => v.keys.sign(a.name, a.version, a.body as KeySignParameters, a.ctx),
  },
  {
    method: "POST",
    path: "/keys/{name}/{version?}/verify",
    access: { action: "keys/verify/action", operation: "KeyVerify" },
    body: true,
    run: (v, a) => v.keys.verify(a.name, a.version, a.body as KeyVerifyParameters, a.ctx),
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
];

type Segment = { kind: "literal"; text: string } | { kind: "name" } | { kind: "version" };

export interface CompiledRoute {
  route: Route;
  segments: Segment[];
}

export function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split("/")
    .slice(1)
    .map((s): Segment => {
      if (s === "{name}") return { kind: "name" };
      if (s === "{version?}") return { kind: "version" };
      if (!/^[a-z]+$/.test(s)) throw new Error(`route ${route.path}: bad segment ${s}`);
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
      if (pi < parts.length) {
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

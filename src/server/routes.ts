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
  /** Success status; 200 unless said. */
  status?: 200 | 204;
  run(vault: VaultApi, a: RouteArgs): Promise<unknown>;
}

export const routes: readonly Route[] = [
  { method: "GET", path: "/keys", run: (v, a) => v.keys.listKeys(a.list, a.ctx) },
  { method: "POST", path: "/keys/restore", body: true, run: (v, a) => v.keys.restoreKey(a.body as KeyRestoreParameters, a.ctx) },
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

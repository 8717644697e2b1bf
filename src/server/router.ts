// The transport-free router: {method, url, headers, body} in, {status, headers, body} out.
// The HTTPS server (http.ts) calls it, and so will the in-process HttpClient for browsers: all the
// HTTP rules live here once. It holds no Key Vault rule: it finds the route, checks the token's
// shape, the api-version and the body's framing (size, content type, JSON object), calls ONE
// VaultApi method, and turns the result or the KeyVaultError into the answer.
// No Node built-ins here (no Buffer, no node:*): the browser's in-process client uses it as is.
import type { VaultApi, ListOptions, RequestContext } from "../model/index.js";
import { KeyVaultError, WriteNeededError } from "../vault/errors.js";
import { LATEST_API_VERSION, SUPPORTED_API_VERSIONS } from "../vault/index.js";
import { challengeHeader, checkAuthorization, DEFAULT_AUTH_RESOURCE } from "./auth.js";
import type { AccessControl, Caller } from "./access/control.js";
import { auditEvent, type AuditSink } from "./audit/event.js";
import { errorAnswer, httpErrors, silentLogger, type ErrorEnvelope, type ServerLogger } from "./errors.js";
import { compile, matchPath, routes, type CompiledRoute, type PathMatch } from "./routes.js";

export type HeaderValue = string | string[] | undefined;

export interface HttpRequest {
  method: string;
  /** As on the request line: path and query ("/keys/k?api-version=7.6"), or an absolute URL. */
  url: string;
  /** The client's address, for audit lines (the transport knows it). */
  remoteAddress?: string;
  /** Header names in lower case. */
  headers: Record<string, HeaderValue>;
  body?: Uint8Array | string | null;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text, or undefined for 204 and the like. */
  body?: string;
}

export interface RouterOptions {
  vault: VaultApi;
  /** Base of every kid and nextLink. Default: `{scheme}://{Host header}`. */
  vaultUrl?: string;
  /** Scheme for the Host-derived base. Default "https". */
  scheme?: "https" | "http";
  /** Host (and port) to use when a request has no Host header. */
  defaultHost?: string;
  /** The challenge's `resource`. Default https://vault.azure.net. */
  authResource?: string;
  /** Largest accepted body in bytes, for every route without a limit of its own (restore has one). Default 1 MiB. */
  maxBodyBytes?: number;
  log?: ServerLogger;
  /** Token checks and role-based access (access/control.ts). Default: any well-formed token may do anything. */
  access?: AccessControl;
  /** Where audit lines go (audit/event.ts). */
  audit?: AuditSink;
  /** The vault's name, for audit lines and 403 messages. Default "default". */
  vaultName?: string;
}

export interface HandleOptions {
  /** The x-ms-request-id to answer with (the transport's own request id). Default: a fresh UUID. */
  requestId?: string;
  /**
   * Read, never write (RequestContext.readOnly): for a route marked readOnly, served by a vault worker
   * other than its name's own. handle() then rejects with WriteNeededError when the request would
   * have to write first, and answers everything else as usual.
   */
  readOnly?: boolean;
  /** A logger bound to this request. */
  log?: ServerLogger;
}

export interface Router {
  /**
   * What can be decided from the request line and headers alone, before any body byte is read:
   * the 401 challenge. undefined means "read the body and call handle()".
   */
  preflight(req: HttpRequest, opts?: HandleOptions): HttpResponse | undefined;
  handle(req: HttpRequest, opts?: HandleOptions): Promise<HttpResponse>;
  /** An answer in Key Vault's envelope for a failure that the transport found (e.g. a body too large). */
  errorResponse(req: HttpRequest, err: unknown, opts?: HandleOptions): HttpResponse;
  readonly maxBodyBytes: number;
  /** The largest body any route takes (the transport's own limit). */
  readonly largestBodyBytes: number;
}

/** The api-versions and their shapes are the vault's (src/vault/api-versions.ts). */
export { LATEST_API_VERSION, SUPPORTED_API_VERSIONS };
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const CLIENT_REQUEST_ID = /^[\x21-\x7e][\x20-\x7e]{0,255}$/;

export function createRouter(options: RouterOptions): Router {
  const vault = options.vault;
  const fixedBase = options.vaultUrl !== undefined ? normaliseVaultUrl(options.vaultUrl) : undefined;
  const scheme = options.scheme ?? "https";
  const resource = options.authResource ?? DEFAULT_AUTH_RESOURCE;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const baseLog = options.log ?? silentLogger;
  const compiled = routeTable();
  const largestBodyBytes = Math.max(maxBodyBytes, ...routes.map((r) => r.maxBodyBytes ?? 0));
  const limitOf = (r: CompiledRoute) => Math.max(maxBodyBytes, r.route.maxBodyBytes ?? 0);
  const vaultName = options.vaultName ?? "default";

  function baseHeaders(req: HttpRequest, opts: HandleOptions | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      "x-ms-request-id": opts?.requestId ?? globalThis.crypto.randomUUID(),
      "cache-control": "no-cache",
    };
    const clientId = single(req.headers["x-ms-client-request-id"]);
    if (clientId !== undefined && CLIENT_REQUEST_ID.test(clientId)) headers["x-ms-client-request-id"] = clientId;
    return headers;
  }

  function fail(req: HttpRequest, err: unknown, opts: HandleOptions | undefined): HttpResponse {
    const log = opts?.log ?? baseLog;
    const { status, body, bug } = errorAnswer(err);
    if (bug) log.error({ err, method: req.method, path: pathOf(req.url) }, "request failed with an internal error");
    else log.info({ status, code: body.error.code, innerCode: body.error.innererror?.code }, "request refused");
    const headers: Record<string, string> = { ...baseHeaders(req, opts), "content-type": "application/json; charset=utf-8" };
    if (status === 401) headers["www-authenticate"] = challengeHeader(resource);
    return { status, headers, body: JSON.stringify(body) };
  }

  /** What the audit line of a request says about it, filled in as the request goes. */
  interface Audited {
    started: number;
    operation: string;
    apiVersion: string;
    objectUrl: string;
    caller?: Caller;
    rbac: boolean;
  }

  function audit(req: HttpRequest, res: HttpResponse, a: Audited): HttpResponse {
    // The built-in attestation service is not Key Vault's data plane: it is not audited.
    if (!options.audit || a.operation === "Attestation") return res;
    let code: string | undefined;
    if (res.status >= 400 && res.body) {
      const e = (JSON.parse(res.body) as ErrorEnvelope).error;
      // The code, not the message: a message may echo what the client sent.
      code = e.innererror ? `${e.code} (${e.innererror.code})` : e.code;
    }
    options.audit.write(
      auditEvent({
        ...a,
        vaultName,
        status: res.status,
        ...(code !== undefined ? { message: code } : {}),
        ...(req.remoteAddress !== undefined ? { callerIp: req.remoteAddress } : {}),
        ...(single(req.headers["x-ms-client-request-id"]) !== undefined
          ? { correlationId: single(req.headers["x-ms-client-request-id"])! }
          : {}),
        ...(single(req.headers["user-agent"]) !== undefined ? { userAgent: single(req.headers["user-agent"])! } : {}),
        requestUri: `${fixedBase ?? (single(req.headers.host) ? `${scheme}://${single(req.headers.host)}` : "")}${req.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "")}`,
      }),
    );
    return res;
  }

  function preflight(req: HttpRequest, opts?: HandleOptions): HttpResponse | undefined {
    return isPing(req) ? undefined : challenge(req, () => lookup(req.method, pathOf(req.url)), opts);
  }

  /**
   * The 401 answer, unless the request has a well-formed token or its route takes none. The token is
   * looked at first: a request that has one (nearly all) needs no route lookup here.
   */
  function challenge(req: HttpRequest, route: () => Lookup, opts: HandleOptions | undefined): HttpResponse | undefined {
    const denied = checkAuthorization(req.headers.authorization);
    if (!denied) return undefined;
    const found = route();
    if ("route" in found && found.route.route.anonymous === true) return undefined;
    const apiVersion = splitUrl(req.url).query.get("api-version") ?? "";
    return audit(req, fail(req, denied, opts), {
      started: performance.now(),
      operation: "Authentication",
      apiVersion,
      objectUrl: "",
      rbac: false,
    });
  }

  async function handle(req: HttpRequest, opts?: HandleOptions): Promise<HttpResponse> {
    const a: Audited = { started: performance.now(), operation: "Unknown", apiVersion: "", objectUrl: "", rbac: false };
    try {
      if (isPing(req)) {
        const headers = { ...baseHeaders(req, opts), "content-type": "application/json; charset=utf-8" };
        return { status: 200, headers, body: req.method === "HEAD" ? undefined : PING_BODY };
      }
      const { path, query } = splitUrl(req.url);
      // One route lookup serves the challenge (which comes first: 401 before 404) and the dispatch.
      const found = lookup(req.method, path);
      const early = challenge(req, () => found, opts);
      if (early) return early;

      a.apiVersion = query.get("api-version") ?? "";
      if ("error" in found) throw found.error;
      const { route, match } = found;
      a.operation = route.route.access.operation;
      if (options.access && !route.route.anonymous) {
        const caller = await options.access.authenticate(single(req.headers.authorization));
        if (caller instanceof KeyVaultError) return audit(req, fail(req, caller, opts), { ...a, operation: "Authentication" });
        a.caller = caller;
      }

      const apiVersion = route.route.anonymous ? "" : checkApiVersion(query);
      const ctx: RequestContext = {
        vaultUrl: fixedBase ?? hostBase(req),
        apiVersion,
        ...(opts?.readOnly === true && route.route.readOnly === true ? { readOnly: true } : {}),
      };
      const list = listOptions(query);
      const limit = limitOf(route);
      if (!route.route.body) checkSize(req.body, limit);
      const body = route.route.body ? parseBody(req, limit) : undefined;
      const what = objectWord(path);
      const name = match.name === undefined ? "" : decodeSegment(match.name, `${what} name`);
      const version = match.version === undefined ? undefined : decodeSegment(match.version, `${what} version`);
      const collection = objectCollection(path);
      a.objectUrl = name && collection ? `${ctx.vaultUrl}/${collection}/${name}${version ? `/${version}` : ""}` : ctx.vaultUrl;
      if (options.access && !route.route.anonymous) {
        const decision = options.access.authorize(
          a.caller!,
          route.route.access.action,
          name && collection ? `/${collection}/${name}` : "/",
        );
        if (decision instanceof KeyVaultError) return audit(req, fail(req, decision, opts), a);
        a.rbac = decision.rbac;
      }

      const result = await route.route.run(vault, { name, version, body, list, ctx });
      const status = route.route.status ?? 200;
      const headers = { ...baseHeaders(req, opts), ...route.route.headers?.(result, { name, version, body, list, ctx }) };
      if (status === 204) return audit(req, { status, headers }, a);
      headers["content-type"] = "application/json; charset=utf-8";
      return audit(req, { status, headers, body: JSON.stringify(result ?? {}) }, a);
    } catch (err) {
      // Not an answer: the caller runs the request again where it may write (HandleOptions.readOnly).
      if (err instanceof WriteNeededError) throw err;
      return audit(req, fail(req, err, opts), a);
    }
  }

  function hostBase(req: HttpRequest): string {
    const host = single(req.headers.host) ?? options.defaultHost;
    if (host === undefined) throw httpErrors.badParameter("The request has no Host header.");
    if (!HOST.test(host)) throw httpErrors.badParameter("The Host header is malformed.");
    return `${scheme}://${host.toLowerCase()}`;
  }

  /** The route of a request, or the 404/405 error that answers it. */
  function lookup(method: string, path: string): Lookup {
    try {
      return findRoute(compiled, method, path);
    } catch (error) {
      return { error };
    }
  }

  return { preflight, handle, errorResponse: fail, maxBodyBytes, largestBodyBytes };
}

/** "https://vault.example:8443/" -> "https://vault.example:8443"; refuses anything with a path, query or user. */
export function normaliseVaultUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--vault-url must be an absolute URL, got ${JSON.stringify(raw)}`);
  }
  if (
    !/^https?:$/.test(url.protocol) ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    (url.pathname !== "/" && url.pathname !== "")
  ) {
    throw new Error(`--vault-url must be scheme://host[:port] only, got ${JSON.stringify(raw)}`);
  }
  return `${url.protocol}//${url.host}`;
}

/**
 * GET or HEAD /ping answers 200 with no authentication and no api-version, for readiness probes
 * (it is not a Key Vault route). The process answering it serves requests already.
 */
function isPing(req: HttpRequest): boolean {
  return (req.method === "GET" || req.method === "HEAD") && pathOf(req.url) === "/ping";
}
const PING_BODY = JSON.stringify({ status: "ok" });

function single(v: HeaderValue): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function pathOf(url: string): string {
  return splitRaw(url).path;
}

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const { path, query } = splitRaw(url);
  return { path, query: new URLSearchParams(query) };
}

/** Path and raw query of a request-line URL (origin form "/p?q", or absolute); the fragment dropped. */
function splitRaw(url: string): { path: string; query: string } {
  let rest = url;
  // Origin form, the usual case, needs no regular expression.
  if (rest.charCodeAt(0) !== 0x2f) {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
    if (scheme) rest = rest.slice(scheme[0].length) || "/";
  }
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  const path = q >= 0 ? rest.slice(0, q) : rest;
  return { path: path === "" ? "/" : path, query: q >= 0 ? rest.slice(q + 1) : "" };
}

type Lookup = { route: CompiledRoute; match: PathMatch } | { error: unknown };

/** The compiled routes by their first path segment (a literal in every row), each list in table order. */
type RouteTable = ReadonlyMap<string, readonly CompiledRoute[]>;

let sharedTable: RouteTable | undefined;

/** The route table, compiled once: a lookup tries only the rows of the path's first segment. */
function routeTable(): RouteTable {
  if (sharedTable) return sharedTable;
  const table = new Map<string, CompiledRoute[]>();
  for (const c of routes.map(compile)) {
    const first = c.segments[0];
    if (first?.kind !== "literal") throw new Error(`route ${c.route.path}: the first segment must be a literal`);
    table.set(first.text, [...(table.get(first.text) ?? []), c]);
  }
  sharedTable = table;
  return table;
}

function findRoute(table: RouteTable, method: string, path: string): { route: CompiledRoute; match: PathMatch } {
  if (!path.startsWith("/")) throw httpErrors.notFound("The requested resource was not found.");
  const raw = path.split("/").slice(1);
  // A trailing slash is the same resource ("/keys/" is "/keys"); "/keys/k/" is also matched as
  // "/keys/k/{empty version}" by the rows that take one.
  const candidates = raw.length > 1 && raw[raw.length - 1] === "" ? [raw, raw.slice(0, -1)] : [raw];
  const allowed = new Set<string>();
  // Literal segments match case-insensitively (routes.ts); rows of another first segment cannot match.
  const rows = table.get(raw[0]!.toLowerCase()) ?? [];
  for (const parts of candidates) {
    for (const c of rows) {
      const match = matchPath(c, parts);
      if (!match) continue;
      if (c.route.method === method.toUpperCase()) return { route: c, match };
      allowed.add(c.route.method);
    }
  }
  if (allowed.size > 0) {
    throw httpErrors.methodNotAllowed(
      `The requested resource does not support http method '${method}'. Allowed: ${[...allowed].join(", ")}.`,
    );
  }
  throw httpErrors.notFound("The requested resource was not found.");
}

function checkApiVersion(query: URLSearchParams): string {
  const all = query.getAll("api-version");
  if (all.length === 0 || all[0] === "") {
    throw httpErrors.badParameter(`The api-version query parameter is missing. Supported versions: ${SUPPORTED_API_VERSIONS.join(", ")}.`);
  }
  const v = all[0];
  if (all.length > 1 || !SUPPORTED_API_VERSIONS.includes(v!)) {
    throw httpErrors.badParameter(
      `The specified version (${printable(all.join(","))}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}). Supported versions: ${SUPPORTED_API_VERSIONS.join(", ")}.`,
    );
  }
  return v;
}

function listOptions(query: URLSearchParams): ListOptions {
  const options: ListOptions = {};
  const max = query.get("maxresults");
  if (max !== null) {
    if (!/^\d{1,9}$/.test(max)) throw httpErrors.badParameter(`maxresults must be an integer, got '${printable(max)}'.`);
    options.maxresults = Number(max);
  }
  const token = query.get("$skiptoken");
  if (token !== null) options.skiptoken = token;
  const pending = query.get("includePending");
  if (pending !== null) {
    if (!/^(true|false)$/i.test(pending))
      throw httpErrors.badParameter(`includePending must be true or false, got '${printable(pending)}'.`);
    options.includePending = pending.toLowerCase() === "true";
  }
  return options;
}

/** "keys", "secrets" or "certificates": the collection of the object a path names (deleted ones too). */
function objectCollection(path: string): string | undefined {
  return /^\/(?:deleted)?(keys|secrets|certificates)\b/i.exec(path)?.[1]?.toLowerCase();
}

/** "key", "secret" or "certificate": the kind a path names, for messages. */
function objectWord(path: string): string {
  const collection = /^\/(?:deleted)?(keys|secrets|certificates)\b/i.exec(path)?.[1]?.toLowerCase();
  return collection === undefined ? "key" : collection.slice(0, -1);
}

function decodeSegment(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw httpErrors.badParameter(`The ${what} in the path is not valid percent-encoding.`);
  }
}

function byteLength(body: Uint8Array | string | null | undefined): number {
  if (body === undefined || body === null) return 0;
  return typeof body === "string" ? utf8Length(body) : body.byteLength;
}

/** UTF-8 length of a string, without encoding it (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function checkSize(body: Uint8Array | string | null | undefined, max: number): void {
  if (byteLength(body) > max) throw bodyTooLarge(max);
}

/** A limit of ours, not a mistake of the client's: 413 (RFC 9110 §15.5.14), in Key Vault's envelope. */
export function bodyTooLarge(max: number): KeyVaultError {
  return new KeyVaultError(413, "RequestEntityTooLarge", `The request body is larger than this server's limit of ${max} bytes.`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function parseBody(req: HttpRequest, max: number): object {
  checkSize(req.body, max);
  if (byteLength(req.body) === 0) throw httpErrors.badParameter("The request body is missing: a JSON object is expected.");
  checkContentType(single(req.headers["content-type"]));
  let text: string;
  try {
    text = typeof req.body === "string" ? req.body : utf8.decode(req.body!);
  } catch {
    throw httpErrors.badParameter("The request body is not valid UTF-8.");
  }
  let value: unknown;
  try {
    // Own "__proto__" members are harmless to JSON.parse, but not to code that merges objects. A text
    // can name one only with those letters or with an escape (\u005f...): without either, the
    // reviver (a call per member) is not needed.
    value = text.includes("__proto__") || text.includes("\\u") ? JSON.parse(text, refuseProto) : JSON.parse(text);
  } catch {
    throw httpErrors.badParameter("The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw httpErrors.badParameter("The request body must be a JSON object.");
  }
  return value;
}

function refuseProto(key: string, v: unknown): unknown {
  if (key === "__proto__") throw new SyntaxError("member name __proto__");
  return v;
}

function checkContentType(header: string | undefined): void {
  if (header === undefined) throw httpErrors.badParameter("The Content-Type header is missing: application/json is expected.");
  const [type, ...params] = header.split(";").map((s) => s.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice(8)
    .replace(/^"|"$/g, "");
  if (type !== "application/json" || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    throw httpErrors.badParameter(`The Content-Type '${printable(header)}' is not supported: application/json is expected.`);
  }
}

/** Echoes client text into messages only as short printable ASCII. */
function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 64 ? `${clean.slice(0, 64)}...` : clean;
}

/**
 * The object name that a request's path addresses ("/keys/K/sign" gives "K"), percent-decoded, as
 * sent; undefined for a request without one (lists, /rng, restore) or that no route takes. The worker
 * pool (./workers/pool.ts) sends every request for one name to one worker by it.
 */
export function objectNameOf(req: Pick<HttpRequest, "method" | "url">): string | undefined {
  return objectOf(req).name;
}

/**
 * objectNameOf, whether the request's route only reads (Route.readOnly: any worker may serve it), and
 * when another worker should (Route.spread).
 */
export function objectOf(req: Pick<HttpRequest, "method" | "url">): { name?: string; readOnly: boolean; spread?: "stalled" } {
  try {
    const { route, match } = findRoute(routeTable(), req.method, pathOf(req.url));
    const how = { readOnly: route.route.readOnly === true, ...(route.route.spread ? { spread: route.route.spread } : {}) };
    return match.name === undefined ? how : { name: decodeURIComponent(match.name), ...how };
  } catch {
    return { readOnly: false };
  }
}

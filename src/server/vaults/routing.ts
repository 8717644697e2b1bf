// The router in front of several vaults: /management goes to the management API; every other request
// goes to the router of the vault its Host header (or its port) selects, after the vault's throttle.
// Same Router shape as a single vault's, so that fastify and the in-process client take either.
import type { HandleOptions, HttpRequest, HttpResponse, Router } from "../router.js";
import { KeyVaultError } from "../../vault/errors.js";
import { errorAnswer } from "../errors.js";
import type { HostedVault, VaultDirectory } from "./directory.js";
import { handleManagement } from "./management.js";
import type { RequestClass } from "./throttle.js";

export interface DirectoryRouterOptions {
  directory: VaultDirectory;
  /** A listener of one vault (`--vault NAME:PORT`): every request goes to it, whatever its Host. */
  vaultName?: string;
}

const throttled = () =>
  new KeyVaultError(
    429,
    "Throttled",
    "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
  );

function pathOf(url: string): string {
  const noScheme = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "");
  return noScheme.split(/[?#]/)[0] || "/";
}

/** A request line (origin form, or an absolute URL) whose path is /management or under it. */
const MANAGEMENT = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/management(?:[/?#]|$)/i;

function host(req: HttpRequest): string | undefined {
  const h = req.headers.host;
  return Array.isArray(h) ? h[0] : h;
}

function jsonBody(req: HttpRequest): unknown {
  if (req.body === undefined || req.body === null) return undefined;
  const text = typeof req.body === "string" ? req.body : new TextDecoder().decode(req.body);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new KeyVaultError(400, "BadParameter", "The request body is not valid JSON.");
  }
}

/** What a request counts as, for the throttle (throttle.ts). Key transactions need the key's type. */
async function classify(v: HostedVault, req: HttpRequest, path: string): Promise<RequestClass> {
  const m = req.method.toUpperCase();
  const seg = path
    .split("/")
    .filter((s) => s !== "")
    .map((s) => s.toLowerCase());
  if (seg[0] === "keys" && seg.length >= 2 && seg[1] !== "restore") {
    if (m === "PUT" && seg.length === 2) return { bucket: "create" };
    if (m === "POST" && seg[2] === "create") {
      let kty = "";
      try {
        kty = String((jsonBody(req) as { kty?: unknown })?.kty ?? "");
      } catch {
        // the vault's router answers a bad body; the throttle counts it as a software key
      }
      return { bucket: "keys", create: true, keyClass: "", hsm: kty.endsWith("-HSM") };
    }
    const shape = await v.controls.keyShape(decodeURIComponent(seg[1]!)).catch(() => undefined);
    const family = shape?.kty.replace("-HSM", "");
    const keyClass = family === "RSA" ? `RSA-${shape!.keySize}` : (family ?? "RSA-2048");
    return { bucket: "keys", create: false, keyClass, hsm: shape?.kty.endsWith("-HSM") ?? false };
  }
  if (seg[0] === "secrets" && seg.length === 2 && m === "PUT") return { bucket: "create" };
  if (seg[0] === "certificates" && seg[2] === "import" && m === "POST") return { bucket: "create" };
  return { bucket: "other" };
}

export function createDirectoryRouter(options: DirectoryRouterOptions): Router {
  const dir = options.directory;
  const target = (req: HttpRequest): HostedVault =>
    (options.vaultName !== undefined ? dir.get(options.vaultName) : undefined) ?? dir.byHost(host(req)) ?? dir.default;
  const isManagement = (req: HttpRequest) => options.vaultName === undefined && MANAGEMENT.test(req.url);

  function answer(err: unknown, retryAfter?: number): HttpResponse {
    const { status, body } = errorAnswer(err);
    return {
      status,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-cache",
        ...(retryAfter ? { "retry-after": String(retryAfter) } : {}),
      },
      body: JSON.stringify(body),
    };
  }

  return {
    maxBodyBytes: dir.default.router.maxBodyBytes,
    largestBodyBytes: dir.default.router.largestBodyBytes,
    preflight(req: HttpRequest, opts?: HandleOptions) {
      if (isManagement(req)) return undefined;
      return target(req).router.preflight(req, opts);
    },
    async handle(req: HttpRequest, opts?: HandleOptions): Promise<HttpResponse> {
      if (isManagement(req)) {
        try {
          const segments = pathOf(req.url)
            .split("/")
            .filter((s) => s !== "")
            .slice(1)
            .map(decodeURIComponent);
          return await handleManagement(dir, {
            method: req.method,
            segments,
            body: jsonBody(req),
          });
        } catch (err) {
          return answer(err);
        }
      }
      const v = target(req);
      if (v.throttle && v.router.preflight(req, opts) === undefined) {
        const verdict = v.throttle.take(await classify(v, req, pathOf(req.url)));
        if (!verdict.ok) return answer(throttled(), verdict.retryAfterSeconds);
      }
      return v.router.handle(req, opts);
    },
    errorResponse(req: HttpRequest, err: unknown, opts?: HandleOptions) {
      return target(req).router.errorResponse(req, err, opts);
    },
  };
}

// Paging of list results: maxresults from 1 to 25, an opaque $skiptoken, an absolute nextLink.
// The token says where to resume (a position in a version list, or the last name of a page of
// objects) and which list it belongs to, so a token from one list is refused by another.
import { decodeBase64url, encodeBase64url } from "../../encoding/base64url.js";
import type { ListOptions, ListResult, RequestContext } from "../../model/index.js";
import { badParameter } from "../errors.js";

export const MAX_RESULTS = 25;

export function checkMaxResults(value: unknown): number {
  if (value === undefined || value === null) return MAX_RESULTS;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_RESULTS) {
    throw badParameter(`maxresults must be a whole number from 1 to ${MAX_RESULTS}; got ${JSON.stringify(value)}.`);
  }
  return n;
}

interface Token {
  /** The list's path. */
  s: string;
  /** Offset into a list held in memory (the versions of one object). */
  o?: number;
  /** The case-folded name after which a list of objects resumes. */
  a?: string;
}

function decodeToken(token: string | undefined, scope: string): Token | undefined {
  if (token === undefined || token === "") return undefined;
  try {
    const bytes = decodeBase64url(token);
    const parsed = bytes && (JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as Token);
    if (parsed && parsed.s === scope && (typeof parsed.a === "string" || (Number.isSafeInteger(parsed.o) && parsed.o! >= 0))) return parsed;
  } catch {
    // fall through
  }
  throw badParameter("The $skiptoken is invalid or belongs to another list.");
}

function nextLink(ctx: RequestContext, path: string, max: number, token: Token, options?: ListOptions): string {
  const encoded = encodeBase64url(new TextEncoder().encode(JSON.stringify(token)));
  const query = new URLSearchParams({ "api-version": ctx.apiVersion, $skiptoken: encoded, maxresults: String(max) });
  // A list's filter goes on to its next page (certificates' includePending).
  if (options?.includePending !== undefined) query.set("includePending", String(options.includePending));
  return `${ctx.vaultUrl}${path}?${query.toString()}`;
}

/** One page of `items` (already in a stable order), with a nextLink to `path` when more remain. */
export function page<T>(items: T[], options: ListOptions, ctx: RequestContext, path: string): ListResult<T> {
  const max = checkMaxResults(options.maxresults);
  const offset = decodeToken(options.skiptoken, path)?.o ?? 0;
  const value = items.slice(offset, offset + max);
  const next = offset + max;
  if (next >= items.length) return { value, nextLink: null };
  return { value, nextLink: nextLink(ctx, path, max, { s: path, o: next }) };
}

/** The window of a list read from the store: resume after `after`, read one more than a page to know if more remain. */
export function storeWindow(options: ListOptions, path: string): { after: string | undefined; max: number } {
  const max = checkMaxResults(options.maxresults);
  const token = decodeToken(options.skiptoken, path);
  if (token !== undefined && token.a === undefined) throw badParameter("The $skiptoken is invalid or belongs to another list.");
  return { after: token?.a, max };
}

/** A page of objects read from the store; `lastKey` is the case-folded name of the last one read. */
export function storePage<T>(
  value: T[],
  more: boolean,
  lastKey: string | undefined,
  ctx: RequestContext,
  path: string,
  max: number,
  options?: ListOptions,
): ListResult<T> {
  if (!more || lastKey === undefined) return { value, nextLink: null };
  return { value, nextLink: nextLink(ctx, path, max, { s: path, a: lastKey }, options) };
}

// Paging of list results: maxresults from 1 to 25, an opaque $skiptoken, an absolute nextLink.
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.js";
import { badParameter } from "./errors.js";
import type { ListOptions, ListResult, RequestContext } from "./types.js";

export const MAX_RESULTS = 25;

export function checkMaxResults(value: unknown): number {
  if (value === undefined || value === null) return MAX_RESULTS;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_RESULTS) {
    throw badParameter(`maxresults must be a whole number from 1 to ${MAX_RESULTS}; got ${JSON.stringify(value)}.`);
  }
  return n;
}

/** The token is the position to resume from, so a token from one list cannot be confused with another. */
function decodeToken(token: string | undefined, scope: string): number {
  if (token === undefined || token === "") return 0;
  try {
    const bytes = decodeBase64url(token);
    const parsed = bytes && JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    if (parsed && parsed.s === scope && Number.isSafeInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw badParameter("The $skiptoken is invalid or belongs to another list.");
}

function encodeToken(offset: number, scope: string): string {
  return encodeBase64url(new TextEncoder().encode(JSON.stringify({ s: scope, o: offset })));
}

/** One page of `items` (already in a stable order), with a nextLink to `path` when more remain. */
export function page<T>(items: T[], options: ListOptions, ctx: RequestContext, path: string): ListResult<T> {
  const max = checkMaxResults(options.maxresults);
  const offset = decodeToken(options.skiptoken, path);
  const value = items.slice(offset, offset + max);
  const next = offset + max;
  if (next >= items.length) return { value, nextLink: null };
  const query = new URLSearchParams({ "api-version": ctx.apiVersion, $skiptoken: encodeToken(next, path), maxresults: String(max) });
  return { value, nextLink: `${ctx.vaultUrl}${path}?${query.toString()}` };
}

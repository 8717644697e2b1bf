// Attributes and tags of every object kind: what a client may set, and the read-only members the
// vault fills in.
import type { KeyAttributes, Tags } from "../model/index.js";
import type { AttributesRecord } from "../store/types.js";
import { badParameter } from "./errors.js";

export const RECOVERY_LEVEL = "Recoverable+Purgeable";
export const DEFAULT_RECOVERABLE_DAYS = 90;
const MAX_TAGS = 15;
const MAX_TAG_NAME = 512;
const MAX_TAG_VALUE = 256;

export interface SettableAttributes {
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

function unixSeconds(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw badParameter(`attributes.${name} must be a whole number of seconds since the Unix epoch.`);
  }
  return value;
}

/** Validates the client-settable attributes; read-only members (created, updated, ...) are ignored. */
export function parseAttributes(raw: unknown): SettableAttributes {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw badParameter("attributes must be a JSON object.");
  const a = raw as KeyAttributes;
  if (a.enabled !== undefined && a.enabled !== null && typeof a.enabled !== "boolean") {
    throw badParameter("attributes.enabled must be true or false.");
  }
  const out: SettableAttributes = {};
  if (typeof a.enabled === "boolean") out.enabled = a.enabled;
  const nbf = unixSeconds(a.nbf, "nbf");
  const exp = unixSeconds(a.exp, "exp");
  if (nbf !== undefined) out.nbf = nbf;
  if (exp !== undefined) out.exp = exp;
  if (nbf !== undefined && exp !== undefined && exp <= nbf) {
    throw badParameter("attributes.exp must be later than attributes.nbf.");
  }
  return out;
}

/** Validates tags; `what` names the kind in messages ("key", "secret", "certificate"). */
export function parseTags(raw: unknown, what = "key"): Tags | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) throw badParameter("tags must be a JSON object of strings.");
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_TAGS) throw badParameter(`A ${what} may have at most ${MAX_TAGS} tags; got ${entries.length}.`);
  const tags: Tags = {};
  for (const [k, v] of entries) {
    if (typeof v !== "string") throw badParameter(`The value of tag ${JSON.stringify(k)} must be a string.`);
    if (k.length === 0 || k.length > MAX_TAG_NAME) throw badParameter(`Tag names must be 1 to ${MAX_TAG_NAME} characters.`);
    if (v.length > MAX_TAG_VALUE) throw badParameter(`The value of tag ${JSON.stringify(k)} exceeds ${MAX_TAG_VALUE} characters.`);
    tags[k] = v;
  }
  return tags;
}

/** The full attributes of a new version. */
export function newAttributes(settable: SettableAttributes, now: number, recoverableDays: number): AttributesRecord {
  return {
    enabled: settable.enabled ?? true,
    ...(settable.nbf !== undefined ? { nbf: settable.nbf } : {}),
    ...(settable.exp !== undefined ? { exp: settable.exp } : {}),
    created: now,
    updated: now,
    recoveryLevel: RECOVERY_LEVEL,
    recoverableDays,
  };
}

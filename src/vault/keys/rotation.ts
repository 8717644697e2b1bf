// Key rotation policies: validation, and when a policy's Rotate action falls due.
// Durations are ISO 8601 (§4.4.3.2), e.g. "P90D", "P1Y2M", "PT12H". Years and months count as
// 365 and 30 days, as the Key Vault service documents for rotation policies.
import { badParameter } from "../errors.js";
import type { KeyRotationPolicy, LifetimeAction } from "../../model/index.js";

const DURATION_RE = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const DAY = 86_400;
const MIN_EXPIRY_DAYS = 28;
const MIN_ROTATE_DAYS = 7;
/**
 * The longest duration a policy may hold: 100 years. Without a bound, "P" + "9" x 400 + "D" is
 * Infinity seconds, an expiry that JSON stores as null, and a key that rotates on every read.
 */
export const MAX_DURATION_DAYS = 36_500;
const MAX_DURATION_SECONDS = MAX_DURATION_DAYS * DAY;

/**
 * Seconds in an ISO 8601 duration, or undefined if it is not one. The result may exceed the bound
 * (even be Infinity) so that validation can say so; use boundedDuration to compute with a duration.
 */
export function durationSeconds(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = DURATION_RE.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as number[];
  return (y! * 365 + mo! * 30 + w! * 7 + d!) * DAY + h! * 3600 + mi! * 60 + s!;
}

/** Seconds in a duration within the bound; undefined for anything else (a policy stored before the bound existed). */
export function boundedDuration(text: unknown): number | undefined {
  const seconds = durationSeconds(text);
  return seconds !== undefined && seconds <= MAX_DURATION_SECONDS ? seconds : undefined;
}

function requireDuration(text: unknown, what: string): number {
  const seconds = durationSeconds(text);
  if (seconds === undefined || seconds <= 0)
    throw badParameter(`${what} must be an ISO 8601 duration such as P90D; got ${printable(text)}.`);
  if (seconds > MAX_DURATION_SECONDS)
    throw badParameter(`${what} must be at most P${MAX_DURATION_DAYS}D (100 years); got ${printable(text)}.`);
  return seconds;
}

/** A client's value in a message: JSON, cut short. */
function printable(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/** The policy every key has until one is set (as the service reports it). */
export function defaultPolicy(): KeyRotationPolicy {
  return { lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }], attributes: {} };
}

/** Validates a policy from a client and returns its normalised form (without id and timestamps). */
export function parsePolicy(raw: unknown): KeyRotationPolicy {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw badParameter("The rotation policy must be a JSON object.");
  const body = raw as KeyRotationPolicy;
  const attributes = body.attributes ?? {};
  if (typeof attributes !== "object" || attributes === null) throw badParameter("attributes must be a JSON object.");
  let expirySeconds: number | undefined;
  if (attributes.expiryTime !== undefined && attributes.expiryTime !== null) {
    expirySeconds = requireDuration(attributes.expiryTime, "attributes.expiryTime");
    if (expirySeconds < MIN_EXPIRY_DAYS * DAY) throw badParameter(`attributes.expiryTime must be at least P${MIN_EXPIRY_DAYS}D.`);
  }
  const actions = body.lifetimeActions ?? [];
  if (!Array.isArray(actions)) throw badParameter("lifetimeActions must be an array.");
  const seen = new Set<string>();
  const out: LifetimeAction[] = [];
  for (const action of actions) {
    const type = typeof action?.action?.type === "string" ? action.action.type.toLowerCase() : undefined;
    if (type !== "rotate" && type !== "notify") throw badParameter("Each lifetime action's type must be Rotate or Notify.");
    const normal = type === "rotate" ? "Rotate" : "Notify";
    if (seen.has(normal)) throw badParameter(`A policy may hold only one ${normal} action.`);
    seen.add(normal);
    const trigger = action.trigger ?? {};
    const hasCreate = trigger.timeAfterCreate !== undefined && trigger.timeAfterCreate !== null;
    const hasExpiry = trigger.timeBeforeExpiry !== undefined && trigger.timeBeforeExpiry !== null;
    if (hasCreate === hasExpiry) throw badParameter("Each lifetime action needs exactly one of timeAfterCreate and timeBeforeExpiry.");
    const seconds = requireDuration(
      hasCreate ? trigger.timeAfterCreate : trigger.timeBeforeExpiry,
      hasCreate ? "timeAfterCreate" : "timeBeforeExpiry",
    );
    if (normal === "Rotate" && seconds < MIN_ROTATE_DAYS * DAY)
      throw badParameter(`A Rotate trigger must be at least P${MIN_ROTATE_DAYS}D.`);
    if (hasExpiry && expirySeconds !== undefined && seconds >= expirySeconds) {
      throw badParameter("timeBeforeExpiry must be shorter than attributes.expiryTime.");
    }
    if (hasCreate && expirySeconds !== undefined && normal === "Rotate" && seconds > expirySeconds - MIN_ROTATE_DAYS * DAY) {
      throw badParameter("timeAfterCreate must be at least 7 days shorter than attributes.expiryTime.");
    }
    out.push({
      trigger: hasCreate ? { timeAfterCreate: trigger.timeAfterCreate! } : { timeBeforeExpiry: trigger.timeBeforeExpiry! },
      action: { type: normal },
    });
  }
  return { lifetimeActions: out, attributes: expirySeconds !== undefined ? { expiryTime: attributes.expiryTime! } : {} };
}

/**
 * The time (Unix seconds) at which the policy's Rotate action falls due for a version, if it has one.
 * Only finite times fall due: an expiry stored as null (or anything but a number), or a duration out
 * of bounds, never makes a rotation due.
 */
export function rotationDueAt(policy: KeyRotationPolicy | undefined, created: unknown, exp: unknown): number | undefined {
  const rotate = policy?.lifetimeActions?.find((a) => a.action?.type === "Rotate");
  if (!rotate?.trigger) return undefined;
  let due: number | undefined;
  if (rotate.trigger.timeAfterCreate) {
    const after = boundedDuration(rotate.trigger.timeAfterCreate);
    if (after !== undefined && isTime(created)) due = created + after;
  } else if (rotate.trigger.timeBeforeExpiry) {
    const before = boundedDuration(rotate.trigger.timeBeforeExpiry);
    if (before !== undefined && isTime(exp)) due = exp - before;
  }
  return due !== undefined && Number.isSafeInteger(due) ? due : undefined;
}

/** Expiry for a version created at `now` under the policy, if the policy sets one (within bounds). */
export function expiryFor(policy: KeyRotationPolicy | undefined, now: number): number | undefined {
  const d = boundedDuration(policy?.attributes?.expiryTime);
  return d === undefined ? undefined : now + d;
}

function isTime(t: unknown): t is number {
  return typeof t === "number" && Number.isSafeInteger(t);
}

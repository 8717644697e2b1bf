// Key Vault's key release policy (secure key release): its grammar, a canonical form, and its
// evaluation against an attestation token's claims.
// Grammar (learn.microsoft.com/azure/key-vault/keys/policy-grammar, "Azure Key Vault secure key
// release policy grammar"):
//   policy    = { "version": "1.0.0", "anyOf": [ authority, ... ] }
//   authority = { "authority": "<issuer>", "allOf" | "anyOf": [ condition, ... ] }   (not both)
//   condition = { "claim": "<name>", <operator>: <value> } | { "anyOf": [...] } | { "allOf": [...] }
//   operator  = equals | notEquals | less | lessOrEquals | greater | greaterOrEquals | exists
//   value     = JSON string | number | true | false
// Claim names use dot notation into objects ("x-ms-runtime.client.flag"); a missing claim fails its
// condition. Versions 1.0 to 1.2 (with or without a patch number) share this grammar; the service
// stores them as "X.Y.0" (a policy sent with "1.0" comes back with "1.0.0": the JS SDK's recording
// "can create an exportable key and release it"). `authority` matches the token's `iss`, as the
// grammar page says, with a trailing slash ignored.
// Values compare by their JSON scalar text: the JS SDK's own tests release with "equals": "true"
// against a boolean claim true, and the service accepts it.
import { malformed } from "./errors.js";

export type Operator = "equals" | "notEquals" | "less" | "lessOrEquals" | "greater" | "greaterOrEquals" | "exists";
const OPERATORS: readonly Operator[] = ["equals", "notEquals", "less", "lessOrEquals", "greater", "greaterOrEquals", "exists"];
const VERSIONS = /^1\.[0-2](\.0)?$/;
const MAX_DEPTH = 16;

export type Scalar = string | number | boolean;
export type Condition = { claim: string; operator: Operator; value: Scalar } | { anyOf: Condition[] } | { allOf: Condition[] };

export interface AuthorityRule {
  authority: string;
  match: "anyOf" | "allOf";
  conditions: Condition[];
}

export interface ReleasePolicy {
  version: string;
  anyOf: AuthorityRule[];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Parses the policy JSON (the decoded `data` of a KeyReleasePolicy); throws AttestationError("malformed"). */
export function parsePolicy(json: unknown): ReleasePolicy {
  if (!isObject(json)) throw malformed("Key Release Policy: the policy must be a JSON object.");
  if (json.version === undefined) throw malformed("Key Release Policy: missing 'version' property.");
  if (typeof json.version !== "string" || !VERSIONS.test(json.version)) {
    throw malformed(`Key Release Policy: unsupported version ${JSON.stringify(json.version)}; use 1.0.0, 1.1.0 or 1.2.0.`);
  }
  const version = json.version.length === 3 ? `${json.version}.0` : json.version;
  for (const k of Object.keys(json)) {
    if (k !== "version" && k !== "anyOf") throw malformed(`Key Release Policy: unknown property '${k}' at the top level.`);
  }
  if (!Array.isArray(json.anyOf) || json.anyOf.length === 0) {
    throw malformed("Key Release Policy: 'anyOf' must be a non-empty array of authorities.");
  }
  return { version, anyOf: json.anyOf.map(parseAuthority) };
}

function parseAuthority(raw: unknown, i: number): AuthorityRule {
  const where = `anyOf[${i}]`;
  if (!isObject(raw)) throw malformed(`Key Release Policy: ${where} must be an object.`);
  if (typeof raw.authority !== "string" || raw.authority === "") {
    throw malformed(`Key Release Policy: ${where}.authority must be a non-empty string.`);
  }
  const hasAny = raw.anyOf !== undefined;
  const hasAll = raw.allOf !== undefined;
  if (hasAny === hasAll) throw malformed(`Key Release Policy: ${where} must have exactly one of 'anyOf' and 'allOf'.`);
  for (const k of Object.keys(raw)) {
    if (k !== "authority" && k !== "anyOf" && k !== "allOf") throw malformed(`Key Release Policy: unknown property '${k}' in ${where}.`);
  }
  const match = hasAny ? "anyOf" : "allOf";
  return { authority: raw.authority, match, conditions: parseList(raw[match], `${where}.${match}`, 1) };
}

function parseList(raw: unknown, where: string, depth: number): Condition[] {
  if (!Array.isArray(raw) || raw.length === 0) throw malformed(`Key Release Policy: ${where} must be a non-empty array of conditions.`);
  if (depth > MAX_DEPTH) throw malformed(`Key Release Policy: conditions are nested deeper than ${MAX_DEPTH}.`);
  return raw.map((c, i) => parseCondition(c, `${where}[${i}]`, depth));
}

function parseCondition(raw: unknown, where: string, depth: number): Condition {
  if (!isObject(raw)) throw malformed(`Key Release Policy: ${where} must be an object.`);
  const keys = Object.keys(raw);
  if (keys.length === 1 && (keys[0] === "anyOf" || keys[0] === "allOf")) {
    const k = keys[0];
    const list = parseList(raw[k], `${where}.${k}`, depth + 1);
    return k === "anyOf" ? { anyOf: list } : { allOf: list };
  }
  if (typeof raw.claim !== "string" || raw.claim === "") {
    throw malformed(`Key Release Policy: ${where} must be a claim condition ({"claim", "equals", ...}), 'anyOf' or 'allOf'.`);
  }
  const ops = keys.filter((k) => k !== "claim");
  if (ops.length !== 1 || !(OPERATORS as readonly string[]).includes(ops[0]!)) {
    throw malformed(`Key Release Policy: ${where} must have exactly one operator of ${OPERATORS.join(", ")}.`);
  }
  const operator = ops[0] as Operator;
  const value = raw[operator];
  if (typeof value !== "string" && typeof value !== "boolean" && !(typeof value === "number" && Number.isFinite(value))) {
    throw malformed(`Key Release Policy: the value of ${where}.${operator} must be a string, a number, true or false.`);
  }
  return { claim: raw.claim, operator, value };
}

/** The policy as Key Vault stores and returns it: version first, then anyOf of {authority, allOf|anyOf}. */
export function canonicalPolicy(p: ReleasePolicy): object {
  const cond = (c: Condition): object =>
    "claim" in c ? { claim: c.claim, [c.operator]: c.value } : "anyOf" in c ? { anyOf: c.anyOf.map(cond) } : { allOf: c.allOf.map(cond) };
  return { version: p.version, anyOf: p.anyOf.map((a) => ({ authority: a.authority, [a.match]: a.conditions.map(cond) })) };
}

const trimSlash = (s: string) => s.replace(/\/+$/, "");

/** Whether the claims of a token from `issuer` meet the policy. */
export function policyAllows(p: ReleasePolicy, issuer: string, claims: Record<string, unknown>): boolean {
  return p.anyOf.some((a) => trimSlash(a.authority) === trimSlash(issuer) && matches(a.match, a.conditions, claims));
}

function matches(match: "anyOf" | "allOf", list: Condition[], claims: Record<string, unknown>): boolean {
  return match === "anyOf" ? list.some((c) => holds(c, claims)) : list.every((c) => holds(c, claims));
}

function holds(c: Condition, claims: Record<string, unknown>): boolean {
  if ("anyOf" in c) return matches("anyOf", c.anyOf, claims);
  if ("allOf" in c) return matches("allOf", c.allOf, claims);
  const found = claimAt(claims, c.claim);
  if (c.operator === "exists") return (found !== undefined) === (String(c.value) === "true");
  if (found === undefined || !isScalar(found)) return false;
  const a = String(found);
  const b = String(c.value);
  switch (c.operator) {
    case "equals":
      return a === b;
    case "notEquals":
      return a !== b;
    default: {
      const x = Number(found);
      const y = Number(c.value);
      if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
      if (c.operator === "less") return x < y;
      if (c.operator === "lessOrEquals") return x <= y;
      if (c.operator === "greater") return x > y;
      return x >= y;
    }
  }
}

function isScalar(x: unknown): x is Scalar {
  return typeof x === "string" || typeof x === "number" || typeof x === "boolean";
}

/** A claim by name: a top-level member first (names may contain dots), else a dotted path into objects. */
function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let at: unknown = claims;
  for (const part of name.split(".")) {
    if (!isObject(at) || !Object.hasOwn(at, part)) return undefined;
    at = at[part];
  }
  return at;
}

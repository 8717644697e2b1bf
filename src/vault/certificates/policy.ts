// Certificate policies: what a client may ask for, the defaults the service fills in, and the key
// operations a certificate's key gets. Defaults are the service's, decoded from recorded traffic
// (research notes, certificates.md "Defaults the service fills in"): RSA 2048 exportable, not reused;
// PKCS#12; EKU serverAuth + clientAuth; key usage digitalSignature + keyEncipherment; 12 months;
// AutoRenew at 80 % of the lifetime (EmailContacts at 80 % for the Unknown issuer).
import type {
  CertificateLifetimeAction,
  CertificatePolicy,
  IssuerParameters,
  KeyProperties,
  SubjectAlternativeNames,
  X509CertificateProperties,
} from "../../model/index.js";
import { parseName } from "../../x509/index.js";
import type { Family } from "../../engine/index.js";
import { badParameter } from "../errors.js";

export const PKCS12 = "application/x-pkcs12";
export const PEM = "application/x-pem-file";
export const SELF = "Self";
export const UNKNOWN = "Unknown";

/** A policy as stored and returned: every member filled in. */
export interface StoredPolicy {
  key_props: Required<Pick<KeyProperties, "exportable" | "kty" | "reuse_key" | "key_size">> & { crv?: string };
  secret_props: { contentType: string };
  x509_props: Required<Pick<X509CertificateProperties, "subject" | "ekus" | "key_usage" | "validity_months">> & {
    sans?: SubjectAlternativeNames;
    basic_constraints: { ca: boolean };
  };
  lifetime_actions: CertificateLifetimeAction[];
  issuer: IssuerParameters & { name: string };
  attributes: { enabled: boolean; created: number; updated: number };
}

const RSA_SIZES = [2048, 3072, 4096];
const CURVES: Record<string, number> = { "P-256": 256, "P-256K": 256, "P-384": 384, "P-521": 521 };
const CURVE_OF_SIZE: Record<number, string> = { 256: "P-256", 384: "P-384", 521: "P-521" };
export const KEY_USAGE_NAMES = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
/** Key Vault's limit on a subject (certificates FAQ: "subject name ... 200 characters"). */
const MAX_SUBJECT = 200;
/** The REST spec's bounds and the issue's: validity_months 1 to 1200; days_before_expiry up to 27 a month. */
const MAX_VALIDITY_MONTHS = 1200;

type Obj = Record<string, unknown>;

/** Lifetime action types, matched case-insensitively (as rotation policies' are). */
const ACTIONS = new Map([
  ["emailcontacts", "EmailContacts"],
  ["autorenew", "AutoRenew"],
]);

function object(raw: unknown, where: string): Obj | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) throw badParameter(`${where} must be a JSON object.`);
  return raw as Obj;
}

function bool(raw: unknown, where: string): boolean | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "boolean") throw badParameter(`${where} must be true or false; got ${JSON.stringify(raw)}.`);
  return raw;
}

function int(raw: unknown, where: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min || raw > max) {
    throw badParameter(`${where} must be a whole number from ${min} to ${max}; got ${JSON.stringify(raw)}.`);
  }
  return raw;
}

function strings(raw: unknown, where: string, check?: (s: string) => boolean, what?: string): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw badParameter(`${where} must be an array of strings.`);
  for (const s of raw) {
    if (typeof s !== "string" || s === "") throw badParameter(`${where} must hold non-empty strings; got ${JSON.stringify(s)}.`);
    if (check && !check(s)) throw badParameter(`${where}: ${JSON.stringify(s)} is not ${what}.`);
  }
  return [...(raw as string[])];
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
function isDnsName(s: string): boolean {
  if (s.length > 253) return false;
  const labels = (s.startsWith("*.") ? s.slice(2) : s).replace(/\.$/, "").split(".");
  return labels.every((l) => LABEL.test(l));
}
const isMailbox = (s: string) => /^[^@\s]+@[^@\s]+$/.test(s);
function isUri(s: string): boolean {
  try {
    return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && new URL(s).protocol !== "";
  } catch {
    return false;
  }
}
function isIpAddress(s: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s)) return true;
  if (!s.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  try {
    return new URL(`http://[${s}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function parseSans(raw: unknown): SubjectAlternativeNames | undefined {
  const o = object(raw, "policy.x509_props.sans");
  if (!o) return undefined;
  const sans: SubjectAlternativeNames = {};
  const put = (k: keyof SubjectAlternativeNames, v: string[] | undefined) => {
    if (v !== undefined) sans[k] = v;
  };
  put("dns_names", strings(o.dns_names, "policy.x509_props.sans.dns_names", isDnsName, "a DNS name"));
  put("emails", strings(o.emails, "policy.x509_props.sans.emails", isMailbox, "an email address"));
  put("upns", strings(o.upns, "policy.x509_props.sans.upns", isMailbox, "a user principal name (user@domain)"));
  put("uris", strings(o.uris, "policy.x509_props.sans.uris", isUri, "an absolute URI"));
  put("ipAddresses", strings(o.ipAddresses, "policy.x509_props.sans.ipAddresses", isIpAddress, "an IPv4 or IPv6 address"));
  return sans;
}

function checkSubject(subject: unknown): string {
  if (typeof subject !== "string" || subject.trim() === "") {
    throw badParameter("policy.x509_props.subject is required: a distinguished name such as CN=example.com.");
  }
  if (subject.length > MAX_SUBJECT) throw badParameter(`policy.x509_props.subject is longer than ${MAX_SUBJECT} characters.`);
  try {
    parseName(subject);
  } catch (e) {
    throw badParameter(`policy.x509_props.subject ${JSON.stringify(subject)} is not a distinguished name: ${(e as Error).message}.`);
  }
  return subject;
}

function parseLifetimeActions(raw: unknown, validityMonths: number): CertificateLifetimeAction[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw badParameter("policy.lifetime_actions must be an array.");
  // The service allows one action (its answer to two: "At most one action is allowed", azure-sdk-for-net#15633).
  if (raw.length > 1) throw badParameter("policy.lifetime_actions: At most one action is allowed.");
  return raw.map((a, i) => {
    const where = `policy.lifetime_actions[${i}]`;
    const o = object(a, where) ?? {};
    const trigger = object(o.trigger, `${where}.trigger`) ?? {};
    const pct = int(trigger.lifetime_percentage, `${where}.trigger.lifetime_percentage`, 1, 99);
    const days = int(trigger.days_before_expiry, `${where}.trigger.days_before_expiry`, 1, validityMonths * 27);
    if ((pct === undefined) === (days === undefined)) {
      throw badParameter(`${where}.trigger needs exactly one of lifetime_percentage and days_before_expiry.`);
    }
    const type = object(o.action, `${where}.action`)?.action_type;
    const normal = typeof type === "string" ? ACTIONS.get(type.toLowerCase()) : undefined;
    if (!normal) throw badParameter(`${where}.action.action_type must be AutoRenew or EmailContacts; got ${JSON.stringify(type)}.`);
    return {
      trigger: pct !== undefined ? { lifetime_percentage: pct } : { days_before_expiry: days! },
      action: { action_type: normal },
    };
  });
}

/** The key members of a policy, checked and completed (kty, size, curve, exportability). */
function completeKeyProps(raw: Obj | undefined, base: StoredPolicy["key_props"] | undefined): StoredPolicy["key_props"] {
  const o = raw ?? {};
  const kty = o.kty ?? base?.kty ?? "RSA";
  if (!["RSA", "RSA-HSM", "EC", "EC-HSM"].includes(kty as string)) {
    throw badParameter(`policy.key_props.kty must be RSA, RSA-HSM, EC or EC-HSM; got ${JSON.stringify(o.kty)}.`);
  }
  const family = (kty as string).startsWith("RSA") ? "RSA" : "EC";
  const sameFamily = base?.kty.startsWith(family);
  const hsm = (kty as string).endsWith("-HSM");
  const exportable = bool(o.exportable, "policy.key_props.exportable") ?? (sameFamily && base!.kty === kty ? base!.exportable : !hsm);
  // about-certificates.md: "Exportable keys are allowed only with RSA and EC. HSM keys are non-exportable."
  if (exportable && hsm) throw badParameter(`policy.key_props.exportable cannot be true for ${kty}: HSM keys are not exportable.`);
  const reuse = bool(o.reuse_key, "policy.key_props.reuse_key") ?? base?.reuse_key ?? false;
  if (family === "RSA") {
    const size = o.key_size ?? (sameFamily ? base!.key_size : 2048);
    if (!RSA_SIZES.includes(size as number)) {
      throw badParameter(`policy.key_props.key_size must be 2048, 3072 or 4096 for RSA; got ${JSON.stringify(o.key_size)}.`);
    }
    if (o.crv !== undefined && o.crv !== null) throw badParameter("policy.key_props.crv applies only to EC keys.");
    return { exportable, kty: kty as string, key_size: size as number, reuse_key: reuse };
  }
  let crv = o.crv as string | undefined;
  if (crv !== undefined && crv !== null && CURVES[crv] === undefined) {
    throw badParameter(`policy.key_props.crv must be P-256, P-256K, P-384 or P-521; got ${JSON.stringify(crv)}.`);
  }
  if (o.key_size !== undefined && o.key_size !== null) {
    const size = o.key_size as number;
    if (!CURVE_OF_SIZE[size]) throw badParameter(`policy.key_props.key_size must be 256, 384 or 521 for EC; got ${JSON.stringify(size)}.`);
    if (crv && CURVES[crv] !== size) throw badParameter(`policy.key_props.key_size ${size} does not match the curve ${crv}.`);
    crv ??= CURVE_OF_SIZE[size];
  }
  crv ??= sameFamily ? base!.crv : "P-256";
  return { exportable, kty: kty as string, key_size: CURVES[crv!]!, reuse_key: reuse, crv: crv! };
}

function completeContentType(raw: Obj | undefined, base: string | undefined): string {
  const ct = raw?.contentType ?? base ?? PKCS12;
  if (ct !== PKCS12 && ct !== PEM) {
    throw badParameter(`policy.secret_props.contentType must be ${PKCS12} or ${PEM}; got ${JSON.stringify(raw?.contentType)}.`);
  }
  return ct;
}

function completeIssuer(raw: Obj | undefined, base: StoredPolicy["issuer"] | undefined): StoredPolicy["issuer"] {
  const o = raw ?? {};
  const name = o.name ?? base?.name ?? UNKNOWN;
  if (typeof name !== "string" || !/^[0-9A-Za-z-]{1,127}$/.test(name)) {
    throw badParameter(`policy.issuer.name must be Self, Unknown or the name of an issuer; got ${JSON.stringify(o.name)}.`);
  }
  const normal = name.toLowerCase() === "self" ? SELF : name.toLowerCase() === "unknown" ? UNKNOWN : name;
  const cty = o.cty ?? base?.cty;
  if (cty !== undefined && typeof cty !== "string") throw badParameter("policy.issuer.cty must be a string.");
  const ct = bool(o.cert_transparency, "policy.issuer.cert_transparency") ?? base?.cert_transparency;
  return { name: normal, ...(cty !== undefined ? { cty } : {}), ...(ct !== undefined ? { cert_transparency: ct } : {}) };
}

/** The service's default lifetime action for an issuer (certificates.md). */
export function defaultLifetimeActions(issuer: string): CertificateLifetimeAction[] {
  return [{ trigger: { lifetime_percentage: 80 }, action: { action_type: issuer === UNKNOWN ? "EmailContacts" : "AutoRenew" } }];
}

function defaultKeyUsage(kty: string): string[] {
  // RSA: the recorded default. EC: digitalSignature only (keyEncipherment names an RSA use; not verified against the service).
  return kty.startsWith("RSA") ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"];
}

/**
 * A policy from a request, completed with the defaults (base undefined: create) or merged into the
 * current policy (PATCH /policy, and a policy in an update: "set specified members, leave the others").
 * `subjectRequired` is false for an import, whose subject comes from the certificate.
 */
export function parsePolicy(raw: unknown, now: number, base?: StoredPolicy, subjectRequired = true): StoredPolicy {
  const p = object(raw, "policy") ?? {};
  const key = completeKeyProps(object(p.key_props, "policy.key_props"), base?.key_props);
  const contentType = completeContentType(object(p.secret_props, "policy.secret_props"), base?.secret_props.contentType);
  const x = object(p.x509_props, "policy.x509_props") ?? {};
  const subject = x.subject ?? base?.x509_props.subject;
  const checkedSubject = subject === undefined && !subjectRequired ? "" : checkSubject(subject);
  const validity =
    int(x.validity_months, "policy.x509_props.validity_months", 1, MAX_VALIDITY_MONTHS) ?? base?.x509_props.validity_months ?? 12;
  const ekus = strings(x.ekus, "policy.x509_props.ekus", (s) => /^[0-2](\.\d+)+$/.test(s), "an OID") ??
    base?.x509_props.ekus ?? [SERVER_AUTH, CLIENT_AUTH];
  const keyUsage =
    strings(x.key_usage, "policy.x509_props.key_usage", (s) => KEY_USAGE_NAMES.includes(s), `one of ${KEY_USAGE_NAMES.join(", ")}`) ??
    (base && base.key_props.kty.slice(0, 2) === key.kty.slice(0, 2) ? base.x509_props.key_usage : defaultKeyUsage(key.kty));
  const sans = x.sans !== undefined ? parseSans(x.sans) : base?.x509_props.sans;
  const issuer = completeIssuer(object(p.issuer, "policy.issuer"), base?.issuer);
  const actions = parseLifetimeActions(p.lifetime_actions, validity) ?? base?.lifetime_actions ?? defaultLifetimeActions(issuer.name);
  for (const a of actions) {
    if (a.trigger?.days_before_expiry !== undefined && a.trigger.days_before_expiry > validity * 27) {
      throw badParameter(`policy.lifetime_actions: days_before_expiry must be at most validity_months × 27 = ${validity * 27}.`);
    }
  }
  const attrs = object(p.attributes, "policy.attributes") ?? {};
  const enabled = bool(attrs.enabled, "policy.attributes.enabled") ?? base?.attributes.enabled ?? true;
  return {
    key_props: key,
    secret_props: { contentType },
    x509_props: {
      subject: checkedSubject,
      ...(sans !== undefined ? { sans } : {}),
      ekus,
      key_usage: keyUsage,
      validity_months: validity,
      basic_constraints: { ca: false },
    },
    lifetime_actions: actions,
    issuer,
    attributes: { enabled, created: base?.attributes.created ?? now, updated: now },
  };
}

/** The wire form of a stored policy. */
export function policyView(policy: StoredPolicy, id: string): CertificatePolicy {
  return structuredClone({ id, ...policy });
}

/**
 * The key operations of a certificate's key, from its key usage (about-certificates.md's table:
 * digitalSignature, nonRepudiation, keyCertSign, cRLSign -> sign, verify; keyEncipherment -> wrapKey,
 * unwrapKey; dataEncipherment -> encrypt, decrypt; encipherOnly -> encrypt; decipherOnly -> decrypt),
 * keeping those the key's family has.
 */
export function keyOpsFor(keyUsage: string[], family: Family): string[] {
  const ops = new Set<string>();
  for (const u of keyUsage) {
    if (["digitalSignature", "nonRepudiation", "keyCertSign", "cRLSign"].includes(u)) ops.add("sign").add("verify");
    if (u === "keyEncipherment") ops.add("wrapKey").add("unwrapKey");
    if (u === "dataEncipherment") ops.add("encrypt").add("decrypt");
    if (u === "encipherOnly") ops.add("encrypt");
    if (u === "decipherOnly") ops.add("decrypt");
  }
  const applicable = family === "RSA" ? ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"] : ["sign", "verify"];
  return applicable.filter((op) => ops.has(op));
}

/** When the policy's AutoRenew falls due for a certificate valid from nbf to exp (Unix seconds), if it has one. */
export function renewalDueAt(policy: StoredPolicy, nbf: number, exp: number): number | undefined {
  const renew = policy.lifetime_actions.find((a) => a.action?.action_type === "AutoRenew");
  if (!renew?.trigger) return undefined;
  if (renew.trigger.lifetime_percentage !== undefined) return nbf + Math.floor(((exp - nbf) * renew.trigger.lifetime_percentage) / 100);
  if (renew.trigger.days_before_expiry !== undefined) return exp - renew.trigger.days_before_expiry * 86_400;
  return undefined;
}

/** notAfter: `months` calendar months after `from` (Unix seconds), clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(from: number, months: number): number {
  const d = new Date(from * 1000);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return Math.floor(target.getTime() / 1000);
}

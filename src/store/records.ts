// The store's own record types. The vault turns its objects into these and back; the store never
// sees a REST body and never imports the vault. Key material and secret values are in a record only
// sealed by the core (base64url).
import type { ListQuery } from "./types.js";

/**
 * Key Vault's three object kinds, and the certificate API's vault-wide records (its issuers, and its
 * contacts as one record). A name is unique within a kind, case-insensitively.
 */
export type ObjectKind = "key" | "secret" | "certificate" | "certificate-issuer" | "certificate-contacts";

export const OBJECT_KINDS: readonly ObjectKind[] = ["key", "secret", "certificate", "certificate-issuer", "certificate-contacts"];

export interface AttributesRecord {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
  recoveryLevel: string;
  recoverableDays: number;
  exportable?: boolean;
}

/** One version of an object. `props` is the kind's own (see KeyVersionProps). */
export interface VersionRecord<P = Record<string, unknown>> {
  /** 32 lowercase hex characters. */
  version: string;
  attributes: AttributesRecord;
  tags?: Record<string, string>;
  props: P;
  /** The version's material (a key, a secret value), sealed by the core under the security domain. */
  sealed?: string;
}

export interface DeletionRecord {
  recoveryId: string;
  deletedDate: number;
  scheduledPurgeDate: number;
}

/**
 * A delete or a recover that the vault reports done but that other reads see only from `until`
 * (milliseconds since the epoch): Key Vault's eventual consistency, which the SDKs' pollers wait out.
 */
export interface SettlingRecord {
  op: "delete" | "recover";
  until: number;
}

/** An object: all its versions, its deletion state and the kind's per-object state (rotation policy, ...). */
export interface ObjectRecord<P = Record<string, unknown>, S = Record<string, unknown>> {
  kind: ObjectKind;
  /** The name as given at creation; the store looks names up case-insensitively. */
  name: string;
  /** Oldest first; the last one is the current version. */
  versions: VersionRecord<P>[];
  deleted?: DeletionRecord;
  settling?: SettlingRecord;
  state?: S;
}

/** What a key version records besides its sealed material. */
export interface KeyVersionProps {
  /** The kty reported to clients, e.g. "RSA-HSM". */
  kty: string;
  /** RSA modulus bits, EC curve bits (256, 384, 521) or oct key bits. */
  keySize: number;
  keyOps: string[];
  /** The public members of the key (n, e, crv, x, y); never a private one. */
  publicJwk: Record<string, string>;
  /** Exportable keys only: the release policy as Key Vault returns it (data = base64url of canonical JSON). */
  releasePolicy?: { contentType: string; immutable: boolean; data: string };
}

/** What a secret version records besides its sealed value. */
export interface SecretVersionProps {
  contentType?: string;
  /** The key version behind a certificate's secret (a managed secret's versions). */
  kid?: string;
}

/** A secret's own state: whether a certificate manages it. */
export interface SecretState {
  managed?: boolean;
}

/** What a certificate version records. Its key and its secret are versions of the same id in their own kinds. */
export interface CertificateVersionProps {
  /** The certificate's DER, base64 (standard); absent while the version waits for its issuer (pending). */
  cer?: string;
  /** The certificates above it (a merged or imported chain), DER base64 each, nearest issuer first. */
  chain?: string[];
  /** The content type of the version's secret: application/x-pkcs12 or application/x-pem-file. */
  contentType?: string;
}

export interface SecurityDomainRecord {
  /** Public identifier of the domain (hex). */
  id: string;
  /** The domain key, sealed for storage (base64url). */
  sealed: string;
}

/** The store's key for a name: names are case-insensitive (Key Vault object identifiers). */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** Private JWK members that a stored public JWK must never carry. */
export const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "key_hsm"] as const;

/** Throws if a record would put private key material in clear into storage. */
export function assertNoClearMaterial(record: ObjectRecord): void {
  if (record.kind !== "key") return;
  for (const v of record.versions) {
    const jwk = (v.props as Partial<KeyVersionProps>).publicJwk as Record<string, unknown> | undefined;
    for (const m of PRIVATE_JWK_MEMBERS) {
      if (jwk?.[m] !== undefined)
        throw new Error(`store: refusing to write key ${record.name}: its public JWK has the private member '${m}'`);
    }
  }
}

/**
 * A stored record that cannot be read: not JSON, or not the shape of an ObjectRecord (no versions, ...).
 * The stores skip such records in lists and names, and throw this from get(), so that one bad record
 * never breaks the rest; the vault can still purge it. The reason never quotes the record.
 */
export class CorruptRecordError extends Error {
  readonly kind: ObjectKind;
  /** The case-folded name under which it is stored. */
  readonly id: string;
  readonly reason: string;
  constructor(kind: ObjectKind, id: string, reason: string) {
    super(`the stored ${kind} record ${JSON.stringify(id)} is corrupt: ${reason}`);
    this.name = "CorruptRecordError";
    this.kind = kind;
    this.id = id;
    this.reason = reason;
  }
}

/** Parses a record as stored under (kind, id), checking the shape that every reader relies on. */
export function parseStoredRecord(kind: ObjectKind, id: string, json: string): ObjectRecord {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // JSON.parse's message quotes the text; the record may hold sealed material, so it stays out.
    throw new CorruptRecordError(kind, id, "it is not valid JSON");
  }
  const reason = shapeProblem(value, kind, id);
  if (reason !== undefined) throw new CorruptRecordError(kind, id, reason);
  return value as ObjectRecord;
}

/** The kinds whose objects always have a version (issuers and contacts have state only). */
const VERSIONED = new Set<ObjectKind>(["key", "secret", "certificate"]);

function shapeProblem(value: unknown, kind: ObjectKind, id: string): string | undefined {
  if (!isObject(value)) return "it is not a JSON object";
  if (value.kind !== kind) return `its kind is not ${kind}`;
  if (typeof value.name !== "string" || nameKey(value.name) !== id) return "its name does not match the name it is stored under";
  if (!Array.isArray(value.versions) || (value.versions.length === 0 && VERSIONED.has(kind))) return "it has no versions";
  for (const v of value.versions) {
    if (!isObject(v) || typeof v.version !== "string" || !isObject(v.attributes) || !isObject(v.props)) return "a version is malformed";
  }
  if (value.deleted !== undefined && !(isObject(value.deleted) && typeof value.deleted.scheduledPurgeDate === "number")) {
    return "its deletion record is malformed";
  }
  if (value.state !== undefined && !isObject(value.state)) return "its state is malformed";
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Rethrows anything but a CorruptRecordError; tells `sink` about each corrupt record once (per `seen`). */
export function reportCorrupt(err: unknown, seen: Set<string>, sink: ((e: CorruptRecordError) => void) | undefined): void {
  if (!(err instanceof CorruptRecordError)) throw err;
  const key = `${err.kind}/${err.id}`;
  if (seen.has(key)) return;
  seen.add(key);
  sink?.(err);
}

/** A stored row: the record's id (its name key) and its JSON. */
export interface StoredRow {
  id: string;
  record: string;
}

/** Parses rows of one kind; corrupt ones are left out, and told to `sink` once each (per `seen`). */
export function parseRows(
  kind: ObjectKind,
  rows: readonly StoredRow[],
  seen: Set<string>,
  sink: ((e: CorruptRecordError) => void) | undefined,
): ObjectRecord[] {
  const out: ObjectRecord[] = [];
  for (const row of rows) {
    try {
      out.push(parseStoredRecord(kind, row.id, row.record));
    } catch (err) {
      reportCorrupt(err, seen, sink);
    }
  }
  return out;
}

/**
 * One page of a list (O(page) with an index): `fetch(after, want)` gives the next `want` rows of the
 * kind and state in id order after `after`. Reads on past corrupt rows until the page is full or the
 * rows run out.
 */
export async function readPage(
  kind: ObjectKind,
  query: ListQuery,
  fetch: (after: string | undefined, want: number) => readonly StoredRow[] | Promise<readonly StoredRow[]>,
  seen: Set<string>,
  sink: ((e: CorruptRecordError) => void) | undefined,
): Promise<ObjectRecord[]> {
  const out: ObjectRecord[] = [];
  let after = query.after;
  while (out.length < query.limit) {
    const want = query.limit - out.length;
    const rows = await fetch(after, want);
    out.push(...parseRows(kind, rows, seen, sink));
    if (rows.length < want) break;
    after = rows[rows.length - 1]!.id;
  }
  return out;
}

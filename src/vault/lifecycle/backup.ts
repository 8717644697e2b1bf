// Backup and restore of one object with all its versions, in the protected format of
// backup-format.ts. Restore answers one generic error for every failure, and checks everything
// (authenticity, domain, format, kind, every version) before anything is written.
import { decodeBase64url } from "../../jwk/base64url.js";
import { fromLegacyKey, type LegacyKey } from "../../store/legacy.js";
import type { ObjectRecord, VersionRecord } from "../../store/types.js";
import type { SecurityDomain } from "../domain.js";
import type { VaultEngine } from "../engine.js";
import { badParameter } from "../errors.js";
import { checkName, isVersionId } from "../names.js";
import { DOMAIN_ID_LENGTH, FORMAT_VERSION, LEGACY_KEY_FORMAT_VERSION, decodeHeader, encodeHeader } from "./backup-format.js";
import type { KindSpec } from "./kind.js";

const INVALID_BACKUP = "The backup blob is invalid: it is corrupt, truncated, of an unknown format, or from another security domain.";

export function createBackup(engine: VaultEngine, domain: SecurityDomain, record: ObjectRecord, now: number): Uint8Array {
  const header = encodeHeader({
    formatVersion: FORMAT_VERSION,
    domainId: domain.id.subarray(0, DOMAIN_ID_LENGTH),
    name: record.name,
    created: now,
  });
  const payload = new TextEncoder().encode(JSON.stringify({ kind: record.kind, versions: record.versions, state: record.state }));
  const sealed = engine.backupEncrypt(domain.handle, header, payload);
  const out = new Uint8Array(header.length + sealed.length);
  out.set(header);
  out.set(sealed, header.length);
  return out;
}

/** Opens and fully checks a backup of an object of `spec`'s kind; throws one generic BadParameter for any defect. */
export function openBackup<P, S>(engine: VaultEngine, domain: SecurityDomain, blob: Uint8Array, spec: KindSpec<P, S>): ObjectRecord<P, S> {
  const parts = decodeHeader(blob);
  if (!parts) throw badParameter(INVALID_BACKUP);
  const { header, headerBytes, sealed } = parts;
  if (header.formatVersion !== FORMAT_VERSION && !(header.formatVersion === LEGACY_KEY_FORMAT_VERSION && spec.kind === "key")) {
    throw badParameter(INVALID_BACKUP);
  }
  const ourId = domain.id.subarray(0, DOMAIN_ID_LENGTH);
  if (!ourId.every((b, i) => b === header.domainId[i])) throw badParameter(INVALID_BACKUP);
  let record: ObjectRecord;
  try {
    const payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(engine.backupDecrypt(domain.handle, headerBytes, sealed)));
    checkName(header.name);
    record =
      header.formatVersion === LEGACY_KEY_FORMAT_VERSION
        ? fromLegacyKey({ ...(payload as LegacyKey), name: header.name, deleted: undefined })
        : { kind: payload.kind, name: header.name, versions: payload.versions, ...(payload.state ? { state: payload.state } : {}) };
  } catch {
    throw badParameter(INVALID_BACKUP);
  }
  if (record.kind !== spec.kind) throw badParameter(INVALID_BACKUP);
  const versions: unknown = record.versions;
  if (!Array.isArray(versions) || versions.length === 0 || !versions.every(isVersionRecord)) throw badParameter(INVALID_BACKUP);
  for (const v of versions as VersionRecord<P>[]) {
    try {
      spec.checkRestoredVersion(v, record.name);
    } catch {
      throw badParameter(INVALID_BACKUP);
    }
  }
  return record as ObjectRecord<P, S>;
}

function isVersionRecord(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const x = v as Record<string, unknown>;
  return (
    typeof x.version === "string" &&
    isVersionId(x.version) &&
    typeof x.attributes === "object" &&
    x.attributes !== null &&
    typeof x.props === "object" &&
    x.props !== null &&
    (x.sealed === undefined || typeof x.sealed === "string")
  );
}

/** Checks that sealed material opens under this vault's domain (and wipes the copy it made). */
export function checkSealedOpens(engine: VaultEngine, domain: SecurityDomain, sealed: unknown): void {
  const material = typeof sealed === "string" ? decodeBase64url(sealed) : undefined;
  if (!material) throw new Error("no sealed material");
  engine.destroy(engine.unseal(domain.handle, material));
}

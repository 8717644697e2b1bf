// Backup and restore of one object with all its versions, in the protected format of
// backup-format.ts. Restore answers one generic error for every failure, and checks everything
// (authenticity, domain, format, kind, every version) before anything is written.
import { fromLegacyKey, type LegacyKey } from "../../store/legacy.js";
import type { ObjectRecord, VersionRecord } from "../../store/types.js";
import type { SecurityDomain } from "../domain.js";
import type { VaultEngine } from "../engine.js";
import { KeyVaultError } from "../errors.js";
import { checkName, isVersionId } from "../names.js";
import {
  DOMAIN_ID_LENGTH,
  FORMAT_VERSION,
  LEGACY_KEY_FORMAT_VERSION,
  MAX_BACKUP_BYTES,
  decodeHeader,
  encodeHeader,
} from "./backup-format.js";
import type { KindSpec } from "./kind.js";

/**
 * Key Vault's answer to a blob it cannot restore, word for word: the JS SDK's tests compare the
 * message, and its recording "fails to restore a key with a malformed backup" (api-version
 * 7.4-preview.1) shows 400 {"error":{"code":"Malformed backup blob","message":"Backup blob contains
 * invalid or corrupt version."}}. One answer for every defect: corrupt, truncated, unknown format,
 * another kind, or another security domain.
 */
export const invalidBackup = () => new KeyVaultError(400, "Malformed backup blob", "Backup blob contains invalid or corrupt version.");

export function createBackup(engine: VaultEngine, domain: SecurityDomain, record: ObjectRecord, now: number): Uint8Array {
  const header = encodeHeader({
    formatVersion: FORMAT_VERSION,
    domainId: domain.id.subarray(0, DOMAIN_ID_LENGTH),
    name: record.name,
    created: now,
  });
  const payload = new TextEncoder().encode(JSON.stringify({ kind: record.kind, versions: record.versions, state: record.state }));
  const size = header.length + payload.length + 28;
  if (size > MAX_BACKUP_BYTES) {
    // Our limit, not the client's fault: a 5xx (507: the server cannot store the representation).
    throw new KeyVaultError(
      507,
      "BackupTooLarge",
      `The backup of ${record.name} would be ${size} bytes, over this emulator's limit of ${MAX_BACKUP_BYTES} bytes (restore accepts any backup up to it).`,
    );
  }
  const sealed = engine.backupEncrypt(domain.handle, header, payload);
  const out = new Uint8Array(header.length + sealed.length);
  out.set(header);
  out.set(sealed, header.length);
  return out;
}

/** Opens and fully checks a backup of an object of `spec`'s kind; throws one generic BadParameter for any defect. */
export function openBackup<P, S>(engine: VaultEngine, domain: SecurityDomain, blob: Uint8Array, spec: KindSpec<P, S>): ObjectRecord<P, S> {
  const parts = decodeHeader(blob);
  if (!parts) throw invalidBackup();
  const { header, headerBytes, sealed } = parts;
  if (header.formatVersion !== FORMAT_VERSION && !(header.formatVersion === LEGACY_KEY_FORMAT_VERSION && spec.kind === "key")) {
    throw invalidBackup();
  }
  const ourId = domain.id.subarray(0, DOMAIN_ID_LENGTH);
  if (!ourId.every((b, i) => b === header.domainId[i])) throw invalidBackup();
  let record: ObjectRecord;
  try {
    const payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(engine.backupDecrypt(domain.handle, headerBytes, sealed)));
    checkName(header.name);
    record =
      header.formatVersion === LEGACY_KEY_FORMAT_VERSION
        ? fromLegacyKey({ ...(payload as LegacyKey), name: header.name, deleted: undefined })
        : { kind: payload.kind, name: header.name, versions: payload.versions, ...(payload.state ? { state: payload.state } : {}) };
  } catch {
    throw invalidBackup();
  }
  if (record.kind !== spec.kind) throw invalidBackup();
  const versions: unknown = record.versions;
  if (!Array.isArray(versions) || versions.length === 0 || !versions.every(isVersionRecord)) throw invalidBackup();
  for (const v of versions as VersionRecord<P>[]) {
    try {
      spec.checkRestoredVersion(v, record.name, record.state as S | undefined);
    } catch {
      throw invalidBackup();
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

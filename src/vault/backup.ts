// Backup and restore of one key with all its versions, in the protected format of src/backup/format.ts.
// Restore answers one generic error for every failure, and checks everything before anything is written.
import { DOMAIN_ID_LENGTH, FORMAT_VERSION, decodeHeader, encodeHeader } from "../backup/format.js";
import type { StoredKey, StoredVersion } from "../store/types.js";
import { decodeBase64url } from "../encoding/base64url.js";
import { baseKty } from "../jwk/parse.js";
import type { SecurityDomain } from "./domain.js";
import type { VaultEngine } from "./engine.js";
import { badParameter } from "./errors.js";
import { checkName, isVersionId } from "./names.js";

const INVALID_BACKUP = "The backup blob is invalid: it is corrupt, truncated, of an unknown format, or from another security domain.";

export function createBackup(engine: VaultEngine, domain: SecurityDomain, rec: StoredKey, now: number): Uint8Array {
  const header = encodeHeader({
    formatVersion: FORMAT_VERSION,
    domainId: domain.id.subarray(0, DOMAIN_ID_LENGTH),
    name: rec.name,
    created: now,
  });
  const payload = new TextEncoder().encode(JSON.stringify({ versions: rec.versions, rotationPolicy: rec.rotationPolicy }));
  const sealed = engine.backupEncrypt(domain.handle, header, payload);
  const out = new Uint8Array(header.length + sealed.length);
  out.set(header);
  out.set(sealed, header.length);
  return out;
}

/** Opens and fully checks a backup; throws one generic BadParameter for any defect. */
export function openBackup(engine: VaultEngine, domain: SecurityDomain, blob: Uint8Array): StoredKey {
  const parts = decodeHeader(blob);
  if (!parts) throw badParameter(INVALID_BACKUP);
  const { header, headerBytes, sealed } = parts;
  if (header.formatVersion !== FORMAT_VERSION) throw badParameter(INVALID_BACKUP);
  const ourId = domain.id.subarray(0, DOMAIN_ID_LENGTH);
  if (!ourId.every((b, i) => b === header.domainId[i])) throw badParameter(INVALID_BACKUP);
  let payload: { versions?: unknown; rotationPolicy?: unknown };
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(engine.backupDecrypt(domain.handle, headerBytes, sealed)));
    checkName(header.name);
  } catch {
    throw badParameter(INVALID_BACKUP);
  }
  const versions = payload.versions;
  if (!Array.isArray(versions) || versions.length === 0 || !versions.every(isStoredVersion)) throw badParameter(INVALID_BACKUP);
  // Every sealed version must open under this domain before the restore is accepted.
  for (const v of versions as StoredVersion[]) {
    const material = decodeBase64url(v.sealed);
    if (!material) throw badParameter(INVALID_BACKUP);
    try {
      engine.destroy(engine.unseal(domain.handle, material));
    } catch {
      throw badParameter(INVALID_BACKUP);
    }
  }
  return {
    name: header.name,
    versions: versions as StoredVersion[],
    ...(payload.rotationPolicy ? { rotationPolicy: payload.rotationPolicy as StoredKey["rotationPolicy"] } : {}),
  };
}

function isStoredVersion(v: unknown): v is StoredVersion {
  if (typeof v !== "object" || v === null) return false;
  const x = v as Record<string, unknown>;
  return (
    typeof x.version === "string" &&
    isVersionId(x.version) &&
    typeof x.kty === "string" &&
    baseKty(x.kty) !== undefined &&
    typeof x.keySize === "number" &&
    Array.isArray(x.keyOps) &&
    x.keyOps.every((o) => typeof o === "string") &&
    typeof x.attributes === "object" &&
    x.attributes !== null &&
    typeof x.publicJwk === "object" &&
    x.publicJwk !== null &&
    typeof x.sealed === "string"
  );
}

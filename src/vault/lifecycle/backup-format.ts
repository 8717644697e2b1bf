// The protected backup format (DESIGN.md "Protected backup format"), all integers big-endian:
//
//   magic "WHSMBKUP" (8) | format version u16 | domain id (16) | name length u16 | name (UTF-8)
//   | created u64 (Unix seconds) | sealed payload: iv (12) | AES-256-GCM ciphertext | tag (16)
//
// Everything before the sealed payload is the GCM additional data, so the header is authenticated
// too. The payload is JSON. Format 2: {kind, versions, state}, an object of any kind with its
// versions (each with its material sealed under the domain) and the kind's state (e.g. a key's
// rotation policy). Format 1 (keys only, read for old backups): {versions (flat), rotationPolicy}.
// The core derives the backup key from the domain key (HKDF-SHA-256).

export const MAGIC = new TextEncoder().encode("WHSMBKUP");
export const FORMAT_VERSION = 2;
/** Key backups made before the object lifecycle; still restored. */
export const LEGACY_KEY_FORMAT_VERSION = 1;
export const DOMAIN_ID_LENGTH = 16;
/**
 * The largest backup blob the vault makes (and so restores): 64 MiB, a key of several thousand
 * versions. The core encrypts it in pieces (assembly/api/backup-stream.ts); the router takes a
 * restore body up to RESTORE_BODY_BYTES, the blob in base64url inside {"value": ...}.
 */
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024;
export const RESTORE_BODY_BYTES = Math.ceil(MAX_BACKUP_BYTES / 3) * 4 + 4096;

export interface BackupHeader {
  formatVersion: number;
  domainId: Uint8Array;
  name: string;
  created: number;
}

export function encodeHeader(h: BackupHeader): Uint8Array {
  const name = new TextEncoder().encode(h.name);
  const out = new Uint8Array(MAGIC.length + 2 + DOMAIN_ID_LENGTH + 2 + name.length + 8);
  const view = new DataView(out.buffer);
  let at = 0;
  out.set(MAGIC, at);
  at += MAGIC.length;
  view.setUint16(at, h.formatVersion);
  at += 2;
  out.set(h.domainId, at);
  at += DOMAIN_ID_LENGTH;
  view.setUint16(at, name.length);
  at += 2;
  out.set(name, at);
  at += name.length;
  view.setBigUint64(at, BigInt(h.created));
  return out;
}

/** Splits a blob into its header (as parsed and as raw bytes) and the sealed payload; undefined if malformed. */
export function decodeHeader(blob: Uint8Array): { header: BackupHeader; headerBytes: Uint8Array; sealed: Uint8Array } | undefined {
  const fixed = MAGIC.length + 2 + DOMAIN_ID_LENGTH + 2;
  if (blob.length < fixed) return undefined;
  for (let i = 0; i < MAGIC.length; i++) if (blob[i] !== MAGIC[i]) return undefined;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const formatVersion = view.getUint16(MAGIC.length);
  const domainId = blob.slice(MAGIC.length + 2, MAGIC.length + 2 + DOMAIN_ID_LENGTH);
  const nameLength = view.getUint16(fixed - 2);
  const end = fixed + nameLength + 8;
  if (blob.length < end) return undefined;
  let name: string;
  try {
    name = new TextDecoder("utf-8", { fatal: true }).decode(blob.subarray(fixed, fixed + nameLength));
  } catch {
    return undefined;
  }
  const created = Number(view.getBigUint64(fixed + nameLength));
  return { header: { formatVersion, domainId, name, created }, headerBytes: blob.slice(0, end), sealed: blob.slice(end) };
}

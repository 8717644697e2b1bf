// Records written before the object lifecycle (schema 1 of the SQLite store, backup format 1): one
// flat record per key. Read only, converted on the way in, so that no stored key or backup is lost.
import type { AttributesRecord, KeyVersionProps, ObjectRecord, VersionRecord } from "./records.js";

interface LegacyVersion {
  version: string;
  kty: string;
  keySize: number;
  keyOps: string[];
  attributes: AttributesRecord;
  tags?: Record<string, string>;
  publicJwk: Record<string, string>;
  sealed: string;
}

export interface LegacyKey {
  name: string;
  versions: LegacyVersion[];
  deleted?: ObjectRecord["deleted"];
  rotationPolicy?: Record<string, unknown>;
}

export function fromLegacyVersion(v: LegacyVersion): VersionRecord<KeyVersionProps> {
  return {
    version: v.version,
    attributes: v.attributes,
    ...(v.tags !== undefined ? { tags: v.tags } : {}),
    props: { kty: v.kty, keySize: v.keySize, keyOps: v.keyOps, publicJwk: v.publicJwk },
    sealed: v.sealed,
  };
}

export function fromLegacyKey(old: LegacyKey): ObjectRecord {
  return {
    kind: "key",
    name: old.name,
    versions: old.versions.map(fromLegacyVersion) as unknown as VersionRecord[],
    ...(old.deleted ? { deleted: old.deleted } : {}),
    ...(old.rotationPolicy ? { state: { rotationPolicy: old.rotationPolicy } } : {}),
  };
}

// A key record for store tests (sealed material is opaque to the store).
import type { KeyVersionProps, ObjectRecord } from "../../src/store/types.js";

export function storedKey(name: string, versions = 1): ObjectRecord<KeyVersionProps> & ObjectRecord {
  return {
    kind: "key",
    name,
    versions: Array.from({ length: versions }, (_, i) => ({
      version: `${i.toString(16).padStart(2, "0")}${"ab".repeat(15)}`,
      attributes: {
        enabled: true,
        created: 1700000000 + i,
        updated: 1700000000 + i,
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
      },
      tags: { n: String(i) },
      props: { kty: "EC-HSM", keySize: 256, keyOps: ["sign", "verify"], publicJwk: { kty: "EC-HSM", crv: "P-256", x: "eA", y: "eQ" } },
      sealed: Buffer.from(`sealed-${name}-${i}`).toString("base64url"),
    })),
  } as ObjectRecord<KeyVersionProps> & ObjectRecord;
}

/** The same key as schema 1 of the SQLite store wrote it (one flat record per key). */
export function legacyStoredKey(name: string, versions = 1): Record<string, unknown> {
  const rec = storedKey(name, versions);
  return {
    name,
    versions: rec.versions.map((v) => ({
      version: v.version,
      kty: v.props.kty,
      keySize: v.props.keySize,
      keyOps: v.props.keyOps,
      attributes: v.attributes,
      tags: v.tags,
      publicJwk: v.props.publicJwk,
      sealed: v.sealed,
    })),
  };
}

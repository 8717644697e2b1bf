// A StoredKey record for store tests (sealed material is opaque to the store).
import type { StoredKey } from "../../src/store/types.js";

export function storedKey(name: string, versions = 1): StoredKey {
  return {
    name,
    versions: Array.from({ length: versions }, (_, i) => ({
      version: `${i.toString(16).padStart(2, "0")}${"ab".repeat(15)}`,
      kty: "EC-HSM",
      keySize: 256,
      keyOps: ["sign", "verify"],
      attributes: {
        enabled: true,
        created: 1700000000 + i,
        updated: 1700000000 + i,
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
      },
      tags: { n: String(i) },
      publicJwk: { kty: "EC-HSM", crv: "P-256", x: "eA", y: "eQ" },
      sealed: Buffer.from(`sealed-${name}-${i}`).toString("base64url"),
    })),
  };
}

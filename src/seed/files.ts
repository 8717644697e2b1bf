// Seed entries may name files instead of holding their content: `pemFile` (a key's PKCS#8 PEM, or a
// certificate's PEM) and `pfxFile` (a certificate's PKCS#12). They are read here, before the seed is
// applied, by a reader the caller gives (the server reads them relative to the seed file); this layer
// has no file system of its own, so that seeds also work in a browser, where content goes inline.
import { encodeBase64url } from "../encoding/base64url.js";
import { SeedError, type VaultSeed } from "./entries.js";

/** Reads a file a seed names (a path as written in the seed); throws with the reason it cannot. */
export type SeedFileReader = (path: string) => Uint8Array;

const FILE_MEMBERS = { keys: ["pemFile"], secrets: [], certificates: ["pemFile", "pfxFile"] } as const;

/** Replaces every pemFile and pfxFile member by the file's content (pem: text, pfx: base64url, which import takes as it takes base64). */
export function readSeedFiles(vaults: Map<string, VaultSeed>, source: string, read: SeedFileReader | undefined): void {
  for (const [vaultName, seed] of vaults) {
    const prefix = vaultName === "default" ? "" : `vaults.${vaultName}.`;
    for (const kind of ["keys", "certificates"] as const) {
      seed[kind].forEach((entry, i) => {
        for (const member of FILE_MEMBERS[kind]) {
          const path = entry[member];
          if (path === undefined) continue;
          const where = `${prefix}${kind}[${i}] (${entry.name})`;
          const content = member === "pfxFile" ? "pfx" : "pem";
          if (typeof path !== "string" || path === "") throw new SeedError(source, where, `${member} must be a file path`);
          if (entry[content] !== undefined) throw new SeedError(source, where, `give ${content} or ${member}, not both`);
          if (!read) {
            throw new SeedError(source, where, `${member}: this seed cannot read files (give the content inline as ${content})`);
          }
          let bytes: Uint8Array;
          try {
            bytes = read(path);
          } catch (err) {
            throw new SeedError(source, where, `${member} ${path}: ${(err as Error).message}`);
          }
          delete entry[member];
          entry[content] = content === "pfx" ? encodeBase64url(bytes) : new TextDecoder().decode(bytes);
        }
      });
    }
  }
}

// The seed document (`--seed FILE`, YAML or JSON): objects to create when a vault starts.
//
//   keys:          - {name, kty, size?, curve?, public_exponent?, hsm?, key_ops?, tags?, attributes?}   generate
//                  - {name, jwk | pem, hsm?, key_ops?, tags?, attributes?}                              import
//   secrets:       - {name, value, contentType?, tags?, attributes?}
//   certificates:  - {name, policy, tags?, attributes?}                                                 self-signed
//                  - {name, pfx (base64), password?, pem?, policy?, tags?, attributes?}                 import
//   (pemFile and pfxFile name files instead of pem and pfx: files.ts)
//   vaults:        {NAME: {keys, secrets, certificates}}    for the emulator's named vaults
//
// Top-level keys/secrets/certificates are the default vault's. Parsing checks the shape only and names
// the entry that is wrong; what Key Vault itself checks (sizes, curves, values) is checked when the
// entry is applied, through the vault's own API, so that a seed obeys exactly the rules a client does.
import { parse as parseYaml } from "yaml";
import { SeedError, type SeedEntry, type VaultSeed } from "./entries.js";

export { SeedError, type SeedEntry, type VaultSeed };

export interface SeedDocument {
  /** Vault name ("default" for the top level) to what it holds. */
  vaults: Map<string, VaultSeed>;
}

const KINDS = ["keys", "secrets", "certificates"] as const;
const NAME = /^[0-9a-zA-Z-]{1,127}$/;

function vaultSeed(raw: unknown, source: string, where: string): VaultSeed {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new SeedError(source, where, "must be a mapping of keys, secrets and certificates");
  const r = raw as Record<string, unknown>;
  const out: VaultSeed = { keys: [], secrets: [], certificates: [] };
  for (const kind of KINDS) {
    const list = r[kind];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new SeedError(source, `${where}${kind}`, "must be a list");
    list.forEach((entry, i) => {
      const at = `${where}${kind}[${i}]`;
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new SeedError(source, at, "must be a mapping");
      const name = (entry as Record<string, unknown>).name;
      if (typeof name !== "string" || !NAME.test(name)) {
        throw new SeedError(source, at, `name must be 1 to 127 characters of 0-9, a-z, A-Z and '-', got ${JSON.stringify(name)}`);
      }
      out[kind].push(entry as SeedEntry);
    });
  }
  return out;
}

/** Parses a seed (YAML, of which JSON is a subset). `source` names the file in messages. */
export function parseSeed(text: string, source: string): SeedDocument {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new SeedError(source, "the file", `is not YAML or JSON (${(err as Error).message.split("\n")[0]})`);
  }
  if (raw === null || raw === undefined) return { vaults: new Map() };
  if (typeof raw !== "object" || Array.isArray(raw))
    throw new SeedError(source, "the file", "must be a mapping with keys, secrets, certificates or vaults");
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (![...KINDS, "vaults"].includes(k)) throw new SeedError(source, k, "is not a seed member (keys, secrets, certificates, vaults)");
  }
  const vaults = new Map<string, VaultSeed>();
  const top = vaultSeed({ keys: r.keys, secrets: r.secrets, certificates: r.certificates }, source, "");
  if (top.keys.length + top.secrets.length + top.certificates.length > 0) vaults.set("default", top);
  if (r.vaults !== undefined) {
    if (typeof r.vaults !== "object" || r.vaults === null || Array.isArray(r.vaults))
      throw new SeedError(source, "vaults", "must be a mapping of vault names");
    for (const [name, v] of Object.entries(r.vaults)) {
      const seed = vaultSeed(v, source, `vaults.${name}.`);
      const existing = vaults.get(name.toLowerCase());
      vaults.set(
        name.toLowerCase(),
        existing
          ? {
              keys: [...existing.keys, ...seed.keys],
              secrets: [...existing.secrets, ...seed.secrets],
              certificates: [...existing.certificates, ...seed.certificates],
            }
          : seed,
      );
    }
  }
  return { vaults };
}

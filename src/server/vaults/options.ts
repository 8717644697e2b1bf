// The emulator controls' options, one shape for serve() (the command line, startEmulator) and for
// createOfflineVault(): named vaults, a seed and simulated throttling. Each is checked here, before any
// vault opens, so that a wrong option stops the start with what is wrong.
import { parseSeed, readSeedFiles, SeedError, type SeedFileReader, type SeedMode, type VaultSeed } from "../../seed/index.js";
import { DEFAULT_VAULT, type VaultSpec } from "./directory.js";
import { parseLimits, SERVICE_LIMITS, type ThrottleLimits } from "./throttle.js";

/**
 * A seed: its text (YAML or JSON, what `--seed FILE` holds), or the same document as an object.
 * `source` names it in error messages (default "seed"); `mode` is skip (default) or replace.
 */
export type SeedInput =
  | { text: string; source?: string; mode?: SeedMode }
  | { document: Record<string, unknown>; source?: string; mode?: SeedMode };

/** "service-limits" (Key Vault's documented limits), or limits in the shape of a `--throttle FILE`. */
export type ThrottleInput = "service-limits" | ThrottleLimits | Record<string, unknown>;

export interface ControlsOptions {
  /** Named vaults besides the default one (`--vault NAME[=HOST][:PORT]`). */
  vaults?: VaultSpec[];
  /** Objects to create at start (`--seed FILE`, `--seed-mode`). */
  seed?: SeedInput;
  /** Simulated throttling (`--throttle`); off without it. */
  throttle?: ThrottleInput;
}

export interface ResolvedSeed {
  source: string;
  mode: SeedMode;
  /** Vault name ("default" for the top level) to what it gets. */
  vaults: Map<string, VaultSeed>;
}

/**
 * Parses a seed and checks that every vault it names is one of `vaultNames` (the default is always one).
 * `readFile` reads the files its entries name (pemFile, pfxFile); without it such an entry is refused.
 */
export function resolveSeed(input: SeedInput, vaultNames: readonly string[], readFile?: SeedFileReader): ResolvedSeed {
  const source = input.source ?? "seed";
  const mode = input.mode ?? "skip";
  if (mode !== "skip" && mode !== "replace") throw new SeedError(source, "mode", `must be skip or replace, got ${JSON.stringify(mode)}`);
  // JSON is YAML: an object goes through the same parser, so that both forms obey the same rules.
  const text = "text" in input ? input.text : JSON.stringify(input.document);
  if (typeof text !== "string") throw new SeedError(source, "the seed", "must be given as text or as a JSON-serialisable document");
  const doc = parseSeed(text, source);
  const known = new Set([DEFAULT_VAULT, ...vaultNames.map((n) => n.toLowerCase())]);
  // parseSeed keys the vaults by their lowercase names.
  for (const name of doc.vaults.keys()) {
    if (!known.has(name)) {
      throw new SeedError(source, `vaults.${name}`, `no such vault; declare it (--vault ${name}, or the vaults option)`);
    }
  }
  readSeedFiles(doc.vaults, source, readFile);
  return { source, mode, vaults: doc.vaults };
}

/** The limits of a ThrottleInput; a wrong custom limit throws naming it. */
export function resolveThrottle(input: ThrottleInput): ThrottleLimits {
  if (input === "service-limits") return SERVICE_LIMITS;
  if (typeof input === "string") throw new Error(`throttle: "service-limits" or an object of limits, got ${JSON.stringify(input)}`);
  return parseLimits(input, "throttle");
}

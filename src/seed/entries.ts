// What a parsed seed holds, and its error: apart from the parser (document.ts), so that what applies a
// seed (apply.ts, also in a vault's worker) does not carry the YAML parser with it.

export interface SeedEntry {
  name: string;
  [member: string]: unknown;
}

export interface VaultSeed {
  keys: SeedEntry[];
  secrets: SeedEntry[];
  certificates: SeedEntry[];
}

export class SeedError extends Error {
  constructor(source: string, where: string, problem: string) {
    super(`${source}: ${where}: ${problem}`);
    this.name = "SeedError";
  }
}

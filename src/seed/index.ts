export { applySeed, type SeedMode, type SeedReport } from "./apply.js";
export { parseSeed, SeedError, type SeedDocument, type VaultSeed } from "./document.js";
export { readSeedFiles, type SeedFileReader } from "./files.js";

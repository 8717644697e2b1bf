export { KeyVault, type KeyVaultOptions } from "./vault.js";
export { KeyVaultError } from "./errors.js";
export type * from "./types.js";
export type { VaultEngine } from "./engine.js";

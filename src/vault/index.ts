export { Vault, type VaultOptions } from "./vault.js";
export { openRecoveringVault, type RecoveringVault, type RecoveringVaultOptions } from "./recovery.js";
export { KeyVaultError } from "./errors.js";
export type { VaultEngine } from "./engine.js";
export type * from "../model/index.js";

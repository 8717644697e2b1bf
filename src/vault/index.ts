export { Vault, type VaultOptions } from "./vault.js";
export { openRecoveringVault, type RecoveringVault, type RecoveringVaultOptions } from "./recovery.js";
export { KeyVaultError } from "./errors.js";
export type { VaultEngine } from "./engine.js";
export type * from "../model/index.js";
export { API_VERSIONS, LATEST_API_VERSION, SUPPORTED_API_VERSIONS } from "./api-versions.js";
export { ATTESTATION_PATH, checkJwks } from "./attestation.js";
export { RESTORE_BODY_BYTES } from "./lifecycle/backup-format.js";

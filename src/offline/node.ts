// `wasm-hsm/offline` in Node: the offline vault, its worker a worker_threads Worker.
import { spawnNodeWorker } from "../server/workers/node-spawn.js";
import { openOfflineVault, type OfflineVault, type OfflineVaultOptions } from "./vault.js";

export { DEFAULT_OFFLINE_URL, type OfflineVault, type OfflineVaultOptions, type OfflineClientOptions, type WasmInput } from "./vault.js";
export type { OfflineManagement } from "./management.js";
export type { ControlsOptions, SeedInput, ThrottleInput } from "../server/vaults/options.js";

/**
 * A Key Vault with no network: give `url`, `credential` and `clientOptions` to KeyClient,
 * SecretClient or CertificateClient. No socket is opened and no port is listened on.
 */
export function createOfflineVault(options: OfflineVaultOptions = {}): Promise<OfflineVault> {
  return openOfflineVault(options, { spawnWorker: spawnNodeWorker });
}

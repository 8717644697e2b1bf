// The package's main entry ("wasm-hsm"): the emulator for test runners, and the vault itself for
// those who embed it (with a store and the engine, "wasm-hsm/engine").
export { startEmulator, type Emulator, type EmulatorOptions } from "./library/emulator.js";
// The emulator controls' options, the same for startEmulator and createOfflineVault.
export type { ControlsOptions, SeedInput, ThrottleInput } from "./server/vaults/options.js";
export type { VaultSpec } from "./server/vaults/directory.js";
export {
  clientConfig,
  type ClientConfig,
  type EmulatorClientOptions,
  type EmulatorConnection,
  type EmulatorCredential,
} from "./library/client.js";
export * from "./vault/index.js";
export { MemoryStore } from "./store/memory.js";
export type * from "./store/types.js";

import { startEmulator } from "wasm-hsm";

export default async function globalSetup() {
  globalThis.wasmHsm = await startEmulator();
  // Test files run in other contexts (or processes): they get { url, certificate } by the environment.
  process.env.WASM_HSM_CONNECTION = JSON.stringify(globalThis.wasmHsm.connection);
}

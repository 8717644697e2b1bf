import { type EmulatorConnection, startEmulator } from "wasm-hsm";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    vault: EmulatorConnection;
  }
}

// Once for the whole run: one emulator on a free port; the test files get { url, certificate }.
export default async function setup(project: TestProject) {
  const emu = await startEmulator();
  project.provide("vault", emu.connection);
  return () => emu.close();
}

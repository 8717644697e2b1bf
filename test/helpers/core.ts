// A raw core instance, for tests of exports that Hsm does not wrap (bn self-tests, non-Key Vault parameters).
import { Core } from "../../src/engine/core.js";

export async function newCore(): Promise<Core> {
  return Core.instantiate(new URL("../../build/hsm.wasm", import.meta.url));
}

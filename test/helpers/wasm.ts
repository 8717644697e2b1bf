// The two builds of the core (scripts/build.mjs). Tests use the release build unless they need a
// hook that only the test build has (assembly/testing/): bn_*, ec_test_op, ec_set_pure_rfc6979, ...
import { Core } from "../../src/engine/core.js";
import { Hsm, coreOf } from "../../src/engine/hsm.js";

export const RELEASE_WASM = new URL("../../build/hsm.wasm", import.meta.url);
export const TEST_WASM = new URL("../../build/hsm.test.wasm", import.meta.url);

/** A raw Core of the release build, for exports that Hsm does not wrap (non-Key Vault parameters). */
export async function newCore(): Promise<Core> {
  return Core.instantiate(RELEASE_WASM);
}

/** A raw Core of the test build, to call its hooks with core.call(name, ...). */
export async function newTestCore(): Promise<Core> {
  return Core.instantiate(TEST_WASM);
}

/**
 * An Hsm over the test build. deterministicEcdsa: plain RFC 6979 nonces (no added randomness),
 * so that signatures match published vectors; the product always hedges them.
 */
export async function newTestHsm(options: { deterministicEcdsa?: boolean } = {}): Promise<Hsm> {
  const hsm = await Hsm.create({ wasm: TEST_WASM });
  if (options.deterministicEcdsa) coreOf(hsm).call("ec_set_pure_rfc6979", "newTestHsm", 1);
  return hsm;
}

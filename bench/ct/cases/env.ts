// What every case factory gets: the engine as users have it (the release core), and an engine
// over the test build with its raw core, whose hooks (assembly/testing/ct.ts) time the core alone.
import type { Core } from "../../../src/engine/core.js";
import type { Hsm } from "../../../src/engine/index.js";

export interface CaseEnv {
  /** Hsm over build/hsm.wasm. */
  hsm: Hsm;
  /** Hsm over build/hsm.test.wasm: keys for the hooks are imported through it. */
  testHsm: Hsm;
  /** testHsm's core: the hooks are called as the engine calls every export (Core.write, Core.call). */
  testCore: Core;
}

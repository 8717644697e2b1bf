// What every case factory gets: the engine as users have it, and the test build's control.
import type { Hsm } from "../../../src/engine/index.js";

export interface CaseEnv {
  hsm: Hsm;
  /** The deliberately leaky comparison of the test build (assembly/testing/ct.ts), through the core's call path. */
  compareVartime: (input: Uint8Array, len: number) => number;
}

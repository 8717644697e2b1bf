// The cases of npm run ct, and running them: bench/ct/run.ts is the command line, the smoke
// test (test/bench/ct-smoke.test.ts) runs the same code with few measurements.
import { Hsm, coreOf } from "../../src/engine/hsm.js";
import { aesCases } from "./cases/aes.js";
import { controlCase } from "./cases/control.js";
import { ecCases } from "./cases/ec.js";
import type { CaseEnv } from "./cases/env.js";
import { rsaCases } from "./cases/rsa.js";
import { type CaseReport, type CtCase, type MeasureOptions, measureAndCompare } from "./measure.js";

/** The control's sizes: a GCM tag's 16 bytes, and 4 KiB, a leak that few measurements detect. */
export const CONTROL_LENGTHS = [16, 4096] as const;

export const DEFAULT_TEST_WASM = new URL("../../build/hsm.test.wasm", import.meta.url);

/** The engine as users create it (the release core), and an engine over the test build for the hooks. */
export async function caseEnv(testWasm: string | URL = DEFAULT_TEST_WASM): Promise<CaseEnv> {
  const testHsm = await Hsm.create({ wasm: testWasm });
  return { hsm: await Hsm.create(), testHsm, testCore: coreOf(testHsm) };
}

export function allCases(env: CaseEnv): CtCase[] {
  return [...CONTROL_LENGTHS.map((len) => controlCase(env, len)), ...aesCases(env), ...ecCases(env), ...rsaCases(env)];
}

export interface RunOptions extends MeasureOptions {
  /** Only the cases whose name contains this. */
  filter?: string;
  /** Called before each case. */
  onCase?: (c: CtCase, index: number, total: number) => void;
}

export async function runCases(cases: CtCase[], opts: RunOptions): Promise<CaseReport[]> {
  // The filter matches the name or the description ("private op", "the core alone").
  const selected = cases.filter((c) => !opts.filter || `${c.name} ${c.what}`.includes(opts.filter));
  const reports: CaseReport[] = [];
  for (const [i, c] of selected.entries()) {
    opts.onCase?.(c, i, selected.length);
    reports.push(measureAndCompare(c, opts));
  }
  return reports;
}

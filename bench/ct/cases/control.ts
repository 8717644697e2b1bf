// The positive control: an early-exit byte comparison inside the core (test build), timed the
// way the tag check is: inputs that differ in their first byte against inputs that differ in
// their last. The harness must flag it, or its silence on the real cases proves nothing.
import crypto from "node:crypto";
import { againstFirst, type CtCase } from "../measure.js";
import type { CaseEnv } from "./env.js";

/**
 * `len` bytes compared: 16 is a GCM tag (a leak of a few nanoseconds, the size the real tag
 * case must be able to see); a few KiB make a leak that a short smoke run detects reliably.
 */
export function controlCase({ testCore }: CaseEnv, len: number): CtCase<Uint8Array> {
  const c: CtCase<Uint8Array> = {
    name: `control.compareVartime.${len}`,
    what: `early-exit compare of ${len} bytes: differ at first vs last byte`,
    classes: ["differ at byte 0", `differ at byte ${len - 1}`],
    comparisons: againstFirst(2, "leak"),
    prepare: (cls) => {
      const input = new Uint8Array(2 * len);
      crypto.getRandomValues(input.subarray(0, len));
      input.copyWithin(len, 0, len);
      input[cls === 0 ? len : 2 * len - 1]! ^= 1 + crypto.randomInt(255);
      return input;
    },
    run: (input) => {
      testCore.write(input);
      return testCore.call("ct_control_compare_vartime", "control", len);
    },
  };
  // The core must see the difference where the class puts it.
  for (const [cls, equalPrefix] of [
    [0, 0],
    [1, len - 1],
  ]) {
    const got = c.run(c.prepare(cls!));
    if (got !== equalPrefix) throw new Error(`${c.name} ${c.classes[cls!]}: ${String(got)} equal leading bytes, expected ${equalPrefix}`);
  }
  return c;
}

// A vault worker (node-entry.ts) whose core traps once: the `at`-th call of the export `exportName`,
// counted across every instance the worker makes, throws WebAssembly.RuntimeError, as a trap in the
// core does. workerData: { exportName, at }. For tests of recovery inside workers (pool-trap.test.ts).
import { workerData } from "node:worker_threads";

const { exportName, at } = workerData as { exportName: string; at: number };
let calls = 0;
const real = WebAssembly.instantiate;
(WebAssembly as { instantiate: unknown }).instantiate = async (m: WebAssembly.Module, imports?: WebAssembly.Imports) => {
  const instance = (await real(m, imports)) as WebAssembly.Instance;
  const exports: Record<string, unknown> = { ...instance.exports };
  const fn = instance.exports[exportName] as (...a: number[]) => number;
  exports[exportName] = (...args: number[]) => {
    if (++calls === at) throw new WebAssembly.RuntimeError(`unreachable (trap injected in ${exportName})`);
    return fn(...args);
  };
  return { exports } as unknown as WebAssembly.Instance;
};

await import("../../src/server/workers/node-entry.js");

// Injected traps, from the host side (no test export in the core is needed): engines made by this factory
// run on an instance whose exports are wrapped, so that a test can make the next call of one export (or of
// any) throw WebAssembly.RuntimeError, as a trap in the core does. Core.call then marks the instance lost,
// exactly as after a real trap. WebAssembly.instantiate is patched only while Hsm.create() runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Hsm } from "../../src/engine/index.js";

export interface TrapControl {
  /** Engines made by the factory so far. */
  made: number;
  /** The next call of this export (or of any export, with "*") traps, once. */
  arm(exportName: string): void;
  /** How many injected traps have fired. */
  fired: number;
  factory: () => Promise<Hsm>;
}

const module = new WebAssembly.Module(readFileSync(join(import.meta.dirname, "../../build/hsm.wasm")));

export function trappingEngines(): TrapControl {
  let armed: string | undefined;
  const control: TrapControl = {
    made: 0,
    fired: 0,
    arm(name) {
      armed = name;
    },
    async factory() {
      const real = WebAssembly.instantiate;
      const patched = async (m: WebAssembly.Module, imports?: WebAssembly.Imports) => {
        const instance = (await real(m, imports)) as WebAssembly.Instance;
        const exports: Record<string, unknown> = { ...instance.exports };
        for (const [name, value] of Object.entries(instance.exports)) {
          if (typeof value !== "function") continue;
          const fn = value as (...a: number[]) => number;
          exports[name] = (...args: number[]) => {
            if (armed !== undefined && (armed === name || armed === "*")) {
              armed = undefined;
              control.fired++;
              throw new WebAssembly.RuntimeError(`unreachable (trap injected in ${name})`);
            }
            return fn(...args);
          };
        }
        return { exports } as unknown as WebAssembly.Instance;
      };
      (WebAssembly as { instantiate: unknown }).instantiate = patched;
      try {
        const hsm = await Hsm.create({ wasm: module });
        control.made++;
        return hsm;
      } finally {
        (WebAssembly as { instantiate: unknown }).instantiate = real;
      }
    },
  };
  return control;
}

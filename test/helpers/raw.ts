// Test-only access to the raw core, for fuzzing the ABI and scanning linear memory.
// The public engine never exposes these; only tests instantiate the module this way.
import { readFileSync } from "node:fs";
import { RELEASE_WASM, TEST_WASM } from "./wasm.js";

export interface RawCore {
  exports: Record<string, any>;
  memory: WebAssembly.Memory;
  inPtr: number;
  outPtr: number;
  capacity: number;
  write(bytes: Uint8Array, offset?: number): void;
  read(len: number): Uint8Array;
}

/**
 * A bare instance of build/hsm.wasm (or, with `test: true`, of build/hsm.test.wasm and its hooks);
 * `seed: false` leaves its DRBG unseeded (for known-answer tests).
 */
export async function rawCore(options: { seed?: boolean; test?: boolean } = {}): Promise<RawCore> {
  const bytes = readFileSync(options.test ? TEST_WASM : RELEASE_WASM);
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: {
      abort() {
        throw new WebAssembly.RuntimeError("abort");
      },
    },
  });
  const exports = instance.exports as Record<string, any>;
  const memory = exports.memory as WebAssembly.Memory;
  const core: RawCore = {
    exports,
    memory,
    inPtr: exports.io_in(),
    outPtr: exports.io_out(),
    capacity: exports.io_capacity(),
    write(b, offset = 0) {
      new Uint8Array(memory.buffer, core.inPtr + offset, b.length).set(b);
    },
    read(len) {
      return new Uint8Array(memory.buffer, core.outPtr, len).slice();
    },
  };
  if (options.seed !== false) {
    const seed = crypto.getRandomValues(new Uint8Array(48));
    core.write(seed);
    if (exports.rand_seed(48) !== 0) throw new Error("could not seed the raw core");
  }
  return core;
}

/** True if `needle` occurs anywhere in the core's linear memory. */
export function memoryContains(core: RawCore, needle: Uint8Array): boolean {
  return Buffer.from(core.memory.buffer).indexOf(Buffer.from(needle)) >= 0;
}

/** True if `needle` occurs in the core's input buffer (IN). */
export function inputContains(core: RawCore, needle: Uint8Array): boolean {
  return Buffer.from(core.memory.buffer, core.inPtr, core.capacity).indexOf(Buffer.from(needle)) >= 0;
}

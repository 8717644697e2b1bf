// A bare instance of the core for tests that must control what the host normally hides
// (the DRBG's first seed, test-only exports). Never used by the engine.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface RawCore {
  exports: Record<string, (...args: number[]) => number> & { memory: WebAssembly.Memory };
  write(bytes: Uint8Array, offset?: number): void;
  read(len: number, offset?: number): Uint8Array;
}

export async function rawCore(): Promise<RawCore> {
  const bytes = readFileSync(join(import.meta.dirname, "../../build/hsm.wasm"));
  const env = { abort: () => { throw new WebAssembly.RuntimeError("abort"); } };
  const { instance } = await WebAssembly.instantiate(bytes, { env });
  const ex = instance.exports as RawCore["exports"];
  const inPtr = ex.io_in!(), outPtr = ex.io_out!();
  return {
    exports: ex,
    write: (b, offset = 0) => new Uint8Array(ex.memory.buffer, inPtr + offset, b.length).set(b),
    read: (len, offset = 0) => new Uint8Array(ex.memory.buffer, outPtr + offset, len).slice(),
  };
}

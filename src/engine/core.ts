// The raw WebAssembly instance behind Hsm. Internal to src/engine: nothing outside
// the engine may import this module, so the memory and exports stay private.
import { HsmError, errorForStatus, refusalError } from "./status.js";

export type CoreExports = WebAssembly.Exports & {
  memory: WebAssembly.Memory;
  io_in(): number;
  io_out(): number;
  io_capacity(): number;
  io_out_capacity(): number;
  rand_seed(len: number): number;
  [name: string]: unknown;
};

type RawFn = (...args: number[]) => number;

const RESEED_INTERVAL = 64;

export type WasmSource = string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

export class Core {
  readonly #exports: CoreExports;
  readonly #inPtr: number;
  readonly #outPtr: number;
  /** A view of the whole linear memory, made again when the memory grows (growing detaches the old buffer). */
  #view: Uint8Array = new Uint8Array(0);
  readonly capacity: number;
  #lost = false;
  #sinceReseed = 0;

  private constructor(exports: CoreExports) {
    this.#exports = exports;
    this.#inPtr = exports.io_in();
    this.#outPtr = exports.io_out();
    this.capacity = exports.io_capacity();
  }

  static async instantiate(source: WasmSource): Promise<Core> {
    const imports = {
      env: {
        // Called by AssemblyScript on an internal assertion; the trap that follows is turned into INSTANCE_LOST.
        abort(_msg: number, _file: number, line: number, col: number) {
          throw new WebAssembly.RuntimeError(`core aborted at ${line}:${col}`);
        },
      },
    };
    const module = await compileCore(source);
    const instance = await WebAssembly.instantiate(module, imports);
    const core = new Core(instance.exports as CoreExports);
    core.reseedNow(48);
    return core;
  }

  /**
   * Called before every operation that draws from the DRBG. Fresh host entropy goes in on every
   * RESEED_INTERVAL-th call: the DRBG's own state already makes each output fresh (SP 800-90A
   * allows 2^48 requests between reseeds), and a reseed costs as much as a third of a P-256 sign.
   * Key generation calls reseedNow() instead. Note: a reseed passes its entropy through IN, so
   * call this before writing an operation's input.
   */
  reseed(): void {
    if (++this.#sinceReseed >= RESEED_INTERVAL) this.reseedNow();
  }

  /** Feeds the core's DRBG fresh entropy from crypto.getRandomValues (Node and browsers alike). */
  reseedNow(bytes = 32): void {
    this.#sinceReseed = 0;
    const entropy = crypto.getRandomValues(new Uint8Array(bytes));
    this.write(entropy);
    entropy.fill(0);
    this.call("rand_seed", "reseed", bytes);
  }

  /** Writes bytes into IN at offset. The caller checks the total against capacity first. */
  write(bytes: Uint8Array, offset = 0): void {
    if (offset + bytes.length > this.capacity) {
      throw new HsmError("BAD_LENGTH", `input of ${offset + bytes.length} bytes exceeds the HSM's I/O buffer of ${this.capacity} bytes`);
    }
    this.#heap().set(bytes, this.#inPtr + offset);
  }

  /** Writes several byte strings one after another into IN. Returns their lengths. */
  writeAll(...parts: Uint8Array[]): number[] {
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total > this.capacity) {
      throw new HsmError("BAD_LENGTH", `input of ${total} bytes exceeds the HSM's I/O buffer of ${this.capacity} bytes`);
    }
    let offset = 0;
    for (const p of parts) {
      this.write(p, offset);
      offset += p.length;
    }
    return parts.map((p) => p.length);
  }

  /** Size of the instance's linear memory in bytes (it only grows). */
  get memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  /** Copies len bytes out of OUT, starting at offset. */
  read(len: number, offset = 0): Uint8Array {
    const at = this.#outPtr + offset;
    return this.#heap().slice(at, at + len);
  }

  /** The linear memory as bytes: one view, kept until the memory grows (not one view per call). */
  #heap(): Uint8Array {
    const buffer = this.#exports.memory.buffer;
    if (this.#view.buffer !== buffer) this.#view = new Uint8Array(buffer);
    return this.#view;
  }

  /** Copies len bytes out of OUT and zeroes them there (private material the core hands out). */
  readSecret(len: number): Uint8Array {
    const heap = this.#heap();
    const out = heap.slice(this.#outPtr, this.#outPtr + len);
    heap.fill(0, this.#outPtr, this.#outPtr + len);
    return out;
  }

  /**
   * Calls an export; a negative status becomes an HsmError naming `context`.
   * A trap makes this instance unusable, and every later call says so.
   */
  call(name: string, context: string, ...args: number[]): number {
    if (this.#lost) throw new HsmError("INSTANCE_LOST", `${context}: the HSM instance was lost after an internal trap`);
    const fn = this.#exports[name] as RawFn | undefined;
    if (typeof fn !== "function") throw new HsmError("BAD_PARAMETER", `${context}: the core has no export ${name}`);
    // WebAssembly would wrap 2^32 + h to h, or truncate 1.5 to 1: only exact 32-bit integers pass.
    for (const a of args) {
      if (!Number.isInteger(a) || a < -0x80000000 || a > 0xffffffff) {
        throw new HsmError("BAD_PARAMETER", `${context}: argument ${String(a)} is not a 32-bit integer`);
      }
    }
    let result: number;
    try {
      result = fn(...args);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        this.#lost = true;
        throw new HsmError("INSTANCE_LOST", `${context}: the core trapped (${e.message}); the instance is no longer usable`);
      }
      throw e;
    }
    if (result < 0) throw errorForStatus(result, context);
    return result;
  }

  /**
   * Calls an import export (rsa_import, ec_import_private, byok_import, ...): a key the core refuses
   * (INVALID_KEY) becomes an error that says why, in the core's words (key_refusal()).
   */
  callImport(name: string, context: string, ...args: number[]): number {
    try {
      return this.call(name, context, ...args);
    } catch (e) {
      if (e instanceof HsmError && e.code === "INVALID_KEY") throw refusalError(this.call("key_refusal", context), context);
      throw e;
    }
  }
}

/**
 * The core compiled, from wherever it comes (see WasmSource). Compiled code holds no key: a thread
 * may compile it and hand it to a worker that instantiates it.
 */
export async function compileCore(source: WasmSource): Promise<WebAssembly.Module> {
  return isModule(source) ? source : WebAssembly.compile(await loadBytes(source));
}

function isModule(source: WasmSource): source is WebAssembly.Module {
  return typeof source === "object" && Object.prototype.toString.call(source) === "[object WebAssembly.Module]";
}

async function loadBytes(source: string | URL | ArrayBuffer | ArrayBufferView): Promise<BufferSource> {
  if (typeof source !== "string" && !(source instanceof URL)) return source as BufferSource;
  const url = typeof source === "string" ? new URL(source, import.meta.url) : source;
  if (url.protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new HsmError("BAD_PARAMETER", `could not load the HSM core from ${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

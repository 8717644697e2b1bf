// Hsm.create loads the core from the file system (default), from a URL, from bytes, or from a
// compiled module (the browser paths), and each instance keeps its keys to itself.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { Hsm } from "../../../src/engine/index.js";

const wasmPath = join(import.meta.dirname, "../../../build/hsm.wasm");

describe("Hsm.create", () => {
  it.each([
    ["the default location", () => ({})],
    ["a file: URL", () => ({ wasm: pathToFileURL(wasmPath) })],
    ["bytes", () => ({ wasm: readFileSync(wasmPath) })],
    ["a compiled module", () => ({ wasm: new WebAssembly.Module(readFileSync(wasmPath)) })],
  ])("from %s", async (_what, options) => {
    const hsm = await Hsm.create(options());
    expect(Buffer.from(hsm.digest("SHA-256", new TextEncoder().encode("abc"))).toString("hex")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    const key = hsm.generateOct(256);
    expect(hsm.keyInfo(key)).toEqual({ kind: "oct", bits: 256 });
  });

  it("refuses bytes that are not a WebAssembly module", async () => {
    await expect(Hsm.create({ wasm: new Uint8Array([1, 2, 3]) })).rejects.toThrow();
  });

  it("a handle from one instance means nothing to another", async () => {
    const a = await Hsm.create();
    const b = await Hsm.create();
    const key = a.generateOct(128);
    expect(() => b.keyInfo(key)).toThrow(expect.objectContaining({ code: "BAD_HANDLE" }));
  });

  it("the engine module exposes no raw exports or memory", async () => {
    const hsm = await Hsm.create();
    const visible = [...Object.keys(hsm), ...Object.getOwnPropertyNames(Object.getPrototypeOf(hsm))];
    for (const name of ["memory", "exports", "core", "instance", "raw"]) expect(visible).not.toContain(name);
    expect((hsm as unknown as Record<string, unknown>).memory).toBeUndefined();
    const engine = await import("../../../src/engine/index.js");
    expect(Object.keys(engine)).not.toContain("Core");
  });
});

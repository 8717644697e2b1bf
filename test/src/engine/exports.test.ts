// The release core exports the product's API only; test hooks live in the test build
// (assembly/testing/, build/hsm.test.wasm). The hooks are read from assembly/testing/*.ts, so a
// hook added there is checked here with no change to this test.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Hsm } from "../../../src/engine/index.js";
import { RELEASE_WASM, TEST_WASM } from "../../helpers/wasm.js";

const testingDir = join(import.meta.dirname, "../../../assembly/testing");

/** Every `export function name` declared in assembly/testing/ (the entry only re-exports). */
function testHooks(): string[] {
  const names: string[] = [];
  for (const file of readdirSync(testingDir)) {
    if (!file.endsWith(".ts")) continue;
    for (const m of readFileSync(join(testingDir, file), "utf8").matchAll(/^export function (\w+)/gm)) names.push(m[1]!);
  }
  return names.sort();
}

const exportsOf = (url: URL) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(url))).map((e) => e.name);

describe("the release core's exports", () => {
  const hooks = testHooks();
  const release = new Set(exportsOf(RELEASE_WASM));
  const test = new Set(exportsOf(TEST_WASM));

  it("the hooks of assembly/testing/ are found, and the test build carries them", () => {
    // The hooks the tests rely on today; more may be added.
    for (const h of ["bn_mul", "bn_modexp", "ec_test_op", "ec_set_pure_rfc6979", "hmac_test_key_reuse"]) expect(hooks).toContain(h);
    expect(hooks.filter((h) => !test.has(h))).toEqual([]);
  });

  it("include no test hook", () => {
    expect(hooks.filter((h) => release.has(h))).toEqual([]);
  });

  it("include no name that looks like a test or self-test export", () => {
    expect([...release].filter((n) => /(^bn_|_test_|test_|_for_tests?$)/.test(n))).toEqual([]);
  });

  it("are the test build's exports less the hooks", () => {
    expect([...test].filter((n) => !hooks.includes(n)).sort()).toEqual([...release].sort());
  });

  it("leave deterministic ECDSA unreachable through Hsm", async () => {
    const hsm = await Hsm.create({ wasm: RELEASE_WASM, deterministicEcdsaForTests: true } as never);
    const h = hsm.generateEc("P-256");
    const digest = new Uint8Array(32).fill(7);
    // Hedged nonces: two signatures of one digest differ.
    expect(hsm.sign(h, "ES256", digest)).not.toEqual(hsm.sign(h, "ES256", digest));
  });
});

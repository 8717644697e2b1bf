// scripts/gen.mjs: the host's ABI tables are generated from the core's sources, and --check fails,
// naming the file, when they are stale.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../..");
const gen = join(repo, "scripts/gen.mjs");
const OUT = "src/engine/generated/abi.ts";
const tmp = mkdtempSync(join(tmpdir(), "wasm-hsm-gen-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the core's sources and of the generated file, to change without touching the tree. */
function copyTree(): string {
  const dir = mkdtempSync(join(tmp, "t-"));
  cpSync(join(repo, "assembly"), join(dir, "assembly"), { recursive: true });
  cpSync(join(repo, OUT), join(dir, OUT));
  return dir;
}

const check = (root: string) => spawnSync(process.execPath, [gen, "--check", "--root", root], { encoding: "utf8" });

describe("npm run gen", () => {
  it("the committed tables are up to date", () => {
    const r = check(repo);
    expect(r.stderr).toContain("is up to date");
    expect(r.status).toBe(0);
  });

  it("--check fails, naming the file, when a status message changes in the core; gen then rewrites it", () => {
    const dir = copyTree();
    const status = join(dir, "assembly/status.ts");
    writeFileSync(status, readFileSync(status, "utf8").replace("an input length is out of range", "an input length is wrong"));
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${OUT} is out of date`);
    execFileSync(process.execPath, [gen, "--root", dir], { stdio: "pipe" });
    expect(readFileSync(join(dir, OUT), "utf8")).toContain('[-1]: ["BAD_LENGTH", "an input length is wrong"]');
    expect(check(dir).status).toBe(0);
  });

  it("--check fails when an id changes, and gen refuses an ABI constant without its doc comment", () => {
    const dir = copyTree();
    const ids = join(dir, "assembly/ec/ids.ts");
    writeFileSync(ids, readFileSync(ids, "utf8").replace("export const CURVE_P521: i32 = 4;", "export const CURVE_P521: i32 = 5;"));
    expect(check(dir).status).toBe(1);
    writeFileSync(ids, readFileSync(ids, "utf8").replace("/** P-521: NIST P-521 (FIPS 186-5, SP 800-186), secp521r1 */\n", ""));
    const r = spawnSync(process.execPath, [gen, "--root", dir], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("CURVE_P521 needs a doc comment");
  });
});

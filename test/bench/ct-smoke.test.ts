// A short run of the timing harness (npm run ct is not part of npm test; this is): the command
// runs end to end and flags its positive control even with few measurements; every case runs
// and reports. Real cases' verdicts are not asserted here: at these sizes they would be noise.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allCases, caseEnv, runCases } from "../../bench/ct/suite.js";
import { TEST_WASM } from "../helpers/wasm.js";

const root = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "wasm-hsm-ct-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run ct, short", () => {
  it("flags the positive control (an early-exit compare of 4 KiB) with 1,000 measurements per class", () => {
    const out = join(dir, "ct.json");
    const tsx = join(root, "node_modules", ".bin", "tsx");
    const args = ["bench/ct/run.ts", "--per-class", "1000", "--filter", "control.compareVartime.4096", "--out", out];
    // Exit status 0: every comparison met its mark, here the control's |t| > 4.5.
    const stdout = execFileSync(tsx, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(stdout).toMatch(/control\.compareVartime\.4096 .* pass/);
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(result.perClass).toBe(1000);
    expect(result.cases).toHaveLength(1);
    const [pair] = result.cases[0].pairs;
    expect(pair.expect).toBe("leak");
    expect(pair.maxAbsT).toBeGreaterThan(result.threshold);
    expect(pair.pass).toBe(true);
    // The leak is where the control puts it: comparing 4 KiB takes longer than stopping at byte 0.
    expect(pair.medianB).toBeGreaterThan(pair.medianA);
  });

  it("runs every case and reports every comparison", async () => {
    const env = await caseEnv(TEST_WASM); // the cases' own checks of their classes run here
    const cases = allCases(env);
    const names = new Set(cases.map((c) => c.name));
    for (const n of ["rsa2048.decrypt.RSA-OAEP-256", "rsa2048.decrypt.RSA1_5", "p256.sign.ES256", "aes256.wrapKey.A256KW"]) {
      expect(names).toContain(n);
    }
    const reports = await runCases(cases, { perClass: 40, warmupMs: 10, minCount: 20, batch: 20 });
    expect(reports).toHaveLength(cases.length);
    for (const [i, r] of reports.entries()) {
      expect(r.perClass).toEqual(cases[i]!.classes.map(() => 40));
      expect(r.pairs).toHaveLength(cases[i]!.comparisons.length);
      for (const p of r.pairs) {
        expect(Number.isFinite(p.maxAbsT)).toBe(true);
        expect(p.tests).toBeGreaterThan(0);
        expect(p.medianA).toBeGreaterThan(0);
      }
    }
  });
});

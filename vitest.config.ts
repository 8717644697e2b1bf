import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// The tests never touch the user's own state folder (~/.local/state/wasm-hsm, where the command
// keeps its certificate): XDG_STATE_HOME points at a temporary folder, inherited by every command
// a test starts, and removed by test/global-setup.ts.
const stateHome = mkdtempSync(join(tmpdir(), "wasm-hsm-test-state-"));

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    env: { XDG_STATE_HOME: stateHome },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
  },
});

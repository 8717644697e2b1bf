// Once before every run: dist/ is brought up to date (the command-line and package tests run the
// compiled JavaScript, as a user does), and the temporary state folder is removed at the end.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

export default function setup(project: TestProject) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, ["scripts/build-dist.mjs", "--if-needed"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  return () => {
    const stateHome = project.config.env.XDG_STATE_HOME;
    if (stateHome) rmSync(stateHome, { recursive: true, force: true });
  };
}

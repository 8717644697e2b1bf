// The README's promises, checked: it opens with the two commands (serve, test); the examples it
// shows are the files the package test runs, word for word; and its curl tour runs as written
// (against a server on a free port instead of 8443, with `node bin/wasm-hsm.mjs` for `npx wasm-hsm`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, execFileSync } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { BIN, ROOT, startCli, type CliServer } from "./helpers/cli-server.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
/** The fenced code blocks, in order, with their language. */
const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], text: m[2] }));

describe("README", () => {
  it("opens with the two commands: one serves, one runs the whole suite; both are package scripts", () => {
    const first = blocks[0].text.trim().split("\n");
    expect(first.map((l) => l.replace(/\s+#.*$/, ""))).toEqual(["npm ci && npm start", "npm ci && npm test"]);
    expect(readme.indexOf("```")).toBeLessThan(readme.indexOf("\n## "));
    const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
    expect(scripts.start).toMatch(/bin\/wasm-hsm\.mjs serve$/);
    expect(scripts.test).toMatch(/vitest run$/);
  });

  it("shows every example file as it is (the package test runs them)", () => {
    const files = [
      "quickstart.mjs",
      ...["vitest", "node-test", "jest"].flatMap((d) => readdirSync(join(ROOT, "examples", d)).map((f) => `${d}/${f}`)),
    ];
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) {
      const text = readFileSync(join(ROOT, "examples", f), "utf8");
      expect(
        blocks.some((b) => b.text === text),
        `examples/${f} is not in the README as it is`,
      ).toBe(true);
    }
  });
});

const hasTools = ["curl", "openssl", "bash"].every((tool) => {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});
if (!hasTools) console.warn("README tour: curl, openssl or bash is missing here: the tour is NOT run");

describe.skipIf(!hasTools)("the README's curl tour", () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCli([]);
  });
  afterAll(() => server?.stop());

  it("runs as written: ping, the challenge, the api-version error, create, and a signature node:crypto verifies", async () => {
    const tour = blocks.find((b) => b.text.includes("/keys/tour/sign"))!.text;
    const script = tour.replaceAll("https://127.0.0.1:8443", server.url).replaceAll("npx wasm-hsm", `'${process.execPath}' '${BIN}'`);
    const { stdout } = await promisify(execFile)("bash", ["-e", "-c", script], { cwd: ROOT, env: process.env, encoding: "utf8" });
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe('{"status":"ok"}');
    expect(lines[1]).toMatch(
      /^www-authenticate: Bearer authorization="https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}", resource="https:\/\/vault\.azure\.net"\r?$/i,
    );
    const noVersion = JSON.parse(lines[2]);
    expect(noVersion.error.code).toBe("BadParameter");
    expect(noVersion.error.message).toMatch(/api-version/);
    const created = JSON.parse(lines[3]);
    expect(created.key.kid).toMatch(new RegExp(`^${server.url}/keys/tour/[0-9a-f]{32}$`));
    const signed = JSON.parse(lines[4]);
    expect(signed.kid).toBe(created.key.kid);
    const pub = createPublicKey({ key: { kty: "EC", crv: "P-256", x: created.key.x, y: created.key.y }, format: "jwk" });
    const message = Buffer.from("hello, vault");
    expect(verify("sha256", message, { key: pub, dsaEncoding: "ieee-p1363" }, Buffer.from(signed.value, "base64url"))).toBe(true);
  });
});

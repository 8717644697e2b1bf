// The package as a user gets it: `npm pack`, installed from the tarball into an empty folder outside
// the repository, and used from there: `npx wasm-hsm serve`, the library with the real KeyClient, a
// TypeScript consumer checked against the shipped .d.ts, and the README's test-runner examples
// (node:test, vitest, Jest). The consumer's tools (@azure/keyvault-keys, typescript, vitest, jest)
// are linked from this repository's node_modules, so that only the tarball's own dependencies are
// installed (from npm's cache when it has them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../helpers/cli-server.js";
import { groupGone, portIsFree, startDetached } from "../helpers/detached.js";
import { rawRequest } from "../helpers/https.js";

const exec = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "wasm-hsm-package-"));
const consumer = join(work, "consumer");
const stateHome = join(work, "state");

/** The consumer's environment: nothing of this test run (npm's script variables, vitest's own). */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|VITEST|NODE_OPTIONS$|XDG_STATE_HOME$|WASM_HSM_)/i.test(k)) env[k] = v;
  }
  return { ...env, XDG_STATE_HOME: stateHome, NO_COLOR: "1", FORCE_COLOR: "0" };
}
const env = consumerEnv();

const run = (command: string, args: string[], cwd = consumer, extraEnv: NodeJS.ProcessEnv = {}) =>
  exec(command, args, { cwd, env: { ...env, ...extraEnv }, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}
let packed: PackResult;

beforeAll(async () => {
  // dist/ is current: test/global-setup.ts built it if needed, so no script runs here.
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT);
  packed = (JSON.parse(stdout) as PackResult[])[0];
  mkdirSync(consumer);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // better-sqlite3 (optional, for --data-dir) would be compiled from source: not needed here.
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--omit=optional", join(work, packed.filename)]);
  for (const tool of ["@azure/keyvault-keys", "@types/node", "typescript", "vitest", "jest"]) {
    mkdirSync(dirname(join(consumer, "node_modules", tool)), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", tool), join(consumer, "node_modules", tool), "dir");
  }
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm pack", () => {
  it("holds what a user runs and reads: dist (with the wasm), bin, README, LICENSE; no tests, sources or vectors", () => {
    const paths = packed.files.map((f) => f.path);
    for (const p of paths) expect(p, p).toMatch(/^(dist\/|bin\/wasm-hsm\.mjs$|README\.md$|LICENSE$|package\.json$)/);
    for (const needed of [
      "dist/hsm.wasm",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/engine/index.js",
      "dist/engine/index.d.ts",
      "dist/cli.js",
    ]) {
      expect(paths).toContain(needed);
    }
    expect(paths.filter((p) => p.endsWith(".js.map")).length).toBeGreaterThan(0);
    expect(packed.entryCount).toBe(paths.length);
  });

  it("installs with its runtime dependencies only: no build tool", () => {
    const pkg = JSON.parse(readFileSync(join(consumer, "node_modules", "wasm-hsm", "package.json"), "utf8"));
    for (const tool of ["tsx", "typescript", "assemblyscript", "vitest", "@biomejs/biome"]) {
      expect(Object.keys(pkg.dependencies ?? {})).not.toContain(tool);
    }
    for (const tool of ["tsx", "assemblyscript"]) expect(existsSync(join(consumer, "node_modules", tool)), tool).toBe(false);
  });
});

describe("from the installed package", () => {
  it("`npx wasm-hsm serve` answers; SIGTERM to npx and Ctrl-C (SIGINT to its group) stop it and free the port", async () => {
    for (const how of ["SIGTERM to npx", "SIGINT to the group"] as const) {
      const s = await startDetached("npx", ["wasm-hsm", "serve", "--port", "0", "--log-level", "warn"], { cwd: consumer, env });
      try {
        expect(s.certFile).toBe(join(stateHome, "wasm-hsm", "tls", "cert.pem"));
        const ca = readFileSync(s.certFile, "utf8");
        expect((await rawRequest(s.listenUrl, ca, { path: "/ping", headers: { authorization: "" } })).status).toBe(200);
        const created = await rawRequest(s.listenUrl, ca, {
          method: "POST",
          path: "/keys/npx-key/create?api-version=7.6",
          body: JSON.stringify({ kty: "EC", crv: "P-256" }),
        });
        expect(created.status, created.text).toBe(200);
        if (how === "SIGTERM to npx") process.kill(s.child.pid!, "SIGTERM");
        else process.kill(-s.child.pid!, "SIGINT");
        expect(await groupGone(s.child.pid!), `${how}: processes left\n${s.output()}`).toBe(true);
        expect(await portIsFree(s.port)).toBe(true);
      } finally {
        s.killGroup();
      }
    }
  });

  it("the library: startEmulator with the real KeyClient, the engine and offline exports, close() frees the port", async () => {
    const script = `
      import { createServer } from "node:net";
      import { KeyClient } from "@azure/keyvault-keys";
      import { startEmulator } from "wasm-hsm";
      import { Hsm } from "wasm-hsm/engine";
      import { createOfflineVault } from "wasm-hsm/offline";
      import pkg from "wasm-hsm/package.json" with { type: "json" };

      const emu = await startEmulator({ port: 0 });
      const keys = new KeyClient(emu.url, emu.credential, emu.clientOptions);
      const key = await keys.createRsaKey("lib-key", { keySize: 2048 });
      const hsm = await Hsm.create();
      const sha = Buffer.from(hsm.digest("SHA-256", new TextEncoder().encode("abc"))).toString("hex");
      const offline = await createOfflineVault();
      const offlineKey = await new KeyClient(offline.url, offline.credential, offline.clientOptions).createEcKey("off", { curve: "P-384" });
      await offline.close();
      await Promise.all([emu.close(), emu.close()]);
      const port = Number(new URL(emu.url).port);
      const free = await new Promise((r) => { const s = createServer(); s.once("error", () => r(false)); s.listen(port, "127.0.0.1", () => s.close(() => r(true))); });
      console.log(JSON.stringify({ version: pkg.version, kty: key.keyType, n: key.key.n.length, sha, offline: offlineKey.key.crv, free }));`;
    writeFileSync(join(consumer, "lib.mjs"), script);
    const { stdout } = await run(process.execPath, ["lib.mjs"]);
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    const sha = createHash("sha256").update("abc").digest("hex");
    expect(JSON.parse(stdout)).toEqual({ version, kty: "RSA", n: 256, sha, offline: "P-384", free: true });
  });

  it("a TypeScript consumer (and the vitest example) typechecks against the shipped .d.ts", async () => {
    cpSync(join(ROOT, "examples", "vitest"), join(consumer, "vitest"), { recursive: true });
    writeFileSync(
      join(consumer, "consumer.ts"),
      `import { KeyClient } from "@azure/keyvault-keys";
import { clientConfig, type Emulator, type EmulatorOptions, startEmulator } from "wasm-hsm";
import { Hsm } from "wasm-hsm/engine";
import { createOfflineVault } from "wasm-hsm/offline";

// Every option of \`wasm-hsm serve\` has a field.
const options: EmulatorOptions = {
  port: 0,
  host: "127.0.0.1",
  certFile: undefined,
  keyFile: undefined,
  authResource: "https://vault.azure.net",
  dataDir: undefined,
  vaultUrl: undefined,
  securityDomainFile: undefined,
  domainSecret: undefined,
  logLevel: "warn",
  workers: 0,
  deleteDelayMs: 0,
  attestationJwksFile: undefined,
  stateDir: undefined,
};
const emu: Emulator = await startEmulator(options);
export const client: KeyClient = new KeyClient(emu.url, emu.credential, emu.clientOptions);
const again = clientConfig(JSON.parse(JSON.stringify(emu.connection)));
export const client2 = new KeyClient(again.url, again.credential, again.clientOptions);
export const hsm: Hsm = await Hsm.create();
export const strings: string[] = [emu.url, emu.listenUrl, emu.certificate, emu.certificateFile];
// @ts-expect-error: the port is a number
await startEmulator({ port: "8443" });
// @ts-expect-error: no such option
await startEmulator({ prot: 0 });
export const closed: Promise<void> = emu.close();
const offline = await createOfflineVault({ worker: false });
export const offlineClient = new KeyClient(offline.url, offline.credential, offline.clientOptions);
// @ts-expect-error: worker is a boolean
await createOfflineVault({ worker: "yes" });
`,
    );
    const tsc = (project: object) => {
      writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify(project));
      return run(process.execPath, [join(consumer, "node_modules", "typescript", "bin", "tsc"), "-p", "."]).catch(
        (e: { stdout: string }) => ({ stdout: e.stdout || "tsc failed" }),
      );
    };
    const strict = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true };
    // The .d.ts files of the emulator and the engine, fully checked, with no @types/node nor any
    // Azure package in view: they must stand alone.
    writeFileSync(join(consumer, "entries.ts"), 'import "wasm-hsm";\nimport "wasm-hsm/engine";\n');
    expect((await tsc({ compilerOptions: { ...strict, skipLibCheck: false, types: [] }, files: ["entries.ts"] })).stdout).toBe("");
    // wasm-hsm/offline's name @azure/core-auth and @azure/core-rest-pipeline (optional peer
    // dependencies, which every Azure SDK client brings and npm hoists): there as a consumer has them.
    for (const peer of ["@azure/core-auth", "@azure/core-rest-pipeline"]) {
      symlinkSync(join(ROOT, "node_modules", peer), join(consumer, "node_modules", peer), "dir");
    }
    // Used as a consumer uses them, with the SDK's own types.
    const consumerCheck = await tsc({
      compilerOptions: { ...strict, skipLibCheck: true, types: ["node"] },
      include: ["consumer.ts", "vitest/*.ts"],
    });
    expect(consumerCheck.stdout).toBe("");
  });

  it("the README's examples run: node:test, vitest globalSetup, Jest globalSetup", async () => {
    for (const dir of ["node-test", "vitest", "jest"]) cpSync(join(ROOT, "examples", dir), join(consumer, dir), { recursive: true });
    const bin = (p: string) => join(consumer, "node_modules", p);
    const [nodeTest, vitest, jest] = await Promise.all([
      run(process.execPath, ["--test", "keys.test.mjs"], join(consumer, "node-test")),
      run(process.execPath, [bin("vitest/vitest.mjs"), "run"], join(consumer, "vitest")),
      run(process.execPath, [bin("jest/bin/jest.js"), "--ci"], join(consumer, "jest"), { NODE_OPTIONS: "--experimental-vm-modules" }),
    ]);
    expect(nodeTest.stdout).toMatch(/# pass 1\n# fail 0\n/);
    expect(vitest.stdout).toMatch(/Tests\s+1 passed \(1\)/);
    expect(jest.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
  });
});

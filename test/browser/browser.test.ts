// The offline vault in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core): the
// browser bundle built by scripts/build-browser.mjs, and a page bundled with the real SDK clients,
// served from 127.0.0.1 on a port from 9700 to 9799. Every check runs four times: the URL bundle and
// the single-file bundle, each with the engine in the page and in a Web Worker. The page checks with
// WebCrypto; this file checks its signatures again with node:crypto, and that the page asked nothing
// of any server but the static one.
// Without /usr/bin/chromium the suite is skipped with a loud warning, unless CI is set: then it fails.
import { verify } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, without types
import { buildBrowser } from "../../scripts/build-browser.mjs";
import type { PageReport } from "./page.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const PORTS = { first: 9700, last: 9799 };
const here = fileURLToPath(new URL(".", import.meta.url));

const present = existsSync(CHROMIUM);
if (!present && !process.env.CI) {
  console.warn(
    `\n!!! SKIPPING the browser tests: ${CHROMIUM} is missing. Install it with\n!!!   apt-get update && apt-get install -y chromium\n`,
  );
}

describe.skipIf(present || !process.env.CI)("browser (CI)", () => {
  it(`needs ${CHROMIUM}`, () => {
    throw new Error(`${CHROMIUM} is missing, and CI is set: .ci/run installs it (apt-get install -y chromium)`);
  });
});

describe.skipIf(!present)("the offline vault in Chromium", () => {
  const work = mkdtempSync(join(tmpdir(), "wasm-hsm-browser-"));
  const site = join(work, "site");
  let server: Server;
  let origin: string;
  let context: BrowserContext;
  const requested: string[] = [];
  let sizes: Record<string, { bytes: number; gzip: number }>;

  beforeAll(async () => {
    sizes = await buildBrowser({ outdir: site });
    await build({
      entryPoints: [join(here, "page.ts")],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      external: ["wasm-hsm"],
      outfile: join(site, "page.js"),
      logLevel: "warning",
    });
    for (const [page, bundle] of [
      ["url.html", "./wasm-hsm.js"],
      ["inline.html", "./wasm-hsm.inline.js"],
    ]) {
      writeFileSync(
        join(site, page),
        `<!doctype html><html><head><meta charset="utf-8">` +
          `<script type="importmap">${JSON.stringify({ imports: { "wasm-hsm": bundle } })}</script>` +
          `<script type="module" src="./page.js"></script></head><body></body></html>\n`,
      );
    }
    ({ server, origin } = await serveStatic(site));
    context = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
    });
    context.on("request", (r) => requested.push(r.url()));
  });

  afterAll(async () => {
    await context?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    rmSync(work, { recursive: true, force: true });
  });

  it("the bundles exist, with their sizes, and carry no Node built-in", () => {
    for (const f of ["wasm-hsm.js", "wasm-hsm.worker.js", "hsm.wasm", "wasm-hsm.inline.js"]) {
      expect(sizes[f]!.bytes, f).toBeGreaterThan(1000);
    }
    // The single file holds the core and the worker: it is larger than the other three together, less the core's base64 growth.
    expect(sizes["wasm-hsm.inline.js"]!.bytes).toBeGreaterThan(sizes["hsm.wasm"]!.bytes + sizes["wasm-hsm.worker.js"]!.bytes);
    for (const f of ["wasm-hsm.js", "wasm-hsm.worker.js", "wasm-hsm.inline.js"]) {
      const text = readFileSync(join(site, f), "utf8");
      expect(text, f).not.toMatch(/\bfrom\s*["']node:|\bimport\(\s*["']node:|\brequire\(/);
    }
  });

  for (const bundle of ["url", "inline"] as const) {
    for (const worker of [false, true]) {
      it(`${bundle === "url" ? "wasm-hsm.js (core and worker by URL)" : "wasm-hsm.inline.js (one file)"}, engine ${worker ? "in a Web Worker" : "in the page"}`, async () => {
        const page = await context.newPage();
        const logs: string[] = [];
        page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
        page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
        try {
          await page.goto(`${origin}/${bundle}.html`);
          await page.waitForFunction(() => "runChecks" in globalThis, undefined, { timeout: 20_000 });
          const report = (await page.evaluate((w) => (globalThis as any).runChecks(w), worker)) as PageReport;
          expect(report.errors, logs.join("\n")).toEqual([]);
          expect(Object.keys(report.checks)).toHaveLength(9);
          for (const [name, ok] of Object.entries(report.checks)) expect(ok, name).toBe(true);
          // node:crypto agrees with WebCrypto about the page's signatures.
          const data = Buffer.from(report.message);
          const rsaKey = { key: { kty: "RSA", n: report.rsa.n, e: report.rsa.e }, format: "jwk" } as const;
          expect(verify("sha256", data, rsaKey, Buffer.from(report.rsa.rs256, "base64url"))).toBe(true);
          const ecKey = {
            key: { kty: "EC", crv: "P-256", x: report.ec.x, y: report.ec.y },
            format: "jwk",
            dsaEncoding: "ieee-p1363",
          } as const;
          expect(verify("sha256", data, ecKey, Buffer.from(report.ec.es256, "base64url"))).toBe(true);
          // With the engine in a worker, the page never instantiates the core.
          if (worker) expect(report.instantiations).toBe(0);
          // In the page, one per vault: the first check's, then the controls check's default, kv2 and kv3.
          else expect(report.instantiations).toBe(4);
        } finally {
          await page.close();
        }
      });
    }
  }

  it("the page asked nothing of any server but the static one", () => {
    expect(requested.length).toBeGreaterThan(0);
    const elsewhere = requested.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("blob:") && !u.startsWith("data:"));
    expect(elsewhere).toEqual([]);
  });
});

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};

/** A static file server for `dir` on the first free port from 9700 to 9799. */
async function serveStatic(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file) || !TYPES[extname(file)]) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)]!, "cache-control": "no-store" }).end(readFileSync(file));
  });
  for (let port = PORTS.first; port <= PORTS.last; port++) {
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (ok) return { server, origin: `http://127.0.0.1:${port}` };
  }
  throw new Error(`no free port from ${PORTS.first} to ${PORTS.last}`);
}

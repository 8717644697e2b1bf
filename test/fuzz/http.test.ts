// Fuzzing (issue 15): the HTTPS transport (fastify over node:https) with hostile headers, written as raw
// bytes so that no client library tidies them: any token as a name, any printable or Latin-1 value, long
// values, many headers, duplicates of the ones the router reads. Properties: a whole HTTP answer, never a
// 5xx, every error in Key Vault's envelope; the server still serves afterwards.
import tls from "node:tls";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type RunningServer } from "../../src/server/serve.js";
import { MemoryStore } from "../../src/store/memory.js";
import { Vault } from "../../src/vault/index.js";
import { TOKEN, rawRequest } from "../helpers/https.js";
import { newEngine } from "../src/vault/fixture.js";

let server: RunningServer;
beforeAll(async () => {
  const vault = await Vault.open({ hsm: await newEngine(), store: new MemoryStore() });
  await vault.keys.createKey("k", { kty: "oct", key_size: 256 }, { vaultUrl: "https://x", apiVersion: "7.6" });
  server = await serve({ vault, port: 0, logLevel: "silent" });
});
afterAll(async () => {
  await server?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends the request as written; resolves with the first answer (status line, headers, content-length body). */
function send(head: string, body: Buffer, isHead = false): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: server.cert }, () => {
      socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
    });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer to:\n${head.slice(0, 300)}`));
    }, 10_000);
    const tryParse = () => {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [statusLine, ...lines] = buf.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      // The answer to HEAD has no body, whatever its content-length says.
      const length = isHead ? 0 : Number(headers["content-length"] ?? 0);
      if (buf.length < end + 4 + length) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, body: buf.subarray(end + 4, end + 4 + length).toString("utf8") });
    };
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      tryParse();
    });
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const headerName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 20 }),
  fc.constantFrom(
    "authorization",
    "content-type",
    "host",
    "x-ms-client-request-id",
    "accept",
    "accept-encoding",
    "expect",
    "connection",
    "cookie",
    "x-forwarded-for",
    "te",
    "upgrade",
  ),
);
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.constantFrom("", " ", "Bearer", TOKEN, "application/json", "100-continue", "close", "keep-alive", "gzip", "chunked"),
  fc.integer({ min: 1000, max: 12_000 }).map((n) => "v".repeat(n)),
);
const requestArb = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
  path: fc.constantFrom("/keys", "/keys/k", "/keys/k/encrypt", "/keys/k/create", "/secrets/s", "/deletedkeys", "/rng", "/nope"),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 30 }),
  body: fc.oneof(fc.constant(""), fc.constant('{"alg":"A256GCM","value":"AAAA"}'), fc.json()),
});

describe("the HTTPS transport with hostile headers", () => {
  it("answers every request in full, never 5xx, errors in the envelope; and still serves", async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const body = Buffer.from(r.body, "utf8");
        // The framing headers are ours, so that the request is complete; the fuzzed ones come after.
        const fuzzed = r.headers
          .filter(([n]) => !["content-length", "transfer-encoding", "expect", "upgrade", "connection"].includes(n.toLowerCase()))
          .map(([n, v]) => `${n}: ${v}\r\n`)
          .join("");
        const head = `${r.method} ${r.path}?api-version=7.6 HTTP/1.1\r\nHost: ${new URL(server.url).host}\r\nAuthorization: ${TOKEN}\r\ncontent-length: ${body.length}\r\n${fuzzed}\r\n`;
        const res = await send(head, body, r.method === "HEAD");
        seen.add(res.status);
        expect(res.status, `${r.method} ${r.path}: ${res.body}`).toBeLessThan(500);
        if (res.status >= 400 && r.method !== "HEAD") {
          const env = JSON.parse(res.body);
          expect(Object.keys(env)).toEqual(["error"]);
          expect(typeof env.error.code).toBe("string");
          expect(typeof env.error.message).toBe("string");
        }
      }),
      { numRuns: 200 },
    );
    expect([...seen].some((s) => s >= 400)).toBe(true);
    expect((await rawRequest(server.url, server.cert, { path: "/keys?api-version=7.6" })).status).toBe(200);
  });
});

// Issue 15, defect 8: requests that Node's HTTP parser refuses before fastify sees them (headers over the
// size limit, thousands of headers, broken framing) got fastify's own JSON ({"error":"Request Header Fields
// Too Large",...}) or a bare 400. Every error now goes out in Key Vault's envelope, and the server goes on.
import tls from "node:tls";
import { maxHeaderSize } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type RunningServer } from "../../../src/server/serve.js";
import { FakeVault } from "../../helpers/fake-vault.js";
import { rawRequest } from "../../helpers/https.js";

let server: RunningServer;
beforeAll(async () => {
  server = await serve({ vault: new FakeVault(), port: 0, logLevel: "silent" });
});
afterAll(async () => {
  await server?.close();
});

/** Sends a request head as written (no client library would send these), returns the whole answer. */
function rawHead(extraLines: string, method = "GET"): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: server.cert }, () => {
      socket.write(`${method} /keys?api-version=7.6 HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer a.b.c\r\n${extraLines}\r\n`);
    });
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString("latin1")));
    socket.on("error", reject);
    socket.on("end", () => {
      const [head, ...rest] = text.split("\r\n\r\n");
      const [statusLine, ...lines] = head!.split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, body: rest.join("\r\n\r\n") });
    });
  });
}

const many = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => `${line(i)}\r\n`).join("");

describe("requests refused by the HTTP parser get Key Vault's envelope", () => {
  it.each([
    ["one header over the limit", `X-Big: ${"a".repeat(maxHeaderSize + 10)}\r\n`],
    ["2,000 headers", many(2000, (i) => `X-Header-Number-${i}: value-${i}`)],
    ["2,000 authorization headers", many(2000, () => "Authorization: Bearer a.b.c")],
  ])("%s: 431 BadParameter naming the limit", async (_label, lines) => {
    const res = await rawHead(lines);
    expect(res.status).toBe(431);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.connection).toBe("close");
    expect(JSON.parse(res.body)).toEqual({
      error: { code: "BadParameter", message: `The request's headers are larger than the limit of ${maxHeaderSize} bytes in all.` },
    });
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.body));
  });

  it.each([
    ["a header line without a colon", "Bad Header Line\r\n", "GET"],
    ["2,000 content-length headers", many(2000, () => "Content-Length: 0"), "POST"],
    ["a bad transfer-encoding", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "POST"],
  ])("%s: 400 BadParameter", async (_label, lines, method) => {
    const res = await rawHead(lines, method);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body);
    expect(body.error.code).toBe("BadParameter");
    expect(body.error.message).toMatch(/^The request is malformed \([A-Z_]+\)\.$/);
    expect(Object.keys(body)).toEqual(["error"]);
  });

  it("the server still serves afterwards", async () => {
    const res = await rawRequest(server.url, server.cert, { path: "/keys?api-version=7.6" });
    expect(res.status).toBe(200);
  });
});

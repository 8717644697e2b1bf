// Raw HTTPS requests for the server's tests: what the SDK cannot send (bad JSON, no api-version,
// oversize bodies, bad tokens), with the server's certificate as the only trusted CA.
import https from "node:https";
import type { IncomingHttpHeaders } from "node:http";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): any;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Send the headers, then wait for the answer without sending the body (the challenge test). */
  withholdBody?: boolean;
}

export const TOKEN = "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.";

export function rawRequest(baseUrl: string, ca: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = https.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method ?? "GET",
        path: req.path,
        ca,
        agent: false,
        headers: { authorization: TOKEN, ...(req.body !== undefined ? { "content-type": "application/json" } : {}), ...req.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    if (req.withholdBody) r.flushHeaders();
    else r.end(req.body);
  });
}

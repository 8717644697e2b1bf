// A small JSON client for the emulator over HTTPS with keep-alive, for the crash, soak and leak tests:
// every answer comes back as {status, json, text}; a transport failure (a killed server) rejects.
import https from "node:https";
import { TOKEN } from "./https.js";

export interface KvAnswer {
  status: number;
  text: string;
  json: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface KvHttp {
  call(method: string, path: string, body?: unknown, apiVersion?: string): Promise<KvAnswer>;
  close(): void;
}

export function kvHttp(baseUrl: string, ca: string, options: { onAnswer?: (request: string, answer: KvAnswer) => void } = {}): KvHttp {
  const url = new URL(baseUrl);
  const agent = new https.Agent({ keepAlive: true, ca, maxSockets: 64 });
  return {
    call(method, path, body, apiVersion = "7.6") {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const sep = path.includes("?") ? "&" : "?";
      return new Promise((resolve, reject) => {
        const req = https.request(
          {
            host: url.hostname,
            port: url.port,
            method,
            path: `${path}${sep}api-version=${apiVersion}`,
            agent,
            headers: {
              authorization: TOKEN,
              ...(text !== undefined ? { "content-type": "application/json", "content-length": Buffer.byteLength(text) } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              const t = Buffer.concat(chunks).toString("utf8");
              let json: unknown;
              try {
                json = t === "" ? undefined : JSON.parse(t);
              } catch {
                json = undefined;
              }
              const answer = { status: res.statusCode!, text: t, json, headers: res.headers };
              options.onAnswer?.(`${method} ${path}`, answer);
              resolve(answer);
            });
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(text);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

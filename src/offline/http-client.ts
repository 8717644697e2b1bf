// The in-process transport: an @azure/core-rest-pipeline HttpClient that hands each request to the
// same transport-free router the HTTPS server uses (the 401 challenge included), or to a worker pool
// that runs it. No socket, no routing of its own.
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { Router } from "../server/router.js";
import { OfflineHeaders } from "./headers.js";

export interface Origins {
  /** Whether a request for this URL is for one of the vaults here. */
  accepts(url: URL): boolean;
  /** Which ones, for the error of a request that is not. */
  describe: string;
}

/** Answers requests for `origins` with `router`; `isClosed` refuses them after close(). */
export function offlineHttpClient(origins: Origins, router: Pick<Router, "handle">, isClosed: () => boolean): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      throwIfAborted(request);
      const url = new URL(request.url);
      if (!origins.accepts(url)) {
        throw new Error(
          `the offline vault answers requests for ${origins.describe} only, not ${url.origin}: create the client with vault.url or vault.vaultUrl(name)`,
        );
      }
      if (isClosed()) throw new Error("the offline vault is closed");
      const headers: Record<string, string> = { host: url.host };
      for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
      const body = await bodyBytes(request);
      const res = await router.handle({ method: request.method, url: `${url.pathname}${url.search}`, headers, body });
      throwIfAborted(request);
      return { request, status: res.status, headers: new OfflineHeaders(res.headers), bodyAsText: res.body ?? "" };
    },
  };
}

function throwIfAborted(request: PipelineRequest): void {
  if (request.abortSignal?.aborted) {
    const err = new Error("The operation was aborted.");
    err.name = "AbortError";
    throw err;
  }
}

/** The request body as the router takes it: text or bytes. The Key Vault SDKs send JSON text. */
async function bodyBytes(request: PipelineRequest): Promise<string | Uint8Array | undefined> {
  const body = request.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof Blob !== "undefined" && body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  throw new Error("the offline vault takes a request body as a string, bytes or a Blob, not a stream or a form");
}

// The HTTPS transport: fastify over node:https, one catch-all route that hands the raw request to
// the router. Fastify does the framing (TLS, keep-alive, body limit, structured logs with pino);
// every answer, errors of fastify's own included, comes from the router in Key Vault's envelope.
//  - The 401 challenge is decided in onRequest, before any body byte is read.
//  - Bodies reach the router as raw bytes (one catch-all content-type parser), so the router alone
//    decides about content types and JSON.
import { randomUUID } from "node:crypto";
import { maxHeaderSize, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";
import { KeyVaultError } from "../vault/errors.js";
import { httpErrors, type ServerLogger } from "./errors.js";
import { bodyTooLarge, type HttpRequest, type HttpResponse, type Router } from "./router.js";

export interface HttpServerOptions {
  router: Router;
  /** PEM certificate and key; without them the server speaks plain HTTP (tests of the router only). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** fastify's logger option: false, true, or pino options. Default false. */
  logger?: FastifyServerOptions["logger"];
  /** Time allowed to receive a whole request (ms). Default 60 s. */
  requestTimeout?: number;
}

/** Headers and fields that must never reach a log line. */
export const LOG_REDACT = ["req.headers.authorization", "req.headers.cookie", "req.body", "res.body"];

export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const { router } = options;
  const common = {
    logger: options.logger ?? false,
    bodyLimit: router.largestBodyBytes,
    exposeHeadRoutes: false,
    requestTimeout: options.requestTimeout ?? 60_000,
    genReqId: () => randomUUID(),
    requestIdHeader: false as const,
    // Fastify's own refusals of a request line (a bad URL, a parameter too long) go through the router's envelope.
    frameworkErrors: (error: Error, req: FastifyRequest, reply: FastifyReply) => {
      void sendError(router, req, reply, error);
    },
    // Node's HTTP parser refuses some requests before fastify sees them (headers too large, bad framing):
    // those answers are written here, on the socket, in the envelope too.
    clientErrorHandler(this: FastifyInstance, error: Error, socket: Duplex) {
      sendClientError(router, this.log as unknown as ServerLogger, error, socket);
    },
  };
  const app = (options.tls
    ? Fastify({ ...common, https: { cert: options.tls.cert, key: options.tls.key } })
    : Fastify(common)) as unknown as FastifyInstance;

  // Raw bytes for every content type (and for none): the router parses.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: router.largestBodyBytes }, (_req, body, done) => done(null, body));

  app.addHook("onRequest", async (req, reply) => {
    const refused = router.preflight(toHttpRequest(req), { requestId: req.id, log: req.log as ServerLogger });
    if (!refused) return;
    // The body, if any, is left unread: close the connection rather than drain it.
    if (hasBody(req)) refused.headers.connection = "close";
    return send(reply, refused);
  });

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const res = await router.handle(toHttpRequest(req, req.body as Buffer | undefined), {
      requestId: req.id,
      log: req.log as ServerLogger,
    });
    return send(reply, res);
  };
  app.route({ method: [...ROUTE_METHODS], url: "*", handler });
  app.setNotFoundHandler(handler);
  app.setErrorHandler((error, req, reply) => sendError(router, req, reply, error));
  return app;
}

// Every method fastify parses; the router answers 405 for those that no route takes.
const ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"] as const;

function hasBody(req: FastifyRequest): boolean {
  const len = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (len !== undefined && len !== "0");
}

function toHttpRequest(req: FastifyRequest, body?: Buffer): HttpRequest {
  const out: HttpRequest = { method: req.method, url: req.url, headers: req.headers, body };
  // The peer's address, for the audit line's callerIpAddress (no proxy is trusted: it is the socket's).
  const remoteAddress = req.socket.remoteAddress;
  if (remoteAddress !== undefined) out.remoteAddress = remoteAddress;
  return out;
}

function send(reply: FastifyReply, res: HttpResponse): FastifyReply {
  reply.code(res.status).headers(res.headers);
  return res.body === undefined ? reply.send() : reply.send(res.body);
}

/**
 * A request that Node's parser refused, answered on the raw socket: 431 for headers over Node's limit,
 * 408 for a request that took too long, 400 for anything else malformed; then the connection closes.
 */
function sendClientError(router: Router, log: ServerLogger, error: Error, socket: Duplex): void {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ECONNRESET" || socket.destroyed) return;
  let kvError: KeyVaultError;
  if (code === "HPE_HEADER_OVERFLOW") {
    kvError = new KeyVaultError(431, "BadParameter", `The request's headers are larger than the limit of ${maxHeaderSize} bytes in all.`);
  } else if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    kvError = new KeyVaultError(408, "RequestTimeout", "The request was not received in time.");
  } else {
    kvError = httpErrors.badParameter(`The request is malformed (${/^[A-Z_]+$/.test(code ?? "") ? code : "bad framing"}).`);
  }
  const res = router.errorResponse({ method: "GET", url: "/", headers: {} }, kvError, { log });
  const body = res.body ?? "";
  const head = [`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? "Error"}`];
  for (const [name, value] of Object.entries(res.headers)) head.push(`${name}: ${value}`);
  head.push(`content-length: ${Buffer.byteLength(body)}`, "connection: close");
  // end(), not write() and destroy(): over TLS a destroyed socket may drop what was written.
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
  // A client that never closes its side does not keep the socket.
  setTimeout(() => socket.destroy(), 5_000).unref();
}

/** Fastify's errors (body too large, bad framing, a bad URL) as Key Vault answers: never a 500 for them. */
function sendError(router: Router, req: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const e = error as { statusCode?: number; code?: string; message?: string };
  let kvError: unknown;
  if (e?.code === "FST_ERR_CTP_BODY_TOO_LARGE" || e?.statusCode === 413) kvError = bodyTooLarge(router.largestBodyBytes);
  else if (typeof e?.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    kvError = httpErrors.badParameter(`The request is malformed (${e.code ?? e.statusCode}).`);
  } else kvError = error;
  return send(reply, router.errorResponse(toHttpRequest(req), kvError, { requestId: req.id, log: req.log as ServerLogger }));
}

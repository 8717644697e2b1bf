// Failures to HTTP answers, always in Key Vault's error envelope:
// {"error":{"code","message","innererror"?:{"code"}}}.
// A KeyVaultError carries its own status and code. Anything else that reaches the server is a bug
// of ours (the vault converts every client mistake into a KeyVaultError), so it is logged in full
// and answered with a 500 that says nothing about its cause.
import { KeyVaultError } from "../vault/errors.js";

export interface ErrorEnvelope {
  error: { code: string; message: string; innererror?: { code: string } };
}

/** The errors that the server itself raises, with Key Vault's codes. */
export const httpErrors = {
  badParameter: (message: string) => new KeyVaultError(400, "BadParameter", message),
  unauthorized: (message: string) => new KeyVaultError(401, "Unauthorized", message),
  notFound: (message: string) => new KeyVaultError(404, "NotFound", message),
  methodNotAllowed: (message: string) => new KeyVaultError(405, "MethodNotAllowed", message),
};

/** KeyVaultError, recognised also across two copies of the module (e.g. source and compiled). */
export function isKeyVaultError(err: unknown): err is KeyVaultError {
  if (err instanceof KeyVaultError) return true;
  const e = err as Partial<KeyVaultError> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    e.name === "KeyVaultError" &&
    typeof e.status === "number" &&
    Number.isInteger(e.status) &&
    e.status >= 400 &&
    e.status <= 599 &&
    typeof e.code === "string" &&
    typeof e.message === "string"
  );
}

export function envelopeOf(err: KeyVaultError): ErrorEnvelope {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.innerCode ? { innererror: { code: err.innerCode } } : {}),
    },
  };
}

/** Logger shape shared by pino (fastify) and the in-process client: structured object first. */
export interface ServerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: ServerLogger = { info() {}, warn() {}, error() {} };

/** The answer for an error that escaped: the status and envelope, and whether it was our bug. */
export function errorAnswer(err: unknown): { status: number; body: ErrorEnvelope; bug: boolean } {
  if (isKeyVaultError(err)) return { status: err.status, body: envelopeOf(err), bug: err.status >= 500 };
  return {
    status: 500,
    body: { error: { code: "InternalServerError", message: "The server encountered an internal error." } },
    bug: true,
  };
}

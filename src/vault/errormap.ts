// Engine errors as Key Vault errors. Anything the client's input can cause is a 400 that keeps the
// engine's message; the rest are the service's own faults.
import { HsmError } from "../engine/index.js";
import { JwkError } from "../jwk/errors.js";
import { KeyVaultError, badParameter } from "./errors.js";

const CLIENT_CODES = new Set([
  "BAD_LENGTH",
  "BAD_ALGORITHM",
  "DECRYPT_FAILED",
  "INVALID_KEY",
  "BAD_PARAMETER",
  "TOO_LONG",
  "BAD_DIGEST_LENGTH",
  "WRONG_KEY_KIND",
]);

/** The 503s that stand for the engine's CAPACITY status. */
const fullErrors = new WeakSet<object>();

/** True when the engine's instance is gone (a trap in the core): raw, or already mapped to its 503. */
export function isInstanceLost(e: unknown): boolean {
  return (
    (e instanceof HsmError && e.code === "INSTANCE_LOST") ||
    e instanceof WebAssembly.RuntimeError ||
    (typeof e === "object" && e !== null && lostErrors.has(e))
  );
}

const lostErrors = new WeakSet<object>();

/** The answer for a request that met a lost engine: 503, retry (the host restarts the engine; keys are in the store). */
export function instanceLostError(): KeyVaultError {
  const lost = new KeyVaultError(503, "ServiceUnavailable", "The HSM was restarted after an internal fault; retry the request.");
  lostErrors.add(lost);
  return lost;
}

/** True for the engine's CAPACITY status, raw or already mapped to its 503. */
export function isCapacityError(e: unknown): boolean {
  return (e instanceof HsmError && e.code === "CAPACITY") || (typeof e === "object" && e !== null && fullErrors.has(e));
}

export function fromEngineError(e: unknown): never {
  if (e instanceof KeyVaultError) throw e;
  if (e instanceof JwkError) throw badParameter(e.message);
  if (e instanceof HsmError) {
    if (e.code === "DECRYPT_FAILED")
      throw badParameter("The ciphertext could not be decrypted: it is not authentic or not correctly padded.");
    if (CLIENT_CODES.has(e.code)) throw badParameter(e.message);
    if (e.code === "INSTANCE_LOST") throw instanceLostError();
    // The engine's real limits (key slots, key memory): the service is full, not the request wrong.
    if (e.code === "CAPACITY") {
      const full = new KeyVaultError(503, "ServiceUnavailable", "The HSM has no room for another key now; retry later.");
      fullErrors.add(full);
      throw full;
    }
    throw new KeyVaultError(500, "InternalError", `The HSM failed: ${e.message}`);
  }
  throw e;
}

/** Runs an engine call, turning its errors into Key Vault errors. */
export function engineCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    return fromEngineError(e);
  }
}

/** Runs JWK parsing, turning a malformed key into Key Vault's 400 with the parser's message. */
export function jwkCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof JwkError) throw badParameter(e.message);
    throw e;
  }
}

// The core's status codes (assembly/status.ts, generated into ./generated/abi.ts) as typed errors
// with stable codes, and the reason of a refused import (assembly/keys/refusals.ts).
import { CoreStatus, type CoreErrorCode, curveName, KeyRefusal, refusalMessages, statusMessages } from "./abi.js";

export type HsmErrorCode = CoreErrorCode | "INSTANCE_LOST" | "UNKNOWN_STATUS";
export type KeyRefusalName = keyof typeof KeyRefusal;

export class HsmError extends Error {
  readonly code: HsmErrorCode;
  readonly status: number;
  /** The message without the name of the call (e.g. "'d' is out of range"), for callers that name it their own way. */
  readonly detail: string;
  /** INVALID_KEY from an import: why the core refused the key. */
  readonly reason: KeyRefusalName | undefined;
  constructor(code: HsmErrorCode, message: string, status = 0, detail = message, reason?: KeyRefusalName) {
    super(message);
    this.name = "HsmError";
    this.code = code;
    this.status = status;
    this.detail = detail;
    this.reason = reason;
  }
}

/** Builds the error for a negative core status; `context` names the call, e.g. "wrapKey". */
export function errorForStatus(status: number, context: string): HsmError {
  const known = statusMessages[status];
  if (!known) return new HsmError("UNKNOWN_STATUS", `${context}: unknown core status ${status}`, status);
  return new HsmError(known[0], `${context}: ${known[1]}`, status, known[1]);
}

/**
 * The error for a refused import, from key_refusal() = reason | (argument << 8) (assembly/keys/refusals.ts).
 */
export function refusalError(refusal: number, context: string): HsmError {
  const reasonId = refusal & 0xff;
  const reason = (Object.keys(KeyRefusal) as KeyRefusalName[]).find((k) => KeyRefusal[k] === reasonId) ?? "NONE";
  return keyRefused(context, reason, refusal >>> 8);
}

/**
 * INVALID_KEY for `reason`, in the core's words: {bits} is replaced by the argument, {crv} by the
 * name of the curve whose id it is. The engine uses it directly only where it stops, before the
 * core, an input that the core would refuse for the same reason (e.g. a modulus too long for its ABI).
 */
export function keyRefused(context: string, reason: KeyRefusalName, arg = 0): HsmError {
  const template = refusalMessages[KeyRefusal[reason]]!;
  const detail = template.replace("{bits}", String(arg)).replace("{crv}", curveName(arg) ?? `curve ${arg}`);
  return new HsmError("INVALID_KEY", `${context}: ${detail}`, CoreStatus.INVALID_KEY, detail, reason);
}

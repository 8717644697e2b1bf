// The core's status codes (assembly/status.ts) as typed errors with stable codes.

export type HsmErrorCode =
  | "BAD_LENGTH"
  | "BAD_HANDLE"
  | "WRONG_KEY_KIND"
  | "BAD_ALGORITHM"
  | "DECRYPT_FAILED"
  | "CAPACITY"
  | "INVALID_KEY"
  | "NOT_SEEDED"
  | "BAD_PARAMETER"
  | "UNSEAL_FAILED"
  | "TOO_LONG"
  | "BAD_DIGEST_LENGTH"
  | "FAULT"
  | "KEYGEN_FAILED"
  | "DOMAIN_ALREADY_SET"
  | "NOT_EXPORTABLE"
  | "INSTANCE_LOST"
  | "UNKNOWN_STATUS";

const byStatus: Record<number, [HsmErrorCode, string]> = {
  [-1]: ["BAD_LENGTH", "an input length is out of range"],
  [-2]: ["BAD_HANDLE", "the key handle is invalid, stale or destroyed"],
  [-3]: ["WRONG_KEY_KIND", "the key is of the wrong type for this operation"],
  [-4]: ["BAD_ALGORITHM", "the algorithm is unknown or does not suit the key"],
  [-5]: ["DECRYPT_FAILED", "decryption failed: the data is not authentic or not correctly padded"],
  [-6]: ["CAPACITY", "no free key slot or memory in the HSM"],
  [-7]: ["INVALID_KEY", "the key material is inconsistent or out of range"],
  [-8]: ["NOT_SEEDED", "the random generator has not been seeded"],
  [-9]: ["BAD_PARAMETER", "a parameter is out of range"],
  [-10]: ["UNSEAL_FAILED", "the sealed key is not authentic or is malformed"],
  [-11]: ["TOO_LONG", "the input is too long for this key and algorithm"],
  [-12]: ["BAD_DIGEST_LENGTH", "the digest length does not match the algorithm"],
  [-13]: ["FAULT", "an internal consistency check failed; the result was withheld"],
  [-14]: ["KEYGEN_FAILED", "key generation failed"],
  [-15]: ["DOMAIN_ALREADY_SET", "this HSM instance already has a security domain; it cannot be replaced"],
  [-16]: ["NOT_EXPORTABLE", "the key was not made exportable when it was created or imported: it never leaves the HSM"],
};

export class HsmError extends Error {
  readonly code: HsmErrorCode;
  readonly status: number;
  constructor(code: HsmErrorCode, message: string, status = 0) {
    super(message);
    this.name = "HsmError";
    this.code = code;
    this.status = status;
  }
}

/** Builds the error for a negative core status; `context` names the call, e.g. "wrapKey". */
export function errorForStatus(status: number, context: string): HsmError {
  const known = byStatus[status];
  if (!known) return new HsmError("UNKNOWN_STATUS", `${context}: unknown core status ${status}`, status);
  return new HsmError(known[0], `${context}: ${known[1]}`, status);
}

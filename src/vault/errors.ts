// Key Vault's error model: an HTTP status, a code, a message and an optional inner code.
// The server turns these into {"error":{"code","message","innererror"?:{"code"}}}.

export class KeyVaultError extends Error {
  readonly status: number;
  readonly code: string;
  readonly innerCode?: string;
  constructor(status: number, code: string, message: string, innerCode?: string) {
    super(message);
    this.name = "KeyVaultError";
    this.status = status;
    this.code = code;
    this.innerCode = innerCode;
  }

  toBody(): { error: { code: string; message: string; innererror?: { code: string } } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.innerCode ? { innererror: { code: this.innerCode } } : {}),
      },
    };
  }
}

export const badParameter = (message: string, innerCode?: string) => new KeyVaultError(400, "BadParameter", message, innerCode);
export const keyNotFound = (name: string, version?: string) =>
  new KeyVaultError(
    404,
    "KeyNotFound",
    version
      ? `A key with (name/id) ${name}/${version} was not found in this key vault.`
      : `A key with (name/id) ${name} was not found in this key vault.`,
  );
export const deletedKeyNotFound = (name: string) => new KeyVaultError(404, "KeyNotFound", `Deleted Key not found: ${name}`);
export const forbidden = (message: string, innerCode?: string) => new KeyVaultError(403, "Forbidden", message, innerCode);
export const operationForbidden = (op: string) => forbidden(`Operation ${op} is not permitted on this key.`, "KeyOperationForbidden");
export const conflictDeleted = (name: string) =>
  new KeyVaultError(
    409,
    "Conflict",
    `Key ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.`,
    "ObjectIsDeletedButRecoverable",
  );
export const conflict = (message: string) => new KeyVaultError(409, "Conflict", message);

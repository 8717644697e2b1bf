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

/**
 * A read-only load (RequestContext.readOnly) met a record that a read must change first (a due
 * rotation or a due purge), no live record at all (its create may be in flight where the name's
 * writes are made), or a certificate's key or secret (a certificate's writes change all three under
 * locks that exist only where the name's writes are made). Not an answer to anyone: the caller runs the request again where it may
 * write (the worker pool sends it to the name's own worker). Never a KeyVaultError, so that no
 * router turns it into an answer by mistake.
 */
export class WriteNeededError extends Error {
  constructor(what: string) {
    super(`a read-only request must write first: ${what}`);
    this.name = "WriteNeededError";
  }
}

export const badParameter = (message: string, innerCode?: string) => new KeyVaultError(400, "BadParameter", message, innerCode);
export const forbidden = (message: string, innerCode?: string) => new KeyVaultError(403, "Forbidden", message, innerCode);
export const operationForbidden = (op: string) => forbidden(`Operation ${op} is not permitted on this key.`, "KeyOperationForbidden");
export const conflict = (message: string) => new KeyVaultError(409, "Conflict", message);

/** The errors that name an object of one kind ("Key", "Secret", "Certificate"), in Key Vault's words. */
export interface KindErrors {
  notFound(name: string, version?: string): KeyVaultError;
  deletedNotFound(name: string): KeyVaultError;
  /** The name is held by a soft-deleted object. */
  conflictDeleted(name: string): KeyVaultError;
  /** A restore under a name that is in use. */
  alreadyExists(name: string): KeyVaultError;
}

export function kindErrors(label: "Key" | "Secret" | "Certificate"): KindErrors {
  const lower = label.toLowerCase();
  const code = `${label}NotFound`;
  return {
    notFound: (name, version) =>
      new KeyVaultError(
        404,
        code,
        version
          ? `A ${lower} with (name/id) ${name}/${version} was not found in this key vault.`
          : `A ${lower} with (name/id) ${name} was not found in this key vault.`,
      ),
    deletedNotFound: (name) => new KeyVaultError(404, code, `Deleted ${label} not found: ${name}`),
    conflictDeleted: (name) =>
      new KeyVaultError(
        409,
        "Conflict",
        `${label} ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the ${lower} can only be recovered or purged.`,
        "ObjectIsDeletedButRecoverable",
      ),
    alreadyExists: (name) => conflict(`${label} ${name} already exists. A backup can only be restored under a name that is not in use.`),
  };
}

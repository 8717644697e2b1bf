// What can be wrong with an attestation token or a release policy, in two kinds that the vault
// answers differently: "malformed" (the client sent something unreadable: 400) and "refused" (a
// readable token that is not trusted, not valid now, or does not meet the policy: 403).
export class AttestationError extends Error {
  readonly kind: "malformed" | "refused";
  constructor(kind: "malformed" | "refused", message: string) {
    super(message);
    this.name = "AttestationError";
    this.kind = kind;
  }
}

export const malformed = (message: string) => new AttestationError("malformed", message);
export const refused = (message: string) => new AttestationError("refused", message);

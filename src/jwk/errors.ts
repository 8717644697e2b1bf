// A malformed JWK is the client's mistake. jwk/ sits below the vault, so it throws its own error; the
// vault maps it to Key Vault's 400 BadParameter with the same message (vault/errormap.ts).

export class JwkError extends Error {
  constructor(detail: string) {
    super(`JSON Web Key: ${detail}`);
    this.name = "JwkError";
  }
}

export const jwkError = (detail: string) => new JwkError(detail);

// A malformed JWK is the client's mistake: Key Vault answers 400 BadParameter.
import { badParameter } from "../vault/errors.js";

export const jwkError = (message: string) => badParameter(`JSON Web Key: ${message}`);

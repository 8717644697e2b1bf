// Private JWK import, one path for every caller (the vault's REST import, and any other): this layer
// checks the JWK's shape and decodes it (./parse.ts), the engine says precisely why a key is refused,
// and the core is the authority on what makes a key valid (assembly/rsa/import.ts, ec/keys.ts). BYOK
// goes through the same checks in the core (assembly/byok/transfer.ts).
import { encodeBase64url } from "../encoding/base64url.js";
import { HsmError, type EcJwk, type KeyHandle, type RsaPrivateJwk } from "../engine/index.js";
import { jwkError } from "./errors.js";
import type { PrivateJwk } from "./parse.js";

/** What this module needs of the engine (Hsm has it). */
export interface JwkImportEngine {
  importRsa(jwk: RsaPrivateJwk): KeyHandle;
  importEc(jwk: EcJwk & { d: string }): KeyHandle;
  importOct(key: Uint8Array): KeyHandle;
}

/**
 * Imports a parsed private JWK into the engine. A key the core refuses becomes a BadParameter
 * "JSON Web Key: <the core's reason>"; other engine errors pass through.
 */
export function importParsedJwk(engine: JwkImportEngine, parsed: PrivateJwk): KeyHandle {
  const b64 = encodeBase64url;
  try {
    if (parsed.kty === "RSA") {
      const { n, e, d, p, q, dp, dq, qi } = parsed;
      return engine.importRsa({ n: b64(n), e: b64(e), d: b64(d), p: b64(p), q: b64(q), dp: b64(dp), dq: b64(dq), qi: b64(qi) });
    }
    if (parsed.kty === "EC") {
      return engine.importEc({ crv: parsed.curve.crv, x: b64(parsed.x), y: b64(parsed.y), d: b64(parsed.d) });
    }
    return engine.importOct(parsed.k);
  } catch (e) {
    if (e instanceof HsmError && e.code === "INVALID_KEY") throw jwkError(e.detail);
    throw e;
  }
}

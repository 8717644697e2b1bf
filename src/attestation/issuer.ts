// The emulator's own attestation service, for tests (there is no real attestation service offline).
// It behaves like the Azure SDK team's mock attestation service (Azure/azure-sdk-tools,
// tools/keyvault-mock-attestation): GET generate-test-token answers {"token"} with the claims
// {iss, iat, exp, "sdk-test": true, "x-ms-inittime": {}, "x-ms-runtime": {"keys": [an RSA-2048
// encryption key, kid "fake-release-key"]}}, signed RS256 with a header naming its JWKS (jku);
// .well-known/openid-configuration names the JWKS. Unlike the mock, a caller may ask for its own
// claims, its own x-ms-runtime key among them, so that it can unwrap what a release returns.
import type { EngineSigner, SigningEngine } from "./jws.js";

const TOKEN_LIFETIME_SECONDS = 7 * 86_400;

export class AttestationIssuer {
  readonly #signer: EngineSigner;
  readonly #engine: SigningEngine;

  constructor(engine: SigningEngine, signer: EngineSigner) {
    this.#engine = engine;
    this.#signer = signer;
  }

  /** The JWKS of the signing key (public). */
  jwks(): { keys: object[] } {
    return { keys: [{ ...this.#signer.jwk }] };
  }

  openidConfiguration(base: string): object {
    return {
      issuer: `${base}/`,
      jwks_uri: `${base}/keys`,
      id_token_signing_alg_values_supported: ["RS256"],
      claims_supported: ["iss", "iat", "exp", "x-ms-runtime", "x-ms-inittime"],
    };
  }

  /** A token from the issuer at `base`, with `claims` over the defaults (iss, iat and exp are the issuer's). */
  mint(base: string, claims: Record<string, unknown>, nowSeconds: number): string {
    const payload: Record<string, unknown> = {
      "sdk-test": true,
      "x-ms-inittime": {},
      ...claims,
      iss: `${base}/`,
      iat: nowSeconds,
      nbf: nowSeconds,
      exp: nowSeconds + TOKEN_LIFETIME_SECONDS,
    };
    if (payload["x-ms-runtime"] === undefined) payload["x-ms-runtime"] = { keys: [this.#throwawayKey()] };
    return this.#signer.sign({ typ: "JWT", jku: `${base}/keys` }, payload);
  }

  /** A fresh RSA-2048 encryption key whose private half is wiped at once (as the SDK's mock does). */
  #throwawayKey(): object {
    const h = this.#engine.generateRsa(2048);
    try {
      const pub = this.#engine.publicJwk(h);
      return { kty: "RSA", kid: "fake-release-key", use: "enc", e: pub.e, n: pub.n };
    } finally {
      this.#engine.destroy(h);
    }
  }
}

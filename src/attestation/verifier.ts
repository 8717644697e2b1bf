// Checks an attestation token (a JWT, RFC 7519) against the signers the vault trusts: its built-in
// attestation service's key and any JWKS given with --attestation-jwks. Parsing and signature
// checks are jose's (WebCrypto underneath, so this runs in browsers too), loaded at the first token:
// most vaults never see one, and every vault worker would load it at start.
import type { createLocalJWKSet, JSONWebKeySet } from "jose";
import { malformed, refused } from "./errors.js";

/** Asymmetric JWS algorithms only: a token signed with a shared secret proves nothing here. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];
const CLOCK_TOLERANCE_SECONDS = 60;

export interface VerifiedToken {
  issuer: string;
  claims: Record<string, unknown>;
}

export class TokenVerifier {
  readonly #keys: JSONWebKeySet;
  #jwks?: ReturnType<typeof createLocalJWKSet>;

  constructor(trusted: JSONWebKeySet) {
    this.#keys = { keys: trusted.keys.map((k) => ({ ...k })) };
  }

  /** The trusted public keys (for diagnostics and tests). */
  get keys(): JSONWebKeySet {
    return this.#keys;
  }

  /** Verifies signature, exp and nbf at `nowMs`; AttestationError "malformed" (400) or "refused" (403). */
  async verify(token: string, nowMs: number): Promise<VerifiedToken> {
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
      throw malformed("The attestation token (target) is not a compact JWS: three base64url parts separated by dots.");
    }
    const { createLocalJWKSet, errors, jwtVerify } = await import("jose");
    this.#jwks ??= createLocalJWKSet(this.#keys);
    try {
      const { payload } = await jwtVerify(token, this.#jwks, {
        algorithms: ALGORITHMS,
        currentDate: new Date(nowMs),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      if (typeof payload.iss !== "string" || payload.iss === "") throw refused("The attestation token has no issuer (iss).");
      return { issuer: payload.iss, claims: payload as Record<string, unknown> };
    } catch (e) {
      if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) {
        throw malformed(`The attestation token (target) is malformed: ${e.message}`);
      }
      if (e instanceof errors.JOSEAlgNotAllowed) throw refused(`The attestation token's algorithm is not accepted: ${e.message}`);
      if (e instanceof errors.JWTExpired) throw refused("The attestation token has expired.");
      if (e instanceof errors.JWTClaimValidationFailed) throw refused(`The attestation token is not valid now: ${e.message}`);
      if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWSSignatureVerificationFailed) {
        throw refused("The attestation token is not signed by a trusted attestation authority.");
      }
      if (e instanceof errors.JOSEError) throw refused(`The attestation token could not be verified: ${e.message}`);
      throw e;
    }
  }
}

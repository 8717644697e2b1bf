// The vault's attestation side: the built-in attestation service (AttestationApi, served by the
// router under ATTESTATION_PATH, unauthenticated) and the token checks of key release. Both signing
// keys are RSA-2048 keys made in the core on first use (so that a vault that never releases pays
// nothing): one signs attestation tokens, the other the release results.
import type { JSONWebKeySet } from "jose";
import { EngineSigner, type SigningEngine } from "../attestation/jws.js";
import { AttestationIssuer } from "../attestation/issuer.js";
import { TokenVerifier, type VerifiedToken } from "../attestation/verifier.js";
import type { AttestationApi, AttestationTokenResult, RequestContext } from "../model/index.js";
import { badParameter } from "./errors.js";

/** Where the router serves the built-in attestation service: no Key Vault path starts with "_". */
export const ATTESTATION_PATH = "/_attestation";

export class VaultAttestation implements AttestationApi {
  readonly #engine: SigningEngine;
  readonly #trusted: JSONWebKeySet["keys"];
  readonly #nowMs: () => number;
  #issuer?: { signer: EngineSigner; service: AttestationIssuer };
  #releaseSigner?: EngineSigner;
  #verifier?: TokenVerifier;

  /** trusted: further signers (a JWKS) whose tokens release keys too (--attestation-jwks). */
  constructor(engine: SigningEngine, trusted: JSONWebKeySet | undefined, nowMs: () => number) {
    this.#engine = engine;
    this.#trusted = trusted ? checkJwks(trusted) : [];
    this.#nowMs = nowMs;
  }

  async generateTestToken(claims: Record<string, unknown> | undefined, ctx: RequestContext): Promise<AttestationTokenResult> {
    if (claims !== undefined && (typeof claims !== "object" || claims === null || Array.isArray(claims))) {
      throw badParameter("The claims must be a JSON object.");
    }
    const token = this.#service().mint(baseOf(ctx), claims ?? {}, Math.floor(this.#nowMs() / 1000));
    return { token };
  }

  async openidConfiguration(ctx: RequestContext): Promise<object> {
    return this.#service().openidConfiguration(baseOf(ctx));
  }

  async jwks(_ctx: RequestContext): Promise<object> {
    return this.#service().jwks();
  }

  /** Verifies a release target's token; AttestationError for a malformed or refused one. */
  verify(token: string): Promise<VerifiedToken> {
    this.#verifier ??= new TokenVerifier({ keys: [...(this.#issuer ? [this.#issuer.signer.jwk] : []), ...this.#trusted] });
    return this.#verifier.verify(token, this.#nowMs());
  }

  /** The key that signs release results (KeyReleaseResult.value). */
  releaseSigner(): EngineSigner {
    this.#releaseSigner ??= new EngineSigner(this.#engine);
    return this.#releaseSigner;
  }

  #service(): AttestationIssuer {
    if (!this.#issuer) {
      const signer = new EngineSigner(this.#engine);
      this.#issuer = { signer, service: new AttestationIssuer(this.#engine, signer) };
      this.#verifier = undefined; // trust the new key from now on
    }
    return this.#issuer.service;
  }
}

function baseOf(ctx: RequestContext): string {
  return `${ctx.vaultUrl}${ATTESTATION_PATH}`;
}

/** A JWKS of public keys: {keys: [...]}, each with kty and no private member. */
export function checkJwks(jwks: unknown): JSONWebKeySet["keys"] {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('the attestation JWKS must be a JSON object {"keys": [...]}');
  return keys.map((k, i) => {
    if (typeof k !== "object" || k === null || typeof (k as { kty?: unknown }).kty !== "string") {
      throw new Error(`the attestation JWKS key ${i} is not a JWK (no kty)`);
    }
    for (const m of ["d", "p", "q", "dp", "dq", "qi", "k"]) {
      if ((k as Record<string, unknown>)[m] !== undefined)
        throw new Error(`the attestation JWKS key ${i} has the private member '${m}': give public keys only`);
    }
    return { ...(k as JSONWebKeySet["keys"][number]) };
  });
}

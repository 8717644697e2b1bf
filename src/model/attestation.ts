// The emulator's built-in attestation service (not part of Key Vault): what its unauthenticated
// routes under /_attestation answer. See src/attestation/issuer.ts.
import type { RequestContext } from "./common.js";

export interface AttestationTokenResult {
  token: string;
}

export interface AttestationApi {
  /** A token with the default claims, or with `claims` (a JSON object) over them. */
  generateTestToken(claims: Record<string, unknown> | undefined, ctx: RequestContext): Promise<AttestationTokenResult>;
  openidConfiguration(ctx: RequestContext): Promise<object>;
  jwks(ctx: RequestContext): Promise<object>;
}

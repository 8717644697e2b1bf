// The emulator's token issuer: it signs JWTs (ES256, RFC 7515/7519) with a P-256 key that lives in its
// own wasm core (the host hashes the signing input, the core signs the digest; Key Vault's ES256 is the
// raw r‖s that JWS uses, RFC 7518 §3.4), and publishes the public key as a JWKS. `verify` is what
// `--auth strict` runs on every request: signature, issuer, audience and lifetime (jose).
import { createLocalJWKSet, jwtVerify, type JWTPayload } from "jose";
import { encodeBase64url } from "../../encoding/base64url.js";
import type { Hsm, KeyHandle } from "../../engine/index.js";
import { EMULATOR_TENANT_ID } from "../auth.js";

export const TOKEN_LIFETIME_SECONDS = 3600;

export interface TokenClaims {
  aud: string;
  oid: string;
  tid?: string;
  appid?: string;
  upn?: string;
  name?: string;
  [claim: string]: unknown;
}

export class TokenIssuer {
  readonly #hsm: Hsm;
  readonly #key: KeyHandle;
  readonly #kid: string;
  readonly #jwk: Record<string, string>;
  readonly #jwks: ReturnType<typeof createLocalJWKSet>;
  readonly #now: () => number;
  #base: string;
  readonly tenant = EMULATOR_TENANT_ID;

  constructor(hsm: Hsm, baseUrl: string, now: () => number = Date.now) {
    this.#hsm = hsm;
    this.#key = hsm.generateEc("P-256") as KeyHandle;
    const pub = hsm.publicJwk(this.#key) as Record<string, string>;
    this.#kid = encodeBase64url(hsm.digest("SHA-256", new TextEncoder().encode(`${pub.x}.${pub.y}`)).subarray(0, 12));
    this.#jwk = { kty: "EC", crv: "P-256", x: pub.x!, y: pub.y!, kid: this.#kid, use: "sig", alg: "ES256" };
    this.#jwks = createLocalJWKSet({ keys: [this.#jwk] });
    this.#now = now;
    this.#base = baseUrl.replace(/\/+$/, "");
  }

  /** The `iss` of every token: {base}/{tenant}/v2.0, as Entra ID's v2 endpoint names itself. */
  get issuer(): string {
    return `${this.#base}/${EMULATOR_TENANT_ID}/v2.0`;
  }

  /** Where the issuer is served, once the server knows its port. */
  get baseUrl(): string {
    return this.#base;
  }

  set baseUrl(url: string) {
    this.#base = url.replace(/\/+$/, "");
  }

  /** The public signing keys, as a JWKS (RFC 7517 §5). */
  jwks(): { keys: Record<string, string>[] } {
    return { keys: [{ ...this.#jwk }] };
  }

  /** A signed access token for these claims, valid for an hour from now. */
  sign(claims: TokenClaims): { token: string; expiresOn: number } {
    const now = Math.floor(this.#now() / 1000);
    const exp = now + TOKEN_LIFETIME_SECONDS;
    const header = { alg: "ES256", typ: "JWT", kid: this.#kid };
    const payload = { iss: this.issuer, iat: now, nbf: now, exp, tid: this.tenant, sub: claims.oid, ver: "2.0", ...claims };
    const enc = (o: object) => encodeBase64url(new TextEncoder().encode(JSON.stringify(o)));
    const input = `${enc(header)}.${enc(payload)}`;
    const digest = this.#hsm.digest("SHA-256", new TextEncoder().encode(input));
    const signature = this.#hsm.sign(this.#key, "ES256", digest);
    return { token: `${input}.${encodeBase64url(signature)}`, expiresOn: exp };
  }

  /** The claims of a token this issuer signed for `audience`, or why it is refused. */
  async verify(token: string, audiences: string[]): Promise<{ claims: JWTPayload } | { reason: string }> {
    try {
      const { payload } = await jwtVerify(token, this.#jwks, {
        issuer: this.issuer,
        audience: audiences,
        algorithms: ["ES256"],
        currentDate: new Date(this.#now()),
      });
      return { claims: payload };
    } catch (err) {
      return { reason: (err as Error).message };
    }
  }
}

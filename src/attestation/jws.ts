// JWS compact serialization (RFC 7515 §7.1) signed RS256 by a key held in the core. The emulator
// signs two things with such keys: the tokens of its built-in attestation service, and the key
// release results (Key Vault's KeyReleaseResult.value is a JWS).
import type { KeyHandle } from "../engine/index.js";
import { encodeBase64url } from "../encoding/base64url.js";

/** What signing needs from the engine (Hsm satisfies it). */
export interface SigningEngine {
  generateRsa(bits: 2048, e?: number): KeyHandle;
  publicJwk(handle: KeyHandle): { kty: string; n?: string; e?: string };
  sign(handle: KeyHandle, alg: string, digest: Uint8Array): Uint8Array;
  digest(hash: "SHA-256", data: Uint8Array): Uint8Array;
  destroy(handle: KeyHandle): void;
}

export interface SigningJwk {
  kty: "RSA";
  n: string;
  e: string;
  kid: string;
  alg: "RS256";
  use: "sig";
}

const utf8 = new TextEncoder();
const b64uJson = (x: unknown) => encodeBase64url(utf8.encode(JSON.stringify(x)));

/** An RSA-2048 signing key made in the core; its private part never leaves it. */
export class EngineSigner {
  readonly #engine: SigningEngine;
  readonly #handle: KeyHandle;
  readonly jwk: SigningJwk;

  constructor(engine: SigningEngine) {
    this.#engine = engine;
    this.#handle = engine.generateRsa(2048);
    const pub = engine.publicJwk(this.#handle);
    const n = pub.n!;
    const e = pub.e!;
    // RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order.
    const kid = encodeBase64url(engine.digest("SHA-256", utf8.encode(JSON.stringify({ e, kty: "RSA", n }))));
    this.jwk = { kty: "RSA", n, e, kid, alg: "RS256", use: "sig" };
  }

  /** header (alg and kid are added) . payload . signature */
  sign(header: Record<string, unknown>, payload: unknown): string {
    const input = `${b64uJson({ alg: "RS256", kid: this.jwk.kid, ...header })}.${b64uJson(payload)}`;
    const digest = this.#engine.digest("SHA-256", utf8.encode(input));
    return `${input}.${encodeBase64url(this.#engine.sign(this.#handle, "RS256", digest))}`;
  }
}

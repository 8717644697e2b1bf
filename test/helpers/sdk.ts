// The Azure SDK pointed at a test server, and conversions between node:crypto and the SDK.
import { createHash, createPublicKey, type JsonWebKey as NodeJwk, type KeyObject } from "node:crypto";
import { CryptographyClient, KeyClient, type JsonWebKey, type KeyVaultKey } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";

export const credential = {
  getToken: async () => ({ token: "e2e-token", expiresOnTimestamp: Date.now() + 3600_000 }),
};

export interface Target {
  url: string;
  cert: string;
}

export function clientOptions(target: Target) {
  return {
    disableChallengeResourceVerification: true,
    tlsOptions: { ca: target.cert },
    retryOptions: { maxRetries: 0 },
  };
}

export const keyClient = (t: Target) => new KeyClient(t.url, credential, clientOptions(t));
export const secretClient = (t: Target) => new SecretClient(t.url, credential, clientOptions(t));
export const cryptoClient = (t: Target, key: string | KeyVaultKey) => new CryptographyClient(key, credential, clientOptions(t));

const HASH: Record<string, string> = { 256: "sha256", 384: "sha384", 512: "sha512", "256K": "sha256" };
/** The hash of a signature algorithm: RS256 -> sha256, ES256K -> sha256. */
export function hashOf(alg: string): string {
  return HASH[alg.slice(2)];
}
export const digest = (alg: string, data: Uint8Array) => createHash(hashOf(alg)).update(data).digest();

const b64u = (s: string | undefined) => (s === undefined ? undefined : new Uint8Array(Buffer.from(s, "base64url")));
const toB64u = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString("base64url"));
const CRV_TO_KV: Record<string, string> = { "P-256": "P-256", secp256k1: "P-256K", "P-384": "P-384", "P-521": "P-521" };
const CRV_TO_NODE: Record<string, string> = { "P-256": "P-256", "P-256K": "secp256k1", "P-384": "P-384", "P-521": "P-521" };

/** A node:crypto JWK (private) as the SDK's JsonWebKey, with Key Vault's curve names. */
export function sdkJwk(jwk: NodeJwk): JsonWebKey {
  const out: JsonWebKey = { kty: jwk.kty as JsonWebKey["kty"] };
  for (const m of ["n", "e", "d", "p", "q", "dp", "dq", "qi", "x", "y", "k"] as const) {
    const v = b64u(jwk[m] as string | undefined);
    if (v) (out as Record<string, unknown>)[m] = v;
  }
  if (jwk.crv) out.crv = CRV_TO_KV[jwk.crv] as JsonWebKey["crv"];
  return out;
}

/** The public key of a Key Vault key, as a node KeyObject. */
export function nodePublicKey(key: JsonWebKey): KeyObject {
  const kty = String(key.kty).replace("-HSM", "");
  const jwk: NodeJwk =
    kty === "RSA"
      ? { kty, n: toB64u(key.n), e: toB64u(key.e) }
      : { kty, crv: CRV_TO_NODE[String(key.crv)], x: toB64u(key.x), y: toB64u(key.y) };
  return createPublicKey({ key: jwk, format: "jwk" });
}

/** Fields of a RestError that the tests look at. */
export async function restError(p: Promise<unknown>): Promise<{ name: string; statusCode?: number; code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { name: string; statusCode?: number; code?: string; message: string };
  }
  throw new Error("expected the call to fail");
}

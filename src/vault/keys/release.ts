// Secure key release (POST /keys/{name}/{version}/release, Key Vault 7.3+). The request carries an
// attestation token (`target`); the key must be exportable and enabled, the token signed by a
// trusted attestation signer, and its claims must meet the key's release policy. The answer is
// Key Vault's KeyReleaseResult: {value: a JWS} whose payload is
//   {request: {api-version, enc, kid (versionless), nonce?},
//    response: {key: {key: {...the public JWK, key_hsm}, attributes, release_policy}}}
// with key_hsm = base64url({schema_version: "1.0", header: {kid: the target key's kid, alg: "dir",
// enc}, ciphertext: base64url(RSA-OAEP(AES key) ‖ AES-KWP(key))}), made in the core.
// (Shape read from the JS SDK recordings "can create an exportable key and release it", api 7.3,
// whose JWS payload decodes to exactly these members; the service signs with its HSM's TLS
// certificate chain in x5c, the emulator with a key made in its core, given in the `jwk` header.)
import { AttestationError } from "../../attestation/errors.js";
import { policyAllows } from "../../attestation/policy.js";
import type { KeyHandle } from "../../engine/index.js";
import { isReleaseEncryption, RELEASE_ENCRYPTIONS } from "../../engine/index.js";
import { encodeBase64url } from "../../encoding/base64url.js";
import type { KeyReleaseParameters, KeyReleaseResult, RequestContext } from "../../model/index.js";
import type { VaultAttestation } from "../attestation.js";
import type { VaultEngine } from "../engine.js";
import { engineCall } from "../errormap.js";
import { badParameter, forbidden } from "../errors.js";
import { requireObject } from "../lifecycle/objects.js";
import { storedPolicy } from "./exportable.js";
import { type KeyRecord, type KeyVersion, keyBundle } from "./views.js";

const DEFAULT_ENC = "CKM_RSA_AES_KEY_WRAP";
const utf8 = new TextEncoder();

export interface ReleaseServices {
  engine: VaultEngine;
  attestation: VaultAttestation;
  /** The version's key in the engine. */
  handle(): KeyHandle;
}

export async function releaseKey(
  s: ReleaseServices,
  rec: KeyRecord,
  v: KeyVersion,
  body: KeyReleaseParameters,
  ctx: RequestContext,
): Promise<KeyReleaseResult> {
  const b = requireObject(body);
  if (typeof b.target !== "string" || b.target === "") {
    throw badParameter("'target' must be the attestation token (a JWT) of the environment the key is released to.");
  }
  if (b.nonce !== undefined && b.nonce !== null && typeof b.nonce !== "string") throw badParameter("'nonce' must be a string.");
  const enc = b.enc ?? DEFAULT_ENC;
  if (!isReleaseEncryption(enc)) {
    throw badParameter(`'enc' must be one of ${Object.keys(RELEASE_ENCRYPTIONS).join(", ")}; got ${JSON.stringify(b.enc)}.`);
  }
  if (v.attributes.exportable !== true || !v.props.releasePolicy) {
    throw forbidden("Operation release is not permitted on this key: it was not created exportable.", "KeyNotExportable");
  }
  if (v.attributes.enabled === false) throw forbidden("Operation release is not allowed on a disabled key.");

  let token: Awaited<ReturnType<VaultAttestation["verify"]>>;
  try {
    token = await s.attestation.verify(b.target);
  } catch (e) {
    if (e instanceof AttestationError) throw e.kind === "malformed" ? badParameter(e.message) : forbidden(e.message);
    throw e;
  }
  if (!policyAllows(storedPolicy(v.props.releasePolicy), token.issuer, token.claims)) {
    throw forbidden(`The attestation token from ${JSON.stringify(token.issuer)} does not satisfy the key's release policy.`);
  }
  const target = runtimeKey(token.claims);
  const ciphertext = engineCall(() => s.engine.releaseKey(s.handle(), target, enc));
  const keyHsm = encodeBase64url(
    utf8.encode(
      JSON.stringify({
        schema_version: "1.0",
        header: { kid: target.kid ?? "", alg: "dir", enc },
        ciphertext: encodeBase64url(ciphertext),
      }),
    ),
  );
  const bundle = keyBundle(rec, v, ctx);
  const payload = {
    request: {
      "api-version": ctx.apiVersion,
      enc,
      kid: `${ctx.vaultUrl}/keys/${rec.name}`,
      ...(typeof b.nonce === "string" ? { nonce: b.nonce } : {}),
    },
    response: { key: { ...bundle, key: { ...bundle.key, key_hsm: keyHsm } } },
  };
  const signer = s.attestation.releaseSigner();
  const { kty, n, e, kid } = signer.jwk;
  return { value: signer.sign({ jwk: { kty, n, e, kid } }, payload) };
}

/**
 * The key to wrap for: "must appear in the TEE keys claim ... a JSON Web Key Set ... one of the keys
 * must meet the requirements for use as an encryption key (key_use is "enc", or key_ops contains
 * "encrypt"). The first suitable key is chosen." (Key Vault's policy grammar page, "Environment
 * Assertion"); tokens carry it as x-ms-runtime.keys. Only RSA keys can receive a release.
 */
function runtimeKey(claims: Record<string, unknown>): { n: string; e: string; kid?: string } {
  const runtime = claims["x-ms-runtime"] as { keys?: unknown } | undefined;
  const keys = Array.isArray(runtime?.keys) ? (runtime.keys as Record<string, unknown>[]) : [];
  const key = keys.find(
    (k) =>
      typeof k === "object" &&
      k !== null &&
      (k.kty === "RSA" || k.kty === "RSA-HSM") &&
      typeof k.n === "string" &&
      typeof k.e === "string" &&
      (k.use === "enc" || (Array.isArray(k.key_ops) && k.key_ops.includes("encrypt"))),
  );
  if (!key) {
    throw badParameter(
      'The attestation token has no RSA encryption key (use "enc" or key_ops "encrypt") in x-ms-runtime.keys to release the key to.',
    );
  }
  return { n: key.n as string, e: key.e as string, ...(typeof key.kid === "string" ? { kid: key.kid } : {}) };
}

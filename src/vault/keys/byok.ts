// BYOK import (DESIGN.md "BYOK import"): a transfer blob {schema_version, header:{kid, alg:"dir",
// enc:"CKM_RSA_AES_KEY_WRAP"}, ciphertext} whose ciphertext is RSA-OAEP-SHA1(ephemeral AES key) ‖
// AES-KWP(target key). The whole unwrap happens in the core: the target key never enters host memory.
import type { KeyHandle } from "../../engine/index.js";
import { decodeBase64url } from "../../encoding/base64url.js";
import { curveInfo } from "../../engine/index.js";
import type { JsonWebKey } from "../../model/index.js";
import type { VaultEngine } from "../engine.js";
import { badParameter } from "../errors.js";
import { engineCall } from "../errormap.js";
import type { Family } from "../../engine/index.js";

export interface TransferRequest {
  /** The kid of the key exchange key, as the blob names it. */
  kid: string;
  ciphertext: Uint8Array;
  target: { kty: Family; crv?: string };
}

const KID_RE = /\/keys\/([0-9a-zA-Z-]{1,127})(?:\/([0-9a-f]{32}))?\/?$/;

/** The KEK's name and version named by a transfer blob's kid. */
export function kekOf(kid: string): { name: string; version?: string } {
  const m = KID_RE.exec(kid);
  if (!m) throw badParameter(`The transfer blob names a key exchange key by an invalid kid: ${JSON.stringify(kid)}.`);
  return { name: m[1]!, ...(m[2] ? { version: m[2] } : {}) };
}

/** Checks the request and the blob's envelope; nothing touches the engine yet. */
export function parseTransfer(jwk: JsonWebKey, family: Family): TransferRequest {
  if (!String(jwk.kty).endsWith("-HSM")) throw badParameter("A key_hsm transfer blob can only be imported as RSA-HSM, EC-HSM or oct-HSM.");
  const raw = typeof jwk.key_hsm === "string" ? decodeBase64url(jwk.key_hsm) : undefined;
  if (!raw) throw badParameter("key_hsm must be a base64url-encoded transfer blob.");
  let blob: any;
  try {
    blob = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    throw badParameter("key_hsm does not hold a JSON transfer blob.");
  }
  const header = blob?.header;
  if (typeof header !== "object" || header === null) throw badParameter("The transfer blob has no header.");
  if (typeof header.kid !== "string") throw badParameter("The transfer blob's header must name the key exchange key in 'kid'.");
  if (header.alg !== "dir") throw badParameter(`The transfer blob's header.alg must be "dir"; got ${JSON.stringify(header.alg)}.`);
  if (header.enc !== "CKM_RSA_AES_KEY_WRAP") {
    throw badParameter(`The transfer blob's header.enc must be "CKM_RSA_AES_KEY_WRAP"; got ${JSON.stringify(header.enc)}.`);
  }
  const ciphertext = typeof blob.ciphertext === "string" ? decodeBase64url(blob.ciphertext) : undefined;
  if (!ciphertext || ciphertext.length === 0) throw badParameter("The transfer blob's ciphertext must be base64url.");
  let crv: string | undefined;
  if (family === "EC") {
    const curve = curveInfo(jwk.crv);
    if (!curve) throw badParameter(`An EC-HSM transfer blob needs 'crv' (P-256, P-256K, P-384 or P-521); got ${JSON.stringify(jwk.crv)}.`);
    crv = curve.crv;
  }
  kekOf(header.kid);
  return { kid: header.kid, ciphertext, target: { kty: family, ...(crv ? { crv } : {}) } };
}

/** What a transferred key must be, for each target kty (named in refusals). */
function expectedTarget(target: TransferRequest["target"]): string {
  if (target.kty === "RSA") return "an RSA private key of 2048, 3072 or 4096 bits in PKCS#8, as kty RSA-HSM requires";
  if (target.kty === "EC") return `an EC private key on ${target.crv} in PKCS#8, as kty EC-HSM with crv ${target.crv} requires`;
  return "an AES key of 16, 24 or 32 bytes, as kty oct-HSM requires";
}

/** Unwraps the target key into the engine under the KEK; returns its handle (owned by the caller) and size. */
export function unwrapTransfer(engine: VaultEngine, kek: KeyHandle, request: TransferRequest): { handle: KeyHandle; keySize: number } {
  const handle = engineCall(() => {
    try {
      return engine.importTransferBlob(kek, request.ciphertext, request.target);
    } catch (e: any) {
      // The core reports each defect with one status; the vault knows the request and says what was expected.
      switch (e?.code) {
        case "DECRYPT_FAILED":
          throw badParameter(
            "The transfer blob could not be unwrapped with the key exchange key: it was made for another key, or it is corrupt.",
          );
        case "BAD_LENGTH": {
          const k = engine.keyInfo(kek).bits / 8;
          throw badParameter(
            `The transfer blob's ciphertext (${request.ciphertext.length} bytes) is not the key exchange key's ${k}-byte RSA-OAEP block followed by an AES-KWP-wrapped key.`,
          );
        }
        case "INVALID_KEY":
        case "WRONG_KEY_KIND":
        case "BAD_PARAMETER":
          throw badParameter(`The transferred key is not ${expectedTarget(request.target)}.`);
        default:
          throw e;
      }
    }
  });
  const bits = engine.keyInfo(handle).bits;
  if (request.target.kty === "RSA" && ![2048, 3072, 4096].includes(bits)) {
    engine.destroy(handle);
    throw badParameter(`The transferred key is not ${expectedTarget(request.target)}.`);
  }
  return { handle, keySize: bits };
}

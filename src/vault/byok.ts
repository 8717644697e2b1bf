// BYOK import (DESIGN.md "BYOK import"): a transfer blob {schema_version, header:{kid, alg:"dir",
// enc:"CKM_RSA_AES_KEY_WRAP"}, ciphertext} whose ciphertext is RSA-OAEP-SHA1(ephemeral AES key) ‖
// AES-KWP(target key). The whole unwrap happens in the core: the target key never enters host memory.
import type { KeyHandle } from "../engine/index.js";
import { decodeBase64url } from "../jwk/base64url.js";
import { curveInfo } from "../jwk/curves.js";
import type { JsonWebKey } from "./types.js";
import type { VaultEngine } from "./engine.js";
import { badParameter } from "./errors.js";
import { engineCall } from "./errormap.js";
import type { Family } from "./algorithms.js";

export async function importTransferKey(
  jwk: JsonWebKey,
  family: Family,
  kekFor: (kid: string) => Promise<KeyHandle>,
  engine: VaultEngine & { keyInfo(h: KeyHandle): { bits: number } },
): Promise<{ make: () => KeyHandle; keySize: number }> {
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
  const kek = await kekFor(header.kid);
  const handle = engineCall(() => {
    try {
      return engine.importTransferBlob(kek, ciphertext, { kty: family, ...(crv ? { crv } : {}) });
    } catch (e: any) {
      if (e?.code === "DECRYPT_FAILED") throw badParameter("The transfer blob could not be unwrapped with the key exchange key: it was made for another key, or it is corrupt.");
      throw e;
    }
  });
  const bits = engine.keyInfo(handle).bits;
  if (family === "RSA" && ![2048, 3072, 4096].includes(bits)) {
    engine.destroy(handle);
    throw badParameter(`The transferred RSA key has ${bits} bits; Key Vault accepts 2048, 3072 or 4096.`);
  }
  return { make: () => handle, keySize: bits };
}

// A secret's value: its limits, and its sealing. The value is stored only sealed by the core (seal_data:
// AES-256-GCM under a key derived from the security domain), bound to the secret's name and version,
// so that a sealed value copied onto another secret or version does not open.
import { decodeBase64url, encodeBase64url } from "../../encoding/base64url.js";
import { nameKey } from "../../store/types.js";
import type { SecurityDomain } from "../domain.js";
import type { VaultEngine } from "../engine.js";
import { engineCall } from "../errormap.js";
import { badParameter, KeyVaultError } from "../errors.js";

/** Key Vault's limit on a secret's value: 25 KB (about-secrets.md: "maximum size of 25k bytes"). */
export const MAX_VALUE_BYTES = 25 * 1024;
/** Key Vault's limit on contentType (about-secrets.md: "The maximum length of this field is 255 characters"). */
export const MAX_CONTENT_TYPE = 255;

const utf8 = new TextEncoder();

/** The value of a set request as UTF-8 bytes, checked against the limit. */
export function valueBytes(value: unknown): Uint8Array {
  if (typeof value !== "string") throw badParameter("The secret value must be a string in 'value'.");
  const bytes = utf8.encode(value);
  if (bytes.length > MAX_VALUE_BYTES) {
    throw badParameter(`The secret value is ${bytes.length} bytes of UTF-8; Key Vault's limit is ${MAX_VALUE_BYTES} bytes (25 KB).`);
  }
  return bytes;
}

export function checkContentType(contentType: unknown): string | undefined {
  if (contentType === undefined || contentType === null) return undefined;
  if (typeof contentType !== "string") throw badParameter("contentType must be a string.");
  if (contentType.length > MAX_CONTENT_TYPE)
    throw badParameter(`contentType must be at most ${MAX_CONTENT_TYPE} characters; got ${contentType.length}.`);
  return contentType;
}

function aadFor(name: string, version: string): Uint8Array {
  return utf8.encode(`wasm-hsm secret ${nameKey(name)}/${version}`);
}

export function sealValue(engine: VaultEngine, domain: SecurityDomain, name: string, version: string, value: Uint8Array): string {
  return encodeBase64url(engineCall(() => engine.sealData(domain.handle, aadFor(name, version), value)));
}

/** The value of a stored version. A record whose sealed value does not open is the store's fault, not the client's. */
export function unsealValue(
  engine: VaultEngine,
  domain: SecurityDomain,
  name: string,
  version: string,
  sealed: string | undefined,
): string {
  const blob = sealed === undefined ? undefined : decodeBase64url(sealed);
  if (!blob) throw new KeyVaultError(500, "InternalError", `The stored value of secret ${name}/${version} is corrupt.`);
  let bytes: Uint8Array;
  try {
    bytes = engine.unsealData(domain.handle, aadFor(name, version), blob);
  } catch {
    throw new KeyVaultError(
      500,
      "InternalError",
      `The stored value of secret ${name}/${version} does not open under this vault's security domain.`,
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } finally {
    bytes.fill(0);
  }
}

// Exportable keys and key release on the host side (assembly/release, assembly/api/release.ts).
// The core wraps the key itself; the host sees only the wrapped bytes.
import { ReleaseEnc } from "./abi.js";
import type { Core } from "./core.js";
import { rsaImportPublic } from "./rsa.js";
import { HsmError } from "./status.js";

/** Key Vault's `enc` values for a release (KeyReleaseParameters) and the core's ids (generated). */
export const RELEASE_ENCRYPTIONS = ReleaseEnc;

export type ReleaseEncryption = keyof typeof RELEASE_ENCRYPTIONS;

export function isReleaseEncryption(enc: unknown): enc is ReleaseEncryption {
  return typeof enc === "string" && Object.hasOwn(RELEASE_ENCRYPTIONS, enc);
}

export function makeExportable(core: Core, handle: number): void {
  core.call("key_make_exportable", "makeExportable", handle);
}

export function isExportable(core: Core, handle: number): boolean {
  return core.call("key_exportable", "isExportable", handle) === 1;
}

/** RSA-OAEP(target, AES-256 key) ‖ AES-KWP(key), made in the core for the RSA public key {n, e}. */
export function releaseKey(core: Core, handle: number, target: { n: string; e: string }, enc: ReleaseEncryption): Uint8Array {
  if (!isReleaseEncryption(enc)) throw new HsmError("BAD_ALGORITHM", `releaseKey: unknown enc ${String(enc)}`);
  const t = rsaImportPublic(core, { kty: "RSA", n: target.n, e: target.e });
  try {
    core.reseed();
    return core.read(core.call("key_release", "releaseKey", handle, t, RELEASE_ENCRYPTIONS[enc]));
  } finally {
    core.call("key_destroy", "releaseKey", t);
  }
}

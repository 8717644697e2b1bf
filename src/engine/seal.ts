// The security domain, sealing and backup encryption, on the host side (see assembly/seal).
import type { Core } from "./core.js";
import { HsmError } from "./status.js";

export function generateSealingKey(core: Core): number {
  core.reseedNow();
  return core.call("seal_domain_generate", "generateSealingKey");
}

export function sealingKeyId(core: Core, kek: number): Uint8Array {
  return core.read(core.call("seal_domain_id", "sealingKeyId", kek));
}

export function exportSealingKey(core: Core, kek: number, secret: Uint8Array): Uint8Array {
  if (secret.length === 0) throw new HsmError("BAD_LENGTH", "exportSealingKey: the domain secret must not be empty");
  core.reseed();
  core.write(secret);
  return core.read(core.call("seal_domain_export", "exportSealingKey", kek, secret.length));
}

export function importSealingKey(core: Core, blob: Uint8Array, secret: Uint8Array): number {
  if (secret.length === 0) throw new HsmError("BAD_LENGTH", "importSealingKey: the domain secret must not be empty");
  core.writeAll(secret, blob);
  return core.call("seal_domain_import", "importSealingKey", secret.length, blob.length);
}

export function seal(core: Core, kek: number, key: number): Uint8Array {
  core.reseed();
  return core.read(core.call("seal_key", "seal", kek, key));
}

export function unseal(core: Core, kek: number, blob: Uint8Array): number {
  core.write(blob);
  return core.call("unseal_key", "unseal", kek, blob.length);
}

/** Opaque data (a secret value) sealed for storage under the domain's data subkey, bound to `aad`. */
export function sealData(core: Core, kek: number, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  core.reseed();
  core.writeAll(aad, plaintext);
  return core.read(core.call("seal_data", "sealData", kek, aad.length, plaintext.length));
}

export function unsealData(core: Core, kek: number, aad: Uint8Array, blob: Uint8Array): Uint8Array {
  core.writeAll(aad, blob);
  return core.read(core.call("unseal_data", "unsealData", kek, aad.length, blob.length));
}

// The PKCS#8 of an exportable key (assembly/api/export.ts): the one clear export of private material,
// for an exportable certificate's PFX or PEM secret. The core refuses every key not made exportable
// (NOT_EXPORTABLE). The copy left in the core's output buffer is wiped once read.
import type { Core } from "./core.js";

export function exportPkcs8(core: Core, handle: number): Uint8Array {
  const len = core.call("key_export_pkcs8", "exportPkcs8", handle);
  return core.readSecret(len);
}

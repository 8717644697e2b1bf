// The PKCS#8 of an exportable RSA or EC key, in clear: what an exportable certificate's secret holds
// (Key Vault: "an exportable key's PKCS#12 or PEM contains the private key"). Only a key whose slot is
// EXPORTABLE (keys/slots.ts, fixed when the key is made or imported) goes out; every other key gets
// ERR_NOT_EXPORTABLE, and oct or public keys ERR_KEY_KIND.
import { ERR_KEY_KIND, ERR_NOT_EXPORTABLE } from "../status";
import { FLAG_EXPORTABLE, slotFlagsAt, slotIndex, slotKindAt, slotMaterial } from "../keys/slots";
import { KIND_EC, KIND_RSA } from "../keys/kinds";
import { rsaPkcs8 } from "./rsa-export";
import { ecPkcs8 } from "./ec-export";

/** Writes the PKCS#8 of the exportable key `handle` to out; returns its length or an error status. */
export function exportPkcs8(handle: i32, out: usize): i32 {
  const i = slotIndex(handle);
  if (i < 0) return i;
  const kind = slotKindAt(i);
  if (kind != KIND_RSA && kind != KIND_EC) return ERR_KEY_KIND;
  if ((slotFlagsAt(i) & FLAG_EXPORTABLE) == 0) return ERR_NOT_EXPORTABLE;
  const m = slotMaterial(i);
  return <i32>(kind == KIND_RSA ? rsaPkcs8(m, out) : ecPkcs8(m, out));
}

// Export of an exportable key's PKCS#8 (assembly/release/pkcs8-export.ts), for certificates' secrets.
import { ioOut } from "../io";
import { exportPkcs8 } from "../release/pkcs8-export";

/** OUT = the PKCS#8 DER of the exportable RSA or EC key `handle`; ERR_NOT_EXPORTABLE for any other key. */
export function key_export_pkcs8(handle: i32): i32 {
  return exportPkcs8(handle, ioOut());
}

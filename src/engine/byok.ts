// BYOK import on the host side: hands the transfer ciphertext to the core, which does the whole
// unwrap (RSA-OAEP-SHA1, AES-KWP, PKCS#8) into a new slot, and checks the key as every import does
// (a refusal says why). See assembly/byok/transfer.ts.
import type { Core } from "./core.js";
import { KeyKind } from "./abi.js";
import { curveInfo } from "./ec.js";

export interface TransferTarget {
  kty: "RSA" | "EC" | "oct";
  /** Required for EC: the curve the transferred key must be on. */
  crv?: string;
}

export function importTransferBlob(core: Core, kek: number, ciphertext: Uint8Array, target: TransferTarget): number {
  const kind = target.kty === "RSA" ? KeyKind.rsa : target.kty === "EC" ? KeyKind.ec : KeyKind.oct;
  const curve = target.kty === "EC" ? curveInfo(target.crv, "importTransferBlob").id : 0;
  core.write(ciphertext);
  return core.callImport("byok_import", "importTransferBlob", kek, kind, curve, ciphertext.length);
}

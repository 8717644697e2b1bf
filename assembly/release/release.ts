// Key release (Azure Key Vault secure key release, "CKM_RSA_AES_KEY_WRAP" and its SHA-2 variants):
//   out = RSA-OAEP(target public key, ephemeral AES-256 key) ‖ AES-KWP (RFC 5649) of the key,
// the key being PKCS#8 DER for RSA and EC, raw bytes for oct. The inverse of BYOK import
// (byok/transfer.ts). Only a key whose slot is EXPORTABLE (keys/slots.ts) ever goes out, and
// neither the ephemeral key nor the clear key leaves the core.
import { ERR_KEY_KIND, ERR_NOT_EXPORTABLE, ERR_PARAM, OK } from "../status";
import { FLAG_EXPORTABLE, slotFlagsAt, slotIndex, slotKindAt, slotMaterial } from "../keys/slots";
import { KIND_EC, KIND_OCT, KIND_RSA, KIND_RSA_PUBLIC } from "../keys/kinds";
import { HASH_SHA1, HASH_SHA256, HASH_SHA384 } from "../hash/ids";
import { wipe } from "../mem";
import { drbgGenerate } from "../rand/drbg";
import { keyK, keyLn } from "../rsa/key";
import { oaepEncode } from "../rsa/oaep";
import { publicOp } from "../rsa/private";
import { MAX_LIMBS, fromBytes, toBytes, zero } from "../bn/limbs";
import { AES_KS_SIZE, aesExpandKey } from "../aes/schedule";
import { kwpWrap } from "../aes/kw";
import { rsaPkcs8 } from "./rsa-export";
import { ecPkcs8 } from "./ec-export";
import { octRawKey } from "./oct-export";

// `enc` of Key Vault's KeyReleaseParameters; the number is the OAEP hash (label and MGF1).
// ABI: generated into the host by `npm run gen`; `/** Key Vault's enc: description */`.

/** CKM_RSA_AES_KEY_WRAP: RSA-OAEP with SHA-1 of an AES-256 key, then AES-KWP of the key */
export const ENC_CKM_RSA_AES_KEY_WRAP: i32 = 1;
/** RSA_AES_KEY_WRAP_256: RSA-OAEP with SHA-256 of an AES-256 key, then AES-KWP of the key */
export const ENC_RSA_AES_KEY_WRAP_256: i32 = 2;
/** RSA_AES_KEY_WRAP_384: RSA-OAEP with SHA-384 of an AES-256 key, then AES-KWP of the key */
export const ENC_RSA_AES_KEY_WRAP_384: i32 = 3;

/** The largest released key: PKCS#8 of an RSA-4096 key is about 2.4 KB. */
const MAX_MATERIAL: usize = 4096;
export const MAX_RELEASE_OUT: usize = 512 + MAX_MATERIAL + 16;

const MATERIAL = memory.data(<i32>MAX_MATERIAL, 16);
const AES_KEY = memory.data(32, 16);
const KS = memory.data(<i32>AES_KS_SIZE, 16);
const EM = memory.data(512, 16);
const X = memory.data(MAX_LIMBS * 4, 16);
const Y = memory.data(MAX_LIMBS * 4, 16);

/** Whether a live key may be exported; an error status for a bad handle. */
export function isExportable(handle: i32): i32 {
  const i = slotIndex(handle);
  if (i < 0) return i;
  return (slotFlagsAt(i) & FLAG_EXPORTABLE) != 0 ? 1 : 0;
}

/** Wraps the exportable key `handle` for the RSA key `target` into out; returns the length. */
export function releaseKey(handle: i32, target: i32, enc: i32, out: usize): i32 {
  const i = slotIndex(handle);
  if (i < 0) return i;
  const kind = slotKindAt(i);
  if (kind != KIND_OCT && kind != KIND_RSA && kind != KIND_EC) return ERR_KEY_KIND;
  if ((slotFlagsAt(i) & FLAG_EXPORTABLE) == 0) return ERR_NOT_EXPORTABLE;
  const t = slotIndex(target);
  if (t < 0) return t;
  const tkind = slotKindAt(t);
  if (tkind != KIND_RSA_PUBLIC && tkind != KIND_RSA) return ERR_KEY_KIND;
  let hash: i32 = 0;
  if (enc == ENC_CKM_RSA_AES_KEY_WRAP) hash = HASH_SHA1;
  else if (enc == ENC_RSA_AES_KEY_WRAP_256) hash = HASH_SHA256;
  else if (enc == ENC_RSA_AES_KEY_WRAP_384) hash = HASH_SHA384;
  else return ERR_PARAM;
  const tkey = slotMaterial(t);
  const k = keyK(tkey); // at least 256 bytes: the core holds no smaller RSA key

  let st = drbgGenerate(AES_KEY, 32);
  if (st == OK) st = oaepEncode(EM, k, hash, hash, AES_KEY, 32, 0, 0);
  if (st != OK) {
    wipe(AES_KEY, 32);
    return st;
  }
  const Ln = keyLn(tkey);
  fromBytes(X, Ln, EM, k);
  wipe(EM, 512);
  publicOp(tkey, Y, X);
  toBytes(out, k, Y, Ln);
  zero(X, Ln);
  zero(Y, Ln);

  const m = slotMaterial(i);
  let len: usize;
  if (kind == KIND_RSA) len = rsaPkcs8(m, MATERIAL);
  else if (kind == KIND_EC) len = ecPkcs8(m, MATERIAL);
  else len = octRawKey(m, MATERIAL);
  aesExpandKey(AES_KEY, 32, KS);
  wipe(AES_KEY, 32);
  const wrapped = kwpWrap(KS, MATERIAL, len, out + <usize>k);
  wipe(KS, AES_KS_SIZE);
  wipe(MATERIAL, MAX_MATERIAL);
  return k + wrapped;
}

// BYOK key transfer (Azure Key Vault "CKM_RSA_AES_KEY_WRAP"): ciphertext = RSA-OAEP-SHA1(ephemeral
// AES key) ‖ AES-KWP (RFC 5649) of the target key, which is PKCS#8 DER for RSA and EC, raw bytes
// for oct. The whole unwrap happens here: neither the AES key nor the target key leaves the core.
import { ERR_DECRYPT, ERR_KEY_INVALID, ERR_KEY_KIND, ERR_LENGTH, ERR_PARAM } from "../status";
import { KIND_EC, KIND_OCT, KIND_RSA } from "../keys/kinds";
import { slotOfKind, slotMaterial } from "../keys/slots";
import { HASH_SHA1 } from "../hash/ids";
import { wipe } from "../mem";
import { keyK } from "../rsa/key";
import { rsaDecrypt } from "../rsa/decrypt";
import { RSA_PAD_OAEP_PSS } from "../rsa/paddings";
import { RSA_MAX_PART_BYTES, bitLengthOfBytesVartime, rsaImportParts } from "../rsa/import";
import { REFUSED_EC_D_RANGE, REFUSED_EC_WRONG_CURVE, REFUSED_OCT_SIZE, REFUSED_PKCS8, REFUSED_RSA_N_SIZE, refuse } from "../keys/refusals";
import { AES_KS_SIZE, aesExpandKey } from "../aes/schedule";
import { kwpUnwrap } from "../aes/kw";
import { octKeyFrom } from "../aes/key";
import { curveLength, isCurve } from "../ec/ids";
import { ecImportScalarOn } from "../ec/keys";
import { ecScalarLen, ecScalarPtr, pkcs8Ec, pkcs8Rsa, rsaFieldLen, rsaFieldPtr } from "./pkcs8";

/** The largest wrapped target: PKCS#8 of an RSA-4096 key is about 2.4 KB. */
export const MAX_WRAPPED: usize = 8192;

const AES_KEY = memory.data(512, 16);
const KS = memory.data(<i32>AES_KS_SIZE, 16);
const TARGET = memory.data(<i32>MAX_WRAPPED, 16);
const SCALAR = memory.data(66, 16);

/**
 * Unwraps the len-byte transfer ciphertext at ct under the RSA key `kek` and imports the target
 * as a key of `kind` (KIND_OCT, KIND_RSA or KIND_EC; for EC, `curve` is the expected curve id).
 * Returns the new handle; ERR_DECRYPT when the ciphertext does not open under this KEK (one error
 * for every cause), ERR_KEY_INVALID when what it holds is not a valid key of that kind.
 */
export function importTransfer(kek: i32, kind: i32, curve: i32, ct: usize, len: usize): i32 {
  const index = slotOfKind(kek, KIND_RSA);
  if (index < 0) return index;
  if (kind != KIND_OCT && kind != KIND_RSA && kind != KIND_EC) return ERR_KEY_KIND;
  if (kind == KIND_EC && !isCurve(curve)) return ERR_PARAM;
  const key = slotMaterial(index);
  const k = <usize>keyK(key);
  if (len <= k) return ERR_LENGTH;
  const wrappedLen = len - k;
  if (wrappedLen < 16 || (wrappedLen & 7) != 0 || wrappedLen > MAX_WRAPPED) return ERR_LENGTH;

  // The ephemeral key is AES-256 (Key Vault's BYOK specification); any other size opens nothing.
  const aesLen = rsaDecrypt(key, ct, RSA_PAD_OAEP_PSS, HASH_SHA1, HASH_SHA1, 0, 0, AES_KEY);
  if (aesLen != 32) {
    wipe(AES_KEY, 512);
    return ERR_DECRYPT;
  }
  aesExpandKey(AES_KEY, <usize>aesLen, KS);
  wipe(AES_KEY, 512);
  const m = kwpUnwrap(KS, aesLen << 3, ct + k, wrappedLen, TARGET);
  wipe(KS, AES_KS_SIZE);
  if (m < 0) return ERR_DECRYPT;

  const result = importTarget(kind, curve, <usize>m);
  wipe(TARGET, MAX_WRAPPED);
  return result;
}

function importTarget(kind: i32, curve: i32, m: usize): i32 {
  if (kind == KIND_OCT) {
    if (m != 16 && m != 24 && m != 32) return refuse(REFUSED_OCT_SIZE, <u32>(m << 3));
    return octKeyFrom(TARGET, m);
  }
  if (kind == KIND_RSA) {
    if (!pkcs8Rsa(TARGET, m)) return refuse(REFUSED_PKCS8);
    // Fields in RSAPrivateKey order: n e d p q dp dq qi, checked as rsa_import checks them.
    const nLen = <u32>unchecked(rsaFieldLen[0]);
    if (nLen > RSA_MAX_PART_BYTES) return refuse(REFUSED_RSA_N_SIZE, <u32>bitLengthOfBytesVartime(unchecked(rsaFieldPtr[0]), nLen));
    for (let i = 1; i < 8; i++) if (unchecked(rsaFieldLen[i]) > <usize>RSA_MAX_PART_BYTES) return refuse(REFUSED_PKCS8);
    return rsaImportParts(
      unchecked(rsaFieldPtr[0]), <u32>unchecked(rsaFieldLen[0]), unchecked(rsaFieldPtr[1]), <u32>unchecked(rsaFieldLen[1]),
      unchecked(rsaFieldPtr[2]), <u32>unchecked(rsaFieldLen[2]), unchecked(rsaFieldPtr[3]), <u32>unchecked(rsaFieldLen[3]),
      unchecked(rsaFieldPtr[4]), <u32>unchecked(rsaFieldLen[4]), unchecked(rsaFieldPtr[5]), <u32>unchecked(rsaFieldLen[5]),
      unchecked(rsaFieldPtr[6]), <u32>unchecked(rsaFieldLen[6]), unchecked(rsaFieldPtr[7]), <u32>unchecked(rsaFieldLen[7]),
    );
  }
  const found = pkcs8Ec(TARGET, m);
  if (found == 0) return refuse(REFUSED_PKCS8);
  if (found != curve) return refuse(REFUSED_EC_WRONG_CURVE, <u32>curve);
  // RFC 5915 §3: privateKey is exactly ceil(log2(n) / 8) octets; a shorter one is left-padded.
  const LEN = <usize>curveLength(curve);
  if (ecScalarLen == 0 || ecScalarLen > LEN) return refuse(REFUSED_EC_D_RANGE, <u32>curve);
  memory.fill(SCALAR, 0, 66);
  memory.copy(SCALAR + LEN - ecScalarLen, ecScalarPtr, ecScalarLen);
  const h = ecImportScalarOn(curve, SCALAR);
  wipe(SCALAR, 66);
  return h;
}

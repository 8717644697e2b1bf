// The AES family's internal API for other core modules (seal/, BYOK import) and api/aes.ts, in one place.
// All functions take raw pointers; the callers check lengths first, as each function says.
//   aesExpandKey(key, keyLen, ks)          schedule of AES_KS_SIZE bytes from a 16/24/32-byte key
//   gcmSeal(ks, iv, aad, aadLen, pt, ptLen, out)                 out = ct ‖ tag(16); iv is 12 bytes
//   gcmOpen(ks, iv, aad, aadLen, ct, ctLen, tag, out): OK | ERR_DECRYPT (out written only if the tag checks)
//   kwpUnwrap(ks, keyBits, in, inLen, out): length | ERR_DECRYPT (RFC 5649)
export { AES_KS_SIZE, aesExpandKey, aesKeyBits, aesKeyLengthValid, aesRounds } from "./schedule";
export { AES_PAR, aesDecryptBlocks, aesEncryptBlocks, aesWipeScratch } from "./block";
export { GCM_IV_SIZE, GCM_TAG_SIZE, gcmOpen, gcmSeal } from "./gcm";
export { kwUnwrap, kwWrap, kwpUnwrap, kwpWrap } from "./kw";
export { cbcDecrypt, cbcEncrypt, cbcPkcs7Decrypt, cbcPkcs7Encrypt } from "./cbc";

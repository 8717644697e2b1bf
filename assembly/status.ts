// Status codes returned by every export of the core. A result >= 0 is a value (a length, a handle,
// a boolean); a result < 0 is one of these.
//
// ABI: this file is the only home of the statuses. `npm run gen` (scripts/gen.mjs) writes the host's
// table (src/engine/generated/abi.ts) from the doc comments: `/** HOST_CODE: message */`, where
// HOST_CODE is HsmError.code and the message is the text the host shows.

/** OK: success */
export const OK: i32 = 0;
/** BAD_LENGTH: an input length is out of range */
export const ERR_LENGTH: i32 = -1;
/** BAD_HANDLE: the key handle is invalid, stale or destroyed */
export const ERR_HANDLE: i32 = -2;
/** WRONG_KEY_KIND: the key is of the wrong type for this operation */
export const ERR_KEY_KIND: i32 = -3;
/** BAD_ALGORITHM: the algorithm is unknown or does not suit the key */
export const ERR_ALG: i32 = -4;
/** DECRYPT_FAILED: decryption failed: the data is not authentic or not correctly padded */
export const ERR_DECRYPT: i32 = -5; // one error for every cause
/** CAPACITY: no free key slot or memory in the HSM */
export const ERR_CAPACITY: i32 = -6;
/** INVALID_KEY: the key material is inconsistent or out of range */
export const ERR_KEY_INVALID: i32 = -7; // keys/refusals.ts says why
/** NOT_SEEDED: the random generator has not been seeded */
export const ERR_NOT_SEEDED: i32 = -8;
/** BAD_PARAMETER: a parameter is out of range */
export const ERR_PARAM: i32 = -9;
/** UNSEAL_FAILED: the sealed key is not authentic or is malformed */
export const ERR_UNSEAL: i32 = -10;
/** TOO_LONG: the input is too long for this key and algorithm */
export const ERR_TOO_LONG: i32 = -11;
/** BAD_DIGEST_LENGTH: the digest length does not match the algorithm */
export const ERR_DIGEST_LENGTH: i32 = -12;
/** FAULT: an internal consistency check failed; the result was withheld */
export const ERR_FAULT: i32 = -13; // e.g. the CRT check
/** KEYGEN_FAILED: key generation failed */
export const ERR_KEYGEN: i32 = -14;
/** DOMAIN_ALREADY_SET: this HSM instance already has a security domain; it cannot be replaced */
export const ERR_DOMAIN_SET: i32 = -15;
/** NOT_EXPORTABLE: the key was not made exportable when it was created or imported: it never leaves the HSM */
export const ERR_NOT_EXPORTABLE: i32 = -16;

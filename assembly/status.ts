// Status codes returned by every export of the core. A result >= 0 is a value
// (a length, a handle, a boolean); a result < 0 is one of these. The host mirrors
// this table in src/engine/status.ts: change both together.

export const OK: i32 = 0;
export const ERR_LENGTH: i32 = -1;        // an input length is out of range
export const ERR_HANDLE: i32 = -2;        // stale, destroyed, forged or out-of-range handle
export const ERR_KEY_KIND: i32 = -3;      // the key is of the wrong kind for this call
export const ERR_ALG: i32 = -4;           // unknown algorithm, or one that does not suit the key
export const ERR_DECRYPT: i32 = -5;       // integrity / padding check failed (one error for all causes)
export const ERR_CAPACITY: i32 = -6;      // no free key slot, or out of memory
export const ERR_KEY_INVALID: i32 = -7;   // imported key material is inconsistent or out of range
export const ERR_NOT_SEEDED: i32 = -8;    // the DRBG has not been seeded by the host
export const ERR_PARAM: i32 = -9;         // some other argument is out of range
export const ERR_UNSEAL: i32 = -10;       // a sealed blob failed authentication or is malformed
export const ERR_TOO_LONG: i32 = -11;     // plaintext too long for the key / mode
export const ERR_DIGEST_LENGTH: i32 = -12;// digest length does not suit the algorithm
export const ERR_FAULT: i32 = -13;        // an internal consistency check failed (e.g. CRT check)
export const ERR_KEYGEN: i32 = -14;       // key generation failed to find suitable material
export const ERR_DOMAIN_SET: i32 = -15;   // this instance already has its security domain
export const ERR_NOT_EXPORTABLE: i32 = -16; // the key was not made exportable: it never leaves the core

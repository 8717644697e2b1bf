// Hash identifiers shared by every module of the core and by the host ABI.
// ABI: generated into the host by `npm run gen`: each HASH_X with `/** host name: ... */`, and its
// digest length HASH_X_BYTES (FIPS 180-4 §1).

/** SHA-1: FIPS 180-4 §6.1 */
export const HASH_SHA1: i32 = 1;
/** SHA-256: FIPS 180-4 §6.2 */
export const HASH_SHA256: i32 = 2;
/** SHA-384: FIPS 180-4 §6.5 */
export const HASH_SHA384: i32 = 3;
/** SHA-512: FIPS 180-4 §6.4 */
export const HASH_SHA512: i32 = 4;

export const HASH_SHA1_BYTES: i32 = 20;
export const HASH_SHA256_BYTES: i32 = 32;
export const HASH_SHA384_BYTES: i32 = 48;
export const HASH_SHA512_BYTES: i32 = 64;

/** Output length in bytes, or 0 for an unknown id. */
export function hashLength(alg: i32): i32 {
  if (alg == HASH_SHA1) return HASH_SHA1_BYTES;
  if (alg == HASH_SHA256) return HASH_SHA256_BYTES;
  if (alg == HASH_SHA384) return HASH_SHA384_BYTES;
  if (alg == HASH_SHA512) return HASH_SHA512_BYTES;
  return 0;
}

/** Block length in bytes (FIPS 180-4 §1), or 0 for an unknown id. */
export function hashBlockLength(alg: i32): i32 {
  if (alg == HASH_SHA1 || alg == HASH_SHA256) return 64;
  if (alg == HASH_SHA384 || alg == HASH_SHA512) return 128;
  return 0;
}

export function isHash(alg: i32): bool {
  return hashLength(alg) != 0;
}

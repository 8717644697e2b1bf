// Hash identifiers shared by every module of the core and by the host ABI.
export const HASH_SHA1: i32 = 1;
export const HASH_SHA256: i32 = 2;
export const HASH_SHA384: i32 = 3;
export const HASH_SHA512: i32 = 4;

/** Output length in bytes, or 0 for an unknown id. */
export function hashLength(alg: i32): i32 {
  if (alg == HASH_SHA1) return 20;
  if (alg == HASH_SHA256) return 32;
  if (alg == HASH_SHA384) return 48;
  if (alg == HASH_SHA512) return 64;
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

// Curve identifiers shared with the host and stored in key material.
// ABI: generated into the host by `npm run gen`: each CURVE_X with `/** Key Vault name: ... */`,
// and its size CURVE_X_BITS (the slot's bits; coordinates are ceil(bits / 8) bytes).

/** P-256: NIST P-256 (FIPS 186-5, SP 800-186), secp256r1 */
export const CURVE_P256: i32 = 1;
/** P-256K: secp256k1 (SEC 2 §2.4.1) */
export const CURVE_P256K: i32 = 2;
/** P-384: NIST P-384 (FIPS 186-5, SP 800-186), secp384r1 */
export const CURVE_P384: i32 = 3;
/** P-521: NIST P-521 (FIPS 186-5, SP 800-186), secp521r1 */
export const CURVE_P521: i32 = 4;

export const CURVE_P256_BITS: u32 = 256;
export const CURVE_P256K_BITS: u32 = 256;
export const CURVE_P384_BITS: u32 = 384;
export const CURVE_P521_BITS: u32 = 521;

export function isCurve(id: i32): bool {
  return id >= CURVE_P256 && id <= CURVE_P521;
}

/** Curve size in bits, kept as the slot's `bits`. */
export function curveBits(id: i32): u32 {
  if (id == CURVE_P256K) return CURVE_P256K_BITS;
  if (id == CURVE_P384) return CURVE_P384_BITS;
  if (id == CURVE_P521) return CURVE_P521_BITS;
  return CURVE_P256_BITS;
}

/** Bytes of an encoded coordinate, scalar or private key (RFC 7518 §6.2.1.2: the full field size). */
export function curveLength(id: i32): i32 {
  return <i32>((curveBits(id) + 7) >> 3);
}

// Curve identifiers shared with the host (src/engine/ec.ts) and stored in key material.
// Names are Key Vault's: P-256, P-256K (secp256k1), P-384, P-521.
export const CURVE_P256: i32 = 1;
export const CURVE_P256K: i32 = 2;
export const CURVE_P384: i32 = 3;
export const CURVE_P521: i32 = 4;

export function isCurve(id: i32): bool {
  return id >= CURVE_P256 && id <= CURVE_P521;
}

/** Bytes of an encoded coordinate, scalar or private key (RFC 7518 §6.2.1.2: the full field size). */
export function curveLength(id: i32): i32 {
  if (id == CURVE_P384) return 48;
  if (id == CURVE_P521) return 66;
  return 32;
}

/** Curve size in bits, kept as the slot's `bits`. */
export function curveBits(id: i32): u32 {
  if (id == CURVE_P384) return 384;
  if (id == CURVE_P521) return 521;
  return 256;
}

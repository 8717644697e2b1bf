// Key Vault's curve names, their sizes, and the ECDSA algorithm that goes with each.
// Facts from SEC 2 (secp256k1) and FIPS 186-5 / SP 800-186 (P-256, P-384, P-521).
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";

export interface CurveInfo {
  crv: "P-256" | "P-256K" | "P-384" | "P-521";
  /** Bytes of a field element (x, y) and of a scalar (d), as JWK encodes them. */
  size: number;
  bits: number;
  alg: "ES256" | "ES256K" | "ES384" | "ES512";
  /** Group order, to range-check d on the host before it enters the core. */
  order: bigint;
  /** Checks that (x, y) is a point of the curve, not the identity. */
  isOnCurve(x: bigint, y: bigint): boolean;
  /** The public point d·G, to check that an imported JWK's d matches its (x, y). */
  publicPoint(d: bigint): { x: bigint; y: bigint };
}

interface NobleCurve {
  Point: {
    fromAffine(p: { x: bigint; y: bigint }): { assertValidity(): void };
    BASE: { multiply(k: bigint): { toAffine(): { x: bigint; y: bigint } } };
  };
}

function onCurve(point: NobleCurve) {
  return (x: bigint, y: bigint) => {
    try {
      point.Point.fromAffine({ x, y }).assertValidity();
      return true;
    } catch {
      return false;
    }
  };
}

function publicPoint(curve: NobleCurve) {
  return (d: bigint) => curve.Point.BASE.multiply(d).toAffine();
}

export const CURVES: Record<CurveInfo["crv"], CurveInfo> = {
  "P-256": {
    crv: "P-256",
    size: 32,
    bits: 256,
    alg: "ES256",
    order: p256.Point.CURVE().n,
    isOnCurve: onCurve(p256),
    publicPoint: publicPoint(p256),
  },
  "P-256K": {
    crv: "P-256K",
    size: 32,
    bits: 256,
    alg: "ES256K",
    order: secp256k1.Point.CURVE().n,
    isOnCurve: onCurve(secp256k1),
    publicPoint: publicPoint(secp256k1),
  },
  "P-384": {
    crv: "P-384",
    size: 48,
    bits: 384,
    alg: "ES384",
    order: p384.Point.CURVE().n,
    isOnCurve: onCurve(p384),
    publicPoint: publicPoint(p384),
  },
  "P-521": {
    crv: "P-521",
    size: 66,
    bits: 521,
    alg: "ES512",
    order: p521.Point.CURVE().n,
    isOnCurve: onCurve(p521),
    publicPoint: publicPoint(p521),
  },
};

export function curveInfo(crv: unknown): CurveInfo | undefined {
  return typeof crv === "string" && Object.hasOwn(CURVES, crv) ? CURVES[crv as CurveInfo["crv"]] : undefined;
}

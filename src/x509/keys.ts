// Public keys in certificates and requests (SubjectPublicKeyInfo, RFC 5280 §4.1.2.7), and the
// signature scheme a certificate's key signs with. RSA: rsaEncryption (RFC 8017 A.1); EC:
// id-ecPublicKey with a named curve and an uncompressed point (RFC 5480 §2). OIDs from RFC 5480,
// SEC 2 (secp256k1) and RFC 5758 (ecdsa-with-SHA*).
import { ECDSASigValue, ECParameters, id_ecPublicKey } from "@peculiar/asn1-ecc";
import { id_rsaEncryption, id_sha256WithRSAEncryption, RSAPublicKey } from "@peculiar/asn1-rsa";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.js";
import { arrayBuffer, concatBytes, padStart, u8, unsignedBytes } from "./bytes.js";
import { X509Error } from "./errors.js";

/** A public key as JWK members (base64url), with Key Vault's curve names. */
export type PublicKeyJwk = { kty: "RSA"; n: string; e: string } | { kty: "EC"; crv: string; x: string; y: string };

interface Curve {
  crv: string;
  oid: string;
  /** Bytes of a coordinate. */
  size: number;
  /** The Key Vault signature algorithm a certificate on this curve is signed with, and its X.509 OID. */
  alg: string;
  sigOid: string;
}

const CURVES: Curve[] = [
  { crv: "P-256", oid: "1.2.840.10045.3.1.7", size: 32, alg: "ES256", sigOid: "1.2.840.10045.4.3.2" },
  { crv: "P-384", oid: "1.3.132.0.34", size: 48, alg: "ES384", sigOid: "1.2.840.10045.4.3.3" },
  { crv: "P-521", oid: "1.3.132.0.35", size: 66, alg: "ES512", sigOid: "1.2.840.10045.4.3.4" },
  { crv: "P-256K", oid: "1.3.132.0.10", size: 32, alg: "ES256K", sigOid: "1.2.840.10045.4.3.2" },
];

export function curveByName(crv: string): Curve | undefined {
  return CURVES.find((c) => c.crv === crv);
}

export function curveByOid(oid: string): Curve | undefined {
  return CURVES.find((c) => c.oid === oid);
}

/** The digests this layer needs; it computes none itself (the caller's HSM does). */
export type HashName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

/** A digest of public data, computed by the caller (the vault passes the core's). */
export type Digest = (hash: HashName, data: Uint8Array) => Uint8Array;

/** The hash each Key Vault signature algorithm signs (RFC 7518 §3.1; ES256K: RFC 8812 §3.2). */
const HASHES: Record<string, HashName> = {
  RS256: "SHA-256",
  ES256: "SHA-256",
  ES256K: "SHA-256",
  ES384: "SHA-384",
  ES512: "SHA-512",
};

/** How a key signs a certificate or a request: the Key Vault algorithm, the X.509 algorithm, the hash's name. */
export interface SignatureScheme {
  alg: string;
  algorithm: AlgorithmIdentifier;
  hash: HashName;
  /** The engine's signature (RSA: the bytes; ECDSA: raw r || s) as X.509 encodes it. */
  encode(signature: Uint8Array): Uint8Array;
}

/**
 * RSA keys sign with sha256WithRSAEncryption whatever their size, as Key Vault's certificates are
 * (recorded certificates: sha256RSA); EC keys with ECDSA and the hash of their curve's size.
 */
export function signatureScheme(key: PublicKeyJwk): SignatureScheme {
  if (key.kty === "RSA") {
    return {
      alg: "RS256",
      // RFC 4055 §5: the parameters of sha*WithRSAEncryption are NULL.
      algorithm: new AlgorithmIdentifier({ algorithm: id_sha256WithRSAEncryption, parameters: null }),
      hash: HASHES.RS256!,
      encode: (s) => s,
    };
  }
  const curve = curveByName(key.crv);
  if (!curve) throw new X509Error(`the curve ${key.crv} cannot sign certificates`);
  return {
    alg: curve.alg,
    // RFC 5758 §3.2: the parameters of ecdsa-with-SHA* are absent.
    algorithm: new AlgorithmIdentifier({ algorithm: curve.sigOid }),
    hash: HASHES[curve.alg]!,
    encode: (raw) => {
      const half = raw.length / 2;
      const int = (b: Uint8Array) => arrayBuffer(signedInteger(b));
      return u8(AsnConvert.serialize(new ECDSASigValue({ r: int(raw.subarray(0, half)), s: int(raw.subarray(half)) })));
    },
  };
}

/** Minimal two's-complement bytes of a non-negative integer (a leading 0 when the top bit is set). */
function signedInteger(bytes: Uint8Array): Uint8Array {
  const v = unsignedBytes(bytes);
  return v[0]! & 0x80 ? concatBytes(new Uint8Array([0]), v) : v;
}

function b64u(bytes: Uint8Array): string {
  return encodeBase64url(bytes);
}

function fromB64u(text: string, what: string): Uint8Array {
  const b = decodeBase64url(text);
  if (!b || b.length === 0) throw new X509Error(`the public key's ${what} is not base64url`);
  return b;
}

export function spkiOf(key: PublicKeyJwk): SubjectPublicKeyInfo {
  if (key.kty === "RSA") {
    const pub = new RSAPublicKey({
      modulus: arrayBuffer(signedInteger(fromB64u(key.n, "n"))),
      publicExponent: arrayBuffer(signedInteger(fromB64u(key.e, "e"))),
    });
    return new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({ algorithm: id_rsaEncryption, parameters: null }),
      subjectPublicKey: AsnConvert.serialize(pub),
    });
  }
  const curve = curveByName(key.crv);
  if (!curve) throw new X509Error(`unsupported curve ${key.crv}`);
  const point = concatBytes(new Uint8Array([4]), padStart(fromB64u(key.x, "x"), curve.size), padStart(fromB64u(key.y, "y"), curve.size));
  return new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({
      algorithm: id_ecPublicKey,
      parameters: AsnConvert.serialize(new ECParameters({ namedCurve: curve.oid })),
    }),
    subjectPublicKey: arrayBuffer(point),
  });
}

/** The public key in a SubjectPublicKeyInfo; X509Error for a key type Key Vault does not hold. */
export function jwkOfSpki(spki: SubjectPublicKeyInfo): PublicKeyJwk {
  const alg = spki.algorithm.algorithm;
  if (alg === id_rsaEncryption) {
    let pub: RSAPublicKey;
    try {
      pub = AsnConvert.parse(spki.subjectPublicKey, RSAPublicKey);
    } catch {
      throw new X509Error("the certificate's RSA public key is malformed");
    }
    return { kty: "RSA", n: b64u(unsignedBytes(u8(pub.modulus))), e: b64u(unsignedBytes(u8(pub.publicExponent))) };
  }
  if (alg === id_ecPublicKey) {
    let params: ECParameters;
    try {
      params = AsnConvert.parse(spki.algorithm.parameters ?? new ArrayBuffer(0), ECParameters);
    } catch {
      throw new X509Error("the certificate's EC key parameters are malformed");
    }
    const curve = params.namedCurve ? curveByOid(params.namedCurve) : undefined;
    if (!curve) throw new X509Error("the certificate's EC key is not on P-256, P-256K, P-384 or P-521");
    const point = u8(spki.subjectPublicKey);
    if (point.length !== 1 + 2 * curve.size || point[0] !== 4)
      throw new X509Error("the certificate's EC point is not an uncompressed point");
    return {
      kty: "EC",
      crv: curve.crv,
      x: b64u(point.subarray(1, 1 + curve.size)),
      y: b64u(point.subarray(1 + curve.size)),
    };
  }
  throw new X509Error(`the certificate's key algorithm ${alg} is neither RSA nor EC`);
}

/** Two public keys are the same key (compared as JWK members, which are canonical). */
export function sameKey(a: PublicKeyJwk, b: PublicKeyJwk): boolean {
  if (a.kty === "RSA" && b.kty === "RSA") return a.n === b.n && a.e === b.e;
  if (a.kty === "EC" && b.kty === "EC") return a.crv === b.crv && a.x === b.x && a.y === b.y;
  return false;
}

/** The RFC 5280 §4.2.1.2 (1) key identifier: SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifier(spki: SubjectPublicKeyInfo, digest: Digest): Uint8Array {
  return digest("SHA-1", u8(spki.subjectPublicKey));
}

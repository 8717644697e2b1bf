// A PKCS#8 PrivateKeyInfo (RFC 5208) from an imported PFX or PEM, as the JWK members the engine's import
// takes. RSA: RSAPrivateKey (RFC 8017 A.1.2); EC: ECPrivateKey (RFC 5915), its curve from the
// algorithm's parameters or its own. The key goes straight on into the HSM; nothing here is kept.
import { ECParameters, ECPrivateKey, id_ecPublicKey } from "@peculiar/asn1-ecc";
import { PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { id_rsaEncryption, RSAPrivateKey } from "@peculiar/asn1-rsa";
import { AsnConvert } from "@peculiar/asn1-schema";
import { encodeBase64url } from "../encoding/base64url.js";
import { arrayBuffer, padStart, u8, unsignedBytes } from "./bytes.js";
import { X509Error } from "./errors.js";
import { curveByOid } from "./keys.js";

export type PrivateKeyJwk =
  | { kty: "RSA"; n: string; e: string; d: string; p: string; q: string; dp: string; dq: string; qi: string }
  /** x and y are absent when the ECPrivateKey does not carry its public key. */
  | { kty: "EC"; crv: string; d: string; x?: string; y?: string };

const int = (b: ArrayBuffer) => encodeBase64url(unsignedBytes(u8(b)));

export function readPrivateKey(der: Uint8Array): PrivateKeyJwk {
  let info: PrivateKeyInfo;
  try {
    info = AsnConvert.parse(arrayBuffer(der), PrivateKeyInfo);
  } catch {
    throw new X509Error("The private key is not a PKCS#8 PrivateKeyInfo.");
  }
  const alg = info.privateKeyAlgorithm.algorithm;
  const body = info.privateKey.buffer;
  if (alg === id_rsaEncryption) {
    let k: RSAPrivateKey;
    try {
      k = AsnConvert.parse(body, RSAPrivateKey);
    } catch {
      throw new X509Error("The RSA private key is malformed.");
    }
    if (k.otherPrimeInfos && k.otherPrimeInfos.length > 0) throw new X509Error("Multi-prime RSA keys are not supported.");
    return {
      kty: "RSA",
      n: int(k.modulus),
      e: int(k.publicExponent),
      d: int(k.privateExponent),
      p: int(k.prime1),
      q: int(k.prime2),
      dp: int(k.exponent1),
      dq: int(k.exponent2),
      qi: int(k.coefficient),
    };
  }
  if (alg === id_ecPublicKey) {
    let k: ECPrivateKey;
    let params: ECParameters | undefined;
    try {
      k = AsnConvert.parse(body, ECPrivateKey);
      if (info.privateKeyAlgorithm.parameters) params = AsnConvert.parse(info.privateKeyAlgorithm.parameters, ECParameters);
    } catch {
      throw new X509Error("The EC private key is malformed.");
    }
    const curveOid = params?.namedCurve ?? k.parameters?.namedCurve;
    const curve = curveOid ? curveByOid(curveOid) : undefined;
    if (!curve) throw new X509Error("The EC private key is not on P-256, P-256K, P-384 or P-521.");
    const d = encodeBase64url(padStart(u8(k.privateKey.buffer), curve.size));
    const point = k.publicKey ? u8(k.publicKey) : undefined;
    if (point && point.length === 1 + 2 * curve.size && point[0] === 4) {
      return {
        kty: "EC",
        crv: curve.crv,
        d,
        x: encodeBase64url(point.subarray(1, 1 + curve.size)),
        y: encodeBase64url(point.subarray(1 + curve.size)),
      };
    }
    return { kty: "EC", crv: curve.crv, d };
  }
  throw new X509Error(`The private key's algorithm ${alg} is neither RSA nor EC.`);
}

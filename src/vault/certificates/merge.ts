// The chain of a merge (POST /certificates/{name}/pending/merge): x5c, each certificate base64 DER.
// The JS SDK encodes each element once more (its serializer base64-encodes the bytes it is given, and
// its tests give it base64 text), so the service accepts base64 of base64 too: both are read here.
import { type CertificateFacts, decodeBase64, readCertificate, X509Error } from "../../x509/index.js";
import { badParameter } from "../errors.js";

function der(text: string): Uint8Array | undefined {
  const once = decodeBase64(text);
  if (!once || once.length === 0) return undefined;
  if (once[0] === 0x30) return once;
  const twice = decodeBase64(new TextDecoder().decode(once));
  return twice && twice[0] === 0x30 ? twice : undefined;
}

export function readChain(x5c: unknown): CertificateFacts[] {
  if (!Array.isArray(x5c) || x5c.length === 0)
    throw badParameter("x5c must be a non-empty array of base64 certificates, the issued one first.");
  return x5c.map((item, i) => {
    const bytes = typeof item === "string" ? der(item) : undefined;
    if (!bytes) throw badParameter(`x5c[${i}] is not a base64 DER certificate.`);
    try {
      return readCertificate(bytes);
    } catch (e) {
      if (e instanceof X509Error) throw badParameter(`x5c[${i}]: ${e.message}`);
      throw e;
    }
  });
}

// X.509 certificates (RFC 5280) and PKCS#10 requests (RFC 2986) made for a key that never leaves the
// HSM: this layer encodes the to-be-signed bytes; the caller's signer hashes them and asks the core to
// sign the digest; the signature is then put in place. Reading parses what a client gives (import,
// merge) into the facts the vault needs.
import { CertificationRequest, CertificationRequestInfo } from "@peculiar/asn1-csr";
import { ExtensionRequest, id_pkcs9_at_extensionRequest } from "@peculiar/asn1-pkcs9";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Attribute, Certificate, Extensions, type Name, TBSCertificate, Validity, Version } from "@peculiar/asn1-x509";
import { arrayBuffer, u8 } from "./bytes.js";
import { X509Error } from "./errors.js";
import { keyIdentifierExtensions, profileExtensions, readProfile, type UsageProfile } from "./extensions.js";
import { type Digest, jwkOfSpki, keyIdentifier, type PublicKeyJwk, signatureScheme, spkiOf } from "./keys.js";
import { formatName, parseName } from "./names.js";

/**
 * The certificate's key, inside the HSM: `sign` signs a digest (Key Vault algorithm name, digest ->
 * signature); `digest` hashes public bytes (the to-be-signed encoding, the subject public key).
 */
export interface DigestSigner {
  sign(alg: string, digest: Uint8Array): Uint8Array;
  digest: Digest;
}

export interface SelfSignedSpec {
  subject: string;
  profile: UsageProfile;
  publicKey: PublicKeyJwk;
  /** Unix seconds. */
  notBefore: number;
  notAfter: number;
  /** Positive serial number, big-endian. */
  serial: Uint8Array;
}

/** A self-signed v3 certificate (issuer = subject, authority key id = subject key id), as DER. */
export function selfSignedCertificate(spec: SelfSignedSpec, signer: DigestSigner): Uint8Array {
  const name = nameOf(spec.subject);
  const spki = spkiOf(spec.publicKey);
  const scheme = signatureScheme(spec.publicKey);
  const keyId = keyIdentifier(spki, signer.digest);
  const serial = new Uint8Array(spec.serial);
  serial[0]! &= 0x7f; // a positive INTEGER, no sign byte needed (RFC 5280 §4.1.2.2)
  if (serial[0] === 0) serial[0] = 1;
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: arrayBuffer(serial),
    signature: scheme.algorithm,
    issuer: name,
    validity: new Validity({ notBefore: new Date(spec.notBefore * 1000), notAfter: new Date(spec.notAfter * 1000) }),
    subject: name,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([...profileExtensions(spec.profile), ...keyIdentifierExtensions(keyId, keyId)]),
  });
  const tbsDer = u8(AsnConvert.serialize(tbs));
  const signature = scheme.encode(signer.sign(scheme.alg, signer.digest(scheme.hash, tbsDer)));
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: scheme.algorithm, signatureValue: arrayBuffer(signature) });
  return u8(AsnConvert.serialize(cert));
}

export interface RequestSpec {
  subject: string;
  profile: UsageProfile;
  publicKey: PublicKeyJwk;
}

/** A PKCS#10 request whose extensionRequest (PKCS#9) carries the profile, as DER. */
export function certificateRequest(spec: RequestSpec, signer: DigestSigner): Uint8Array {
  const scheme = signatureScheme(spec.publicKey);
  const extensions = profileExtensions(spec.profile);
  const info = new CertificationRequestInfo({
    version: 0,
    subject: nameOf(spec.subject),
    subjectPKInfo: spkiOf(spec.publicKey),
  });
  if (extensions.length > 0) {
    info.attributes.push(
      new Attribute({ type: id_pkcs9_at_extensionRequest, values: [AsnConvert.serialize(new ExtensionRequest(extensions))] }),
    );
  }
  const infoDer = u8(AsnConvert.serialize(info));
  const signature = scheme.encode(signer.sign(scheme.alg, signer.digest(scheme.hash, infoDer)));
  const csr = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: scheme.algorithm,
    signature: arrayBuffer(signature),
  });
  return u8(AsnConvert.serialize(csr));
}

function nameOf(subject: string): Name {
  try {
    return parseName(subject);
  } catch (e) {
    throw new X509Error(`The subject ${JSON.stringify(subject)} is not a distinguished name: ${(e as Error).message}.`);
  }
}

/** What the vault needs from a certificate it is given. */
export interface CertificateFacts {
  der: Uint8Array;
  subject: string;
  issuer: string;
  /** Unix seconds. */
  notBefore: number;
  notAfter: number;
  publicKey: PublicKeyJwk;
  profile: UsageProfile;
}

export function readCertificate(der: Uint8Array): CertificateFacts {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(arrayBuffer(der), Certificate);
  } catch {
    throw new X509Error("The data is not a DER-encoded X.509 certificate.");
  }
  const tbs = cert.tbsCertificate;
  return {
    der,
    subject: formatName(tbs.subject),
    issuer: formatName(tbs.issuer),
    notBefore: Math.floor(tbs.validity.notBefore.getTime().getTime() / 1000),
    notAfter: Math.floor(tbs.validity.notAfter.getTime().getTime() / 1000),
    publicKey: jwkOfSpki(tbs.subjectPublicKeyInfo),
    profile: readProfile(tbs.extensions ? [...tbs.extensions] : undefined),
  };
}

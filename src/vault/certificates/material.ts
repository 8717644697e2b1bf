// A certificate's material: its key, made in the core (or imported into it), the certificate or
// request signed by that key inside the core, and the value of its secret (PKCS#12 or PEM).
import type { KeyHandle } from "../../engine/index.js";
import { encodeBase64url } from "../../encoding/base64url.js";
import { publicMembers } from "../../jwk/public.js";
import type { AttributesRecord, KeyVersionProps, VersionRecord } from "../../store/types.js";
import {
  buildPfx,
  certificateRequest,
  type DigestSigner,
  encodeBase64,
  type PublicKeyJwk,
  pemEncode,
  selfSignedCertificate,
  X509Error,
} from "../../x509/index.js";
import type { SecurityDomain } from "../domain.js";
import type { VaultEngine } from "../engine.js";
import { engineCall } from "../errormap.js";
import { badParameter } from "../errors.js";
import { DEFAULT_OPS } from "../keys/keyops.js";
import { generator } from "../keys/material.js";
import { addMonths, keyOpsFor, PEM, type StoredPolicy } from "./policy.js";

/** Key Vault backdates a certificate by ten minutes (recorded certificates: notBefore = issuance - 600 s). */
const BACKDATE = 600;

export interface CertificateKey {
  handle: KeyHandle;
  props: KeyVersionProps;
  publicKey: PublicKeyJwk;
}

/** The public key of a handle, as the X.509 layer takes it. */
export function publicKeyOf(engine: VaultEngine, handle: KeyHandle): PublicKeyJwk {
  const j = engineCall(() => engine.publicJwk(handle));
  if (j.kty === "RSA") return { kty: "RSA", n: j.n!, e: j.e! };
  return { kty: "EC", crv: j.crv!, x: j.x!, y: j.y! };
}

/** The public key a key version records, as the X.509 layer takes it. */
export function publicKeyOfProps(props: KeyVersionProps): PublicKeyJwk {
  const j = props.publicJwk;
  if (props.kty.startsWith("RSA")) return { kty: "RSA", n: j.n!, e: j.e! };
  return { kty: "EC", crv: j.crv!, x: j.x!, y: j.y! };
}

/**
 * What a certificate's key version records, for a key in the engine. Its operations follow the key
 * usage; a certificate without a key usage extension restricts nothing (RFC 5280 §4.2.1.3), so its
 * key gets every operation of its family.
 */
export function keyProps(
  engine: VaultEngine,
  handle: KeyHandle,
  kty: string,
  keySize: number,
  keyUsage: string[] | undefined,
): CertificateKey {
  const publicKey = publicKeyOf(engine, handle);
  const family = kty.startsWith("RSA") ? "RSA" : "EC";
  const keyOps = keyUsage === undefined ? [...DEFAULT_OPS[family]] : keyOpsFor(keyUsage, family);
  return { handle, publicKey, props: { kty, keySize, keyOps, publicJwk: publicMembers(publicKey as unknown as Record<string, string>) } };
}

/** A new key in the core for the policy, exportable if the policy says so. The caller destroys the handle. */
export function generateKey(engine: VaultEngine, policy: StoredPolicy): CertificateKey {
  const k = policy.key_props;
  const family = k.kty.startsWith("RSA") ? "RSA" : "EC";
  const make = generator(engine, { family, keySize: k.key_size, ...(k.crv !== undefined ? { crv: k.crv } : {}) });
  const handle = engineCall(make);
  try {
    // Exportability is fixed now, before the key is first sealed (the core allows it only then).
    if (k.exportable) engineCall(() => engine.makeExportable(handle));
    return keyProps(engine, handle, k.kty, k.key_size, policy.x509_props.key_usage);
  } catch (e) {
    engine.destroy(handle);
    throw e;
  }
}

/** The core hashes what the X.509 layer hands it, and signs the digest. */
export function signerOf(engine: VaultEngine, handle: KeyHandle): DigestSigner {
  return {
    sign: (alg, digest) => engineCall(() => engine.sign(handle, alg, digest)),
    digest: (hash, data) => engineCall(() => engine.digest(hash, data)),
  };
}

function x509Call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof X509Error) throw badParameter(e.message);
    throw e;
  }
}

function profileOf(policy: StoredPolicy) {
  const x = policy.x509_props;
  return { keyUsage: x.key_usage, ekus: x.ekus, ca: x.basic_constraints.ca, ...(x.sans !== undefined ? { sans: x.sans } : {}) };
}

/** A self-signed certificate for the policy, valid from now - 10 min for validity_months calendar months. */
export function issueSelfSigned(engine: VaultEngine, key: CertificateKey, policy: StoredPolicy, now: number): Uint8Array {
  return x509Call(() =>
    selfSignedCertificate(
      {
        subject: policy.x509_props.subject,
        profile: profileOf(policy),
        publicKey: key.publicKey,
        notBefore: now - BACKDATE,
        notAfter: addMonths(now, policy.x509_props.validity_months),
        // Key Vault's serials are 16 random bytes (decoded recorded certificates).
        serial: engine.randomBytes(16),
      },
      signerOf(engine, key.handle),
    ),
  );
}

/** The PKCS#10 request of a certificate waiting for its issuer. */
export function requestFor(engine: VaultEngine, key: CertificateKey, policy: StoredPolicy): Uint8Array {
  return x509Call(() =>
    certificateRequest(
      { subject: policy.x509_props.subject, profile: profileOf(policy), publicKey: key.publicKey },
      signerOf(engine, key.handle),
    ),
  );
}

/** A key version of the given id, the key sealed by the core under the security domain. */
export function sealedKeyVersion(
  engine: VaultEngine,
  domain: SecurityDomain,
  key: CertificateKey,
  id: string,
  attributes: AttributesRecord,
): VersionRecord<KeyVersionProps> {
  return { version: id, attributes, props: key.props, sealed: encodeBase64url(engineCall(() => engine.seal(domain.handle, key.handle))) };
}

/**
 * The PKCS#8 of the key to put in the secret: only for a key made exportable (the core's flag, fixed
 * when the key was made or imported), which only the core hands out; undefined for every other key
 * (about-certificates.md: "the private key isn't a part of the value when it's retrieved as a secret").
 */
export function exportableKey(engine: VaultEngine, handle: KeyHandle): Uint8Array | undefined {
  return engineCall(() => engine.isExportable(handle)) ? engineCall(() => engine.exportPkcs8(handle)) : undefined;
}

/**
 * The secret's value: a PFX (base64, empty password, as Key Vault's) or PEM text (the key, then the
 * certificates, leaf first; LF line ends, a final LF: the JS SDK's tests read the leaf from it).
 */
export function secretValue(contentType: string, certs: Uint8Array[], pkcs8: Uint8Array | undefined): string {
  if (contentType === PEM) {
    return (pkcs8 ? pemEncode("PRIVATE KEY", pkcs8) : "") + certs.map((c) => pemEncode("CERTIFICATE", c)).join("");
  }
  return encodeBase64(buildPfx({ ...(pkcs8 ? { key: pkcs8 } : {}), certs, password: "" }));
}

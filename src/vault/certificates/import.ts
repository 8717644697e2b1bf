// The value of an import: a PFX (base64) opened with its password, or PEM text with the certificate
// and its PKCS#8 key. Which one it is is read from the content, not from the policy's content type
// (the JS SDK's tests import a base64 PFX with a PEM policy). Messages begin with the service's own
// (certificates FAQ; Azure/azure-cli#19017) and then say precisely what was wrong.
import { curveInfo } from "../../engine/index.js";
import { decodeBase64url } from "../../encoding/base64url.js";
import {
  type CertificateFacts,
  decodeBase64,
  type PrivateKeyJwk,
  pemBlocks,
  readCertificate,
  readPfx,
  readPrivateKey,
  sameKey,
  X509Error,
} from "../../x509/index.js";
import type { CertificatePolicy } from "../../model/index.js";
import { badParameter } from "../errors.js";
import { addMonths, parsePolicy, type StoredPolicy, UNKNOWN } from "./policy.js";

const PFX_UNREADABLE =
  "The specified PKCS#12 X.509 certificate content can not be read. Please check if certificate is in valid PKCS#12 format.";
const PEM_UNEXPECTED =
  "The specified PEM X.509 certificate content is in an unexpected format. Please check if certificate is in valid PEM format.";
/** The certificates FAQ: "PFX password ... 200 characters". */
const MAX_PASSWORD = 200;

export interface ImportedCertificate {
  /** The format given: the secret's content type when the policy names none. */
  format: "application/x-pkcs12" | "application/x-pem-file";
  /** The private key, its public members complete. */
  key: PrivateKeyJwk & { x?: string; y?: string };
  leaf: CertificateFacts;
  /** The other certificates given, in the order given. */
  chain: Uint8Array[];
}

function detail(e: unknown): string {
  if (e instanceof X509Error) return ` ${e.message}`;
  throw e;
}

/** What import needs of the engine: the public point of an EC key whose PKCS#8 leaves it out. */
export interface PublicPointEngine {
  ecPublicPoint(crv: string, d: string): { x: string; y: string };
}

export function readImport(value: unknown, pwd: unknown, engine: PublicPointEngine): ImportedCertificate {
  if (typeof value !== "string" || value.trim() === "") {
    throw badParameter("The certificate to import must be in 'value': a base64 PFX, or PEM text with its private key.");
  }
  if (pwd !== undefined && pwd !== null && typeof pwd !== "string") throw badParameter("'pwd' must be a string.");
  if (typeof pwd === "string" && pwd.length > MAX_PASSWORD) throw badParameter(`'pwd' is longer than ${MAX_PASSWORD} characters.`);
  return /-----BEGIN /.test(value) ? readPem(value, engine) : readPfxValue(value, pwd ?? "", engine);
}

function readPfxValue(value: string, password: string, engine: PublicPointEngine): ImportedCertificate {
  const bytes = decodeBase64(value);
  if (!bytes || bytes.length === 0) throw badParameter(`${PFX_UNREADABLE} The value is neither PEM text nor base64.`);
  let keys: Uint8Array[];
  let certs: Uint8Array[];
  try {
    ({ keys, certs } = readPfx(bytes, password));
  } catch (e) {
    throw badParameter(PFX_UNREADABLE + detail(e));
  }
  if (keys.length !== 1) throw badParameter(`${PFX_UNREADABLE} It holds ${keys.length} private keys; one is needed.`);
  return { format: "application/x-pkcs12", ...assemble(keys[0]!, certs, PFX_UNREADABLE, engine) };
}

function readPem(text: string, engine: PublicPointEngine): ImportedCertificate {
  let blocks: ReturnType<typeof pemBlocks>;
  try {
    blocks = pemBlocks(text);
  } catch (e) {
    throw badParameter(PEM_UNEXPECTED + detail(e));
  }
  const legacy = blocks.find((b) => /^(RSA|EC|ENCRYPTED) PRIVATE KEY$/.test(b.label));
  if (legacy) {
    throw badParameter(`${PEM_UNEXPECTED} The private key must be unencrypted PKCS#8 (BEGIN PRIVATE KEY); found BEGIN ${legacy.label}.`);
  }
  const keys = blocks.filter((b) => b.label === "PRIVATE KEY");
  const certs = blocks.filter((b) => b.label === "CERTIFICATE").map((b) => b.der);
  if (keys.length === 0)
    throw badParameter(`${PEM_UNEXPECTED} It has no private key (BEGIN PRIVATE KEY); the key must be imported with its certificate.`);
  if (keys.length > 1) throw badParameter(`${PEM_UNEXPECTED} It has ${keys.length} private keys; one is needed.`);
  return { format: "application/x-pem-file", ...assemble(keys[0]!.der, certs, PEM_UNEXPECTED, engine) };
}

function assemble(pkcs8: Uint8Array, certs: Uint8Array[], prefix: string, engine: PublicPointEngine): Omit<ImportedCertificate, "format"> {
  if (certs.length === 0) throw badParameter(`${prefix} It has no certificate.`);
  let key: ImportedCertificate["key"];
  let facts: CertificateFacts[];
  try {
    key = withPublicPoint(readPrivateKey(pkcs8), engine);
    facts = certs.map(readCertificate);
  } catch (e) {
    throw badParameter(prefix + detail(e));
  }
  const pub = key.kty === "RSA" ? { kty: "RSA" as const, n: key.n, e: key.e } : { kty: "EC" as const, crv: key.crv, x: key.x!, y: key.y! };
  const leaf = facts.find((f) => sameKey(f.publicKey, pub));
  if (!leaf) throw badParameter(`${prefix} The private key does not belong to any of its certificates.`);
  return { key, leaf, chain: certs.filter((c) => c !== leaf.der) };
}

/** An EC key without its public point gets it from d (RFC 5915 makes publicKey optional). */
function withPublicPoint(key: PrivateKeyJwk, engine: PublicPointEngine): ImportedCertificate["key"] {
  if (key.kty === "RSA" || (key.x !== undefined && key.y !== undefined)) return key;
  if (!curveInfo(key.crv) || !decodeBase64url(key.d)) throw new X509Error("The EC private key is malformed.");
  try {
    return { ...key, ...engine.ecPublicPoint(key.crv, key.d) };
  } catch {
    throw new X509Error("The EC private key is out of range for its curve.");
  }
}

/**
 * The policy of an imported certificate: the certificate's own facts (subject, usages, names,
 * validity rounded up to whole months), the key's type and size, and from the request only what it
 * may choose (exportable, reuse_key, content type, lifetime actions, issuer); the content type
 * defaults to the format imported. A kty, size or curve
 * that contradicts the key is refused. The default action is EmailContacts and the default issuer
 * Unknown (recorded import).
 */
export function importedPolicy(raw: unknown, imported: ImportedCertificate, now: number): StoredPolicy {
  const { key, leaf } = imported;
  const given = parsePolicy(raw ?? {}, now, undefined, false);
  const rawKey = ((raw as CertificatePolicy | undefined)?.key_props ?? {}) as Record<string, unknown>;
  const family = key.kty;
  const keySize =
    family === "RSA" ? decodeBase64url(key.n)!.length * 8 : ({ "P-256": 256, "P-256K": 256, "P-384": 384, "P-521": 521 }[key.crv] ?? 0);
  const hsm = typeof rawKey.kty === "string" && rawKey.kty.endsWith("-HSM");
  if (typeof rawKey.kty === "string" && !rawKey.kty.startsWith(family)) {
    throw badParameter(`policy.key_props.kty ${rawKey.kty} does not match the imported key, which is ${family}.`);
  }
  if (rawKey.key_size !== undefined && rawKey.key_size !== null && rawKey.key_size !== keySize) {
    throw badParameter(`policy.key_props.key_size ${rawKey.key_size} does not match the imported key, which has ${keySize} bits.`);
  }
  if (family === "EC" && rawKey.crv !== undefined && rawKey.crv !== null && rawKey.crv !== key.crv) {
    throw badParameter(`policy.key_props.crv ${rawKey.crv} does not match the imported key, which is on ${key.crv}.`);
  }
  const p = leaf.profile;
  const validity = Math.max(1, monthsCovering(leaf.notBefore, leaf.notAfter));
  const rawPolicy = (raw ?? {}) as CertificatePolicy;
  return {
    key_props: {
      exportable: rawKey.exportable === undefined || rawKey.exportable === null ? !hsm : given.key_props.exportable,
      kty: hsm ? `${family}-HSM` : family,
      key_size: keySize,
      reuse_key: given.key_props.reuse_key,
      ...(family === "EC" ? { crv: key.crv } : {}),
    },
    // Without a content type in the policy, the secret keeps the format given (@azure/keyvault-certificates
    // 4.10 sends no policy with an import: its serializer reads a member its client never sets).
    secret_props: { contentType: rawPolicy.secret_props?.contentType !== undefined ? given.secret_props.contentType : imported.format },
    x509_props: {
      subject: leaf.subject,
      ...(p.sans !== undefined ? { sans: p.sans } : {}),
      ekus: p.ekus ?? [],
      key_usage: p.keyUsage ?? [],
      validity_months: validity,
      basic_constraints: { ca: p.ca ?? false },
    },
    lifetime_actions:
      rawPolicy.lifetime_actions !== undefined
        ? given.lifetime_actions
        : [{ trigger: { lifetime_percentage: 80 }, action: { action_type: "EmailContacts" } }],
    issuer: rawPolicy.issuer !== undefined ? given.issuer : { name: UNKNOWN },
    attributes: given.attributes,
  };
}

/** Whole months from nbf that reach exp (a year and ten minutes is 13, as the service reports). */
function monthsCovering(nbf: number, exp: number): number {
  let m = Math.max(0, Math.floor((exp - nbf) / (31 * 86_400)));
  while (addMonths(nbf, m) < exp) m++;
  return m;
}

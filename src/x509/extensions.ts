// The extensions Key Vault puts in its certificates and requests, and reads back from imported ones:
// key usage (RFC 5280 §4.2.1.3), extended key usage (§4.2.1.12), basic constraints (§4.2.1.9),
// subject alternative names (§4.2.1.6: DNS names, emails, UPNs as otherName, URIs, IP addresses),
// and the key identifiers (§4.2.1.1, §4.2.1.2).
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  Extension,
  GeneralName,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  KeyIdentifier,
  KeyUsage,
  OtherName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import { arrayBuffer, u8 } from "./bytes.js";
import { X509Error } from "./errors.js";

/** Key Vault's key_usage names (KeyUsageType in the REST spec), in the order of RFC 5280's bits. */
export const KEY_USAGES = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

/** The UPN otherName (Microsoft, id-ms-san-upn). */
const UPN_OID = "1.3.6.1.4.1.311.20.2.3";

export interface SubjectAltNames {
  dns_names?: string[];
  emails?: string[];
  upns?: string[];
  uris?: string[];
  ipAddresses?: string[];
}

/** What a certificate or request says about its use. */
export interface UsageProfile {
  keyUsage?: string[];
  ekus?: string[];
  sans?: SubjectAltNames;
  /** Basic constraints cA; written as false (an end-entity certificate). */
  ca?: boolean;
}

function ext(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** The UTF8String DER of a UPN, the [0] EXPLICIT content of its otherName. */
function utf8Der(text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  if (body.length > 0xffff) throw new X509Error("a UPN is too long");
  const len = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  const out = new Uint8Array(1 + len.length + body.length);
  out.set([0x0c, ...len]);
  out.set(body, 1 + len.length);
  return out;
}

function generalNames(sans: SubjectAltNames): GeneralName[] {
  return [
    ...(sans.dns_names ?? []).map((dNSName) => new GeneralName({ dNSName })),
    ...(sans.emails ?? []).map((rfc822Name) => new GeneralName({ rfc822Name })),
    ...(sans.upns ?? []).map((upn) => new GeneralName({ otherName: new OtherName({ typeId: UPN_OID, value: arrayBuffer(utf8Der(upn)) }) })),
    ...(sans.uris ?? []).map((uniformResourceIdentifier) => new GeneralName({ uniformResourceIdentifier })),
    ...(sans.ipAddresses ?? []).map((iPAddress) => new GeneralName({ iPAddress })),
  ];
}

/**
 * The extensions of a profile, as Key Vault writes them (decoded from recorded certificates): key
 * usage critical; basic constraints, EKU and SANs not critical (the subject is never empty).
 */
export function profileExtensions(profile: UsageProfile): Extension[] {
  const out: Extension[] = [];
  if (profile.keyUsage && profile.keyUsage.length > 0) {
    let flags = 0;
    for (const u of profile.keyUsage) {
      const bit = (KEY_USAGES as readonly string[]).indexOf(u);
      if (bit < 0) throw new X509Error(`unknown key usage ${u}`);
      flags |= 1 << bit;
    }
    out.push(ext(id_ce_keyUsage, true, new KeyUsage(flags)));
  }
  if (profile.ca !== undefined) out.push(ext(id_ce_basicConstraints, false, new BasicConstraints({ cA: profile.ca })));
  if (profile.ekus && profile.ekus.length > 0) out.push(ext(id_ce_extKeyUsage, false, new ExtendedKeyUsage(profile.ekus)));
  const names = profile.sans ? generalNames(profile.sans) : [];
  if (names.length > 0) out.push(ext(id_ce_subjectAltName, false, new SubjectAlternativeName(names)));
  return out;
}

export function keyIdentifierExtensions(subjectKeyId: Uint8Array, authorityKeyId: Uint8Array | undefined): Extension[] {
  const out = [ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(arrayBuffer(subjectKeyId)))];
  if (authorityKeyId) {
    out.push(
      ext(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(arrayBuffer(authorityKeyId)) }),
      ),
    );
  }
  return out;
}

function parseUpn(value: ArrayBuffer): string | undefined {
  const b = u8(value);
  // [0] EXPLICIT UTF8String: the content is the UTF8String's DER (some encoders keep the [0] wrapper).
  const inner = b[0] === 0xa0 ? b.subarray(b[1]! < 0x80 ? 2 : 2 + (b[1]! & 0x7f)) : b;
  if (inner[0] !== 0x0c) return undefined;
  const lenByte = inner[1]!;
  const start = lenByte < 0x80 ? 2 : 2 + (lenByte & 0x7f);
  return new TextDecoder().decode(inner.subarray(start));
}

/** The profile of an existing certificate's or request's extensions (unknown extensions are ignored). */
export function readProfile(extensions: Extension[] | undefined): UsageProfile {
  const profile: UsageProfile = {};
  for (const e of extensions ?? []) {
    const value = e.extnValue.buffer;
    try {
      if (e.extnID === id_ce_keyUsage) {
        const flags = AsnConvert.parse(value, KeyUsage).toNumber();
        profile.keyUsage = KEY_USAGES.filter((_, bit) => flags & (1 << bit));
      } else if (e.extnID === id_ce_extKeyUsage) {
        profile.ekus = [...AsnConvert.parse(value, ExtendedKeyUsage)];
      } else if (e.extnID === id_ce_basicConstraints) {
        profile.ca = AsnConvert.parse(value, BasicConstraints).cA;
      } else if (e.extnID === id_ce_subjectAltName) {
        const sans: SubjectAltNames = {};
        const add = (k: keyof SubjectAltNames, v: string) => {
          sans[k] = [...(sans[k] ?? []), v];
        };
        for (const n of AsnConvert.parse(value, SubjectAlternativeName)) {
          if (n.dNSName !== undefined) add("dns_names", n.dNSName);
          else if (n.rfc822Name !== undefined) add("emails", n.rfc822Name);
          else if (n.uniformResourceIdentifier !== undefined) add("uris", n.uniformResourceIdentifier);
          else if (n.iPAddress !== undefined) add("ipAddresses", n.iPAddress);
          else if (n.otherName?.typeId === UPN_OID) {
            const upn = parseUpn(n.otherName.value);
            if (upn !== undefined) add("upns", upn);
          }
        }
        profile.sans = sans;
      }
    } catch {
      throw new X509Error(`the certificate's extension ${e.extnID} is malformed`);
    }
  }
  return profile;
}

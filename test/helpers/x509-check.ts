// What every issued certificate must satisfy, read by node:crypto (self-signature, subject, SANs, EKUs,
// basic constraints, validity) and by openssl (key usage, which node:crypto does not expose).
import { X509Certificate } from "node:crypto";
import { expect } from "vitest";
import { hasOpenssl, openssl } from "./openssl.js";

export interface Expected {
  /** node:crypto's subject lines, in encoded order (e.g. ["CN=MyCert"]). */
  subject: string[];
  /** node:crypto's subjectAltName text, or undefined for none. */
  sans?: string;
  ekus: string[];
  /** openssl's text of the key usage, e.g. "Digital Signature, Key Encipherment". */
  keyUsage: string;
  validityMonths: number;
  /** The version's `created` (Unix seconds): the certificate is valid from created - 10 min to created + months. */
  created: number;
  /** A CA's certificate, for a certificate it issued (merge); self-signed otherwise. */
  issuer?: X509Certificate;
}

function addMonths(unix: number, months: number): number {
  const d = new Date(unix * 1000);
  const day = d.getUTCDate();
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  t.setUTCDate(Math.min(day, new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate()));
  return t.getTime() / 1000;
}

export function checkIssued(der: Uint8Array, e: Expected): X509Certificate {
  const x = new X509Certificate(Buffer.from(der));
  const signer = e.issuer ?? x;
  expect(x.verify(signer.publicKey), "signature").toBe(true);
  if (!e.issuer) expect(x.issuer).toBe(x.subject);
  expect(x.subject.split("\n")).toEqual(e.subject);
  expect(x.subjectAltName).toBe(e.sans);
  expect(x.keyUsage ?? []).toEqual(e.ekus);
  expect(x.ca).toBe(false);
  if (!e.issuer) {
    expect(Date.parse(x.validFrom) / 1000, "notBefore = created - 10 min").toBe(e.created - 600);
    expect(Date.parse(x.validTo) / 1000, "notAfter = created + validity_months").toBe(addMonths(e.created, e.validityMonths));
  }
  if (hasOpenssl) {
    const text = openssl(["x509", "-inform", "der", "-in", "{dir}/c.der", "-noout", "-ext", "keyUsage"], { "c.der": der });
    expect(text).toMatch(/Key Usage: critical/);
    expect(text.split("\n")[1]?.trim()).toBe(e.keyUsage);
  }
  return x;
}

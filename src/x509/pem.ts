// PEM (RFC 7468): the text form of a certificate's secret and of a PEM import. Bodies are base64 in
// 64-character lines (RFC 7468 §2 "strict" form), LF line ends, as Key Vault writes them.
import { decodeBase64, encodeBase64 } from "./bytes.js";
import { X509Error } from "./errors.js";

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

export function pemEncode(label: string, der: Uint8Array): string {
  const body = encodeBase64(der)
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/** Every PEM block of a text; text between blocks (explanatory lines, RFC 7468 §5.2) is ignored. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const [, begin, body, end] = m;
    if (begin !== end) throw new X509Error(`a PEM block begins as ${begin} but ends as ${end}`);
    // RFC 1421 headers (Proc-Type, DEK-Info) mark an encrypted legacy key; its body is not plain base64.
    if (/^\s*[A-Za-z-]+:/m.test(body!)) throw new X509Error(`the PEM block ${begin} has headers (an encrypted legacy key?)`);
    const der = decodeBase64(body!);
    if (!der || der.length === 0) throw new X509Error(`the body of the PEM block ${begin} is not base64`);
    out.push({ label: begin!, der });
  }
  return out;
}

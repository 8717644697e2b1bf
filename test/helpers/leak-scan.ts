// Searches bytes (a file, a log, a response body) for a secret in any of the forms it could leak in:
// raw, base64, base64url (with or without padding) and hex (either case).

export interface Leak {
  label: string;
  form: string;
}

export function leakForms(secret: Uint8Array): { form: string; bytes: Buffer }[] {
  const b = Buffer.from(secret);
  const b64 = b.toString("base64");
  return [
    { form: "raw", bytes: b },
    { form: "base64", bytes: Buffer.from(b64.replace(/=+$/, "")) },
    { form: "base64url", bytes: Buffer.from(b.toString("base64url")) },
    { form: "hex", bytes: Buffer.from(b.toString("hex")) },
    { form: "HEX", bytes: Buffer.from(b.toString("hex").toUpperCase()) },
  ];
}

/** Every (secret, form) found in the haystack. Secrets should be 12 bytes or more, so that chance matches are impossible. */
export function scanForLeaks(haystack: Uint8Array | string, secrets: { label: string; bytes: Uint8Array }[]): Leak[] {
  const hay = typeof haystack === "string" ? Buffer.from(haystack, "utf8") : Buffer.from(haystack);
  const found: Leak[] = [];
  for (const s of secrets) {
    if (s.bytes.length < 12) throw new Error(`scanForLeaks: ${s.label} is too short to search for reliably`);
    for (const { form, bytes } of leakForms(s.bytes)) if (hay.includes(bytes)) found.push({ label: s.label, form });
  }
  return found;
}

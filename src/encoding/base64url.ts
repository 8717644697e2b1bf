// base64url (RFC 4648 §5) without padding, as JOSE (RFC 7515 §2) and Key Vault write it: the one
// implementation of the host, below every layer that needs it (engine, jwk, vault, server). No Buffer
// and no node: module, so that it runs in browsers as it does in Node.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Character code -> 6-bit value; -1 for a character outside the alphabet. "+" and "/" (standard base64) are 62 and 63. */
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
VALUES["+".charCodeAt(0)] = 62;
VALUES["/".charCodeAt(0)] = 63;

export function encodeBase64url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + ALPHABET[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]!;
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]!;
  }
  return out;
}

export interface DecodeOptions {
  /**
   * Only the canonical form (RFC 7515 §2, RFC 4648 §3.5): the URL alphabet, no padding, and the unused
   * low bits of the last character zero. Without it, standard base64's "+" and "/", up to two "=" of
   * padding and non-zero unused bits are tolerated, as Key Vault tolerates them.
   */
  strict?: boolean;
}

/** Decodes base64url; undefined when the text is not base64url (a typo is reported, never dropped). */
export function decodeBase64url(text: string, options: DecodeOptions = {}): Uint8Array | undefined {
  if (typeof text !== "string") return undefined;
  let end = text.length;
  if (!options.strict) {
    while (end > 0 && text.length - end < 2 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  }
  if (end % 4 === 1) return undefined; // no whole byte fits in 6 bits
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? VALUES[c]! : -1;
    if (v < 0 || (options.strict && (c === 43 || c === 47))) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >>> bits) & 0xff;
    }
  }
  if (options.strict && (acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

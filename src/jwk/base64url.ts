// base64url (RFC 4648 §5) without padding, as JWK (RFC 7517) and Key Vault use it.
// Decoding is strict about the alphabet so that a typo is reported, not silently dropped;
// trailing "=" padding and standard-base64 "+" "/" are tolerated, as Key Vault tolerates them.

const BASE64URL_RE = /^[A-Za-z0-9_\-+/]*={0,2}$/;

export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** Decodes base64url; returns undefined when the text is not base64url. */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (typeof text !== "string" || !BASE64URL_RE.test(text)) return undefined;
  const body = text.replace(/=+$/, "");
  if (body.length % 4 === 1) return undefined; // no whole byte fits in 6 bits
  return new Uint8Array(Buffer.from(body.replace(/\+/g, "-").replace(/\//g, "_"), "base64url"));
}

/** Big-endian bytes without leading zeros (JWK integers, RFC 7518 §6.3). Keeps one byte for zero. */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

export function bigIntToBytes(value: bigint, length?: number): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const raw = Uint8Array.from(Buffer.from(hex, "hex"));
  if (length === undefined || raw.length === length) return raw;
  if (raw.length > length) throw new RangeError(`integer does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  out.set(raw, length - raw.length);
  return out;
}

// Byte helpers of the X.509 layer: standard base64 (RFC 4648 §4, as Key Vault's `cer`, `csr`, PFX
// secrets and PEM bodies use it), ArrayBuffer copies for the ASN.1 schema classes, comparisons.
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.js";

/** Standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  const url = encodeBase64url(bytes).replace(/-/g, "+").replace(/_/g, "/");
  return url + "=".repeat((4 - (url.length % 4)) % 4);
}

/** Standard (or url-safe) base64, whitespace and padding tolerated; undefined if it is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\s]+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return undefined;
  return decodeBase64url(compact);
}

/** An ArrayBuffer holding exactly these bytes (the ASN.1 classes take ArrayBuffers). */
export function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

export function u8(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  return buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Big-endian unsigned bytes without leading zero bytes (ASN.1 INTEGERs may carry a sign byte). */
export function unsignedBytes(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** Left-pads big-endian bytes to `length` (EC coordinates and scalars have a fixed size). */
export function padStart(bytes: Uint8Array, length: number): Uint8Array {
  const v = unsignedBytes(bytes);
  if (v.length > length) throw new RangeError(`value does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  out.set(v, length - v.length);
  return out;
}

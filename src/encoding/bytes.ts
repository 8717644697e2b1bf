// Big-endian unsigned integers as bytes (JWK integers, RFC 7518 §6.3): no BigInt, so that the runtime
// path holds no arithmetic on key material; the core does that.

/** The bytes without leading zeros; keeps one byte for zero. A view, not a copy. */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** Bits of the integer (for public values and sizes only: the time depends on the leading zeros). */
export function bitLengthVartime(bytes: Uint8Array): number {
  const b = stripLeadingZeros(bytes);
  return b.length === 0 || b[0] === 0 ? 0 : (b.length - 1) * 8 + (32 - Math.clz32(b[0]!));
}

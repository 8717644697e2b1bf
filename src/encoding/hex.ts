// Lowercase hexadecimal, without Buffer, so that every layer runs in a browser too.

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

// BigInt helpers for tests of the multi-precision arithmetic and RSA (reference arithmetic, not ours).

export function bytesToBig(b: Uint8Array): bigint {
  let x = 0n;
  for (const v of b) x = (x << 8n) | BigInt(v);
  return x;
}

/** Big-endian, exactly len bytes (throws if x does not fit). */
export function bigToBytes(x: bigint, len: number): Uint8Array {
  if (x < 0n) throw new Error("negative");
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (x !== 0n) throw new Error(`value does not fit in ${len} bytes`);
  return out;
}

export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

export function modPow(b: bigint, e: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

export function modInv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error("not invertible");
  return ((s0 % m) + m) % m;
}

export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export const b64uToBig = (s: string): bigint => bytesToBig(Uint8Array.from(Buffer.from(s, "base64url")));
export const bigToB64u = (x: bigint): string => {
  let h = x.toString(16);
  if (h.length % 2) h = `0${h}`;
  return Buffer.from(h, "hex").toString("base64url");
};
export const hexToBig = (h: string): bigint => (h.length === 0 ? 0n : BigInt(`0x${h}`));

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

/** Big-endian; exactly length bytes if given (RangeError if the value does not fit). */
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

// RSA on the host side: Key Vault's algorithm names as data, JWK import with precise
// consistency checks (BigInt, on values that are already in host memory), and the
// calls into the core's rsa_* exports (assembly/api/rsa.ts).
import type { Core } from "./core.js";
import type { AlgorithmFamily, DecryptOptions, EncryptOptions, EncryptResult } from "./family.js";
import { HashId, KeyKind, hashLength, type HashName } from "./abi.js";
import { HsmError } from "./status.js";

/** A private RSA key as a JWK (RFC 7518 §6.3): every member base64url, big-endian. */
export interface RsaPrivateJwk {
  kty?: string;
  n: string;
  e: string;
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

export interface RsaPublicJwk {
  kty: "RSA";
  n: string;
  e: string;
}

export type RsaKeySize = 2048 | 3072 | 4096;

const PAD_PKCS1 = 1;
const PAD_OAEP_PSS = 2;

/** Encryption parameters as the core takes them. Key Vault's names map onto these below. */
export interface RsaEncryptionParams {
  padding: "PKCS1" | "OAEP";
  /** OAEP: the label hash and the MGF1 hash. */
  hash?: HashName;
  mgfHash?: HashName;
  /** OAEP label (Key Vault always uses the empty label). */
  label?: Uint8Array;
}

export interface RsaSignatureParams {
  scheme: "PKCS1" | "PSS";
  hash: HashName;
  /** PSS salt length in bytes. */
  saltLength?: number;
}

export const rsaEncryptionAlgorithms: Record<string, RsaEncryptionParams> = {
  RSA1_5: { padding: "PKCS1" },
  "RSA-OAEP": { padding: "OAEP", hash: "SHA-1", mgfHash: "SHA-1" },
  "RSA-OAEP-256": { padding: "OAEP", hash: "SHA-256", mgfHash: "SHA-256" },
};

export const rsaSignatureAlgorithms: Record<string, RsaSignatureParams> = {
  RS256: { scheme: "PKCS1", hash: "SHA-256" },
  RS384: { scheme: "PKCS1", hash: "SHA-384" },
  RS512: { scheme: "PKCS1", hash: "SHA-512" },
  PS256: { scheme: "PSS", hash: "SHA-256", saltLength: 32 },
  PS384: { scheme: "PSS", hash: "SHA-384", saltLength: 48 },
  PS512: { scheme: "PSS", hash: "SHA-512", saltLength: 64 },
};

// ---- key management ---------------------------------------------------------------

/** Generates a private key inside the core. e: any odd value from 3 to 2^32 - 1 (Key Vault's public_exponent). */
export function rsaGenerate(core: Core, bits: number, e = 65537): number {
  if (bits !== 2048 && bits !== 3072 && bits !== 4096) {
    throw new HsmError("BAD_PARAMETER", `generateRsa: key size must be 2048, 3072 or 4096 bits, got ${bits}`);
  }
  checkExponent("generateRsa", e);
  core.reseed();
  return core.call("rsa_generate", "generateRsa", bits, e >>> 0);
}

/**
 * Imports a private JWK. The parts are checked against one another here (they are
 * in host memory already), then the core checks sizes and ranges again, n = p q,
 * qi q = 1 mod p, and one private operation verified with e.
 */
export function rsaImportPrivate(core: Core, jwk: RsaPrivateJwk): number {
  const ctx = "importRsa";
  if (typeof jwk !== "object" || jwk === null) throw new HsmError("BAD_PARAMETER", `${ctx}: the key must be a JWK object`);
  if (jwk.kty !== undefined && jwk.kty !== "RSA" && jwk.kty !== "RSA-HSM") {
    throw new HsmError("BAD_PARAMETER", `${ctx}: kty must be "RSA", got ${JSON.stringify(jwk.kty)}`);
  }
  const bytes: Record<string, Uint8Array> = {};
  const big: Record<string, bigint> = {};
  for (const name of ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const) {
    bytes[name] = decodeMember(ctx, jwk, name);
    big[name] = toBig(bytes[name]!);
  }
  const { n, e, d, p, q, dp, dq, qi } = big as Record<string, bigint>;
  const nBits = bitLength(n!);
  if (nBits !== 2048 && nBits !== 3072 && nBits !== 4096) {
    throw new HsmError("INVALID_KEY", `${ctx}: the modulus n has ${nBits} bits; Key Vault accepts RSA keys of 2048, 3072 or 4096 bits`);
  }
  if (e! > 0xffffffffn) throw new HsmError("INVALID_KEY", `${ctx}: the public exponent e is larger than 2^32 - 1`);
  checkExponent(ctx, Number(e));
  for (const [name, v] of [
    ["p", p!],
    ["q", q!],
  ] as const) {
    if (bitLength(v) < 512) throw new HsmError("INVALID_KEY", `${ctx}: ${name} must have at least 512 bits, got ${bitLength(v)}`);
  }
  if (p! * q! !== n) throw new HsmError("INVALID_KEY", `${ctx}: n is not the product p·q`);
  if (d! <= 0n || d! >= n!) throw new HsmError("INVALID_KEY", `${ctx}: d is not in the range 1 to n-1`);
  const lambda = lcm(p! - 1n, q! - 1n);
  if ((e! * d!) % lambda !== 1n) {
    throw new HsmError("INVALID_KEY", `${ctx}: d is not the inverse of e modulo lcm(p-1, q-1)`);
  }
  if (dp !== d! % (p! - 1n)) throw new HsmError("INVALID_KEY", `${ctx}: dp is not d mod (p-1)`);
  if (dq !== d! % (q! - 1n)) throw new HsmError("INVALID_KEY", `${ctx}: dq is not d mod (q-1)`);
  if (qi! <= 0n || qi! >= p! || (qi! * q!) % p! !== 1n) throw new HsmError("INVALID_KEY", `${ctx}: qi is not q^-1 mod p`);
  const parts = ["n", "e", "p", "q", "dp", "dq", "qi"].map((k) => stripZeros(bytes[k]!));
  core.reseed();
  core.writeAll(...parts);
  for (const b of Object.values(bytes)) b.fill(0);
  try {
    return core.call("rsa_import", ctx, ...parts.map((b) => b.length));
  } catch (err) {
    if (err instanceof HsmError && err.code === "INVALID_KEY") {
      throw new HsmError(
        "INVALID_KEY",
        `${ctx}: the key failed the core's consistency check (a private operation did not verify with e)`,
        err.status,
      );
    }
    throw err;
  } finally {
    for (const b of parts) b.fill(0);
  }
}

/** Imports a public key (n of 2048 to 4096 bits, odd e from 3 to 2^32 - 1), usable to verify and encrypt. */
export function rsaImportPublic(core: Core, jwk: { kty?: string; n: string; e: string }): number {
  const ctx = "importRsaPublic";
  if (typeof jwk !== "object" || jwk === null) throw new HsmError("BAD_PARAMETER", `${ctx}: the key must be a JWK object`);
  if (jwk.kty !== undefined && jwk.kty !== "RSA" && jwk.kty !== "RSA-HSM") {
    throw new HsmError("BAD_PARAMETER", `${ctx}: kty must be "RSA", got ${JSON.stringify(jwk.kty)}`);
  }
  const n = stripZeros(decodeMember(ctx, jwk, "n"));
  const e = stripZeros(decodeMember(ctx, jwk, "e"));
  const nBits = bitLength(toBig(n));
  if (nBits < 2048 || nBits > 4096) {
    throw new HsmError("INVALID_KEY", `${ctx}: the modulus n has ${nBits} bits; public keys of 2048 to 4096 bits are accepted`);
  }
  if ((n[n.length - 1]! & 1) === 0) throw new HsmError("INVALID_KEY", `${ctx}: the modulus n is even`);
  const eBig = toBig(e);
  if (eBig > 0xffffffffn) throw new HsmError("INVALID_KEY", `${ctx}: the public exponent e is larger than 2^32 - 1`);
  checkExponent(ctx, Number(eBig));
  core.writeAll(n, e);
  return core.call("rsa_import_public", ctx, n.length, e.length);
}

/** The public part of an RSA key (private or public-only) as a JWK: n and e base64url, no leading zero bytes. */
export function rsaPublicJwk(core: Core, handle: number): RsaPublicJwk {
  const nLen = core.call("rsa_public_n", "publicJwk", handle);
  const n = core.read(nLen);
  const eLen = core.call("rsa_public_e", "publicJwk", handle);
  const e = core.read(eLen);
  return { kty: "RSA", n: base64url(stripZeros(n)), e: base64url(e) };
}

// ---- operations with explicit parameters ------------------------------------------

interface RsaKeyInfo {
  bits: number;
  isPrivate: boolean;
}

function rsaKeyInfo(core: Core, handle: number, context: string, needPrivate: boolean): RsaKeyInfo {
  const info = core.call("key_info", context, handle);
  const kind = info >>> 16;
  const bits = info & 0xffff;
  if (kind !== KeyKind.rsa && kind !== KeyKind.rsaPublic) {
    const name = Object.entries(KeyKind).find(([, v]) => v === kind)?.[0] ?? `kind ${kind}`;
    throw new HsmError("WRONG_KEY_KIND", `${context} needs an RSA key; this handle is a${/^[aeio]/.test(name) ? "n" : ""} ${name} key`);
  }
  if (needPrivate && kind !== KeyKind.rsa) {
    throw new HsmError("WRONG_KEY_KIND", `${context} needs an RSA private key; this handle is a public key`);
  }
  return { bits, isPrivate: kind === KeyKind.rsa };
}

function hashId(h: HashName | undefined, context: string): number {
  const id = h === undefined ? undefined : HashId[h];
  if (id === undefined) throw new HsmError("BAD_ALGORITHM", `${context}: unknown hash ${String(h)}`);
  return id;
}

/** Largest plaintext for the parameters and a key of `bits` bits (RFC 8017 §7.1.1, §7.2.1). */
export function rsaMaxPlaintext(bits: number, params: RsaEncryptionParams): number {
  const k = Math.ceil(bits / 8);
  if (params.padding === "PKCS1") return k - 11;
  return k - 2 * hashLength[params.hash!] - 2;
}

export function rsaEncryptWith(
  core: Core,
  handle: number,
  params: RsaEncryptionParams,
  plaintext: Uint8Array,
  context = "encrypt",
): Uint8Array {
  const { bits } = rsaKeyInfo(core, handle, context, false);
  const max = rsaMaxPlaintext(bits, params);
  if (plaintext.length > max) {
    throw new HsmError(
      "TOO_LONG",
      `${context}: plaintext of ${plaintext.length} bytes is too long for a ${bits}-bit key (at most ${max} bytes)`,
    );
  }
  const label = params.label ?? new Uint8Array(0);
  core.reseed();
  if (params.padding === "PKCS1") {
    core.write(plaintext);
    return core.read(core.call("rsa_encrypt", context, handle, PAD_PKCS1, 0, 0, plaintext.length, 0));
  }
  const h = hashId(params.hash, context);
  const m = hashId(params.mgfHash ?? params.hash, context);
  core.writeAll(plaintext, label);
  return core.read(core.call("rsa_encrypt", context, handle, PAD_OAEP_PSS, h, m, plaintext.length, label.length));
}

export function rsaDecryptWith(
  core: Core,
  handle: number,
  params: RsaEncryptionParams,
  ciphertext: Uint8Array,
  context = "decrypt",
): Uint8Array {
  const { bits } = rsaKeyInfo(core, handle, context, true);
  const k = Math.ceil(bits / 8);
  if (ciphertext.length !== k) {
    throw new HsmError("BAD_LENGTH", `${context}: the ciphertext for a ${bits}-bit key must be ${k} bytes, got ${ciphertext.length}`);
  }
  const label = params.label ?? new Uint8Array(0);
  core.reseed(); // the blinding pair is renewed from the DRBG now and then
  let n: number;
  if (params.padding === "PKCS1") {
    core.write(ciphertext);
    n = core.call("rsa_decrypt", context, handle, PAD_PKCS1, 0, 0, ciphertext.length, 0);
  } else {
    const h = hashId(params.hash, context);
    const m = hashId(params.mgfHash ?? params.hash, context);
    core.writeAll(ciphertext, label);
    n = core.call("rsa_decrypt", context, handle, PAD_OAEP_PSS, h, m, ciphertext.length, label.length);
  }
  return core.read(n);
}

export function rsaSignWith(core: Core, handle: number, params: RsaSignatureParams, digest: Uint8Array, context = "sign"): Uint8Array {
  rsaKeyInfo(core, handle, context, true);
  const h = hashId(params.hash, context);
  if (digest.length !== hashLength[params.hash]) {
    throw new HsmError(
      "BAD_DIGEST_LENGTH",
      `${context}: the digest for ${params.hash} must be ${hashLength[params.hash]} bytes, got ${digest.length}`,
    );
  }
  core.reseed();
  core.write(digest);
  const scheme = params.scheme === "PKCS1" ? PAD_PKCS1 : PAD_OAEP_PSS;
  return core.read(
    core.call("rsa_sign", context, handle, scheme, h, digest.length, params.scheme === "PSS" ? (params.saltLength ?? 0) : 0),
  );
}

export function rsaVerifyWith(
  core: Core,
  handle: number,
  params: RsaSignatureParams,
  digest: Uint8Array,
  signature: Uint8Array,
  context = "verify",
): boolean {
  rsaKeyInfo(core, handle, context, false);
  const h = hashId(params.hash, context);
  if (digest.length !== hashLength[params.hash]) {
    throw new HsmError(
      "BAD_DIGEST_LENGTH",
      `${context}: the digest for ${params.hash} must be ${hashLength[params.hash]} bytes, got ${digest.length}`,
    );
  }
  core.writeAll(digest, signature);
  const scheme = params.scheme === "PKCS1" ? PAD_PKCS1 : PAD_OAEP_PSS;
  return (
    core.call(
      "rsa_verify",
      context,
      handle,
      scheme,
      h,
      digest.length,
      signature.length,
      params.scheme === "PSS" ? (params.saltLength ?? 0) : 0,
    ) === 1
  );
}

// ---- the family behind Hsm's generic operations ------------------------------------

function encryptionParams(alg: string, context: string): RsaEncryptionParams {
  const p = rsaEncryptionAlgorithms[alg];
  if (!p) throw new HsmError("BAD_ALGORITHM", `${context}: ${alg} is not an RSA encryption algorithm`);
  return p;
}

function signatureParams(alg: string, context: string): RsaSignatureParams {
  const p = rsaSignatureAlgorithms[alg];
  if (!p) throw new HsmError("BAD_ALGORITHM", `${context}: ${alg} is not an RSA signature algorithm`);
  return p;
}

function noSymmetricOptions(alg: string, context: string, opts: EncryptOptions | DecryptOptions): void {
  const o = opts as DecryptOptions;
  if (o.iv !== undefined || o.aad !== undefined || o.tag !== undefined) {
    throw new HsmError("BAD_PARAMETER", `${context}: ${alg} takes no iv, aad or tag`);
  }
}

export const rsaFamily: AlgorithmFamily = {
  algorithms: [...Object.keys(rsaEncryptionAlgorithms), ...Object.keys(rsaSignatureAlgorithms)],
  encrypt(core, handle, alg, plaintext, opts): EncryptResult {
    const ctx = `encrypt (${alg})`;
    noSymmetricOptions(alg, ctx, opts);
    return { ciphertext: rsaEncryptWith(core, handle, encryptionParams(alg, ctx), plaintext, ctx) };
  },
  decrypt(core, handle, alg, ciphertext, opts) {
    const ctx = `decrypt (${alg})`;
    noSymmetricOptions(alg, ctx, opts);
    return rsaDecryptWith(core, handle, encryptionParams(alg, ctx), ciphertext, ctx);
  },
  wrapKey(core, handle, alg, key) {
    const ctx = `wrapKey (${alg})`;
    return rsaEncryptWith(core, handle, encryptionParams(alg, ctx), key, ctx);
  },
  unwrapKey(core, handle, alg, wrapped) {
    const ctx = `unwrapKey (${alg})`;
    return rsaDecryptWith(core, handle, encryptionParams(alg, ctx), wrapped, ctx);
  },
  sign(core, handle, alg, digest) {
    const ctx = `sign (${alg})`;
    return rsaSignWith(core, handle, signatureParams(alg, ctx), digest, ctx);
  },
  verify(core, handle, alg, digest, signature) {
    const ctx = `verify (${alg})`;
    return rsaVerifyWith(core, handle, signatureParams(alg, ctx), digest, signature, ctx);
  },
};

// ---- helpers ------------------------------------------------------------------------

function checkExponent(context: string, e: number): void {
  if (!Number.isSafeInteger(e) || e < 3 || e > 0xffffffff || e % 2 === 0) {
    throw new HsmError("INVALID_KEY", `${context}: the public exponent must be an odd integer from 3 to 2^32 - 1, got ${e}`);
  }
}

function decodeMember(context: string, jwk: object, name: string): Uint8Array {
  const v = (jwk as Record<string, unknown>)[name];
  if (typeof v !== "string" || v.length === 0) throw new HsmError("BAD_PARAMETER", `${context}: the JWK member "${name}" is missing`);
  const bytes = fromBase64url(v);
  if (!bytes) throw new HsmError("BAD_PARAMETER", `${context}: the JWK member "${name}" is not base64url`);
  if (bytes.length > 1024) throw new HsmError("INVALID_KEY", `${context}: the JWK member "${name}" is longer than 8192 bits`);
  return bytes;
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.slice(i);
}

function toBig(b: Uint8Array): bigint {
  let x = 0n;
  for (const v of b) x = (x << 8n) | BigInt(v);
  return x;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

const B64U = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function base64url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64U[v >>> 18]! + B64U[(v >>> 12) & 63]! + B64U[(v >>> 6) & 63]! + B64U[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    out += B64U[v >>> 18]! + B64U[(v >>> 12) & 63]!;
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64U[v >>> 18]! + B64U[(v >>> 12) & 63]! + B64U[(v >>> 6) & 63]!;
  }
  return out;
}

/** Decodes base64url without padding (RFC 7515 §2); null if malformed. */
function fromBase64url(s: string): Uint8Array | null {
  if (s.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    const v = B64U.indexOf(s[i]!);
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >>> bits) & 0xff;
    }
  }
  // Leftover bits must be zero (canonical encoding).
  if ((acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

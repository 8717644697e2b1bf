// RSA on the host side: Key Vault's algorithm names (from ./registry.ts), JWK import (the JWK's shape
// and encoding checked here, the key itself by the core, which says why it refuses one), and the
// calls into the core's rsa_* exports (assembly/api/rsa.ts). No arithmetic on key material here.
import type { Core } from "./core.js";
import type { AlgorithmFamily, DecryptOptions, EncryptOptions, EncryptResult } from "./family.js";
import { HashId, KeyKind, RSA_MAX_PART_BYTES, RsaPadding, hashLength, type HashName } from "./abi.js";
import { HsmError, keyRefused } from "./status.js";
import { ALGORITHMS } from "./registry.js";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.js";
import { bitLengthVartime, stripLeadingZeros } from "../encoding/bytes.js";

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

const PAD_PKCS1 = RsaPadding.PKCS1;
const PAD_OAEP_PSS = RsaPadding.OAEP_PSS;

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

const rsaAlgorithms = Object.values(ALGORITHMS).filter((a) => a.family === "RSA");

/** Key Vault's RSA encryption algorithms (from the registry) as the core's parameters. */
export const rsaEncryptionAlgorithms: Readonly<Record<string, RsaEncryptionParams>> = Object.fromEntries(
  rsaAlgorithms
    .filter((a) => a.ops.includes("encrypt"))
    .map((a) => [a.name, a.rsaPadding === "PKCS1" ? { padding: "PKCS1" } : { padding: "OAEP", hash: a.hash!, mgfHash: a.hash! }]),
);

/** Key Vault's RSA signature algorithms (from the registry) as the core's parameters. */
export const rsaSignatureAlgorithms: Readonly<Record<string, RsaSignatureParams>> = Object.fromEntries(
  rsaAlgorithms
    .filter((a) => a.ops.includes("sign"))
    .map((a) => [
      a.name,
      a.rsaPadding === "PKCS1" ? { scheme: "PKCS1", hash: a.hash! } : { scheme: "PSS", hash: a.hash!, saltLength: a.saltLength! },
    ]),
);

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
 * Imports a private JWK (n e d p q dp dq qi). Here: the JWK's shape and encoding. The core checks the
 * key (rsa/import.ts: sizes, n = p q, d, dp, dq, qi, and one private operation verified with e) and
 * says why it refuses one: INVALID_KEY with the core's reason (KeyRefusal) and message.
 */
export function rsaImportPrivate(core: Core, jwk: RsaPrivateJwk): number {
  const ctx = "importRsa";
  checkRsaJwk(ctx, jwk);
  const parts = (["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const).map((name) => decodeMember(ctx, jwk, name));
  try {
    const [n, e] = parts as [Uint8Array, Uint8Array];
    checkPartSizes(ctx, n, e, parts);
    core.reseed();
    core.writeAll(...parts);
    return core.callImport("rsa_import", ctx, ...parts.map((b) => b.length));
  } finally {
    for (const b of parts) b.fill(0);
  }
}

/** Imports a public key (n of 2048 to 4096 bits, odd e from 3 to 2^32 - 1), usable to verify and encrypt. */
export function rsaImportPublic(core: Core, jwk: { kty?: string; n: string; e: string }): number {
  const ctx = "importRsaPublic";
  checkRsaJwk(ctx, jwk);
  const n = decodeMember(ctx, jwk, "n");
  const e = decodeMember(ctx, jwk, "e");
  checkPartSizes(ctx, n, e, [n, e], "RSA_PUBLIC_N_SIZE");
  core.writeAll(n, e);
  return core.callImport("rsa_import_public", ctx, n.length, e.length);
}

function checkRsaJwk(ctx: string, jwk: { kty?: string } | null): void {
  if (typeof jwk !== "object" || jwk === null) throw new HsmError("BAD_PARAMETER", `${ctx}: the key must be a JWK object`);
  if (jwk.kty !== undefined && jwk.kty !== "RSA" && jwk.kty !== "RSA-HSM") {
    throw new HsmError("BAD_PARAMETER", `${ctx}: kty must be "RSA", got ${JSON.stringify(jwk.kty)}`);
  }
}

/**
 * The core takes numbers of at most RSA_MAX_PART_BYTES (a 4096-bit n); a longer n or e is refused
 * here as the core would refuse it, with the core's message; any other longer part cannot belong to
 * a key the core accepts.
 */
function checkPartSizes(
  ctx: string,
  n: Uint8Array,
  e: Uint8Array,
  parts: Uint8Array[],
  nReason: "RSA_N_SIZE" | "RSA_PUBLIC_N_SIZE" = "RSA_N_SIZE",
): void {
  if (n.length > RSA_MAX_PART_BYTES) throw keyRefused(ctx, nReason, bitLengthVartime(n));
  if (e.length > RSA_MAX_PART_BYTES) throw keyRefused(ctx, "RSA_E");
  if (parts.some((p) => p.length > RSA_MAX_PART_BYTES)) throw keyRefused(ctx, "NONE");
}

/** The public part of an RSA key (private or public-only) as a JWK: n and e base64url, no leading zero bytes. */
export function rsaPublicJwk(core: Core, handle: number): RsaPublicJwk {
  const nLen = core.call("rsa_public_n", "publicJwk", handle);
  const n = core.read(nLen);
  const eLen = core.call("rsa_public_e", "publicJwk", handle);
  const e = core.read(eLen);
  return { kty: "RSA", n: encodeBase64url(stripLeadingZeros(n)), e: encodeBase64url(e) };
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

/** A JWK integer member as big-endian bytes without leading zeros (a copy: the caller wipes it). */
function decodeMember(context: string, jwk: object, name: string): Uint8Array {
  const v = (jwk as Record<string, unknown>)[name];
  if (typeof v !== "string" || v.length === 0) throw new HsmError("BAD_PARAMETER", `${context}: the JWK member "${name}" is missing`);
  const bytes = decodeBase64url(v, { strict: true });
  if (!bytes) throw new HsmError("BAD_PARAMETER", `${context}: the JWK member "${name}" is not base64url`);
  const stripped = stripLeadingZeros(bytes).slice();
  bytes.fill(0);
  return stripped;
}

// The oct (AES) family: key generation and import, and Key Vault's AES algorithms as data.
//   A128KW/A192KW/A256KW      wrapKey / unwrapKey (RFC 3394)
//   A128GCM/A192GCM/A256GCM   encrypt / decrypt; the core makes the 96-bit IV; 128-bit tag
//   A128CBC/A192CBC/A256CBC   encrypt / decrypt, no padding (length a multiple of 16)
//   A128CBCPAD/...            encrypt / decrypt with PKCS#7 padding
// KWP (RFC 5649) is not a Key Vault algorithm name; Hsm exposes it as wrapKeyKwp / unwrapKeyKwp
// for BYOK. The mode ids come from assembly/aes/modes.ts (generated), the algorithms from ./registry.ts.
import type { Core } from "./core.js";
import type { AlgorithmFamily, DecryptOptions, EncryptOptions, EncryptResult } from "./family.js";
import { AesMode, KeyKind } from "./abi.js";
import { HsmError } from "./status.js";
import { ALGORITHMS, type AesBits } from "./registry.js";

type AesModeId = (typeof AesMode)[keyof typeof AesMode];

export type { AesBits };

interface AesAlgorithm {
  mode: AesModeId;
  bits: AesBits;
}

/** Key Vault algorithm name -> core mode and the key size it needs (from the registry). */
export const aesAlgorithms: Readonly<Record<string, AesAlgorithm>> = Object.fromEntries(
  Object.values(ALGORITHMS)
    .filter((a) => a.family === "oct")
    .map((a) => [a.name, { mode: AesMode[a.aesMode!], bits: a.aesBits! }]),
);

const GCM_IV = 12;
const GCM_TAG = 16;
const BLOCK = 16;

const isAesBits = (bits: number): bits is AesBits => bits === 128 || bits === 192 || bits === 256;

export function generateOct(core: Core, bits: number): number {
  if (!isAesBits(bits)) {
    throw new HsmError("BAD_LENGTH", `generateOct: an AES key must have 128, 192 or 256 bits, got ${bits}`);
  }
  core.reseedNow();
  return core.call("aes_generate", "generateOct", bits);
}

export function importOct(core: Core, key: Uint8Array): number {
  if (!isAesBits(key.length * 8)) {
    throw new HsmError("BAD_LENGTH", `importOct: an AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  core.write(key);
  return core.call("aes_import", "importOct", key.length);
}

/** An oct key has no public part: its JWK carries only the key type (Key Vault never returns `k`). */
export function octPublicJwk(core: Core, handle: number): { kty: "oct" } {
  octBits(core, handle, "publicJwk");
  return { kty: "oct" };
}

/** The key size of a live oct key, or an HsmError naming the operation. */
function octBits(core: Core, handle: number, op: string): number {
  // The core sees handles as i32: refuse anything else here rather than let it wrap around.
  if (!Number.isInteger(handle) || handle <= 0 || handle > 0x7fffffff) {
    throw new HsmError("BAD_HANDLE", `${op}: ${String(handle)} is not a key handle`);
  }
  const info = core.call("key_info", op, handle);
  if (info >>> 16 !== KeyKind.oct) {
    throw new HsmError("WRONG_KEY_KIND", `${op}: the key is not an AES (oct) key`);
  }
  return info & 0xffff;
}

function algorithm(core: Core, handle: number, alg: string, op: string, modes: readonly AesModeId[]): AesAlgorithm {
  const a = Object.hasOwn(aesAlgorithms, alg) ? aesAlgorithms[alg] : undefined;
  if (!a || !modes.includes(a.mode)) {
    throw new HsmError("BAD_ALGORITHM", `${op}: algorithm ${JSON.stringify(alg)} is not available for ${op}`);
  }
  const bits = octBits(core, handle, op);
  if (bits !== a.bits) {
    throw new HsmError("BAD_ALGORITHM", `${op}: ${alg} needs a ${a.bits}-bit AES key, this key has ${bits} bits`);
  }
  return a;
}

function checkSize(n: number, max: number, what: string): void {
  if (n > max) throw new HsmError("BAD_LENGTH", `${what} of ${n} bytes exceeds the limit of ${max} bytes set by the HSM's I/O buffer`);
}

function wrapWith(core: Core, handle: number, mode: AesModeId, key: Uint8Array, op: string): Uint8Array {
  if (mode === AesMode.KW && (key.length < 16 || key.length % 8 !== 0)) {
    throw new HsmError("BAD_LENGTH", `${op}: RFC 3394 key wrap needs a multiple of 8 bytes, at least 16, got ${key.length}`);
  }
  if (mode === AesMode.KWP && key.length < 1) {
    throw new HsmError("BAD_LENGTH", `${op}: RFC 5649 key wrap needs at least 1 byte`);
  }
  // Every wrapped output must fit in the core's input again, to be unwrapped.
  checkSize(key.length, core.capacity - 8, `${op}: key`);
  core.write(key);
  return core.read(core.call("aes_wrap", op, handle, mode, key.length));
}

function unwrapWith(core: Core, handle: number, mode: AesModeId, wrapped: Uint8Array, op: string): Uint8Array {
  const minimum = mode === AesMode.KW ? 24 : 16;
  if (wrapped.length < minimum || wrapped.length % 8 !== 0) {
    throw new HsmError("BAD_LENGTH", `${op}: a wrapped key must be a multiple of 8 bytes, at least ${minimum}, got ${wrapped.length}`);
  }
  checkSize(wrapped.length, core.capacity, `${op}: wrapped key`);
  core.write(wrapped);
  return core.read(core.call("aes_unwrap", op, handle, mode, wrapped.length));
}

/** RFC 5649 wrap under an oct key of any size (for BYOK and tests). */
export function wrapKeyKwp(core: Core, handle: number, key: Uint8Array): Uint8Array {
  octBits(core, handle, "wrapKeyKwp");
  return wrapWith(core, handle, AesMode.KWP, key, "wrapKeyKwp");
}

/** RFC 5649 unwrap; any integrity or padding failure is DECRYPT_FAILED. */
export function unwrapKeyKwp(core: Core, handle: number, wrapped: Uint8Array): Uint8Array {
  octBits(core, handle, "unwrapKeyKwp");
  return unwrapWith(core, handle, AesMode.KWP, wrapped, "unwrapKeyKwp");
}

function encrypt(core: Core, handle: number, alg: string, plaintext: Uint8Array, opts: EncryptOptions): EncryptResult {
  const { mode } = algorithm(core, handle, alg, "encrypt", [AesMode.GCM, AesMode.CBC, AesMode.CBC_PKCS7]);
  if (mode === AesMode.GCM) {
    if (opts.iv !== undefined) {
      throw new HsmError("BAD_PARAMETER", `encrypt: ${alg} makes its own IV; do not pass one`);
    }
    const aad = opts.aad ?? new Uint8Array(0);
    // The output (IV ‖ ct ‖ tag) plus the AAD must fit in the core's input again, to be decrypted.
    checkSize(aad.length + plaintext.length, core.capacity - GCM_IV - GCM_TAG, "encrypt: AAD and plaintext");
    core.reseed(); // before writing: reseeding passes its entropy through IN
    core.writeAll(aad, plaintext);
    const n = core.call("aes_encrypt", "encrypt", handle, mode, 0, aad.length, plaintext.length);
    const out = core.read(n);
    return { ciphertext: out.slice(GCM_IV, n - GCM_TAG), iv: out.slice(0, GCM_IV), tag: out.slice(n - GCM_TAG) };
  }
  if (opts.aad !== undefined && opts.aad.length > 0) {
    throw new HsmError("BAD_PARAMETER", `encrypt: ${alg} takes no additional authenticated data`);
  }
  if (opts.iv !== undefined && opts.iv.length !== BLOCK) {
    throw new HsmError("BAD_LENGTH", `encrypt: the IV for ${alg} must be 16 bytes, got ${opts.iv.length}`);
  }
  if (mode === AesMode.CBC && plaintext.length % BLOCK !== 0) {
    throw new HsmError("BAD_LENGTH", `encrypt: ${alg} needs a plaintext that is a multiple of 16 bytes, got ${plaintext.length}`);
  }
  const iv = opts.iv ?? new Uint8Array(0);
  // The output (IV ‖ ct) must fit in the core's input again, to be decrypted.
  const padded = mode === AesMode.CBC ? plaintext.length : plaintext.length - (plaintext.length % BLOCK) + BLOCK;
  checkSize(BLOCK + padded, core.capacity, "encrypt: IV and ciphertext");
  if (iv.length === 0) core.reseed(); // before writing: reseeding passes its entropy through IN
  core.writeAll(iv, plaintext);
  const n = core.call("aes_encrypt", "encrypt", handle, mode, iv.length, 0, plaintext.length);
  const out = core.read(n);
  return { ciphertext: out.slice(BLOCK), iv: out.slice(0, BLOCK) };
}

function decrypt(core: Core, handle: number, alg: string, ciphertext: Uint8Array, opts: DecryptOptions): Uint8Array {
  const { mode } = algorithm(core, handle, alg, "decrypt", [AesMode.GCM, AesMode.CBC, AesMode.CBC_PKCS7]);
  const iv = opts.iv;
  if (mode === AesMode.GCM) {
    // Key Vault only makes 96-bit IVs and 128-bit tags; other sizes are refused.
    if (iv === undefined || iv.length !== GCM_IV) {
      throw new HsmError("BAD_LENGTH", `decrypt: ${alg} needs a 12-byte IV, got ${iv === undefined ? "none" : `${iv.length} bytes`}`);
    }
    const tag = opts.tag;
    if (tag === undefined || tag.length !== GCM_TAG) {
      throw new HsmError("BAD_LENGTH", `decrypt: ${alg} needs a 16-byte tag, got ${tag === undefined ? "none" : `${tag.length} bytes`}`);
    }
    const aad = opts.aad ?? new Uint8Array(0);
    checkSize(GCM_IV + aad.length + ciphertext.length + GCM_TAG, core.capacity, "decrypt: IV, AAD, ciphertext and tag");
    core.writeAll(iv, aad, ciphertext, tag);
    return core.read(core.call("aes_decrypt", "decrypt", handle, mode, GCM_IV, aad.length, ciphertext.length, GCM_TAG));
  }
  if (opts.aad !== undefined && opts.aad.length > 0) {
    throw new HsmError("BAD_PARAMETER", `decrypt: ${alg} takes no additional authenticated data`);
  }
  if (opts.tag !== undefined && opts.tag.length > 0) {
    throw new HsmError("BAD_PARAMETER", `decrypt: ${alg} takes no tag`);
  }
  if (iv === undefined || iv.length !== BLOCK) {
    throw new HsmError("BAD_LENGTH", `decrypt: ${alg} needs a 16-byte IV, got ${iv === undefined ? "none" : `${iv.length} bytes`}`);
  }
  if (ciphertext.length % BLOCK !== 0 || (mode === AesMode.CBC_PKCS7 && ciphertext.length === 0)) {
    throw new HsmError(
      "BAD_LENGTH",
      `decrypt: ${alg} needs a ciphertext that is a ${mode === AesMode.CBC_PKCS7 ? "positive " : ""}multiple of 16 bytes, got ${ciphertext.length}`,
    );
  }
  checkSize(BLOCK + ciphertext.length, core.capacity, "decrypt: IV and ciphertext");
  core.writeAll(iv, ciphertext);
  return core.read(core.call("aes_decrypt", "decrypt", handle, mode, BLOCK, 0, ciphertext.length, 0));
}

export const octFamily: AlgorithmFamily = {
  algorithms: Object.keys(aesAlgorithms),
  encrypt,
  decrypt,
  wrapKey(core, handle, alg, key) {
    const { mode } = algorithm(core, handle, alg, "wrapKey", [AesMode.KW]);
    return wrapWith(core, handle, mode, key, "wrapKey");
  },
  unwrapKey(core, handle, alg, wrapped) {
    const { mode } = algorithm(core, handle, alg, "unwrapKey", [AesMode.KW]);
    return unwrapWith(core, handle, mode, wrapped, "unwrapKey");
  },
};

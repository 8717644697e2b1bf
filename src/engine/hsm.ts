// Hsm: the handle-based public API of the core. It never returns private key material.
// Each family of operations lives in its own module (./oct.ts, ./rsa.ts, ./ec.ts, ./seal.ts);
// the methods here only check arguments that need the host's view and delegate.
import { Core, type WasmSource } from "./core.js";
import { HashId, KeyKind, type HashName, type KeyKindName } from "./abi.js";
import { HsmError } from "./status.js";
import { familyFor } from "./families.js";
import type { DecryptOptions, EncryptOptions, EncryptResult } from "./family.js";
import * as sealing from "./seal.js";
import { importTransferBlob, type TransferTarget } from "./byok.js";
import { backupDecryptStream, backupEncryptStream } from "./backup-stream.js";
import { exportPkcs8 } from "./export.js";
import { isExportable, makeExportable, releaseKey, type ReleaseEncryption } from "./release.js";
import { generateOct, importOct, octPublicJwk, unwrapKeyKwp, wrapKeyKwp } from "./oct.js";
import {
  ecCurveOf,
  ecGenerate,
  ecImport,
  ecImportPublic,
  ecPublicPoint,
  ecPublicJwk,
  ecdsaSignDigest,
  ecdsaVerifyDigest,
  type EcCurve,
  type EcJwk,
} from "./ec.js";
import { rsaGenerate, rsaImportPrivate, rsaImportPublic, rsaPublicJwk, type RsaKeySize, type RsaPrivateJwk } from "./rsa.js";

/** Public JWK members; never any private member. */
export type PublicJwk = { kty: string; n?: string; e?: string; crv?: string; x?: string; y?: string };

/** An opaque reference to a key inside the core. */
export type KeyHandle = number & { readonly __keyHandle: unique symbol };

export interface KeyInfo {
  kind: KeyKindName;
  bits: number;
}

export interface HsmOptions {
  /** Where the core comes from: a path or URL (file:, http:, https:), bytes, or a compiled module. */
  wasm?: WasmSource;
}

/**
 * The raw core behind an Hsm, for the test helpers that drive the test build's hooks (test/helpers).
 * Not re-exported from src/engine/index.ts: nothing outside the engine and the tests may use it.
 */
export let coreOf: (hsm: Hsm) => Core;

export class Hsm {
  readonly #core: Core;

  private constructor(core: Core) {
    this.#core = core;
  }

  static {
    coreOf = (hsm) => hsm.#core;
  }

  static async create(options: HsmOptions = {}): Promise<Hsm> {
    const source = options.wasm ?? (await defaultWasmLocation());
    return new Hsm(await Core.instantiate(source));
  }

  /** Random bytes from the core's DRBG (reseeded from crypto.getRandomValues). */
  randomBytes(length: number): Uint8Array {
    assertLength(length, 0, this.#core.capacity, "randomBytes length");
    this.#core.reseed();
    const n = this.#core.call("rand_bytes", "randomBytes", length);
    return this.#core.read(n);
  }

  digest(hash: HashName, data: Uint8Array): Uint8Array {
    const id = hashIdOf(hash);
    this.#core.write(data);
    return this.#core.read(this.#core.call("hash", "digest", id, data.length));
  }

  hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
    const id = hashIdOf(hash);
    this.#core.writeAll(key, data);
    return this.#core.read(this.#core.call("hmac", "hmac", id, key.length, data.length));
  }

  /** HKDF-SHA-256 (RFC 5869) over public inputs. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    assertLength(length, 0, 255 * 32, "hkdf length");
    this.#core.writeAll(ikm, salt, info);
    return this.#core.read(this.#core.call("hkdf_sha256", "hkdfSha256", ikm.length, salt.length, info.length, length));
  }

  keyInfo(handle: KeyHandle): KeyInfo {
    assertHandle(handle, "keyInfo");
    const info = this.#core.call("key_info", "keyInfo", handle);
    const kindId = info >>> 16;
    const kind = (Object.keys(KeyKind) as KeyKindName[]).find((k) => KeyKind[k] === kindId);
    if (!kind) throw new HsmError("UNKNOWN_STATUS", `keyInfo: unknown key kind ${kindId}`);
    return { kind, bits: info & 0xffff };
  }

  /** Wipes the key inside the core; the handle is refused from then on. */
  destroy(handle: KeyHandle): void {
    assertHandle(handle, "destroy");
    this.#core.call("key_destroy", "destroy", handle);
  }

  // --- operations, dispatched to the algorithm's family (src/engine/families.ts) ---

  encrypt(handle: KeyHandle, alg: string, plaintext: Uint8Array, opts: EncryptOptions = {}): EncryptResult {
    return familyFor(alg, "encrypt").encrypt!(this.#core, handle, alg, plaintext, opts);
  }

  decrypt(handle: KeyHandle, alg: string, ciphertext: Uint8Array, opts: DecryptOptions = {}): Uint8Array {
    return familyFor(alg, "decrypt").decrypt!(this.#core, handle, alg, ciphertext, opts);
  }

  wrapKey(handle: KeyHandle, alg: string, key: Uint8Array): Uint8Array {
    return familyFor(alg, "wrapKey").wrapKey!(this.#core, handle, alg, key);
  }

  unwrapKey(handle: KeyHandle, alg: string, wrapped: Uint8Array): Uint8Array {
    return familyFor(alg, "unwrapKey").unwrapKey!(this.#core, handle, alg, wrapped);
  }

  /** Signs a digest (not a message); its length must suit the algorithm. */
  sign(handle: KeyHandle, alg: string, digest: Uint8Array): Uint8Array {
    return familyFor(alg, "sign").sign!(this.#core, handle, alg, digest);
  }

  verify(handle: KeyHandle, alg: string, digest: Uint8Array, signature: Uint8Array): boolean {
    return familyFor(alg, "verify").verify!(this.#core, handle, alg, digest, signature);
  }

  // --- key management per family: each family adds its methods below, under its own heading ---

  // --- security domain and sealing ---

  /** A new 256-bit sealing key (a vault's security-domain key); usable only for sealing. */
  generateSealingKey(): KeyHandle {
    return sealing.generateSealingKey(this.#core) as KeyHandle;
  }

  /** The 16-byte public identifier of a sealing key. */
  sealingKeyId(kek: KeyHandle): Uint8Array {
    return sealing.sealingKeyId(this.#core, kek);
  }

  /** The sealing key, sealed under a key the core derives from `secret` (for storage). */
  exportSealingKey(kek: KeyHandle, secret: Uint8Array): Uint8Array {
    return sealing.exportSealingKey(this.#core, kek, secret);
  }

  importSealingKey(blob: Uint8Array, secret: Uint8Array): KeyHandle {
    return sealing.importSealingKey(this.#core, blob, secret) as KeyHandle;
  }

  /** The key's material, authenticated-encrypted under the sealing key `kek`. */
  seal(kek: KeyHandle, key: KeyHandle): Uint8Array {
    return sealing.seal(this.#core, kek, key);
  }

  /** A new handle to the key sealed in `blob`. */
  unseal(kek: KeyHandle, blob: Uint8Array): KeyHandle {
    return sealing.unseal(this.#core, kek, blob) as KeyHandle;
  }

  /** AES-256-GCM under the domain's backup subkey, in pieces: any size passes the core's I/O buffers. */
  backupEncrypt(kek: KeyHandle, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return backupEncryptStream(this.#core, kek, aad, plaintext);
  }

  backupDecrypt(kek: KeyHandle, aad: Uint8Array, blob: Uint8Array): Uint8Array {
    return backupDecryptStream(this.#core, kek, aad, blob);
  }

  /** Opaque data sealed for storage (AES-256-GCM under the domain's data subkey), bound to `aad`. */
  sealData(kek: KeyHandle, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return sealing.sealData(this.#core, kek, aad, plaintext);
  }

  /** The data sealed in `blob` under `aad`; DECRYPT_FAILED if the blob or the aad is not the one sealed. */
  unsealData(kek: KeyHandle, aad: Uint8Array, blob: Uint8Array): Uint8Array {
    return sealing.unsealData(this.#core, kek, aad, blob);
  }

  // --- oct ---

  /** A new AES key of 128, 192 or 256 bits from the core's DRBG. */
  generateOct(bits: number): KeyHandle {
    return generateOct(this.#core, bits) as KeyHandle;
  }

  /** Imports a raw AES key of 16, 24 or 32 bytes. */
  importOct(key: Uint8Array): KeyHandle {
    return importOct(this.#core, key) as KeyHandle;
  }

  /** AES key wrap with padding (RFC 5649), under an oct key of any size (BYOK). */
  wrapKeyKwp(handle: KeyHandle, key: Uint8Array): Uint8Array {
    return wrapKeyKwp(this.#core, handle, key);
  }

  /** Unwraps RFC 5649 key data; any integrity or padding failure is DECRYPT_FAILED. */
  unwrapKeyKwp(handle: KeyHandle, wrapped: Uint8Array): Uint8Array {
    return unwrapKeyKwp(this.#core, handle, wrapped);
  }

  // --- ec ---

  /** A new EC key pair on a Key Vault curve: P-256, P-256K, P-384 or P-521. */
  generateEc(crv: EcCurve): KeyHandle {
    return ecGenerate(this.#core, crv) as KeyHandle;
  }

  /** Imports a private EC JWK {crv, x, y, d}; refused unless the point is on the curve and d G = (x, y). */
  importEc(jwk: EcJwk): KeyHandle {
    return ecImport(this.#core, jwk) as KeyHandle;
  }

  /** Imports a public EC JWK {crv, x, y}, usable for verify only. */
  /** The public point d G of a private EC scalar (base64url), computed in the core; nothing is kept. */
  ecPublicPoint(crv: string, d: string): { x: string; y: string } {
    return ecPublicPoint(this.#core, crv, d);
  }

  importEcPublic(jwk: Pick<EcJwk, "kty" | "crv" | "x" | "y">): KeyHandle {
    return ecImportPublic(this.#core, jwk) as KeyHandle;
  }

  /** The Key Vault curve name of an EC key. */
  ecCurve(handle: KeyHandle): EcCurve {
    return ecCurveOf(this.#core, handle);
  }

  /**
   * ECDSA over a digest of any length, the RFC 6979 nonce keyed with `hash`. sign() is the Key
   * Vault operation, which also checks the curve and the digest length against the algorithm.
   */
  ecdsaSignDigest(handle: KeyHandle, hash: HashName, digest: Uint8Array): Uint8Array {
    return ecdsaSignDigest(this.#core, handle, hash, digest);
  }

  /** Verifies a raw r || s over a digest of any length (see ecdsaSignDigest). */
  ecdsaVerifyDigest(handle: KeyHandle, digest: Uint8Array, signature: Uint8Array): boolean {
    return ecdsaVerifyDigest(this.#core, handle, digest, signature);
  }

  // --- BYOK ---

  /**
   * Imports a key from a Key Vault BYOK transfer ciphertext (RSA-OAEP-SHA1 of an AES key, then
   * AES-KWP of the target: PKCS#8 for RSA and EC, raw for oct) under the RSA key-exchange key `kek`.
   */
  importTransferBlob(kek: KeyHandle, ciphertext: Uint8Array, target: TransferTarget): KeyHandle {
    return importTransferBlob(this.#core, kek, ciphertext, target) as KeyHandle;
  }

  // --- exportable keys and release ---

  /** Makes a key that was just made or imported exportable (CKA_EXTRACTABLE); refused once it has been sealed. */
  makeExportable(handle: KeyHandle): void {
    makeExportable(this.#core, handle);
  }

  isExportable(handle: KeyHandle): boolean {
    return isExportable(this.#core, handle);
  }

  /** The PKCS#8 DER of a key made exportable (for an exportable certificate's secret); NOT_EXPORTABLE for any other key. */
  exportPkcs8(handle: KeyHandle): Uint8Array {
    return exportPkcs8(this.#core, handle);
  }

  /**
   * Key Vault's release wrap, made in the core: RSA-OAEP(target, AES-256 key) ‖ AES-KWP of the key
   * (PKCS#8 for RSA and EC, raw for oct). NOT_EXPORTABLE for a key that was not made exportable.
   */
  releaseKey(handle: KeyHandle, target: { n: string; e: string }, enc: ReleaseEncryption): Uint8Array {
    return releaseKey(this.#core, handle, target, enc);
  }

  // --- public parts of any key ---

  /** The public JWK members of a key: {kty, n, e} for RSA, {kty, crv, x, y} for EC, {kty} for oct. */
  publicJwk(handle: KeyHandle): PublicJwk {
    const { kind } = this.keyInfo(handle);
    switch (kind) {
      case "oct":
        return octPublicJwk(this.#core, handle);
      case "ec":
      case "ecPublic":
        return ecPublicJwk(this.#core, handle);
      case "rsa":
      case "rsaPublic":
        return rsaPublicJwk(this.#core, handle);
      default:
        throw new HsmError("WRONG_KEY_KIND", `publicJwk: no public JWK for a key of kind ${kind}`);
    }
  }

  // --- rsa ---

  /** Generates an RSA private key in the core. e: odd, 3 to 2^32 - 1 (Key Vault's public_exponent). */
  generateRsa(bits: RsaKeySize, e = 65537): KeyHandle {
    return rsaGenerate(this.#core, bits, e) as KeyHandle;
  }

  /** Imports a private RSA JWK (n e d p q dp dq qi) of 2048, 3072 or 4096 bits, after checking its parts agree. */
  importRsa(jwk: RsaPrivateJwk): KeyHandle {
    return rsaImportPrivate(this.#core, jwk) as KeyHandle;
  }

  /** Imports a public RSA key (n of 2048 to 4096 bits, e): it can verify and encrypt. */
  importRsaPublic(jwk: { kty?: string; n: string; e: string }): KeyHandle {
    return rsaImportPublic(this.#core, jwk) as KeyHandle;
  }

  /** Number of live key slots (for leak checks in tests and metrics). */
  keyCount(): number {
    return this.#core.call("key_count", "keyCount");
  }

  /** Size of the core's linear memory in bytes (metrics, the memory benchmark); it never shrinks. */
  memoryBytes(): number {
    return this.#core.memoryBytes;
  }
}

function hashIdOf(hash: HashName): number {
  const id = HashId[hash];
  if (id === undefined) throw new HsmError("BAD_ALGORITHM", `unknown hash ${String(hash)}`);
  return id;
}

export function assertLength(n: number, min: number, max: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new HsmError("BAD_LENGTH", `${what} must be an integer from ${min} to ${max}, got ${n}`);
  }
}

/** The core reads handles as i32; a number outside 1..2^31-1 would wrap onto another handle. */
function assertHandle(handle: number, what: string): void {
  if (!Number.isInteger(handle) || handle <= 0 || handle > 0x7fffffff) {
    throw new HsmError("BAD_HANDLE", `${what}: ${String(handle)} is not a key handle`);
  }
}

async function defaultWasmLocation(): Promise<URL> {
  const { existsSync } = await import("node:fs");
  const { fileURLToPath } = await import("node:url");
  const env = globalThis.process?.env?.WASM_HSM_CORE;
  if (env) return new URL(env, `file://${process.cwd()}/`);
  // dist/engine/hsm.js in the package (dist/hsm.wasm), src/engine/hsm.ts in the source tree.
  for (const rel of ["../hsm.wasm", "../../build/hsm.wasm"]) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new HsmError("BAD_PARAMETER", "build/hsm.wasm not found: run `npm run build` first");
}

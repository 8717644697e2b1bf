// What the vault needs from the engine. Hsm (src/engine) satisfies it; the vault depends only
// on this shape, so that it holds no arithmetic and can be tested against the real engine alone.
import type { KeyHandle } from "../engine/index.js";
import type { DecryptOptions, EncryptOptions, EncryptResult, RsaPrivateJwk, EcJwk, ReleaseEncryption } from "../engine/index.js";

export interface PublicJwkOutput {
  kty: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface VaultEngine {
  randomBytes(length: number): Uint8Array;
  /** A digest of public data (attestation and release signatures; certificates: to-be-signed bytes, key ids, x5t). */
  digest(hash: "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512", data: Uint8Array): Uint8Array;
  destroy(handle: KeyHandle): void;
  keyInfo(handle: KeyHandle): { kind: string; bits: number };

  generateOct(bits: number): KeyHandle;
  importOct(key: Uint8Array): KeyHandle;
  generateRsa(bits: number, e?: number): KeyHandle;
  importRsa(jwk: RsaPrivateJwk): KeyHandle;
  generateEc(crv: string): KeyHandle;
  importEc(jwk: EcJwk & { d: string }): KeyHandle;
  /** The public point d G of a private EC scalar, computed in the core (a PKCS#8 EC key may leave it out). */
  ecPublicPoint(crv: string, d: string): { x: string; y: string };
  /** Public JWK members of RSA and EC keys; oct keys have none. */
  publicJwk(handle: KeyHandle): PublicJwkOutput;

  encrypt(handle: KeyHandle, alg: string, plaintext: Uint8Array, opts?: EncryptOptions): EncryptResult;
  decrypt(handle: KeyHandle, alg: string, ciphertext: Uint8Array, opts?: DecryptOptions): Uint8Array;
  wrapKey(handle: KeyHandle, alg: string, key: Uint8Array): Uint8Array;
  unwrapKey(handle: KeyHandle, alg: string, wrapped: Uint8Array): Uint8Array;
  sign(handle: KeyHandle, alg: string, digest: Uint8Array): Uint8Array;
  verify(handle: KeyHandle, alg: string, digest: Uint8Array, signature: Uint8Array): boolean;

  // The security domain and sealing (assembly/seal).
  generateSealingKey(): KeyHandle;
  sealingKeyId(kek: KeyHandle): Uint8Array;
  exportSealingKey(kek: KeyHandle, secret: Uint8Array): Uint8Array;
  importSealingKey(blob: Uint8Array, secret: Uint8Array): KeyHandle;
  seal(kek: KeyHandle, key: KeyHandle): Uint8Array;
  unseal(kek: KeyHandle, blob: Uint8Array): KeyHandle;
  /** AES-256-GCM under a key derived (HKDF-SHA-256) from the domain key, for backups. */
  backupEncrypt(kek: KeyHandle, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  backupDecrypt(kek: KeyHandle, aad: Uint8Array, blob: Uint8Array): Uint8Array;
  /** Opaque data (a secret's value) sealed for storage under a key derived from the domain key, bound to aad. */
  sealData(kek: KeyHandle, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  unsealData(kek: KeyHandle, aad: Uint8Array, blob: Uint8Array): Uint8Array;

  /** Exportability is fixed when a key is made: only a fresh, never sealed key can be made exportable. */
  makeExportable(handle: KeyHandle): void;
  isExportable(handle: KeyHandle): boolean;
  /** The PKCS#8 of a key made exportable; the core refuses any other key (NOT_EXPORTABLE). */
  exportPkcs8(handle: KeyHandle): Uint8Array;
  /** The release wrap of an exportable key for an RSA public key, made inside the core. */
  releaseKey(handle: KeyHandle, target: { n: string; e: string }, enc: ReleaseEncryption): Uint8Array;

  /** BYOK: RSA-OAEP-SHA1 + AES-KWP unwrap of a target key under an RSA KEK, entirely inside the core. */
  importTransferBlob(kek: KeyHandle, ciphertext: Uint8Array, target: { kty: "RSA" | "EC" | "oct"; crv?: string }): KeyHandle;
}

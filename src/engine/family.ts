// A family of algorithms (oct/AES, RSA, EC) plugs into Hsm through this interface.
// Hsm's generic methods (encrypt, decrypt, wrapKey, unwrapKey, sign, verify) look the
// algorithm name up in the families' tables and delegate; nothing else branches on family.
import type { Core } from "./core.js";

export interface EncryptOptions {
  /** CBC: the 16-byte IV (made by the core if omitted). GCM: not allowed (the core always makes it). */
  iv?: Uint8Array;
  /** GCM only: additional authenticated data. */
  aad?: Uint8Array;
}

export interface EncryptResult {
  ciphertext: Uint8Array;
  iv?: Uint8Array;
  tag?: Uint8Array;
}

export interface DecryptOptions {
  iv?: Uint8Array;
  aad?: Uint8Array;
  tag?: Uint8Array;
}

export interface AlgorithmFamily {
  /** Key Vault algorithm names this family serves, e.g. ["A128KW", "A128GCM", ...]. */
  readonly algorithms: readonly string[];
  encrypt?(core: Core, handle: number, alg: string, plaintext: Uint8Array, opts: EncryptOptions): EncryptResult;
  decrypt?(core: Core, handle: number, alg: string, ciphertext: Uint8Array, opts: DecryptOptions): Uint8Array;
  wrapKey?(core: Core, handle: number, alg: string, key: Uint8Array): Uint8Array;
  unwrapKey?(core: Core, handle: number, alg: string, wrapped: Uint8Array): Uint8Array;
  sign?(core: Core, handle: number, alg: string, digest: Uint8Array): Uint8Array;
  verify?(core: Core, handle: number, alg: string, digest: Uint8Array, signature: Uint8Array): boolean;
}

// Hsm: the handle-based public API of the core. It never returns private key material.
// Each family of operations lives in its own module (./oct.ts, ./rsa.ts, ./ec.ts, ./seal.ts);
// the methods here only check arguments that need the host's view and delegate.
import { Core, type WasmSource } from "./core.js";
import { HashId, KeyKind, type HashName, type KeyKindName } from "./abi.js";
import { HsmError } from "./status.js";
import { familyFor } from "./families.js";
import type { DecryptOptions, EncryptOptions, EncryptResult } from "./family.js";
import { rsaGenerate, rsaImportPrivate, rsaImportPublic, rsaPublicJwk, type RsaKeySize, type RsaPrivateJwk, type RsaPublicJwk } from "./rsa.js";

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

export class Hsm {
  readonly #core: Core;

  private constructor(core: Core) {
    this.#core = core;
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

  keyInfo(handle: KeyHandle): KeyInfo {
    const info = this.#core.call("key_info", "keyInfo", handle);
    const kindId = info >>> 16;
    const kind = (Object.keys(KeyKind) as KeyKindName[]).find((k) => KeyKind[k] === kindId);
    if (!kind) throw new HsmError("UNKNOWN_STATUS", `keyInfo: unknown key kind ${kindId}`);
    return { kind, bits: info & 0xffff };
  }

  /** Wipes the key inside the core; the handle is refused from then on. */
  destroy(handle: KeyHandle): void {
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

  /** The public part of a key as a JWK. */
  publicJwk(handle: KeyHandle): RsaPublicJwk {
    const { kind } = this.keyInfo(handle);
    if (kind === "rsa" || kind === "rsaPublic") return rsaPublicJwk(this.#core, handle);
    throw new HsmError("WRONG_KEY_KIND", `publicJwk: a ${kind} key has no public JWK`);
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

async function defaultWasmLocation(): Promise<URL> {
  const { existsSync } = await import("node:fs");
  const { fileURLToPath } = await import("node:url");
  const env = globalThis.process?.env?.WASM_HSM_CORE;
  if (env) return new URL(env, `file://${process.cwd()}/`);
  // src/engine/hsm.ts in the source tree, dist/src/engine/hsm.js once compiled.
  for (const rel of ["../../build/hsm.wasm", "../../../build/hsm.wasm"]) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new HsmError("BAD_PARAMETER", "build/hsm.wasm not found: run `npm run build` first");
}

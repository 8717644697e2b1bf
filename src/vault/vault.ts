// KeyVault: Azure Key Vault's key semantics over the engine. One method per REST operation; each
// takes and returns the REST bodies. Every rule of Key Vault's behaviour lives here (or in the
// small modules beside it); the server only routes HTTP to these methods.
import type { KeyHandle } from "../engine/index.js";
import { MemoryStore } from "../store/memory.js";
import type { KeyStore, StoredKey, StoredVersion } from "../store/types.js";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.js";
import { baseKty, parsePrivateJwk, RSA_SIZES, OCT_SIZES } from "../jwk/parse.js";
import { importParsedJwk } from "../jwk/import.js";
import { publicMembers } from "../jwk/public.js";
import {
  aesBitsOf,
  algorithmsFor,
  ALL_ALGORITHMS,
  CURVE_OF_ALG,
  curveInfo,
  DIGEST_LENGTH,
  type CryptoOp,
  type Family,
} from "../engine/index.js";
import { DEFAULT_RECOVERABLE_DAYS, RECOVERY_LEVEL, newAttributes, parseAttributes, parseTags } from "./attributes.js";
import { openSecurityDomain, type SecurityDomain } from "./domain.js";
import type { VaultEngine } from "./engine.js";
import { engineCall } from "./errormap.js";
import {
  KeyVaultError,
  badParameter,
  conflict,
  conflictDeleted,
  deletedKeyNotFound,
  forbidden,
  keyNotFound,
  operationForbidden,
} from "./errors.js";
import { resolveKeyOps } from "./keyops.js";
import { checkName, newVersionId } from "./names.js";
import { page } from "./paging.js";
import { defaultPolicy, expiryFor, parsePolicy, rotationDueAt } from "./rotation.js";
import { createBackup, openBackup } from "./backup.js";
import { kekOf, parseTransfer, unwrapTransfer } from "./byok.js";
import type {
  BackupKeyResult,
  DeletedKeyBundle,
  DeletedKeyItem,
  GetRandomBytesRequest,
  KeyBundle,
  KeyCreateParameters,
  KeyImportParameters,
  KeyItem,
  KeyOperationResult,
  KeyOperationsParameters,
  KeyRestoreParameters,
  KeyRotationPolicy,
  KeySignParameters,
  KeyUpdateParameters,
  KeyVaultApi,
  KeyVerifyParameters,
  KeyVerifyResult,
  ListOptions,
  ListResult,
  RandomBytes,
  RequestContext,
} from "./types.js";

export interface KeyVaultOptions {
  hsm: VaultEngine;
  store?: KeyStore;
  /** Milliseconds since the epoch; injectable so that expiry, purge dates and rotation can be tested. */
  clock?: () => number;
  /** A security-domain file shared between vaults (created if missing). */
  securityDomainFile?: string;
  /** The secret under which the domain key is sealed for storage. */
  domainSecret?: string;
  recoverableDays?: number;
}

/** What a new version is made from. */
interface NewVersion {
  family: Family;
  kty: string;
  keySize: number;
  keyOps: string[];
  attributes: ReturnType<typeof parseAttributes>;
  tags?: Record<string, string>;
  make: () => KeyHandle;
}

export class KeyVault implements KeyVaultApi {
  readonly #engine: VaultEngine;
  readonly #store: KeyStore;
  readonly #clock: () => number;
  readonly #domain: SecurityDomain;
  readonly #recoverableDays: number;
  /** Unsealed keys, by "name/version". Rebuilt lazily from the store. */
  readonly #handles = new Map<string, KeyHandle>();
  readonly #locks = new Map<string, Promise<void>>();

  private constructor(engine: VaultEngine, store: KeyStore, clock: () => number, domain: SecurityDomain, recoverableDays: number) {
    this.#engine = engine;
    this.#store = store;
    this.#clock = clock;
    this.#domain = domain;
    this.#recoverableDays = recoverableDays;
  }

  static async open(options: KeyVaultOptions): Promise<KeyVault> {
    const store = options.store ?? new MemoryStore();
    const domain = await openSecurityDomain(options.hsm, store, { file: options.securityDomainFile, secret: options.domainSecret });
    return new KeyVault(options.hsm, store, options.clock ?? Date.now, domain, options.recoverableDays ?? DEFAULT_RECOVERABLE_DAYS);
  }

  /** The public identifier of this vault's security domain (hex). */
  get securityDomainId(): string {
    return this.#domain.idHex;
  }

  #now(): number {
    return Math.floor(this.#clock() / 1000);
  }

  // ---------------------------------------------------------------- create, import, get, update

  async createKey(name: string, body: KeyCreateParameters, ctx: RequestContext): Promise<KeyBundle> {
    checkName(name);
    const b = requireObject(body);
    const kty = b.kty;
    const family = baseKty(kty);
    if (!family) throw badParameter(`The kty ${JSON.stringify(kty)} is not supported; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM.`);
    let keySize: number;
    let make: () => KeyHandle;
    if (family === "RSA") {
      keySize = b.key_size ?? 2048;
      if (!(RSA_SIZES as readonly number[]).includes(keySize))
        throw badParameter(`RSA key_size must be 2048, 3072 or 4096; got ${JSON.stringify(b.key_size)}.`);
      const e = b.public_exponent ?? 65537;
      if (!Number.isSafeInteger(e) || e < 3 || e % 2 === 0 || e > 0xffffffff) {
        throw badParameter(`public_exponent must be an odd integer of at least 3; got ${JSON.stringify(b.public_exponent)}.`);
      }
      make = () => this.#engine.generateRsa(keySize, e);
    } else if (family === "EC") {
      const curve = curveInfo(b.crv ?? "P-256");
      if (!curve) throw badParameter(`The curve ${JSON.stringify(b.crv)} is not supported; use P-256, P-256K, P-384 or P-521.`);
      if (b.key_size !== undefined && b.key_size !== null && b.key_size !== curve.bits) {
        throw badParameter(`key_size ${b.key_size} does not match the curve ${curve.crv}.`);
      }
      keySize = curve.bits;
      make = () => this.#engine.generateEc(curve.crv);
    } else {
      keySize = b.key_size ?? 256;
      if (!(OCT_SIZES as readonly number[]).includes(keySize))
        throw badParameter(`oct key_size must be 128, 192 or 256; got ${JSON.stringify(b.key_size)}.`);
      make = () => this.#engine.generateOct(keySize);
    }
    const spec: NewVersion = {
      family,
      kty: kty!,
      keySize,
      keyOps: resolveKeyOps(b.key_ops, family, kty!),
      attributes: parseAttributes(b.attributes),
      tags: parseTags(b.tags),
      make,
    };
    return this.#exclusive(name, () => this.#addVersion(name, spec, ctx));
  }

  async importKey(name: string, body: KeyImportParameters, ctx: RequestContext): Promise<KeyBundle> {
    checkName(name);
    const b = requireObject(body);
    const jwk = b.key;
    if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk))
      throw badParameter("The request must carry the key to import in 'key'.");
    if (b.Hsm !== undefined && typeof b.Hsm !== "boolean") throw badParameter("'Hsm' must be true or false.");
    const family = baseKty(jwk.kty);
    if (!family)
      throw badParameter(`JSON Web Key: unsupported kty ${JSON.stringify(jwk.kty)}; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM.`);
    const hsm = b.Hsm === true || String(jwk.kty).endsWith("-HSM");
    const kty = hsm ? `${family}-HSM` : family;
    const keyOps = resolveKeyOps(jwk.key_ops, family, kty);
    const attributes = parseAttributes(b.attributes);
    const tags = parseTags(b.tags);

    if (jwk.key_hsm !== undefined) {
      const transfer = parseTransfer(jwk, family);
      const kek = kekOf(transfer.kid);
      // The KEK is read, and the key unwrapped, under the KEK's lock; the new version is added under the
      // target's. The two locks are never held together, so imports that cross KEKs cannot deadlock.
      const { handle, keySize } = await this.#exclusive(kek.name, async () => {
        const kekHandle = await this.#kekForTransfer(transfer.kid, kek.name, kek.version);
        return unwrapTransfer(this.#engine, kekHandle, transfer);
      });
      let taken = false;
      const make = () => {
        taken = true;
        return handle;
      };
      try {
        return await this.#exclusive(name, () => this.#addVersion(name, { family, kty, keySize, keyOps, attributes, tags, make }, ctx));
      } catch (e) {
        // #addVersion owns the handle once it has taken it; before that (e.g. a deleted name), it is ours to wipe.
        if (!taken) this.#engine.destroy(handle);
        throw e;
      }
    }
    // The JWK's shape is checked here; the key itself by the core, when it is imported (jwk/import.ts).
    const parsed = parsePrivateJwk(jwk);
    const keySize = parsed.kty === "EC" ? parsed.curve.bits : parsed.bits;
    const make = () => importParsedJwk(this.#engine, parsed);
    return this.#exclusive(name, () => this.#addVersion(name, { family, kty, keySize, keyOps, attributes, tags, make }, ctx));
  }

  async getKey(name: string, version: string | undefined, ctx: RequestContext): Promise<KeyBundle> {
    checkName(name);
    return this.#exclusive(name, async () => {
      const rec = await this.#live(name);
      return this.#bundle(rec, this.#version(rec, version), ctx);
    });
  }

  async updateKey(name: string, version: string | undefined, body: KeyUpdateParameters, ctx: RequestContext): Promise<KeyBundle> {
    checkName(name);
    const b = requireObject(body);
    return this.#exclusive(name, async () => {
      const rec = await this.#live(name);
      const v = this.#version(rec, version);
      const family = baseKty(v.kty)!;
      const keyOps = b.key_ops !== undefined ? resolveKeyOps(b.key_ops, family, v.kty) : v.keyOps;
      const attrs = parseAttributes(b.attributes);
      const tags = b.tags !== undefined ? parseTags(b.tags) : v.tags;
      const merged = { ...v.attributes, ...attrs, updated: this.#now() };
      if (merged.nbf !== undefined && merged.exp !== undefined && merged.exp <= merged.nbf) {
        throw badParameter("attributes.exp must be later than attributes.nbf.");
      }
      const updated: StoredVersion = { ...v, keyOps, attributes: merged, ...(tags !== undefined ? { tags } : {}) };
      rec.versions = rec.versions.map((x) => (x.version === v.version ? updated : x));
      await this.#store.putKey(rec);
      return this.#bundle(rec, updated, ctx);
    });
  }

  // ---------------------------------------------------------------- lists

  async listKeys(options: ListOptions, ctx: RequestContext): Promise<ListResult<KeyItem>> {
    const items: KeyItem[] = [];
    for (const name of (await this.#store.listNames()).sort()) {
      const rec = await this.#exclusive(name, () => this.#load(name));
      if (!rec || rec.deleted) continue;
      items.push(this.#item(rec, current(rec), ctx, false));
    }
    return page(items, options, ctx, "/keys");
  }

  async listKeyVersions(name: string, options: ListOptions, ctx: RequestContext): Promise<ListResult<KeyItem>> {
    checkName(name);
    const rec = await this.#exclusive(name, () => this.#live(name));
    return page(
      rec.versions.map((v) => this.#item(rec, v, ctx, true)),
      options,
      ctx,
      `/keys/${name}/versions`,
    );
  }

  // ---------------------------------------------------------------- soft delete

  async deleteKey(name: string, ctx: RequestContext): Promise<DeletedKeyBundle> {
    checkName(name);
    return this.#exclusive(name, async () => {
      const rec = await this.#live(name);
      const now = this.#now();
      const days = current(rec).attributes.recoverableDays ?? this.#recoverableDays;
      rec.deleted = { recoveryId: `${ctx.vaultUrl}/deletedkeys/${name}`, deletedDate: now, scheduledPurgeDate: now + days * 86_400 };
      await this.#store.putKey(rec);
      this.#forget(rec);
      return this.#deletedBundle(rec, ctx);
    });
  }

  async getDeletedKey(name: string, ctx: RequestContext): Promise<DeletedKeyBundle> {
    checkName(name);
    return this.#exclusive(name, async () => this.#deletedBundle(await this.#deleted(name), ctx));
  }

  async listDeletedKeys(options: ListOptions, ctx: RequestContext): Promise<ListResult<DeletedKeyItem>> {
    const items: DeletedKeyItem[] = [];
    for (const name of (await this.#store.listNames()).sort()) {
      const rec = await this.#exclusive(name, () => this.#load(name));
      if (!rec?.deleted) continue;
      items.push({
        ...this.#item(rec, current(rec), ctx, false),
        recoveryId: rec.deleted.recoveryId,
        deletedDate: rec.deleted.deletedDate,
        scheduledPurgeDate: rec.deleted.scheduledPurgeDate,
      });
    }
    return page(items, options, ctx, "/deletedkeys");
  }

  async recoverDeletedKey(name: string, ctx: RequestContext): Promise<KeyBundle> {
    checkName(name);
    return this.#exclusive(name, async () => {
      const rec = await this.#deleted(name);
      delete rec.deleted;
      await this.#store.putKey(rec);
      return this.#bundle(rec, current(rec), ctx);
    });
  }

  async purgeDeletedKey(name: string, _ctx: RequestContext): Promise<void> {
    checkName(name);
    return this.#exclusive(name, async () => {
      const rec = await this.#deleted(name);
      await this.#purge(rec);
    });
  }

  // ---------------------------------------------------------------- backup and restore

  async backupKey(name: string, _ctx: RequestContext): Promise<BackupKeyResult> {
    checkName(name);
    return this.#exclusive(name, async () => {
      const rec = await this.#live(name);
      const blob = engineCall(() => createBackup(this.#engine, this.#domain, rec, this.#now()));
      return { value: encodeBase64url(blob) };
    });
  }

  async restoreKey(body: KeyRestoreParameters, ctx: RequestContext): Promise<KeyBundle> {
    const b = requireObject(body);
    const blob = typeof b.value === "string" ? decodeBase64url(b.value) : undefined;
    if (!blob) throw badParameter("The backup blob must be a base64url string in 'value'.");
    // openBackup checks everything (authenticity, domain, format, every sealed version) before we write.
    const rec = openBackup(this.#engine, this.#domain, blob);
    return this.#exclusive(rec.name, async () => {
      const existing = await this.#load(rec.name);
      if (existing?.deleted) throw conflictDeleted(rec.name);
      if (existing) throw conflict(`Key ${rec.name} already exists. A backup can only be restored under a name that is not in use.`);
      await this.#store.putKey(rec);
      return this.#bundle(rec, current(rec), ctx);
    });
  }

  // ---------------------------------------------------------------- cryptographic operations

  async encrypt(
    name: string,
    version: string | undefined,
    body: KeyOperationsParameters,
    ctx: RequestContext,
  ): Promise<KeyOperationResult> {
    const b = requireObject(body);
    const plaintext = requireBytes(b.value, "value");
    const iv = optionalBytes(b.iv, "iv");
    const aad = optionalBytes(b.aad, "aad");
    return this.#operate("encrypt", name, version, b.alg, ctx, (h, kid) => {
      const r = this.#engine.encrypt(h, b.alg, plaintext, { ...(iv ? { iv } : {}), ...(aad ? { aad } : {}) });
      return {
        kid,
        value: encodeBase64url(r.ciphertext),
        ...(r.iv ? { iv: encodeBase64url(r.iv) } : {}),
        ...(r.tag ? { tag: encodeBase64url(r.tag) } : {}),
        ...(aad ? { aad: b.aad } : {}),
      };
    });
  }

  async decrypt(
    name: string,
    version: string | undefined,
    body: KeyOperationsParameters,
    ctx: RequestContext,
  ): Promise<KeyOperationResult> {
    const b = requireObject(body);
    const ciphertext = requireBytes(b.value, "value");
    const iv = optionalBytes(b.iv, "iv");
    const aad = optionalBytes(b.aad, "aad");
    const tag = optionalBytes(b.tag, "tag");
    return this.#operate("decrypt", name, version, b.alg, ctx, (h, kid) => {
      if (/GCM$/.test(b.alg) && (!iv || !tag)) throw badParameter(`${b.alg} decryption needs 'iv' and 'tag'.`);
      if (/CBC(PAD)?$/.test(b.alg) && !iv) throw badParameter(`${b.alg} decryption needs 'iv'.`);
      const pt = this.#engine.decrypt(h, b.alg, ciphertext, { ...(iv ? { iv } : {}), ...(aad ? { aad } : {}), ...(tag ? { tag } : {}) });
      return { kid, value: encodeBase64url(pt) };
    });
  }

  async wrapKey(
    name: string,
    version: string | undefined,
    body: KeyOperationsParameters,
    ctx: RequestContext,
  ): Promise<KeyOperationResult> {
    const b = requireObject(body);
    const key = requireBytes(b.value, "value");
    return this.#operate("wrapKey", name, version, b.alg, ctx, (h, kid) => ({
      kid,
      value: encodeBase64url(this.#engine.wrapKey(h, b.alg, key)),
    }));
  }

  async unwrapKey(
    name: string,
    version: string | undefined,
    body: KeyOperationsParameters,
    ctx: RequestContext,
  ): Promise<KeyOperationResult> {
    const b = requireObject(body);
    const wrapped = requireBytes(b.value, "value");
    return this.#operate("unwrapKey", name, version, b.alg, ctx, (h, kid) => ({
      kid,
      value: encodeBase64url(this.#engine.unwrapKey(h, b.alg, wrapped)),
    }));
  }

  async sign(name: string, version: string | undefined, body: KeySignParameters, ctx: RequestContext): Promise<KeyOperationResult> {
    const b = requireObject(body);
    const digest = requireBytes(b.value, "value");
    return this.#operate("sign", name, version, b.alg, ctx, (h, kid) => {
      checkDigest(b.alg, digest);
      return { kid, value: encodeBase64url(this.#engine.sign(h, b.alg, digest)) };
    });
  }

  async verify(name: string, version: string | undefined, body: KeyVerifyParameters, ctx: RequestContext): Promise<KeyVerifyResult> {
    const b = requireObject(body);
    const digest = requireBytes(b.digest, "digest");
    const signature = requireBytes(b.value, "value");
    return this.#operate("verify", name, version, b.alg, ctx, (h) => {
      checkDigest(b.alg, digest);
      return { value: this.#engine.verify(h, b.alg, digest, signature) };
    });
  }

  // ---------------------------------------------------------------- rotation

  async rotateKey(name: string, ctx: RequestContext): Promise<KeyBundle> {
    checkName(name);
    return this.#exclusive(name, async () => {
      const rec = await this.#live(name);
      const v = await this.#rotate(rec);
      return this.#bundle(rec, v, ctx);
    });
  }

  async getRotationPolicy(name: string, ctx: RequestContext): Promise<KeyRotationPolicy> {
    checkName(name);
    return this.#exclusive(name, async () => {
      const rec = await this.#live(name);
      return { id: `${ctx.vaultUrl}/keys/${name}/rotationpolicy`, ...(rec.rotationPolicy ?? defaultPolicy()) };
    });
  }

  async updateRotationPolicy(name: string, body: KeyRotationPolicy, ctx: RequestContext): Promise<KeyRotationPolicy> {
    checkName(name);
    const policy = parsePolicy(body);
    return this.#exclusive(name, async () => {
      const rec = await this.#live(name);
      const now = this.#now();
      const created = rec.rotationPolicy?.attributes?.created ?? now;
      rec.rotationPolicy = { ...policy, attributes: { ...policy.attributes, created, updated: now } };
      await this.#store.putKey(rec);
      return { id: `${ctx.vaultUrl}/keys/${name}/rotationpolicy`, ...rec.rotationPolicy };
    });
  }

  /** Applies every rotation that the clock has passed (also done lazily whenever a key is read). */
  async runDueRotations(): Promise<void> {
    for (const name of await this.#store.listNames()) await this.#exclusive(name, () => this.#load(name));
  }

  async getRandomBytes(body: GetRandomBytesRequest): Promise<RandomBytes> {
    const b = requireObject(body);
    if (!Number.isInteger(b.count) || b.count < 1 || b.count > 128) {
      throw badParameter(`count must be a whole number from 1 to 128; got ${JSON.stringify(b.count)}.`);
    }
    return { value: encodeBase64url(this.#engine.randomBytes(b.count)) };
  }

  // ---------------------------------------------------------------- internals

  /** Serialises every operation on one name, so that read-modify-write of its record is atomic. */
  async #exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.#locks.set(name, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.#locks.get(name) === tail) this.#locks.delete(name);
    }
  }

  /** Reads a record, purging it if its purge date has passed and rotating it if its policy says so. */
  async #load(name: string): Promise<StoredKey | undefined> {
    const rec = await this.#store.getKey(name);
    if (!rec) return undefined;
    const now = this.#now();
    if (rec.deleted) {
      if (now >= rec.deleted.scheduledPurgeDate) {
        await this.#purge(rec);
        return undefined;
      }
      return rec;
    }
    const v = current(rec);
    const due = rotationDueAt(rec.rotationPolicy, v.attributes.created ?? now, v.attributes.exp);
    if (due !== undefined && now >= due) await this.#rotate(rec);
    return rec;
  }

  async #live(name: string): Promise<StoredKey> {
    const rec = await this.#load(name);
    if (!rec || rec.deleted) throw keyNotFound(name);
    return rec;
  }

  async #deleted(name: string): Promise<StoredKey> {
    const rec = await this.#load(name);
    if (!rec?.deleted) throw deletedKeyNotFound(name);
    return rec;
  }

  #version(rec: StoredKey, version: string | undefined): StoredVersion {
    if (version === undefined || version === "") return current(rec);
    const v = rec.versions.find((x) => x.version === version);
    if (!v) throw keyNotFound(rec.name, version);
    return v;
  }

  async #addVersion(name: string, spec: NewVersion, ctx: RequestContext): Promise<KeyBundle> {
    const existing = await this.#load(name);
    if (existing?.deleted) throw conflictDeleted(name);
    const handle = engineCall(spec.make);
    // Until the version is stored and its handle registered, a failure must not leave the key in the engine.
    try {
      const now = this.#now();
      const version = newVersionId((n) => this.#engine.randomBytes(n));
      const sealed = encodeBase64url(engineCall(() => this.#engine.seal(this.#domain.handle, handle)));
      const publicJwk = spec.family === "oct" ? {} : engineCall(() => this.#engine.publicJwk(handle));
      const v: StoredVersion = {
        version,
        kty: spec.kty,
        keySize: spec.keySize,
        keyOps: spec.keyOps,
        attributes: newAttributes(spec.attributes, now, this.#recoverableDays),
        ...(spec.tags !== undefined ? { tags: spec.tags } : {}),
        publicJwk: publicMembers(publicJwk),
        sealed,
      };
      const rec: StoredKey = existing ?? { name, versions: [] };
      rec.versions.push(v);
      await this.#store.putKey(rec);
      this.#handles.set(`${name}/${version}`, handle);
      return this.#bundle(rec, v, ctx);
    } catch (e) {
      this.#engine.destroy(handle);
      throw e;
    }
  }

  /** A new version like the current one (same kty, size, key_ops, tags), with the policy's expiry. */
  async #rotate(rec: StoredKey): Promise<StoredVersion> {
    const v = current(rec);
    const family = baseKty(v.kty)!;
    const crv = v.publicJwk.crv;
    const make =
      family === "RSA"
        ? () => this.#engine.generateRsa(v.keySize, rsaExponent(v))
        : family === "EC"
          ? () => this.#engine.generateEc(crv!)
          : () => this.#engine.generateOct(v.keySize);
    const handle = engineCall(make);
    try {
      const now = this.#now();
      const exp = expiryFor(rec.rotationPolicy, now);
      const sealed = encodeBase64url(engineCall(() => this.#engine.seal(this.#domain.handle, handle)));
      const publicJwk = family === "oct" ? {} : engineCall(() => this.#engine.publicJwk(handle));
      const next: StoredVersion = {
        version: newVersionId((n) => this.#engine.randomBytes(n)),
        kty: v.kty,
        keySize: v.keySize,
        keyOps: [...v.keyOps],
        attributes: newAttributes(
          { enabled: true, ...(exp !== undefined ? { exp } : {}) },
          now,
          v.attributes.recoverableDays ?? this.#recoverableDays,
        ),
        ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
        publicJwk: publicMembers(publicJwk),
        sealed,
      };
      await this.#store.putKey({ ...rec, versions: [...rec.versions, next] });
      rec.versions.push(next);
      this.#handles.set(`${rec.name}/${next.version}`, handle);
      return next;
    } catch (e) {
      this.#engine.destroy(handle);
      throw e;
    }
  }

  async #purge(rec: StoredKey): Promise<void> {
    this.#forget(rec);
    await this.#store.removeKey(rec.name);
  }

  /** Wipes every unsealed copy of a key's versions from the engine. */
  #forget(rec: StoredKey): void {
    for (const v of rec.versions) {
      const id = `${rec.name}/${v.version}`;
      const h = this.#handles.get(id);
      if (h !== undefined) {
        this.#engine.destroy(h);
        this.#handles.delete(id);
      }
    }
  }

  #handle(rec: StoredKey, v: StoredVersion): KeyHandle {
    const id = `${rec.name}/${v.version}`;
    let h = this.#handles.get(id);
    if (h === undefined) {
      const blob = decodeBase64url(v.sealed);
      if (!blob) throw new KeyVaultError(500, "InternalError", `The stored material of ${id} is corrupt.`);
      h = engineCall(() => this.#engine.unseal(this.#domain.handle, blob));
      this.#handles.set(id, h);
    }
    return h;
  }

  async #operate<T>(
    op: CryptoOp,
    name: string,
    version: string | undefined,
    alg: unknown,
    ctx: RequestContext,
    run: (h: KeyHandle, kid: string) => T,
  ): Promise<T> {
    checkName(name);
    if (typeof alg !== "string" || alg === "") throw badParameter("The request must name the algorithm in 'alg'.");
    return this.#exclusive(name, async () => {
      const rec = await this.#live(name);
      const v = this.#version(rec, version);
      if (!v.keyOps.includes(op)) throw operationForbidden(op);
      if (v.attributes.enabled === false) throw forbidden(`Operation ${op} is not allowed on a disabled key.`);
      // Outside nbf/exp a key still decrypts, unwraps and verifies, so that old data stays readable.
      if (op === "encrypt" || op === "wrapKey" || op === "sign") {
        const now = this.#now();
        if (v.attributes.nbf !== undefined && now < v.attributes.nbf)
          throw forbidden(`Operation ${op} is not allowed before the key's activation date (nbf).`);
        if (v.attributes.exp !== undefined && now >= v.attributes.exp) throw forbidden(`Operation ${op} is not allowed on an expired key.`);
      }
      const family = baseKty(v.kty)!;
      if (!ALL_ALGORITHMS.has(alg)) throw badParameter(`Unknown algorithm ${JSON.stringify(alg)}.`);
      if (!algorithmsFor(family, op).includes(alg))
        throw badParameter(`Algorithm ${alg} is not supported for ${op} with a key of type ${v.kty}.`);
      if (family === "oct" && aesBitsOf(alg) !== v.keySize) {
        throw badParameter(`Algorithm ${alg} needs a ${aesBitsOf(alg)}-bit key; this key has ${v.keySize} bits.`);
      }
      if (family === "EC" && CURVE_OF_ALG[alg] !== v.publicJwk.crv) {
        throw badParameter(`Algorithm ${alg} needs a key on ${CURVE_OF_ALG[alg]}; this key is on ${v.publicJwk.crv}.`);
      }
      const handle = this.#handle(rec, v);
      return engineCall(() => run(handle, kidOf(ctx, rec.name, v.version)));
    });
  }

  /** The KEK named by a transfer blob's kid, checked for the import operation. Runs under the KEK's lock. */
  async #kekForTransfer(kid: string, kekName: string, kekVersion: string | undefined): Promise<KeyHandle> {
    const rec = await this.#load(kekName);
    if (!rec || rec.deleted) throw badParameter(`The key exchange key ${kid} was not found in this vault.`);
    const v = kekVersion ? rec.versions.find((x) => x.version === kekVersion) : current(rec);
    if (!v) throw badParameter(`The key exchange key ${kid} was not found in this vault.`);
    if (v.kty !== "RSA-HSM") throw badParameter("The key exchange key must be an RSA-HSM key.");
    if (!v.keyOps.includes("import")) throw operationForbidden("import");
    if (v.attributes.enabled === false) throw forbidden("Operation import is not allowed on a disabled key.");
    return this.#handle(rec, v);
  }

  #bundle(rec: StoredKey, v: StoredVersion, ctx: RequestContext): KeyBundle {
    return {
      key: { kid: kidOf(ctx, rec.name, v.version), kty: v.kty, key_ops: [...v.keyOps], ...publicMembers(v.publicJwk) },
      attributes: { ...v.attributes },
      ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
    };
  }

  #deletedBundle(rec: StoredKey, ctx: RequestContext): DeletedKeyBundle {
    return {
      ...this.#bundle(rec, current(rec), ctx),
      recoveryId: rec.deleted!.recoveryId,
      deletedDate: rec.deleted!.deletedDate,
      scheduledPurgeDate: rec.deleted!.scheduledPurgeDate,
    };
  }

  #item(rec: StoredKey, v: StoredVersion, ctx: RequestContext, versioned: boolean): KeyItem {
    return {
      kid: versioned ? kidOf(ctx, rec.name, v.version) : `${ctx.vaultUrl}/keys/${rec.name}`,
      attributes: { ...v.attributes },
      ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
      managed: false,
    };
  }
}

function current(rec: StoredKey): StoredVersion {
  return rec.versions[rec.versions.length - 1]!;
}

function kidOf(ctx: RequestContext, name: string, version: string): string {
  return `${ctx.vaultUrl}/keys/${name}/${version}`;
}

function rsaExponent(v: StoredVersion): number {
  const e = decodeBase64url(v.publicJwk.e ?? "");
  return e ? e.reduce((acc, b) => acc * 256 + b, 0) : 65537;
}

function requireObject<T>(body: T): T & Record<string, any> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badParameter("The request body must be a JSON object.");
  return body as T & Record<string, any>;
}

function requireBytes(value: unknown, name: string): Uint8Array {
  if (typeof value !== "string") throw badParameter(`'${name}' must be a base64url string.`);
  const bytes = decodeBase64url(value);
  if (!bytes) throw badParameter(`'${name}' is not valid base64url.`);
  return bytes;
}

function optionalBytes(value: unknown, name: string): Uint8Array | undefined {
  return value === undefined || value === null ? undefined : requireBytes(value, name);
}

function checkDigest(alg: string, digest: Uint8Array): void {
  const expected = DIGEST_LENGTH[alg];
  if (expected !== undefined && digest.length !== expected) {
    throw badParameter(`The digest for ${alg} must be ${expected} bytes; got ${digest.length}.`);
  }
}

export { RECOVERY_LEVEL };

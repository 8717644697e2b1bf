// Keys: the first object kind on the shared lifecycle. One method per REST operation of the keys API;
// each takes and returns the REST bodies. The lifecycle (lifecycle/objects.ts) does names, versions,
// soft delete, lists and backup; this file adds what is a key's own: its material in the engine,
// its cryptographic operations, rotation and BYOK.
import type { KeyHandle } from "../../engine/index.js";
import { encodeBase64url, decodeBase64url } from "../../encoding/base64url.js";
import { baseKty } from "../../jwk/parse.js";
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
  KeyReleaseParameters,
  KeyReleaseResult,
  KeyRestoreParameters,
  KeyRotationPolicy,
  KeysApi,
  KeySignParameters,
  KeyUpdateParameters,
  KeyVerifyParameters,
  KeyVerifyResult,
  ListOptions,
  ListResult,
  RandomBytes,
  RequestContext,
} from "../../model/index.js";
import type { KeyVersionProps } from "../../store/types.js";
import type { CryptoOp } from "../../engine/index.js";
import { newAttributes, parseAttributes, parseTags } from "../attributes.js";
import { engineCall } from "../errormap.js";
import { badParameter, forbidden, kindErrors, operationForbidden } from "../errors.js";
import { shapeOf } from "../api-versions.js";
import type { VaultAttestation } from "../attestation.js";
import type { KindSpec } from "../lifecycle/kind.js";
import { ManagedObjects } from "../lifecycle/managed.js";
import { ObjectLifecycle, requireObject, type VaultServices } from "../lifecycle/objects.js";
import { checkName } from "../names.js";
import { kekOf, parseTransfer, unwrapTransfer } from "./byok.js";
import { type ExportRequest, parseExportRequest, resolveExport, updatedPolicy } from "./exportable.js";
import { releaseKey } from "./release.js";
import { UnsealedKeys } from "./handles.js";
import { resolveKeyOps } from "./keyops.js";
import { generator, sealedVersion, shapeOf as keyShapeOf } from "./material.js";
import { checkAlgName, checkDigest, checkOperation, optionalBytes, requireBytes } from "./operations.js";
import { type KeyDescription, parseCreate, parseImport, plainImport } from "./requests.js";
import { defaultPolicy, expiryFor, parsePolicy, rotationDueAt } from "./rotation.js";
import { deletedKeyBundle, deletedKeyItem, type KeyRecord, type KeyState, type KeyVersion, keyBundle, keyItem, kidOf } from "./views.js";

/**
 * A key that backs a certificate is Key Vault's to change: the keys API refuses (recorded traffic:
 * DELETE /keys/{certificate} is 403 Forbidden, innererror KeyManagedByKeyVault). Returns the record.
 */
function refuseManaged(rec: KeyRecord, operation: string): KeyRecord {
  if (rec.state?.managed) {
    throw forbidden(`Operation "${operation}" is not allowed as this object's lifetime is managed by Key Vault.`, "KeyManagedByKeyVault");
  }
  return rec;
}

export class KeyObjects implements KeysApi {
  readonly #s: VaultServices;
  readonly #life: ObjectLifecycle<KeyVersionProps, KeyState>;
  readonly #unsealed: UnsealedKeys;
  /** The certificate kind's access to the keys it manages (lifecycle/managed.ts). */
  readonly managed: ManagedObjects<KeyVersionProps, KeyState>;
  readonly #attestation: VaultAttestation;

  constructor(services: VaultServices, attestation: VaultAttestation) {
    this.#s = services;
    this.#attestation = attestation;
    this.#unsealed = new UnsealedKeys(services.engine, services.domain, services.maxUnsealedKeys);
    const spec: KindSpec<KeyVersionProps, KeyState> = {
      kind: "key",
      label: "key",
      collection: "keys",
      deletedCollection: "deletedkeys",
      errors: kindErrors("Key"),
      refresh: (rec, now) => this.#rotateIfDue(rec, now),
      refreshDue: (rec, now) => this.#rotationDue(rec, now),
      forget: (rec) => this.#unsealed.forget(rec),
      checkRestoredVersion: (v, _name, state) => {
        if (typeof v.props.kty !== "string" || baseKty(v.props.kty) === undefined) throw new Error("unknown kty");
        if (typeof v.props.keySize !== "number" || !Array.isArray(v.props.keyOps) || typeof v.props.publicJwk !== "object") {
          throw new Error("malformed key version");
        }
        // Every sealed version must open under this domain, with the exportability its attributes claim.
        const material = typeof v.sealed === "string" ? decodeBase64url(v.sealed) : undefined;
        if (!material) throw new Error("no sealed material");
        const h = services.engine.unseal(services.domain.handle, material);
        const exportable = services.engine.isExportable(h);
        services.engine.destroy(h);
        if (exportable !== (v.attributes.exportable === true)) throw new Error("exportable attribute disagrees with the sealed key");
        // A certificate's exportable key needs no release policy: its secret is how it leaves.
        if (exportable && !v.props.releasePolicy && !state?.managed) throw new Error("exportable key without a release policy");
      },
    };
    this.#life = new ObjectLifecycle(spec, services);
    this.managed = new ManagedObjects(this.#life);
  }

  // ---------------------------------------------------------------- create, import, get, update

  async createKey(name: string, body: KeyCreateParameters, ctx: RequestContext): Promise<KeyBundle> {
    checkName(name);
    const request = parseCreate(body);
    const exportReq = parseExportRequest(body.attributes, body.release_policy, ctx.apiVersion);
    return this.#life.exclusive(name, () => this.#addVersion(name, request, exportReq, generator(this.#s.engine, request.shape), ctx));
  }

  async importKey(name: string, body: KeyImportParameters, ctx: RequestContext): Promise<KeyBundle> {
    checkName(name);
    const { description, jwk } = parseImport(body);
    const exportReq = parseExportRequest(body.attributes, body.release_policy, ctx.apiVersion);
    if (jwk.key_hsm !== undefined) return this.#importTransfer(name, description, exportReq, jwk, ctx);
    const { keySize, make } = plainImport(this.#s.engine, jwk);
    return this.#life.exclusive(name, () => this.#addVersion(name, { ...description, keySize }, exportReq, make, ctx));
  }

  async getKey(name: string, version: string | undefined, ctx: RequestContext): Promise<KeyBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name, ctx.readOnly === true);
      return keyBundle(rec, this.#life.version(rec, version), ctx);
    });
  }

  async updateKey(name: string, version: string | undefined, body: KeyUpdateParameters, ctx: RequestContext): Promise<KeyBundle> {
    checkName(name);
    const b = requireObject(body);
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      refuseManaged(rec, "update");
      const v = this.#life.version(rec, version);
      const family = baseKty(v.props.kty)!;
      const keyOps = b.key_ops !== undefined ? resolveKeyOps(b.key_ops, family, v.props.kty) : v.props.keyOps;
      const attrs = parseAttributes(b.attributes);
      const exportable = v.attributes.exportable === true;
      const asked = (b.attributes as { exportable?: unknown } | undefined)?.exportable;
      if (asked !== undefined && asked !== null && asked !== exportable) {
        throw badParameter("AKV.SKR.1003: The exportable attribute of an existing key cannot be changed.");
      }
      const releasePolicy = updatedPolicy(b.release_policy, exportable, v.props.releasePolicy, ctx.apiVersion);
      const tags = b.tags !== undefined ? parseTags(b.tags) : v.tags;
      const merged = { ...v.attributes, ...attrs, updated: this.#s.now() };
      if (merged.nbf !== undefined && merged.exp !== undefined && merged.exp <= merged.nbf) {
        throw badParameter("attributes.exp must be later than attributes.nbf.");
      }
      const { tags: _old, ...rest } = v;
      const props = { ...v.props, keyOps, ...(releasePolicy ? { releasePolicy } : {}) };
      const updated: KeyVersion = { ...rest, props, attributes: merged, ...(tags !== undefined ? { tags } : {}) };
      await this.#life.replaceVersion(rec, updated);
      return keyBundle(rec, updated, ctx);
    });
  }

  // ---------------------------------------------------------------- lists

  listKeys(options: ListOptions, ctx: RequestContext): Promise<ListResult<KeyItem>> {
    return this.#life.list(false, options, ctx, (rec) => keyItem(rec, this.#life.current(rec), ctx, false));
  }

  /** The versions of a key; of a missing key, an empty list, as the service answers (JS SDK test "list 0 versions of a non-existing key"). */
  async listKeyVersions(name: string, options: ListOptions, ctx: RequestContext): Promise<ListResult<KeyItem>> {
    const loaded = await this.#life.exclusive(name, () => this.#life.load(name));
    const rec: KeyRecord = loaded && this.#life.isLive(loaded) ? loaded : { kind: "key", name, versions: [] };
    return this.#life.listVersions(rec, options, ctx, (v) => keyItem(rec, v, ctx, true));
  }

  // ---------------------------------------------------------------- soft delete

  async deleteKey(name: string, ctx: RequestContext): Promise<DeletedKeyBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      refuseManaged(rec, "delete");
      await this.#life.softDelete(rec, ctx);
      return deletedKeyBundle(rec, this.#life.current(rec), ctx);
    });
  }

  async getDeletedKey(name: string, ctx: RequestContext): Promise<DeletedKeyBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.deleted(name);
      return deletedKeyBundle(rec, this.#life.current(rec), ctx);
    });
  }

  listDeletedKeys(options: ListOptions, ctx: RequestContext): Promise<ListResult<DeletedKeyItem>> {
    return this.#life.list(true, options, ctx, (rec) => deletedKeyItem(rec, this.#life.current(rec), ctx));
  }

  async recoverDeletedKey(name: string, ctx: RequestContext): Promise<KeyBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.deleted(name);
      refuseManaged(rec, "recover");
      await this.#life.recover(rec);
      return keyBundle(rec, this.#life.current(rec), ctx);
    });
  }

  async purgeDeletedKey(name: string, _ctx: RequestContext): Promise<void> {
    return this.#life.exclusive(name, () => this.#life.purgeDeleted(name, (rec) => refuseManaged(rec, "purge")));
  }

  // ---------------------------------------------------------------- backup and restore

  async backupKey(name: string, _ctx: RequestContext): Promise<BackupKeyResult> {
    return this.#life.exclusive(name, async () => ({ value: encodeBase64url(this.#life.backup(await this.#life.live(name))) }));
  }

  async restoreKey(body: KeyRestoreParameters, ctx: RequestContext): Promise<KeyBundle> {
    const b = requireObject(body);
    const blob = typeof b.value === "string" ? decodeBase64url(b.value) : undefined;
    if (!blob) throw badParameter("The backup blob must be a base64url string in 'value'.");
    const rec = await this.#life.restore(blob);
    return keyBundle(rec, this.#life.current(rec), ctx);
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
      const r = this.#s.engine.encrypt(h, b.alg, plaintext, { ...(iv ? { iv } : {}), ...(aad ? { aad } : {}) });
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
      const pt = this.#s.engine.decrypt(h, b.alg, ciphertext, { ...(iv ? { iv } : {}), ...(aad ? { aad } : {}), ...(tag ? { tag } : {}) });
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
      value: encodeBase64url(this.#s.engine.wrapKey(h, b.alg, key)),
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
      value: encodeBase64url(this.#s.engine.unwrapKey(h, b.alg, wrapped)),
    }));
  }

  async sign(name: string, version: string | undefined, body: KeySignParameters, ctx: RequestContext): Promise<KeyOperationResult> {
    const b = requireObject(body);
    const digest = requireBytes(b.value, "value");
    return this.#operate("sign", name, version, b.alg, ctx, (h, kid) => {
      checkDigest(b.alg, digest);
      return { kid, value: encodeBase64url(this.#s.engine.sign(h, b.alg, digest)) };
    });
  }

  async verify(name: string, version: string | undefined, body: KeyVerifyParameters, ctx: RequestContext): Promise<KeyVerifyResult> {
    const b = requireObject(body);
    const digest = requireBytes(b.digest, "digest");
    const signature = requireBytes(b.value, "value");
    return this.#operate("verify", name, version, b.alg, ctx, (h) => {
      checkDigest(b.alg, digest);
      return { value: this.#s.engine.verify(h, b.alg, digest, signature) };
    });
  }

  // ---------------------------------------------------------------- rotation

  async rotateKey(name: string, ctx: RequestContext): Promise<KeyBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      refuseManaged(rec, "rotate");
      return keyBundle(rec, await this.#rotate(rec), ctx);
    });
  }

  async getRotationPolicy(name: string, ctx: RequestContext): Promise<KeyRotationPolicy> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      return { id: `${ctx.vaultUrl}/keys/${rec.name}/rotationpolicy`, ...(rec.state?.rotationPolicy ?? defaultPolicy()) };
    });
  }

  async updateRotationPolicy(name: string, body: KeyRotationPolicy, ctx: RequestContext): Promise<KeyRotationPolicy> {
    checkName(name);
    const policy = parsePolicy(body);
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      refuseManaged(rec, "update");
      const now = this.#s.now();
      const created = rec.state?.rotationPolicy?.attributes?.created ?? now;
      const rotationPolicy = { ...policy, attributes: { ...policy.attributes, created, updated: now } };
      rec.state = { ...rec.state, rotationPolicy };
      await this.#life.write(rec);
      return { id: `${ctx.vaultUrl}/keys/${rec.name}/rotationpolicy`, ...rotationPolicy };
    });
  }

  /** Applies every rotation that the clock has passed (also done lazily whenever a key is read). */
  runDueRotations(): Promise<void> {
    return this.#life.sweep();
  }

  /** The type and size of a key's current version, without taking its lock (the throttle's cost of a request). */
  async shape(name: string): Promise<{ kty: string; keySize: number } | undefined> {
    const rec = await this.#life.peek(name);
    const v = rec && !rec.deleted ? this.#life.current(rec) : undefined;
    return v && { kty: v.props.kty, keySize: v.props.keySize };
  }

  /** The lifecycle of keys, for vault-wide work (sweeps, export and import of contents). */
  get lifecycle(): ObjectLifecycle<KeyVersionProps, KeyState> {
    return this.#life;
  }

  // ---------------------------------------------------------------- release

  /** Secure key release: the key wrapped for the attested target, in a signed KeyReleaseResult. */
  async releaseKey(name: string, version: string | undefined, body: KeyReleaseParameters, ctx: RequestContext): Promise<KeyReleaseResult> {
    checkName(name);
    if (!shapeOf(ctx.apiVersion).keyRelease) {
      throw badParameter(`The release operation needs api-version 7.3-preview or later; this request has ${ctx.apiVersion}.`);
    }
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      const v = this.#life.version(rec, version);
      return releaseKey(
        { engine: this.#s.engine, attestation: this.#attestation, handle: () => this.#unsealed.get(rec.name, v) },
        rec,
        v,
        body,
        ctx,
      );
    });
  }

  /**
   * Wipes the engine's unsealed copies of a key's versions (they are unsealed again from the store if
   * used): for a vault that shares its store with others that wrote the key (workers/pool.ts).
   */
  forgetUnsealed(name: string): void {
    this.#unsealed.forget({ name });
  }

  async getRandomBytes(body: GetRandomBytesRequest): Promise<RandomBytes> {
    const b = requireObject(body);
    if (!Number.isInteger(b.count) || b.count < 1 || b.count > 128) {
      throw badParameter(`count must be a whole number from 1 to 128; got ${JSON.stringify(b.count)}.`);
    }
    return { value: encodeBase64url(this.#s.engine.randomBytes(b.count)) };
  }

  // ---------------------------------------------------------------- internals

  /** Makes the key, seals it into a new version and stores it. Runs under the name's lock. */
  async #addVersion(
    name: string,
    d: KeyDescription,
    exportReq: ExportRequest,
    make: () => KeyHandle,
    ctx: RequestContext,
  ): Promise<KeyBundle> {
    let handle: KeyHandle | undefined;
    try {
      const { record, version } = await this.#life.addVersion(name, (existing) => {
        if (existing) refuseManaged(existing, "create");
        const cur = existing ? this.#life.current(existing) : undefined;
        const { exportable, policy } = resolveExport(
          exportReq,
          d.kty.endsWith("-HSM"),
          cur ? { exportable: cur.attributes.exportable === true, policy: cur.props.releasePolicy } : undefined,
        );
        handle = engineCall(() => this.#unsealed.withRoom(make));
        // Exportability is fixed here, before the first seal (CKA_EXTRACTABLE).
        if (exportable) engineCall(() => this.#s.engine.makeExportable(handle!));
        const attributes = { ...newAttributes(d.attributes, this.#s.now(), this.#s.recoverableDays), exportable };
        return sealedVersion(this.#s.engine, this.#s.domain, handle, d, attributes, d.tags, policy);
      });
      this.#unsealed.add(record.name, version.version, handle!);
      return keyBundle(record, version, ctx);
    } catch (e) {
      // Until the version is stored and its handle registered, a failure must not leave the key in the engine.
      if (handle !== undefined) this.#s.engine.destroy(handle);
      throw e;
    }
  }

  /** BYOK: the transfer blob is unwrapped under the KEK's lock, the new version added under the target's. */
  async #importTransfer(
    name: string,
    d: Omit<KeyDescription, "keySize">,
    exportReq: ExportRequest,
    jwk: NonNullable<KeyImportParameters["key"]>,
    ctx: RequestContext,
  ): Promise<KeyBundle> {
    const transfer = parseTransfer(jwk, d.family);
    const kek = kekOf(transfer.kid);
    // The two locks are never held together, so imports that cross KEKs cannot deadlock.
    const { handle, keySize } = await this.#life.exclusive(kek.name, async () => {
      const kekVersion = await this.#kekForTransfer(transfer.kid, kek.name, kek.version);
      // The KEK's handle is taken and used in one turn, so that no other request can evict it in between.
      return this.#unsealed.withRoom(() => unwrapTransfer(this.#s.engine, this.#unsealed.get(kekVersion.name, kekVersion.v), transfer));
    });
    let taken = false;
    try {
      return await this.#life.exclusive(name, () =>
        this.#addVersion(
          name,
          { ...d, keySize },
          exportReq,
          () => {
            taken = true;
            return handle;
          },
          ctx,
        ),
      );
    } catch (e) {
      // #addVersion owns the handle once it has taken it; before that (e.g. a deleted name), it is ours to wipe.
      if (!taken) this.#s.engine.destroy(handle);
      throw e;
    }
  }

  /** The KEK version named by a transfer blob's kid, checked for the import operation. Runs under the KEK's lock. */
  async #kekForTransfer(kid: string, kekName: string, kekVersion: string | undefined): Promise<{ name: string; v: KeyVersion }> {
    const rec = await this.#life.load(kekName);
    if (!rec || rec.deleted) throw badParameter(`The key exchange key ${kid} was not found in this vault.`);
    const v = kekVersion ? rec.versions.find((x) => x.version === kekVersion) : this.#life.current(rec);
    if (!v) throw badParameter(`The key exchange key ${kid} was not found in this vault.`);
    if (v.props.kty !== "RSA-HSM") throw badParameter("The key exchange key must be an RSA-HSM key.");
    if (!v.props.keyOps.includes("import")) throw operationForbidden("import");
    if (v.attributes.enabled === false) throw forbidden("Operation import is not allowed on a disabled key.");
    return { name: rec.name, v };
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
    checkAlgName(alg);
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name, ctx.readOnly === true);
      const v = this.#life.version(rec, version);
      checkOperation(op, v, alg, this.#s.now());
      const handle = this.#unsealed.get(rec.name, v);
      return engineCall(() => run(handle, kidOf(ctx, rec.name, v.version)));
    });
  }

  async #rotateIfDue(rec: KeyRecord, now: number): Promise<void> {
    if (this.#rotationDue(rec, now)) await this.#rotate(rec);
  }

  #rotationDue(rec: KeyRecord, now: number): boolean {
    const v = this.#life.current(rec);
    const due = rotationDueAt(rec.state?.rotationPolicy, v.attributes.created ?? now, v.attributes.exp);
    return due !== undefined && now >= due;
  }

  /** A new version like the current one (same kty, size, key_ops, tags), with the policy's expiry. */
  async #rotate(rec: KeyRecord): Promise<KeyVersion> {
    const v = this.#life.current(rec);
    const family = baseKty(v.props.kty)!;
    const handle = engineCall(() => this.#unsealed.withRoom(generator(this.#s.engine, keyShapeOf(v.props, family))));
    try {
      // A new version of an exportable key is exportable, under the same release policy.
      const exportable = v.attributes.exportable === true;
      if (exportable) engineCall(() => this.#s.engine.makeExportable(handle));
      const now = this.#s.now();
      const exp = expiryFor(rec.state?.rotationPolicy, now);
      const attributes = {
        ...newAttributes(
          { enabled: true, ...(exp !== undefined ? { exp } : {}) },
          now,
          v.attributes.recoverableDays ?? this.#s.recoverableDays,
        ),
        exportable,
      };
      const next = sealedVersion(
        this.#s.engine,
        this.#s.domain,
        handle,
        { family, kty: v.props.kty, keySize: v.props.keySize, keyOps: [...v.props.keyOps] },
        attributes,
        v.tags && { ...v.tags },
        exportable ? v.props.releasePolicy : undefined,
      );
      await this.#life.write({ ...rec, versions: [...rec.versions, next] });
      rec.versions.push(next);
      this.#unsealed.add(rec.name, next.version, handle);
      return next;
    } catch (e) {
      this.#s.engine.destroy(handle);
      throw e;
    }
  }
}

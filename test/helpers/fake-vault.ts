// A small fake VaultApi for the server's tests: it records every call and answers with bodies
// built from the RequestContext, so that the router (not Key Vault's rules) is what is tested.
// Keys are plain records; crypto answers echo their input. Names starting with "bug-" throw a
// TypeError (a simulated server bug).
import { KeyVaultError, kindErrors } from "../../src/vault/errors.js";

const keyNotFound = (name: string) => kindErrors("Key").notFound(name);
import type {
  BackupKeyResult,
  CertificatesApi,
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
  KeysApi,
  SecretsApi,
  VaultApi,
  KeyVerifyParameters,
  KeyVerifyResult,
  ListOptions,
  ListResult,
  RandomBytes,
  KeyReleaseParameters,
  KeyReleaseResult,
  RequestContext,
} from "../../src/model/index.js";

export interface Call {
  method: string;
  args: unknown[];
}

const VERSION = "0123456789abcdef0123456789abcdef";

export class FakeVault implements VaultApi, KeysApi {
  readonly calls: Call[] = [];
  /** The vault's key API is this object itself. */
  readonly keys: KeysApi = this;
  /** Secrets: every call is recorded (as "secrets.<method>") and answers an empty object. */
  readonly secrets: SecretsApi = new Proxy({} as SecretsApi, {
    get:
      (_t, method: string) =>
      async (...args: unknown[]) => {
        this.#record(`secrets.${method}`, ...args);
        return {};
      },
  });
  /** Certificates: every call is recorded (as "certificates.<method>") and answers an empty object. */
  readonly certificates: CertificatesApi = new Proxy({} as CertificatesApi, {
    get:
      (_t, method: string) =>
      async (...args: unknown[]) => {
        this.#record(`certificates.${method}`, ...args);
        return {};
      },
  });
  readonly records = new Map<string, { kty: string; deleted: boolean; tags?: Record<string, string> }>();

  #record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }
  get last(): Call {
    return this.calls[this.calls.length - 1];
  }

  #check(name: string): void {
    if (name.startsWith("bug-")) throw new TypeError("simulated bug: cannot read properties of undefined");
  }
  #bundle(name: string, ctx: RequestContext): KeyBundle {
    const k = this.records.get(name);
    if (!k || k.deleted) throw keyNotFound(name);
    return {
      key: { kid: `${ctx.vaultUrl}/keys/${name}/${VERSION}`, kty: k.kty },
      attributes: { enabled: true, created: 1, updated: 1 },
      tags: k.tags,
    };
  }
  #list<T>(items: T[], options: ListOptions, ctx: RequestContext, path: string): ListResult<T> {
    const max = options.maxresults ?? 25;
    if (max < 1 || max > 25) throw new KeyVaultError(400, "BadParameter", "maxresults must be from 1 to 25");
    const start = options.skiptoken ? Number(options.skiptoken) : 0;
    const page = items.slice(start, start + max);
    const next =
      start + max < items.length
        ? `${ctx.vaultUrl}${path}?api-version=${ctx.apiVersion}&$skiptoken=${start + max}&maxresults=${max}`
        : null;
    return { value: page, nextLink: next };
  }

  async createKey(name: string, body: KeyCreateParameters, ctx: RequestContext): Promise<KeyBundle> {
    this.#record("createKey", name, body, ctx);
    this.#check(name);
    if (this.records.get(name)?.deleted) throw new KeyVaultError(409, "Conflict", "deleted", "ObjectIsDeletedButRecoverable");
    this.records.set(name, { kty: String(body.kty), deleted: false, tags: body.tags });
    return this.#bundle(name, ctx);
  }
  async importKey(name: string, body: KeyImportParameters, ctx: RequestContext): Promise<KeyBundle> {
    this.#record("importKey", name, body, ctx);
    this.records.set(name, { kty: String(body.key?.kty), deleted: false });
    return this.#bundle(name, ctx);
  }
  async getKey(name: string, version: string | undefined, ctx: RequestContext): Promise<KeyBundle> {
    this.#record("getKey", name, version, ctx);
    this.#check(name);
    return this.#bundle(name, ctx);
  }
  async updateKey(name: string, version: string | undefined, body: KeyUpdateParameters, ctx: RequestContext): Promise<KeyBundle> {
    this.#record("updateKey", name, version, body, ctx);
    return this.#bundle(name, ctx);
  }
  async listKeys(options: ListOptions, ctx: RequestContext): Promise<ListResult<KeyItem>> {
    this.#record("listKeys", options, ctx);
    const items = [...this.records]
      .filter(([, k]) => !k.deleted)
      .map(([n]) => ({ kid: `${ctx.vaultUrl}/keys/${n}`, attributes: { enabled: true } }));
    return this.#list(items, options, ctx, "/keys");
  }
  async listKeyVersions(name: string, options: ListOptions, ctx: RequestContext): Promise<ListResult<KeyItem>> {
    this.#record("listKeyVersions", name, options, ctx);
    this.#bundle(name, ctx);
    return this.#list(
      [{ kid: `${ctx.vaultUrl}/keys/${name}/${VERSION}`, attributes: { enabled: true } }],
      options,
      ctx,
      `/keys/${name}/versions`,
    );
  }
  async deleteKey(name: string, ctx: RequestContext): Promise<DeletedKeyBundle> {
    this.#record("deleteKey", name, ctx);
    const b = this.#bundle(name, ctx);
    this.records.get(name)!.deleted = true;
    return { ...b, recoveryId: `${ctx.vaultUrl}/deletedkeys/${name}`, deletedDate: 2, scheduledPurgeDate: 3 };
  }
  async getDeletedKey(name: string, ctx: RequestContext): Promise<DeletedKeyBundle> {
    this.#record("getDeletedKey", name, ctx);
    if (!this.records.get(name)?.deleted) throw new KeyVaultError(404, "KeyNotFound", `Deleted Key not found: ${name}`);
    return {
      key: { kid: `${ctx.vaultUrl}/keys/${name}/${VERSION}` },
      attributes: {},
      recoveryId: `${ctx.vaultUrl}/deletedkeys/${name}`,
      deletedDate: 2,
      scheduledPurgeDate: 3,
    };
  }
  async listDeletedKeys(options: ListOptions, ctx: RequestContext): Promise<ListResult<DeletedKeyItem>> {
    this.#record("listDeletedKeys", options, ctx);
    return this.#list([], options, ctx, "/deletedkeys");
  }
  async recoverDeletedKey(name: string, ctx: RequestContext): Promise<KeyBundle> {
    this.#record("recoverDeletedKey", name, ctx);
    const k = this.records.get(name);
    if (k) k.deleted = false;
    return this.#bundle(name, ctx);
  }
  async purgeDeletedKey(name: string, ctx: RequestContext): Promise<void> {
    this.#record("purgeDeletedKey", name, ctx);
    this.records.delete(name);
  }
  async backupKey(name: string, ctx: RequestContext): Promise<BackupKeyResult> {
    this.#record("backupKey", name, ctx);
    return { value: "YmFja3Vw" };
  }
  async restoreKey(body: KeyRestoreParameters, ctx: RequestContext): Promise<KeyBundle> {
    this.#record("restoreKey", body, ctx);
    this.records.set("restored", { kty: "oct", deleted: false });
    return this.#bundle("restored", ctx);
  }
  #op(name: string, ctx: RequestContext, value: string): KeyOperationResult {
    this.#check(name);
    return { kid: `${ctx.vaultUrl}/keys/${name}/${VERSION}`, value };
  }
  async encrypt(name: string, version: string | undefined, body: KeyOperationsParameters, ctx: RequestContext) {
    this.#record("encrypt", name, version, body, ctx);
    return this.#op(name, ctx, body.value);
  }
  async decrypt(name: string, version: string | undefined, body: KeyOperationsParameters, ctx: RequestContext) {
    this.#record("decrypt", name, version, body, ctx);
    return this.#op(name, ctx, body.value);
  }
  async wrapKey(name: string, version: string | undefined, body: KeyOperationsParameters, ctx: RequestContext) {
    this.#record("wrapKey", name, version, body, ctx);
    return this.#op(name, ctx, body.value);
  }
  async unwrapKey(name: string, version: string | undefined, body: KeyOperationsParameters, ctx: RequestContext) {
    this.#record("unwrapKey", name, version, body, ctx);
    return this.#op(name, ctx, body.value);
  }
  async sign(name: string, version: string | undefined, body: KeySignParameters, ctx: RequestContext) {
    this.#record("sign", name, version, body, ctx);
    return this.#op(name, ctx, body.value);
  }
  async verify(name: string, version: string | undefined, body: KeyVerifyParameters, ctx: RequestContext): Promise<KeyVerifyResult> {
    this.#record("verify", name, version, body, ctx);
    this.#check(name);
    return { value: true };
  }
  async rotateKey(name: string, ctx: RequestContext): Promise<KeyBundle> {
    this.#record("rotateKey", name, ctx);
    return this.#bundle(name, ctx);
  }
  async getRotationPolicy(name: string, ctx: RequestContext): Promise<KeyRotationPolicy> {
    this.#record("getRotationPolicy", name, ctx);
    return { id: `${ctx.vaultUrl}/keys/${name}/rotationpolicy` };
  }
  async updateRotationPolicy(name: string, body: KeyRotationPolicy, ctx: RequestContext): Promise<KeyRotationPolicy> {
    this.#record("updateRotationPolicy", name, body, ctx);
    return { ...body, id: `${ctx.vaultUrl}/keys/${name}/rotationpolicy` };
  }
  async getRandomBytes(body: GetRandomBytesRequest): Promise<RandomBytes> {
    this.#record("getRandomBytes", body);
    return { value: Buffer.alloc(Math.min(Math.max(0, Number(body.count) | 0), 1024)).toString("base64url") };
  }
  async releaseKey(name: string, version: string | undefined, body: KeyReleaseParameters, ctx: RequestContext): Promise<KeyReleaseResult> {
    this.#record("releaseKey", name, version, body, ctx);
    return { value: "released" };
  }
}

// Secrets: the second object kind on the shared lifecycle. One method per REST operation of the
// secrets API. A value is sealed by the core before it is stored (values.ts) and unsealed only to
// answer set and get. A secret that backs a certificate is managed: the secrets API may read it but
// not set, update or delete it (Key Vault's SecretManagedByKeyVault).
import { decodeBase64url, encodeBase64url } from "../../encoding/base64url.js";
import type {
  BackupSecretResult,
  DeletedSecretBundle,
  DeletedSecretItem,
  ListOptions,
  ListResult,
  RequestContext,
  SecretBundle,
  SecretItem,
  SecretRestoreParameters,
  SecretSetParameters,
  SecretsApi,
  SecretUpdateParameters,
} from "../../model/index.js";
import type { SecretState, SecretVersionProps } from "../../store/types.js";
import { newAttributes, parseAttributes, parseTags } from "../attributes.js";
import { badParameter, forbidden, kindErrors } from "../errors.js";
import type { KindSpec } from "../lifecycle/kind.js";
import { ManagedObjects } from "../lifecycle/managed.js";
import { ObjectLifecycle, requireObject, type VaultServices } from "../lifecycle/objects.js";
import { checkName, newVersionId } from "../names.js";
import { checkContentType, sealValue, unsealValue, valueBytes } from "./values.js";
import { deletedSecretBundle, deletedSecretItem, type SecretRecord, type SecretVersion, secretBundle, secretItem } from "./views.js";

/** Key Vault's answer to a change through the secrets API of a secret that a certificate manages. */
export const managedByKeyVault = (operation: string) =>
  forbidden(`Operation "${operation}" is not allowed as this object's lifetime is managed by Key Vault.`, "SecretManagedByKeyVault");

const disabled = () => forbidden("Operation get is not allowed on a disabled secret.", "SecretDisabled");

export class SecretObjects implements SecretsApi {
  readonly #s: VaultServices;
  readonly #life: ObjectLifecycle<SecretVersionProps, SecretState>;
  /** The certificate kind's access to the secrets it manages (lifecycle/managed.ts). */
  readonly managed: ManagedObjects<SecretVersionProps, SecretState>;

  constructor(services: VaultServices) {
    this.#s = services;
    const spec: KindSpec<SecretVersionProps, SecretState> = {
      kind: "secret",
      label: "secret",
      collection: "secrets",
      deletedCollection: "deletedsecrets",
      errors: kindErrors("Secret"),
      checkRestoredVersion: (v, name) => {
        if (v.props.contentType !== undefined && typeof v.props.contentType !== "string") throw new Error("bad contentType");
        // Every sealed value must open under this domain, for this name and version, before the restore is accepted.
        unsealValue(services.engine, services.domain, name, v.version, v.sealed);
      },
    };
    this.#life = new ObjectLifecycle(spec, services);
    this.managed = new ManagedObjects(this.#life);
  }

  /** The lifecycle of secrets, for vault-wide work (sweeps, export and import of contents). */
  get lifecycle(): ObjectLifecycle<SecretVersionProps, SecretState> {
    return this.#life;
  }

  async setSecret(name: string, body: SecretSetParameters, ctx: RequestContext): Promise<SecretBundle> {
    checkName(name, "secret");
    const b = requireObject(body);
    const value = valueBytes(b.value);
    const contentType = checkContentType(b.contentType);
    const settable = parseAttributes(b.attributes);
    const tags = parseTags(b.tags, "secret");
    try {
      return await this.#life.exclusive(name, async () => {
        const existing = await this.#life.load(name);
        if (existing && !existing.deleted && existing.state?.managed) throw managedByKeyVault("set");
        const { record, version } = await this.#life.addVersion(name, (): SecretVersion => {
          const id = newVersionId((n) => this.#s.engine.randomBytes(n));
          return {
            version: id,
            attributes: newAttributes(settable, this.#s.now(), this.#s.recoverableDays),
            ...(tags !== undefined ? { tags } : {}),
            props: contentType !== undefined ? { contentType } : {},
            sealed: sealValue(this.#s.engine, this.#s.domain, name, id, value),
          };
        });
        return secretBundle(record, version, ctx, b.value);
      });
    } finally {
      value.fill(0);
    }
  }

  async getSecret(name: string, version: string | undefined, ctx: RequestContext): Promise<SecretBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name, ctx.readOnly === true);
      const v = this.#life.version(rec, version);
      // nbf and exp are informational for secrets: a get works outside the window (about-secrets.md,
      // "Date-time controlled operations"); only a disabled version is refused.
      if (v.attributes.enabled === false) throw disabled();
      return secretBundle(rec, v, ctx, unsealValue(this.#s.engine, this.#s.domain, rec.name, v.version, v.sealed));
    });
  }

  async updateSecret(name: string, version: string | undefined, body: SecretUpdateParameters, ctx: RequestContext): Promise<SecretBundle> {
    checkName(name, "secret");
    const b = requireObject(body);
    if ("value" in b) throw badParameter("The value of a secret cannot be changed; set a new version with PUT /secrets/{name}.");
    const settable = parseAttributes(b.attributes);
    const tags = b.tags !== undefined ? parseTags(b.tags, "secret") : undefined;
    const contentType = b.contentType !== undefined ? checkContentType(b.contentType) : undefined;
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      if (rec.state?.managed) throw managedByKeyVault("update");
      const v = this.#life.version(rec, version);
      const merged = { ...v.attributes, ...settable, updated: this.#s.now() };
      if (merged.nbf !== undefined && merged.exp !== undefined && merged.exp <= merged.nbf) {
        throw badParameter("attributes.exp must be later than attributes.nbf.");
      }
      const updated: SecretVersion = {
        ...v,
        attributes: merged,
        ...(b.tags !== undefined ? { tags: tags ?? {} } : {}),
        props: b.contentType !== undefined ? { ...v.props, ...(contentType !== undefined ? { contentType } : {}) } : v.props,
      };
      if (b.contentType === null) delete updated.props.contentType;
      await this.#life.replaceVersion(rec, updated);
      // An update answers without the value (the REST reference's UpdateSecret example).
      return secretBundle(rec, updated, ctx);
    });
  }

  listSecrets(options: ListOptions, ctx: RequestContext): Promise<ListResult<SecretItem>> {
    return this.#life.list(false, options, ctx, (rec) => secretItem(rec, this.#life.current(rec), ctx, false));
  }

  async listSecretVersions(name: string, options: ListOptions, ctx: RequestContext): Promise<ListResult<SecretItem>> {
    checkName(name, "secret");
    const rec = await this.#life.exclusive(name, () => this.#life.load(name));
    // The versions of a missing secret are an empty list, as the service answers.
    if (!rec || rec.deleted) return { value: [], nextLink: null };
    return this.#life.listVersions(rec, options, ctx, (v) => secretItem(rec, v, ctx, true));
  }

  async deleteSecret(name: string, ctx: RequestContext): Promise<DeletedSecretBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      if (rec.state?.managed) throw managedByKeyVault("delete");
      await this.#life.softDelete(rec, ctx);
      return deletedSecretBundle(rec, this.#life.current(rec), ctx);
    });
  }

  async getDeletedSecret(name: string, ctx: RequestContext): Promise<DeletedSecretBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.deleted(name);
      const current = this.#life.current(rec);
      // The service answers a deleted, disabled secret as it answers a live one (recorded traffic).
      if (current.attributes.enabled === false) throw disabled();
      return deletedSecretBundle(rec, current, ctx);
    });
  }

  listDeletedSecrets(options: ListOptions, ctx: RequestContext): Promise<ListResult<DeletedSecretItem>> {
    return this.#life.list(true, options, ctx, (rec) => deletedSecretItem(rec, this.#life.current(rec), ctx));
  }

  async recoverDeletedSecret(name: string, ctx: RequestContext): Promise<SecretBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.deleted(name);
      if (rec.state?.managed) throw managedByKeyVault("recover");
      await this.#life.recover(rec);
      return secretBundle(rec, this.#life.current(rec), ctx);
    });
  }

  async purgeDeletedSecret(name: string, _ctx: RequestContext): Promise<void> {
    return this.#life.exclusive(name, () =>
      this.#life.purgeDeleted(name, (rec) => {
        if (rec.state?.managed) throw managedByKeyVault("purge");
      }),
    );
  }

  async backupSecret(name: string, _ctx: RequestContext): Promise<BackupSecretResult> {
    return this.#life.exclusive(name, async () => ({ value: encodeBase64url(this.#life.backup(await this.#life.live(name))) }));
  }

  async restoreSecret(body: SecretRestoreParameters, ctx: RequestContext): Promise<SecretBundle> {
    const b = requireObject(body);
    const blob = typeof b.value === "string" ? decodeBase64url(b.value) : undefined;
    if (!blob) throw badParameter("The backup blob must be a base64url string in 'value'.");
    const rec: SecretRecord = await this.#life.restore(blob);
    return secretBundle(rec, this.#life.current(rec), ctx);
  }
}

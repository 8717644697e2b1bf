// Certificates: the third object kind. A certificate is three objects with one name: the certificate,
// a key (in the HSM) and a secret (its PKCS#12 or PEM), the two last managed (their own APIs may read
// them, not change them). A version of each shares one version id. Every operation takes the three
// names' locks (KindSpec.companions) and writes the three records in one transaction
// (lifecycle/transaction.ts): key, then secret, then the certificate, so that the certificate, through
// which clients reach the others, is written last, and any failure puts every record back.
import type { KeyHandle } from "../../engine/index.js";
import { decodeBase64url, encodeBase64url } from "../../jwk/base64url.js";
import type {
  BackupCertificateResult,
  CertificateBundle,
  CertificateCreateParameters,
  CertificateImportParameters,
  CertificateIssuerItem,
  CertificateIssuerSetParameters,
  CertificateIssuerUpdateParameters,
  CertificateItem,
  CertificateMergeParameters,
  CertificateOperation,
  CertificateOperationUpdateParameter,
  CertificatePolicy,
  CertificateRestoreParameters,
  CertificatesApi,
  CertificateUpdateParameters,
  Contacts,
  DeletedCertificateBundle,
  DeletedCertificateItem,
  IssuerBundle,
  ListOptions,
  ListResult,
  RequestContext,
  Tags,
} from "../../model/index.js";
import type { CertificateVersionProps, KeyVersionProps, ObjectRecord, SecretVersionProps, VersionRecord } from "../../store/types.js";
import { encodeBase64, readCertificate } from "../../x509/index.js";
import { newAttributes, parseAttributes, parseTags } from "../attributes.js";
import { engineCall } from "../errormap.js";
import { badParameter, forbidden, KeyVaultError, kindErrors } from "../errors.js";
import type { KeyObjects } from "../keys/keys.js";
import { plainImport } from "../keys/requests.js";
import type { KeyState } from "../keys/views.js";
import { invalidBackup } from "../lifecycle/backup.js";
import type { KindSpec } from "../lifecycle/kind.js";
import type { ManagedObjects } from "../lifecycle/managed.js";
import { ObjectLifecycle, requireObject, type VaultServices } from "../lifecycle/objects.js";
import { transaction } from "../lifecycle/transaction.js";
import { checkName, newVersionId } from "../names.js";
import type { SecretObjects } from "../secrets/secrets.js";
import { sealValue } from "../secrets/values.js";
import { CertificateContacts } from "./contacts.js";
import { readImport } from "./import.js";
import { CertificateIssuers } from "./issuers.js";
import {
  type CertificateKey,
  exportableKey,
  generateKey,
  issueSelfSigned,
  keyProps,
  publicKeyOfProps,
  requestFor,
  sealedKeyVersion,
  secretValue,
} from "./material.js";
import { readChain } from "./merge.js";
import { addMonths, parsePolicy, renewalDueAt, SELF, type StoredPolicy, UNKNOWN } from "./policy.js";
import type { CertificateRecord, CertificateState, CertificateVersion, PendingOperation } from "./records.js";
import { certificateBundle, certificateItem, deletedCertificateBundle, deletedCertificateItem, operationView } from "./views.js";

type KeyVersion = VersionRecord<KeyVersionProps>;

/** Paths under /certificates that are not certificates. */
const RESERVED = /^(contacts|issuers|restore)$/i;

/** The service's words for an operation in progress (create-certificate-scenarios.md, recorded traffic). */
const IN_PROGRESS_DETAILS =
  "Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.";
const MERGE_DETAILS = "Pending certificate created. Please Perform Merge to complete the request.";
/** A provider the service accepts and never completes (the JS SDK's tests use it). */
const TEST_PROVIDER = "Test";

const pendingNotFound = (name: string) => new KeyVaultError(404, "PendingCertificateNotFound", `Pending certificate not found: ${name}`);

/** A certificate's backup carries its key and its secret with it. */
interface BackupState extends CertificateState {
  companions?: { key?: ObjectRecord<KeyVersionProps, KeyState>; secret?: ObjectRecord<SecretVersionProps> };
}

/** What a complete certificate version is made of before it is written. */
interface NewVersion {
  id: string;
  cert: Uint8Array;
  chain: Uint8Array[];
  keyVersion: KeyVersion;
  /** The key in the engine, when the secret is to hold it (an exportable key). */
  handle: KeyHandle | undefined;
  exportable: boolean;
  contentType: string;
  enabled: boolean;
  tags: Tags | undefined;
  /** The time of issuance (Unix seconds): the versions' created, and the base of a self-signed validity. */
  now: number;
}

export class CertificateObjects implements CertificatesApi {
  readonly #s: VaultServices;
  readonly #life: ObjectLifecycle<CertificateVersionProps, CertificateState>;
  readonly #keys: ManagedObjects<KeyVersionProps, KeyState>;
  readonly #secrets: ManagedObjects<SecretVersionProps, { managed?: boolean }>;
  readonly #contacts: CertificateContacts;
  readonly #issuers: CertificateIssuers;

  constructor(services: VaultServices, keys: KeyObjects, secrets: SecretObjects) {
    this.#s = services;
    this.#keys = keys.managed;
    this.#secrets = secrets.managed;
    this.#contacts = new CertificateContacts(services);
    this.#issuers = new CertificateIssuers(services);
    const spec: KindSpec<CertificateVersionProps, CertificateState> = {
      kind: "certificate",
      label: "certificate",
      collection: "certificates",
      deletedCollection: "deletedcertificates",
      errors: kindErrors("Certificate"),
      companions: ["key", "secret"],
      refresh: (rec, now) => this.#renewIfDue(rec, now),
      checkRestoredVersion: (v) => {
        if (v.props.cer !== undefined) readCertificate(decodeBase64url(v.props.cer)!);
        for (const c of v.props.chain ?? []) readCertificate(decodeBase64url(c)!);
      },
    };
    this.#life = new ObjectLifecycle(spec, services);
  }

  // ---------------------------------------------------------------- create, import, merge

  async createCertificate(name: string, body: CertificateCreateParameters, ctx: RequestContext): Promise<CertificateOperation> {
    checkCertificateName(name);
    const b = requireObject(body);
    const now = this.#s.now();
    const policy = parsePolicy(b.policy, now);
    const enabled = parseAttributes(b.attributes).enabled ?? true;
    const tags = parseTags(b.tags, "certificate");
    const preserve = optionalBool(b.preserveCertOrder, "preserveCertOrder");
    const issuerName = policy.issuer.name;
    const issuer = issuerName === SELF || issuerName === UNKNOWN ? undefined : await this.#issuers.find(issuerName);
    if (issuerName !== SELF && issuerName !== UNKNOWN && !issuer) {
      throw badParameter(
        `The issuer ${issuerName} is not set in this vault: set it (PUT /certificates/issuers/${issuerName}) or use Self or Unknown.`,
      );
    }
    return this.#life.exclusive(name, async () => {
      const rec = await this.#writable(name);
      const state: CertificateState = { policy, ...(preserve !== undefined ? { preserveCertOrder: preserve } : {}) };
      if (issuerName === SELF) {
        const { record, op } = await this.#issueSelfSigned(name, rec, state, { enabled, tags }, ctx);
        return operationView(record, op, ctx);
      }
      return this.#startPending(name, rec, state, { enabled, tags, provider: issuer?.provider }, now, ctx);
    });
  }

  async importCertificate(name: string, body: CertificateImportParameters, ctx: RequestContext): Promise<CertificateBundle> {
    checkCertificateName(name);
    const b = requireObject(body);
    const now = this.#s.now();
    const imported = readImport(b.value, b.pwd);
    const leaf = imported.leaf;
    if (leaf.notAfter <= now) {
      throw badParameter(
        `The certificate expired on ${new Date(leaf.notAfter * 1000).toISOString()}; expired certificates cannot be imported.`,
      );
    }
    const policy = importedPolicy(b.policy, imported, now);
    const enabled = parseAttributes(b.attributes).enabled ?? true;
    const tags = parseTags(b.tags, "certificate");
    const preserve = optionalBool(b.preserveCertOrder, "preserveCertOrder");
    const { make } = plainImportOf(this.#s, imported.key);
    return this.#life.exclusive(name, async () => {
      const rec = await this.#writable(name);
      const handle = engineCall(make);
      try {
        // The imported key's exportability follows the policy, fixed before its first seal.
        if (policy.key_props.exportable) engineCall(() => this.#s.engine.makeExportable(handle));
        const key = keyProps(this.#s.engine, handle, policy.key_props.kty, policy.key_props.key_size, leaf.profile.keyUsage);
        const id = this.#newId();
        const { record, version } = await this.#commit(
          name,
          rec,
          {
            id,
            cert: leaf.der,
            chain: imported.chain,
            keyVersion: sealedKeyVersion(this.#s.engine, this.#s.domain, key, id, this.#placeholderAttributes(now)),
            handle,
            exportable: policy.key_props.exportable,
            contentType: policy.secret_props.contentType,
            enabled,
            tags,
            now,
          },
          { policy, ...(preserve !== undefined ? { preserveCertOrder: preserve } : {}) },
          ctx,
        );
        return certificateBundle(record, version, ctx);
      } finally {
        this.#s.engine.destroy(handle);
      }
    });
  }

  async mergeCertificate(name: string, body: CertificateMergeParameters, ctx: RequestContext): Promise<CertificateBundle> {
    checkCertificateName(name);
    const b = requireObject(body);
    const certs = readChain(b.x5c);
    const enabled = parseAttributes(b.attributes).enabled ?? true;
    const tags = b.tags !== undefined ? parseTags(b.tags, "certificate") : undefined;
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      const op = rec.state?.pending;
      if (op?.status !== "inProgress" || !op.key) throw pendingNotFound(rec.name);
      if (op.issuer.name !== UNKNOWN) {
        // The service's words, its spelling kept (create-certificate-scenarios.md).
        throw forbidden(`Merge is forbidden on pending object created with issuer : ${op.issuer.name} while it is in progess.`);
      }
      const pub = publicKeyOfProps(op.key.props);
      const leaf = certs.find((c) => sameKeyAs(c.publicKey, pub));
      if (!leaf) {
        throw badParameter(
          "The certificates in x5c do not match the pending certificate's key: none of them has the public key of its certificate signing request.",
        );
      }
      const placeholder = rec.versions.find((v) => v.version === op.version);
      const handle = op.key.exportable ? this.#unseal(op.key.sealed) : undefined;
      try {
        const { record, version } = await this.#commit(
          name,
          rec,
          {
            id: op.version,
            cert: leaf.der,
            chain: certs.filter((c) => c !== leaf).map((c) => c.der),
            keyVersion: {
              version: op.version,
              attributes: this.#placeholderAttributes(this.#s.now()),
              props: op.key.props,
              sealed: op.key.sealed,
            },
            handle,
            exportable: op.key.exportable,
            contentType: placeholder?.props.contentType ?? rec.state!.policy.secret_props.contentType,
            enabled,
            tags: tags ?? placeholder?.tags,
            now: this.#s.now(),
          },
          { ...rec.state!, pending: completed(op) },
          ctx,
        );
        return certificateBundle(record, version, ctx);
      } finally {
        if (handle !== undefined) this.#s.engine.destroy(handle);
      }
    });
  }

  // ---------------------------------------------------------------- read and change

  async getCertificate(name: string, version: string | undefined, ctx: RequestContext): Promise<CertificateBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      return certificateBundle(rec, this.#life.version(rec, version), ctx);
    });
  }

  async updateCertificate(
    name: string,
    version: string | undefined,
    body: CertificateUpdateParameters,
    ctx: RequestContext,
  ): Promise<CertificateBundle> {
    checkCertificateName(name);
    const b = requireObject(body);
    // nbf and exp of a certificate are its X.509 validity (read-only); enabled is what may change.
    const { enabled } = parseAttributes(b.attributes);
    const tags = b.tags !== undefined ? parseTags(b.tags, "certificate") : undefined;
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      const v = this.#life.version(rec, version);
      const now = this.#s.now();
      const updated: CertificateVersion = {
        ...v,
        attributes: { ...v.attributes, ...(enabled !== undefined ? { enabled } : {}), updated: now },
        ...(b.tags !== undefined ? { tags: tags ?? {} } : {}),
      };
      const state = b.policy !== undefined ? { ...rec.state!, policy: parsePolicy(b.policy, now, rec.state!.policy) } : rec.state!;
      const record: CertificateRecord = { ...rec, versions: rec.versions.map((x) => (x.version === v.version ? updated : x)), state };
      await transaction(this.#s.store, async (tx) => {
        // Disabling a certificate disables its key and secret of the same version.
        if (enabled !== undefined && v.props.cer !== undefined) {
          const mirror = <P>(x: VersionRecord<P>) =>
            x.version === v.version ? { ...x, attributes: { ...x.attributes, enabled, updated: now } } : undefined;
          const key = await this.#keys.get(rec.name);
          if (key?.state?.managed) await this.#keys.updateVersions(tx, key, mirror);
          const secret = await this.#secrets.get(rec.name);
          if (secret?.state?.managed) await this.#secrets.updateVersions(tx, secret, mirror);
        }
        await tx.put(record);
      });
      Object.assign(rec, record);
      return certificateBundle(record, updated, ctx);
    });
  }

  listCertificates(options: ListOptions, ctx: RequestContext): Promise<ListResult<CertificateItem>> {
    return this.#life.list(false, options, ctx, (rec) => {
      const current = this.#life.current(rec);
      // A certificate that has no issued version yet is listed only with includePending=true.
      if (current.props.cer === undefined && !options.includePending) return undefined;
      return certificateItem(rec, current, ctx, false);
    });
  }

  async listCertificateVersions(name: string, options: ListOptions, ctx: RequestContext): Promise<ListResult<CertificateItem>> {
    checkName(name, "certificate");
    const rec = await this.#life.exclusive(name, () => this.#life.load(name));
    // The versions of a missing certificate are an empty list, as for keys and secrets.
    if (!rec || rec.deleted) return { value: [], nextLink: null };
    return this.#life.listVersions(rec, options, ctx, (v) => certificateItem(rec, v, ctx, true));
  }

  async getCertificatePolicy(name: string, ctx: RequestContext): Promise<CertificatePolicy> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      return certificateBundle(rec, this.#life.current(rec), ctx).policy!;
    });
  }

  async updateCertificatePolicy(name: string, body: CertificatePolicy, ctx: RequestContext): Promise<CertificatePolicy> {
    checkCertificateName(name);
    requireObject(body);
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      rec.state = { ...rec.state!, policy: parsePolicy(body, this.#s.now(), rec.state!.policy) };
      await this.#life.write(rec);
      return certificateBundle(rec, this.#life.current(rec), ctx).policy!;
    });
  }

  // ---------------------------------------------------------------- the certificate operation

  async getCertificateOperation(name: string, ctx: RequestContext): Promise<CertificateOperation> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      const op = rec.state?.pending;
      if (!op) throw pendingNotFound(rec.name);
      return operationView(rec, op, ctx);
    });
  }

  async updateCertificateOperation(
    name: string,
    body: CertificateOperationUpdateParameter,
    ctx: RequestContext,
  ): Promise<CertificateOperation> {
    checkCertificateName(name);
    const b = requireObject(body);
    if (typeof b.cancellation_requested !== "boolean") throw badParameter("cancellation_requested must be true or false.");
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      const op = rec.state?.pending;
      if (!op) throw pendingNotFound(rec.name);
      // Azure/azure-sdk-for-js#25758: the service answers 403 with these words.
      if (op.status !== "inProgress") throw forbidden("Pending status must be in progress to allow update.");
      // The service keeps the operation in progress and records the request (recorded traffic); no
      // issuer of this vault acts on it.
      const next = { ...op, cancellationRequested: b.cancellation_requested };
      rec.state = { ...rec.state!, pending: next };
      await this.#life.write(rec);
      return operationView(rec, next, ctx);
    });
  }

  async deleteCertificateOperation(name: string, ctx: RequestContext): Promise<CertificateOperation> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      const op = rec.state?.pending;
      if (!op) throw pendingNotFound(rec.name);
      // The placeholder version stays (recorded traffic); the pending key, never used, goes with the operation.
      const { pending: _, ...rest } = rec.state!;
      rec.state = rest;
      await this.#life.write(rec);
      return operationView(rec, op, ctx);
    });
  }

  // ---------------------------------------------------------------- soft delete

  async deleteCertificate(name: string, ctx: RequestContext): Promise<DeletedCertificateBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      const marked: CertificateRecord = { ...rec };
      this.#life.markDeleted(marked, ctx);
      await transaction(this.#s.store, async (tx) => {
        const key = await this.#keys.get(rec.name);
        if (key?.state?.managed && !key.deleted) await this.#keys.softDelete(tx, key, ctx);
        const secret = await this.#secrets.get(rec.name);
        if (secret?.state?.managed && !secret.deleted) await this.#secrets.softDelete(tx, secret, ctx);
        await tx.put(marked);
      });
      return deletedCertificateBundle(marked, this.#life.current(marked), ctx);
    });
  }

  async getDeletedCertificate(name: string, ctx: RequestContext): Promise<DeletedCertificateBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.deleted(name);
      return deletedCertificateBundle(rec, this.#life.current(rec), ctx);
    });
  }

  listDeletedCertificates(options: ListOptions, ctx: RequestContext): Promise<ListResult<DeletedCertificateItem>> {
    return this.#life.list(true, options, ctx, (rec) => {
      const current = this.#life.current(rec);
      if (current.props.cer === undefined && !options.includePending) return undefined;
      return deletedCertificateItem(rec, current, ctx);
    });
  }

  async recoverDeletedCertificate(name: string, ctx: RequestContext): Promise<CertificateBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.deleted(name);
      const live: CertificateRecord = { ...rec };
      this.#life.markRecovered(live);
      await transaction(this.#s.store, async (tx) => {
        const key = await this.#keys.get(rec.name);
        if (key?.state?.managed && key.deleted) await this.#keys.recover(tx, key);
        const secret = await this.#secrets.get(rec.name);
        if (secret?.state?.managed && secret.deleted) await this.#secrets.recover(tx, secret);
        await tx.put(live);
      });
      return certificateBundle(live, this.#life.current(live), ctx);
    });
  }

  async purgeDeletedCertificate(name: string, _ctx: RequestContext): Promise<void> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.deleted(name);
      await transaction(this.#s.store, async (tx) => {
        const key = await this.#keys.get(rec.name);
        if (key?.state?.managed && key.deleted) await this.#keys.purge(tx, key);
        const secret = await this.#secrets.get(rec.name);
        if (secret?.state?.managed && secret.deleted) await this.#secrets.purge(tx, secret);
        await tx.remove("certificate", rec.name);
      });
    });
  }

  // ---------------------------------------------------------------- backup and restore

  async backupCertificate(name: string, _ctx: RequestContext): Promise<BackupCertificateResult> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      const key = await this.#keys.get(rec.name);
      const secret = await this.#secrets.get(rec.name);
      const state: BackupState = {
        ...rec.state!,
        companions: {
          ...(key?.state?.managed ? { key: { kind: "key", name: key.name, versions: key.versions, state: key.state } } : {}),
          ...(secret?.state?.managed
            ? { secret: { kind: "secret", name: secret.name, versions: secret.versions, state: secret.state } }
            : {}),
        },
      };
      return { value: encodeBase64url(this.#life.backup({ ...rec, state })) };
    });
  }

  async restoreCertificate(body: CertificateRestoreParameters, ctx: RequestContext): Promise<CertificateBundle> {
    const b = requireObject(body);
    const blob = typeof b.value === "string" ? decodeBase64url(b.value) : undefined;
    if (!blob) throw badParameter("The backup blob must be a base64url string in 'value'.");
    const opened = this.#life.openBackup(blob);
    const { companions, ...state } = (opened.state ?? {}) as BackupState;
    const key = companions?.key;
    const secret = companions?.secret;
    try {
      if (!state.policy) throw new Error("no policy");
      if (key) this.#keys.checkRestored({ ...key, name: opened.name });
      if (secret) this.#secrets.checkRestored({ ...secret, name: opened.name });
    } catch {
      throw invalidBackup();
    }
    return this.#life.exclusive(opened.name, async () => {
      const existing = await this.#life.load(opened.name);
      if (existing?.deleted) throw this.#life.spec.errors.conflictDeleted(existing.name);
      if (existing) throw this.#life.spec.errors.alreadyExists(existing.name);
      const keyRec = await this.#keys.get(opened.name);
      const secretRec = await this.#secrets.get(opened.name);
      if (keyRec || secretRec) {
        throw new KeyVaultError(
          409,
          "Conflict",
          `Certificate ${opened.name} cannot be restored: a ${keyRec ? "key" : "secret"} of that name exists. Delete and purge it first.`,
        );
      }
      const record: CertificateRecord = { kind: "certificate", name: opened.name, versions: opened.versions, state };
      await transaction(this.#s.store, async (tx) => {
        if (key) await this.#keys.restore(tx, { ...key, name: opened.name });
        if (secret) await this.#secrets.restore(tx, { ...secret, name: opened.name });
        await tx.put(record);
      });
      return certificateBundle(record, this.#life.current(record), ctx);
    });
  }

  // ---------------------------------------------------------------- contacts and issuers

  getContacts(ctx: RequestContext): Promise<Contacts> {
    return this.#contacts.get(ctx);
  }

  setContacts(body: Contacts, ctx: RequestContext): Promise<Contacts> {
    return this.#contacts.set(body, ctx);
  }

  deleteContacts(ctx: RequestContext): Promise<Contacts> {
    return this.#contacts.delete(ctx);
  }

  listIssuers(options: ListOptions, ctx: RequestContext): Promise<ListResult<CertificateIssuerItem>> {
    return this.#issuers.list(options, ctx);
  }

  getIssuer(name: string, ctx: RequestContext): Promise<IssuerBundle> {
    return this.#issuers.get(name, ctx);
  }

  setIssuer(name: string, body: CertificateIssuerSetParameters, ctx: RequestContext): Promise<IssuerBundle> {
    return this.#issuers.set(name, body, ctx);
  }

  updateIssuer(name: string, body: CertificateIssuerUpdateParameters, ctx: RequestContext): Promise<IssuerBundle> {
    return this.#issuers.update(name, body, ctx);
  }

  deleteIssuer(name: string, ctx: RequestContext): Promise<IssuerBundle> {
    return this.#issuers.delete(name, ctx);
  }

  // ---------------------------------------------------------------- internals

  #newId(): string {
    return newVersionId((n) => this.#s.engine.randomBytes(n));
  }

  #unseal(sealed: string): KeyHandle {
    const blob = decodeBase64url(sealed);
    if (!blob) throw new KeyVaultError(500, "InternalError", "A stored certificate key is corrupt.");
    return engineCall(() => this.#s.engine.unseal(this.#s.domain.handle, blob));
  }

  #placeholderAttributes(now: number) {
    return newAttributes({ enabled: true }, now, this.#s.recoverableDays);
  }

  /**
   * The record of a name about to get a new version: not deleted, no operation in progress, and its
   * key and secret names free or already this certificate's.
   */
  async #writable(name: string): Promise<CertificateRecord | undefined> {
    const rec = await this.#life.load(name);
    if (rec?.deleted) throw this.#life.spec.errors.conflictDeleted(rec.name);
    if (rec?.state?.pending?.status === "inProgress") {
      // The service's answer (create-certificate-scenarios.md): 409 with the code Forbidden.
      throw new KeyVaultError(
        409,
        "Forbidden",
        "A new key vault certificate can not be created or imported while a pending key vault certificate's status is inProgress.",
      );
    }
    this.#keys.checkAvailable(await this.#keys.get(name), rec?.name ?? name);
    this.#secrets.checkAvailable(await this.#secrets.get(name), rec?.name ?? name);
    return rec;
  }

  /** A new key for the policy, or the current version's key when the policy reuses keys. */
  async #keyFor(rec: CertificateRecord | undefined, policy: StoredPolicy): Promise<{ key: CertificateKey; exportable: boolean }> {
    const current = [...(rec?.versions ?? [])].reverse().find((v) => v.props.cer !== undefined);
    if (policy.key_props.reuse_key && current) {
      const keyRec = await this.#keys.get(rec!.name);
      const old = keyRec?.versions.find((v) => v.version === current.version);
      if (old?.sealed) {
        const handle = this.#unseal(old.sealed);
        return {
          key: { ...keyProps(this.#s.engine, handle, old.props.kty, old.props.keySize, policy.x509_props.key_usage) },
          exportable: old.attributes.exportable === true,
        };
      }
    }
    return { key: generateKey(this.#s.engine, policy), exportable: policy.key_props.exportable };
  }

  /** Issues a self-signed version now (create with issuer Self, and AutoRenew). */
  async #issueSelfSigned(
    name: string,
    rec: CertificateRecord | undefined,
    state: CertificateState,
    opts: { enabled: boolean; tags: Tags | undefined },
    ctx: RequestContext | undefined,
  ): Promise<{ record: CertificateRecord; op: PendingOperation }> {
    const now = this.#s.now();
    const { key, exportable } = await this.#keyFor(rec, state.policy);
    try {
      const id = this.#newId();
      const cert = issueSelfSigned(this.#s.engine, key, state.policy, now);
      // The service returns a request even for Self (recorded create responses carry "csr").
      const op: PendingOperation = {
        requestId: this.#newId(),
        issuer: { ...state.policy.issuer },
        csr: encodeBase64(requestFor(this.#s.engine, key, state.policy)),
        status: "completed",
        cancellationRequested: false,
        version: id,
      };
      const { record } = await this.#commit(
        name,
        rec,
        {
          id,
          cert,
          chain: [],
          keyVersion: sealedKeyVersion(this.#s.engine, this.#s.domain, key, id, this.#placeholderAttributes(now)),
          handle: key.handle,
          exportable,
          contentType: state.policy.secret_props.contentType,
          enabled: opts.enabled,
          tags: opts.tags,
          now,
        },
        { ...state, pending: op },
        ctx,
      );
      return { record, op };
    } finally {
      this.#s.engine.destroy(key.handle);
    }
  }

  /** Unknown issuer, or an issuer this vault cannot reach: a placeholder version and an operation with a request. */
  async #startPending(
    name: string,
    rec: CertificateRecord | undefined,
    state: CertificateState,
    opts: { enabled: boolean; tags: Tags | undefined; provider: string | undefined },
    now: number,
    ctx: RequestContext,
  ): Promise<CertificateOperation> {
    const { key, exportable } = await this.#keyFor(rec, state.policy);
    try {
      const id = this.#newId();
      const csr = encodeBase64(requestFor(this.#s.engine, key, state.policy));
      const issuer = state.policy.issuer;
      const reachable = issuer.name === UNKNOWN || opts.provider === TEST_PROVIDER;
      const op: PendingOperation = {
        requestId: this.#newId(),
        issuer: { ...issuer },
        csr,
        cancellationRequested: false,
        version: id,
        ...(reachable
          ? {
              status: "inProgress" as const,
              statusDetails: issuer.name === UNKNOWN ? MERGE_DETAILS : IN_PROGRESS_DETAILS,
              key: {
                sealed: encodeBase64url(engineCall(() => this.#s.engine.seal(this.#s.domain.handle, key.handle))),
                props: key.props,
                exportable,
              },
            }
          : {
              // create-certificate-scenarios.md: a failed operation has "status_details": "" and an error
              // whose code "can be "Certificate issuer error" or "Request rejected"".
              status: "failed" as const,
              statusDetails: "",
              error: {
                code: "Certificate issuer error",
                message: `The issuer ${issuer.name} (provider ${opts.provider}) cannot be reached: this vault issues Self-signed certificates, and certificates of the Unknown issuer through a merge.`,
              },
            }),
      };
      // Until it is issued, the version is a disabled placeholder (recorded traffic), with the policy's content type.
      const placeholder: CertificateVersion = {
        version: id,
        attributes: newAttributes({ enabled: false }, now, this.#s.recoverableDays),
        ...(opts.tags !== undefined ? { tags: opts.tags } : {}),
        props: { contentType: state.policy.secret_props.contentType },
      };
      const record: CertificateRecord = {
        kind: "certificate",
        name: rec?.name ?? name,
        versions: [...(rec?.versions ?? []), placeholder],
        state: { ...state, pending: op },
      };
      await this.#life.write(record);
      return operationView(record, op, ctx);
    } finally {
      this.#s.engine.destroy(key.handle);
    }
  }

  /**
   * Writes a complete version: the key version, the secret version (its value built now: the
   * certificates, and the private key only for an exportable key), then the certificate record,
   * replacing a placeholder of the same id. One transaction: nothing is half-written on failure.
   */
  async #commit(
    name: string,
    rec: CertificateRecord | undefined,
    n: NewVersion,
    state: CertificateState,
    ctx: RequestContext | undefined,
  ): Promise<{ record: CertificateRecord; version: CertificateVersion }> {
    const recName = rec?.name ?? name;
    const now = n.now;
    const facts = readCertificate(n.cert);
    const attributes = {
      ...newAttributes({ enabled: n.enabled }, now, this.#s.recoverableDays),
      nbf: facts.notBefore,
      exp: facts.notAfter,
    };
    const keyRec = await this.#keys.get(recName);
    const secretRec = await this.#secrets.get(recName);
    this.#keys.checkAvailable(keyRec, recName);
    this.#secrets.checkAvailable(secretRec, recName);

    const pkcs8 = n.handle !== undefined ? exportableKey(this.#s.engine, n.handle) : undefined;
    let value: Uint8Array;
    try {
      value = new TextEncoder().encode(secretValue(n.contentType, [n.cert, ...n.chain], pkcs8));
    } finally {
      pkcs8?.fill(0);
    }
    const kid = `${kidBase(ctx, secretRec)}/keys/${recName}/${n.id}`;
    let secretVersion: VersionRecord<SecretVersionProps>;
    try {
      secretVersion = {
        version: n.id,
        attributes,
        ...(n.tags !== undefined ? { tags: { ...n.tags } } : {}),
        props: { contentType: n.contentType, kid },
        sealed: sealValue(this.#s.engine, this.#s.domain, recName, n.id, value),
      };
    } finally {
      value.fill(0);
    }
    const keyVersion: KeyVersion = { ...n.keyVersion, attributes: { ...attributes, exportable: n.exportable } };
    const version: CertificateVersion = {
      version: n.id,
      attributes,
      ...(n.tags !== undefined ? { tags: { ...n.tags } } : {}),
      props: {
        cer: encodeBase64(n.cert),
        ...(n.chain.length > 0 ? { chain: n.chain.map(encodeBase64) } : {}),
        contentType: n.contentType,
      },
    };
    const others = (rec?.versions ?? []).filter((v) => v.version !== n.id);
    const at = rec?.versions.findIndex((v) => v.version === n.id) ?? -1;
    const versions = at >= 0 ? [...others.slice(0, at), version, ...others.slice(at)] : [...others, version];
    const record: CertificateRecord = {
      kind: "certificate",
      name: recName,
      versions,
      state,
      ...(rec?.deleted ? { deleted: rec.deleted } : {}),
    };
    await transaction(this.#s.store, async (tx) => {
      await this.#keys.addVersion(tx, recName, keyRec, keyVersion);
      await this.#secrets.addVersion(tx, recName, secretRec, secretVersion);
      await tx.put(record);
    });
    return { record, version };
  }

  /** AutoRenew (lazily, like key rotation): a new self-signed version once the clock passes the trigger. */
  async #renewIfDue(rec: CertificateRecord, now: number): Promise<void> {
    const st = rec.state;
    if (!st || st.policy.issuer.name !== SELF || st.pending?.status === "inProgress") return;
    const current = this.#life.current(rec);
    const { nbf, exp } = current.attributes;
    if (current.props.cer === undefined || nbf === undefined || exp === undefined) return;
    const due = renewalDueAt(st.policy, nbf, exp);
    if (due === undefined || now < due) return;
    const { record } = await this.#issueSelfSigned(rec.name, rec, st, { enabled: true, tags: current.tags }, undefined);
    rec.versions = record.versions;
    rec.state = record.state;
  }
}

/**
 * The vault URL that a secret's kid starts with: the request's, or, for a renewal (which has no
 * request), the one the secret's last version was written with.
 */
function kidBase(ctx: RequestContext | undefined, secret: ObjectRecord<SecretVersionProps> | undefined): string {
  if (ctx) return ctx.vaultUrl;
  const last = secret?.versions[secret.versions.length - 1]?.props.kid;
  const base = last?.replace(/\/keys\/[^/]+\/[^/]+$/, "");
  if (!base) throw new KeyVaultError(500, "InternalError", "A renewal found no earlier version of the certificate's secret.");
  return base;
}

function checkCertificateName(name: string): void {
  checkName(name, "certificate");
  if (RESERVED.test(name)) throw badParameter(`The certificate name ${name} is reserved: /certificates/${name} is another resource.`);
}

function optionalBool(raw: unknown, where: string): boolean | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "boolean") throw badParameter(`${where} must be true or false.`);
  return raw;
}

function completed(op: PendingOperation): PendingOperation {
  const { key: _, statusDetails: __, ...rest } = op;
  return { ...rest, status: "completed" };
}

function sameKeyAs(a: ReturnType<typeof publicKeyOfProps>, b: ReturnType<typeof publicKeyOfProps>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The engine import of an imported certificate's key (the JWK checks of a key import apply). */
function plainImportOf(s: VaultServices, key: ReturnType<typeof readImport>["key"]) {
  return plainImport(s.engine, key);
}

/**
 * The policy of an imported certificate: the certificate's own facts (subject, usages, names,
 * validity rounded up to whole months), the key's type and size, and from the request only what it
 * may choose (exportable, reuse_key, content type, lifetime actions, issuer); the content type
 * defaults to the format imported. A kty, size or curve
 * that contradicts the key is refused. The default action is EmailContacts and the default issuer
 * Unknown (recorded import).
 */
function importedPolicy(raw: unknown, imported: ReturnType<typeof readImport>, now: number): StoredPolicy {
  const { key, leaf } = imported;
  const given = parsePolicy(raw ?? {}, now, undefined, false);
  const rawKey = ((raw as CertificatePolicy | undefined)?.key_props ?? {}) as Record<string, unknown>;
  const family = key.kty;
  const keySize =
    family === "RSA" ? decodeBase64url(key.n)!.length * 8 : ({ "P-256": 256, "P-256K": 256, "P-384": 384, "P-521": 521 }[key.crv] ?? 0);
  const hsm = typeof rawKey.kty === "string" && rawKey.kty.endsWith("-HSM");
  if (typeof rawKey.kty === "string" && !rawKey.kty.startsWith(family)) {
    throw badParameter(`policy.key_props.kty ${rawKey.kty} does not match the imported key, which is ${family}.`);
  }
  if (rawKey.key_size !== undefined && rawKey.key_size !== null && rawKey.key_size !== keySize) {
    throw badParameter(`policy.key_props.key_size ${rawKey.key_size} does not match the imported key, which has ${keySize} bits.`);
  }
  if (family === "EC" && rawKey.crv !== undefined && rawKey.crv !== null && rawKey.crv !== key.crv) {
    throw badParameter(`policy.key_props.crv ${rawKey.crv} does not match the imported key, which is on ${key.crv}.`);
  }
  const p = leaf.profile;
  const validity = Math.max(1, monthsCovering(leaf.notBefore, leaf.notAfter));
  const rawPolicy = (raw ?? {}) as CertificatePolicy;
  return {
    key_props: {
      exportable: rawKey.exportable === undefined || rawKey.exportable === null ? !hsm : given.key_props.exportable,
      kty: hsm ? `${family}-HSM` : family,
      key_size: keySize,
      reuse_key: given.key_props.reuse_key,
      ...(family === "EC" ? { crv: key.crv } : {}),
    },
    // Without a content type in the policy, the secret keeps the format given (@azure/keyvault-certificates
    // 4.10 sends no policy with an import: its serializer reads a member its client never sets).
    secret_props: { contentType: rawPolicy.secret_props?.contentType !== undefined ? given.secret_props.contentType : imported.format },
    x509_props: {
      subject: leaf.subject,
      ...(p.sans !== undefined ? { sans: p.sans } : {}),
      ekus: p.ekus ?? [],
      key_usage: p.keyUsage ?? [],
      validity_months: validity,
      basic_constraints: { ca: p.ca ?? false },
    },
    lifetime_actions:
      rawPolicy.lifetime_actions !== undefined
        ? given.lifetime_actions
        : [{ trigger: { lifetime_percentage: 80 }, action: { action_type: "EmailContacts" } }],
    issuer: rawPolicy.issuer !== undefined ? given.issuer : { name: UNKNOWN },
    attributes: given.attributes,
  };
}

/** Whole months from nbf that reach exp (a year and ten minutes is 13, as the service reports). */
function monthsCovering(nbf: number, exp: number): number {
  let m = Math.max(0, Math.floor((exp - nbf) / (31 * 86_400)));
  while (addMonths(nbf, m) < exp) m++;
  return m;
}

// Certificates: the third object kind. A certificate is three objects with one name: the certificate,
// a key (in the HSM) and a secret (its PKCS#12 or PEM), the two last managed (their own APIs may read
// them, not change them). A version of each shares one version id. Every operation takes the three
// names' locks (KindSpec.companions) and changes the three records in one transaction
// (lifecycle/transaction.ts); writer.ts makes and writes new versions. One method per REST operation.
import { decodeBase64url, encodeBase64url } from "../../encoding/base64url.js";
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
} from "../../model/index.js";
import type { CertificateVersionProps, KeyVersionProps, ObjectRecord, SecretVersionProps, VersionRecord } from "../../store/types.js";
import { type Digest, readCertificate } from "../../x509/index.js";
import { parseAttributes, parseTags } from "../attributes.js";
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
import { checkName } from "../names.js";
import type { SecretObjects } from "../secrets/secrets.js";
import { CertificateContacts } from "./contacts.js";
import { importedPolicy, readImport } from "./import.js";
import { CertificateIssuers } from "./issuers.js";
import { CertificateWriter } from "./writer.js";
import { keyProps, publicKeyOfProps, sealedKeyVersion } from "./material.js";
import { readChain } from "./merge.js";
import { parsePolicy, SELF, UNKNOWN } from "./policy.js";
import type { CertificateRecord, CertificateState, CertificateVersion, PendingOperation } from "./records.js";
import { certificateBundle, certificateItem, deletedCertificateBundle, deletedCertificateItem, operationView } from "./views.js";

/** Paths under /certificates that are not certificates. */
const RESERVED = /^(contacts|issuers|restore)$/i;

const pendingNotFound = (name: string) => new KeyVaultError(404, "PendingCertificateNotFound", `Pending certificate not found: ${name}`);

/** A certificate's backup carries its key and its secret with it. */
interface BackupState extends CertificateState {
  companions?: { key?: ObjectRecord<KeyVersionProps, KeyState>; secret?: ObjectRecord<SecretVersionProps> };
}

export class CertificateObjects implements CertificatesApi {
  readonly #s: VaultServices;
  readonly #life: ObjectLifecycle<CertificateVersionProps, CertificateState>;
  readonly #keys: ManagedObjects<KeyVersionProps, KeyState>;
  readonly #secrets: ManagedObjects<SecretVersionProps, { managed?: boolean }>;
  readonly #contacts: CertificateContacts;
  readonly #issuers: CertificateIssuers;
  readonly #w: CertificateWriter;
  /** The core's digests, for x5t. */
  readonly #digest: Digest = (hash, data) => engineCall(() => this.#s.engine.digest(hash, data));

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
      refresh: (rec, now) => this.#w.renewIfDue(rec, now),
      checkRestoredVersion: (v) => {
        if (v.props.cer !== undefined) readCertificate(decodeBase64url(v.props.cer)!);
        for (const c of v.props.chain ?? []) readCertificate(decodeBase64url(c)!);
      },
    };
    this.#life = new ObjectLifecycle(spec, services);
    this.#w = new CertificateWriter(services, this.#life, this.#keys, this.#secrets);
  }
  /** The lifecycle of certificates, for vault-wide work (sweeps, export and import of contents). */
  get lifecycle(): ObjectLifecycle<CertificateVersionProps, CertificateState> {
    return this.#life;
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
      const rec = await this.#w.writable(name);
      const state: CertificateState = { policy, ...(preserve !== undefined ? { preserveCertOrder: preserve } : {}) };
      if (issuerName === SELF) {
        const { record, op } = await this.#w.issueSelfSigned(name, rec, state, { enabled, tags }, ctx);
        return operationView(record, op, ctx);
      }
      return this.#w.startPending(name, rec, state, { enabled, tags, provider: issuer?.provider }, now, ctx);
    });
  }

  async importCertificate(name: string, body: CertificateImportParameters, ctx: RequestContext): Promise<CertificateBundle> {
    checkCertificateName(name);
    const b = requireObject(body);
    const now = this.#s.now();
    const imported = readImport(b.value, b.pwd, this.#s.engine);
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
      const rec = await this.#w.writable(name);
      const handle = engineCall(make);
      try {
        // The imported key's exportability follows the policy, fixed before its first seal.
        if (policy.key_props.exportable) engineCall(() => this.#s.engine.makeExportable(handle));
        const key = keyProps(this.#s.engine, handle, policy.key_props.kty, policy.key_props.key_size, leaf.profile.keyUsage);
        const id = this.#w.newId();
        const { record, version } = await this.#w.commit(
          name,
          rec,
          {
            id,
            cert: leaf.der,
            chain: imported.chain,
            keyVersion: sealedKeyVersion(this.#s.engine, this.#s.domain, key, id, this.#w.placeholderAttributes(now)),
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
        return certificateBundle(record, version, ctx, this.#digest);
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
      const handle = op.key.exportable ? this.#w.unseal(op.key.sealed) : undefined;
      try {
        const { record, version } = await this.#w.commit(
          name,
          rec,
          {
            id: op.version,
            cert: leaf.der,
            chain: certs.filter((c) => c !== leaf).map((c) => c.der),
            keyVersion: {
              version: op.version,
              attributes: this.#w.placeholderAttributes(this.#s.now()),
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
        return certificateBundle(record, version, ctx, this.#digest);
      } finally {
        if (handle !== undefined) this.#s.engine.destroy(handle);
      }
    });
  }

  // ---------------------------------------------------------------- read and change

  async getCertificate(name: string, version: string | undefined, ctx: RequestContext): Promise<CertificateBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      return certificateBundle(rec, this.#life.version(rec, version), ctx, this.#digest);
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
      return certificateBundle(record, updated, ctx, this.#digest);
    });
  }

  listCertificates(options: ListOptions, ctx: RequestContext): Promise<ListResult<CertificateItem>> {
    return this.#life.list(false, options, ctx, (rec) => {
      const current = this.#life.current(rec);
      // A certificate that has no issued version yet is listed only with includePending=true.
      if (current.props.cer === undefined && !options.includePending) return undefined;
      return certificateItem(rec, current, ctx, false, this.#digest);
    });
  }

  async listCertificateVersions(name: string, options: ListOptions, ctx: RequestContext): Promise<ListResult<CertificateItem>> {
    checkName(name, "certificate");
    const rec = await this.#life.exclusive(name, () => this.#life.load(name));
    // The versions of a missing certificate are an empty list, as for keys and secrets.
    if (!rec || rec.deleted) return { value: [], nextLink: null };
    return this.#life.listVersions(rec, options, ctx, (v) => certificateItem(rec, v, ctx, true, this.#digest));
  }

  async getCertificatePolicy(name: string, ctx: RequestContext): Promise<CertificatePolicy> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      return certificateBundle(rec, this.#life.current(rec), ctx, this.#digest).policy!;
    });
  }

  async updateCertificatePolicy(name: string, body: CertificatePolicy, ctx: RequestContext): Promise<CertificatePolicy> {
    checkCertificateName(name);
    requireObject(body);
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.live(name);
      rec.state = { ...rec.state!, policy: parsePolicy(body, this.#s.now(), rec.state!.policy) };
      await this.#life.write(rec);
      return certificateBundle(rec, this.#life.current(rec), ctx, this.#digest).policy!;
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
      return deletedCertificateBundle(marked, this.#life.current(marked), ctx, this.#digest);
    });
  }

  async getDeletedCertificate(name: string, ctx: RequestContext): Promise<DeletedCertificateBundle> {
    return this.#life.exclusive(name, async () => {
      const rec = await this.#life.deleted(name);
      return deletedCertificateBundle(rec, this.#life.current(rec), ctx, this.#digest);
    });
  }

  listDeletedCertificates(options: ListOptions, ctx: RequestContext): Promise<ListResult<DeletedCertificateItem>> {
    return this.#life.list(true, options, ctx, (rec) => {
      const current = this.#life.current(rec);
      if (current.props.cer === undefined && !options.includePending) return undefined;
      return deletedCertificateItem(rec, current, ctx, this.#digest);
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
      return certificateBundle(live, this.#life.current(live), ctx, this.#digest);
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
      return certificateBundle(record, this.#life.current(record), ctx, this.#digest);
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

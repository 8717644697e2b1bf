// How certificate versions are made and written: a new key or the reused one, a self-signed
// certificate now or a request for an issuer, and the one transaction that writes a complete version's
// key, secret and certificate (key, then secret, then the certificate: clients reach the others
// through the certificate, so it is written last; lifecycle/transaction.ts puts every record back on
// failure). Callers hold the certificate's, the key's and the secret's locks (KindSpec.companions).
import type { KeyHandle } from "../../engine/index.js";
import { decodeBase64url, encodeBase64url } from "../../encoding/base64url.js";
import type { CertificateOperation, RequestContext, Tags } from "../../model/index.js";
import type { CertificateVersionProps, KeyVersionProps, ObjectRecord, SecretVersionProps, VersionRecord } from "../../store/types.js";
import { encodeBase64, readCertificate } from "../../x509/index.js";
import { newAttributes } from "../attributes.js";
import { engineCall } from "../errormap.js";
import { KeyVaultError } from "../errors.js";
import type { KeyState } from "../keys/views.js";
import type { ManagedObjects } from "../lifecycle/managed.js";
import type { ObjectLifecycle, VaultServices } from "../lifecycle/objects.js";
import { transaction } from "../lifecycle/transaction.js";
import { newVersionId } from "../names.js";
import { sealValue } from "../secrets/values.js";
import {
  type CertificateKey,
  exportableKey,
  generateKey,
  issueSelfSigned,
  keyProps,
  requestFor,
  sealedKeyVersion,
  secretValue,
} from "./material.js";
import { renewalDueAt, SELF, type StoredPolicy, UNKNOWN } from "./policy.js";
import type { CertificateRecord, CertificateState, CertificateVersion, PendingOperation } from "./records.js";
import { operationView } from "./views.js";

type KeyVersion = VersionRecord<KeyVersionProps>;

/** The service's words for an operation in progress (create-certificate-scenarios.md, recorded traffic). */
const IN_PROGRESS_DETAILS =
  "Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.";
const MERGE_DETAILS = "Pending certificate created. Please Perform Merge to complete the request.";
/** A provider the service accepts and never completes (the JS SDK's tests use it). */
const TEST_PROVIDER = "Test";

/** What a complete certificate version is made of before it is written. */
export interface NewVersion {
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

export class CertificateWriter {
  readonly #s: VaultServices;
  readonly #life: ObjectLifecycle<CertificateVersionProps, CertificateState>;
  readonly #keys: ManagedObjects<KeyVersionProps, KeyState>;
  readonly #secrets: ManagedObjects<SecretVersionProps, { managed?: boolean }>;

  constructor(
    services: VaultServices,
    life: ObjectLifecycle<CertificateVersionProps, CertificateState>,
    keys: ManagedObjects<KeyVersionProps, KeyState>,
    secrets: ManagedObjects<SecretVersionProps, { managed?: boolean }>,
  ) {
    this.#s = services;
    this.#life = life;
    this.#keys = keys;
    this.#secrets = secrets;
  }

  newId(): string {
    return newVersionId((n) => this.#s.engine.randomBytes(n));
  }

  unseal(sealed: string): KeyHandle {
    const blob = decodeBase64url(sealed);
    if (!blob) throw new KeyVaultError(500, "InternalError", "A stored certificate key is corrupt.");
    return engineCall(() => this.#s.engine.unseal(this.#s.domain.handle, blob));
  }

  placeholderAttributes(now: number) {
    return newAttributes({ enabled: true }, now, this.#s.recoverableDays);
  }

  /**
   * The record of a name about to get a new version: not deleted, no operation in progress, and its
   * key and secret names free or already this certificate's.
   */
  async writable(name: string): Promise<CertificateRecord | undefined> {
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
        const handle = this.unseal(old.sealed);
        return {
          key: { ...keyProps(this.#s.engine, handle, old.props.kty, old.props.keySize, policy.x509_props.key_usage) },
          exportable: old.attributes.exportable === true,
        };
      }
    }
    return { key: generateKey(this.#s.engine, policy), exportable: policy.key_props.exportable };
  }

  /** Issues a self-signed version now (create with issuer Self, and AutoRenew). */
  async issueSelfSigned(
    name: string,
    rec: CertificateRecord | undefined,
    state: CertificateState,
    opts: { enabled: boolean; tags: Tags | undefined },
    ctx: RequestContext | undefined,
  ): Promise<{ record: CertificateRecord; op: PendingOperation }> {
    const now = this.#s.now();
    const { key, exportable } = await this.#keyFor(rec, state.policy);
    try {
      const id = this.newId();
      const cert = issueSelfSigned(this.#s.engine, key, state.policy, now);
      // The service returns a request even for Self (recorded create responses carry "csr").
      const op: PendingOperation = {
        requestId: this.newId(),
        issuer: { ...state.policy.issuer },
        csr: encodeBase64(requestFor(this.#s.engine, key, state.policy)),
        status: "completed",
        cancellationRequested: false,
        version: id,
      };
      const { record } = await this.commit(
        name,
        rec,
        {
          id,
          cert,
          chain: [],
          keyVersion: sealedKeyVersion(this.#s.engine, this.#s.domain, key, id, this.placeholderAttributes(now)),
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
  async startPending(
    name: string,
    rec: CertificateRecord | undefined,
    state: CertificateState,
    opts: { enabled: boolean; tags: Tags | undefined; provider: string | undefined },
    now: number,
    ctx: RequestContext,
  ): Promise<CertificateOperation> {
    const { key, exportable } = await this.#keyFor(rec, state.policy);
    try {
      const id = this.newId();
      const csr = encodeBase64(requestFor(this.#s.engine, key, state.policy));
      const issuer = state.policy.issuer;
      const reachable = issuer.name === UNKNOWN || opts.provider === TEST_PROVIDER;
      const op: PendingOperation = {
        requestId: this.newId(),
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
  async commit(
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
  async renewIfDue(rec: CertificateRecord, now: number): Promise<void> {
    const st = rec.state;
    if (!st || st.policy.issuer.name !== SELF || st.pending?.status === "inProgress") return;
    const current = this.#life.current(rec);
    const { nbf, exp } = current.attributes;
    if (current.props.cer === undefined || nbf === undefined || exp === undefined) return;
    const due = renewalDueAt(st.policy, nbf, exp);
    if (due === undefined || now < due) return;
    const { record } = await this.issueSelfSigned(rec.name, rec, st, { enabled: true, tags: current.tags }, undefined);
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

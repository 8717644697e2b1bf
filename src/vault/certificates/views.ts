// What clients see of a certificate: the CertificateBundle (with its policy, and `pending` while an
// operation is in progress), the items of lists, the deleted forms, and the certificate operation.
import { encodeBase64url } from "../../encoding/base64url.js";
import type {
  CertificateAttributes,
  CertificateBundle,
  CertificateItem,
  CertificateOperation,
  DeletedCertificateBundle,
  DeletedCertificateItem,
  RequestContext,
} from "../../model/index.js";
import { type Digest, decodeBase64 } from "../../x509/index.js";
import { shapeOf } from "../api-versions.js";
import { policyView, type StoredPolicy } from "./policy.js";
import type { CertificateRecord, CertificateVersion, PendingOperation } from "./records.js";

export const certificateId = (ctx: RequestContext, name: string, version?: string) =>
  `${ctx.vaultUrl}/certificates/${name}${version === undefined ? "" : `/${version}`}`;

export const pendingId = (ctx: RequestContext, name: string) => `${ctx.vaultUrl}/certificates/${name}/pending`;

/** x5t: base64url SHA-1 of the DER (verified against recorded bundles), hashed by the core. */
function thumbprint(cer: string, digest: Digest): string {
  return encodeBase64url(digest("SHA-1", decodeBase64(cer)!));
}

/** Attributes in the request's api-version's shape (api-versions.ts): recoverableDays from 7.1 on. */
function attributesOf(v: CertificateVersion, ctx: RequestContext): CertificateAttributes {
  const { recoverableDays, exportable: _, ...rest } = v.attributes;
  return { ...rest, ...(shapeOf(ctx.apiVersion).recoverableDays ? { recoverableDays } : {}) };
}

/** The policy in the request's api-version's shape: SAN URIs and IP addresses from 2025-07-01 on. */
function policyOf(policy: StoredPolicy, id: string, ctx: RequestContext) {
  const view = policyView(policy, id);
  if (!shapeOf(ctx.apiVersion).sansUris && view.x509_props?.sans) {
    const { uris: _u, ipAddresses: _i, ...older } = view.x509_props.sans;
    view.x509_props.sans = older;
  }
  return view;
}

/** preserveCertOrder, from 7.6-preview.2 on, when it was given. */
function certOrder(rec: CertificateRecord, ctx: RequestContext) {
  const p = rec.state?.preserveCertOrder;
  return p !== undefined && shapeOf(ctx.apiVersion).preserveCertOrder ? { preserveCertOrder: p } : {};
}

function inProgress(rec: CertificateRecord): PendingOperation | undefined {
  const p = rec.state?.pending;
  return p?.status === "inProgress" ? p : undefined;
}

export function certificateBundle(rec: CertificateRecord, v: CertificateVersion, ctx: RequestContext, digest: Digest): CertificateBundle {
  const cer = v.props.cer;
  return {
    id: certificateId(ctx, rec.name, v.version),
    ...(cer !== undefined
      ? {
          kid: `${ctx.vaultUrl}/keys/${rec.name}/${v.version}`,
          sid: `${ctx.vaultUrl}/secrets/${rec.name}/${v.version}`,
          x5t: thumbprint(cer, digest),
          cer,
          contentType: v.props.contentType,
        }
      : {}),
    attributes: attributesOf(v, ctx),
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
    ...(rec.state ? { policy: policyOf(rec.state.policy, `${certificateId(ctx, rec.name)}/policy`, ctx) } : {}),
    ...certOrder(rec, ctx),
    ...(inProgress(rec) ? { pending: { id: pendingId(ctx, rec.name) } } : {}),
  };
}

export function certificateItem(
  rec: CertificateRecord,
  v: CertificateVersion,
  ctx: RequestContext,
  versioned: boolean,
  digest: Digest,
): CertificateItem {
  return {
    id: certificateId(ctx, rec.name, versioned ? v.version : undefined),
    attributes: attributesOf(v, ctx),
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
    ...(v.props.cer !== undefined ? { x5t: thumbprint(v.props.cer, digest) } : {}),
  };
}

export function deletedCertificateBundle(
  rec: CertificateRecord,
  v: CertificateVersion,
  ctx: RequestContext,
  digest: Digest,
): DeletedCertificateBundle {
  const d = rec.deleted!;
  return {
    ...certificateBundle(rec, v, ctx, digest),
    recoveryId: d.recoveryId,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  };
}

export function deletedCertificateItem(
  rec: CertificateRecord,
  v: CertificateVersion,
  ctx: RequestContext,
  digest: Digest,
): DeletedCertificateItem {
  const d = rec.deleted!;
  return {
    ...certificateItem(rec, v, ctx, false, digest),
    recoveryId: d.recoveryId,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  };
}

/** The certificate operation, in the service's words (create-certificate-scenarios.md, recorded traffic). */
export function operationView(rec: CertificateRecord, op: PendingOperation, ctx: RequestContext): CertificateOperation {
  return {
    id: pendingId(ctx, rec.name),
    issuer: { ...op.issuer },
    ...(op.csr !== undefined ? { csr: op.csr } : {}),
    cancellation_requested: op.cancellationRequested,
    status: op.status,
    ...(op.statusDetails !== undefined ? { status_details: op.statusDetails } : {}),
    ...(op.error ? { error: { ...op.error } } : {}),
    ...(op.status === "completed" ? { target: certificateId(ctx, rec.name) } : {}),
    request_id: op.requestId,
    ...certOrder(rec, ctx),
  };
}

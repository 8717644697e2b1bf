// What clients see of a secret: the SecretBundle (with the value only where Key Vault sends it), the
// SecretItem of lists (never a value), the deleted forms. `managed` appears only on secrets that back
// a certificate, as the service omits it otherwise.
import type { DeletedSecretBundle, DeletedSecretItem, RequestContext, SecretBundle, SecretItem } from "../../model/index.js";
import type { ObjectRecord, SecretState, SecretVersionProps, VersionRecord } from "../../store/types.js";

export type SecretRecord = ObjectRecord<SecretVersionProps, SecretState>;
export type SecretVersion = VersionRecord<SecretVersionProps>;

export function secretId(ctx: RequestContext, name: string, version?: string): string {
  return version === undefined ? `${ctx.vaultUrl}/secrets/${name}` : `${ctx.vaultUrl}/secrets/${name}/${version}`;
}

export function secretBundle(rec: SecretRecord, v: SecretVersion, ctx: RequestContext, value?: string): SecretBundle {
  return {
    ...(value !== undefined ? { value } : {}),
    id: secretId(ctx, rec.name, v.version),
    ...(v.props.contentType !== undefined ? { contentType: v.props.contentType } : {}),
    attributes: { ...v.attributes },
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
    ...(v.props.kid !== undefined ? { kid: v.props.kid } : {}),
    ...(rec.state?.managed ? { managed: true } : {}),
  };
}

export function secretItem(rec: SecretRecord, v: SecretVersion, ctx: RequestContext, versioned: boolean): SecretItem {
  return {
    id: secretId(ctx, rec.name, versioned ? v.version : undefined),
    attributes: { ...v.attributes },
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
    ...(v.props.contentType !== undefined ? { contentType: v.props.contentType } : {}),
    ...(rec.state?.managed ? { managed: true } : {}),
  };
}

export function deletedSecretBundle(rec: SecretRecord, current: SecretVersion, ctx: RequestContext): DeletedSecretBundle {
  const d = rec.deleted!;
  return {
    ...secretBundle(rec, current, ctx),
    recoveryId: d.recoveryId,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  };
}

export function deletedSecretItem(rec: SecretRecord, current: SecretVersion, ctx: RequestContext): DeletedSecretItem {
  const d = rec.deleted!;
  return {
    ...secretItem(rec, current, ctx, false),
    recoveryId: d.recoveryId,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  };
}

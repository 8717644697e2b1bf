// What clients see of a key: the KeyBundle, the KeyItem of lists, the deleted forms. Only public
// JWK members ever leave (publicMembers), whatever a record might carry.
import { publicMembers } from "../../jwk/public.js";
import type { DeletedKeyBundle, DeletedKeyItem, KeyAttributes, KeyBundle, KeyItem, RequestContext } from "../../model/index.js";
import type { KeyVersionProps, ObjectRecord, VersionRecord } from "../../store/types.js";
import { shapeOf } from "../api-versions.js";

export type KeyRecord = ObjectRecord<KeyVersionProps, KeyState>;
export type KeyVersion = VersionRecord<KeyVersionProps>;

export interface KeyState {
  rotationPolicy?: import("../../model/index.js").KeyRotationPolicy;
  /** The key backs a certificate (its versions are the certificate's). */
  managed?: boolean;
}

export function kidOf(ctx: RequestContext, name: string, version: string): string {
  return `${ctx.vaultUrl}/keys/${name}/${version}`;
}

/** The attributes in the request's api-version's shape (api-versions.ts): members it lacks are left out. */
function attributesOf(v: KeyVersion, ctx: RequestContext): KeyAttributes {
  const shape = shapeOf(ctx.apiVersion);
  const { recoverableDays, exportable, nbf, exp, ...rest } = v.attributes;
  return {
    ...rest,
    // A stored non-number (an old bug stored an overflowing expiry as null) is no date: left out.
    ...(typeof nbf === "number" ? { nbf } : {}),
    ...(typeof exp === "number" ? { exp } : {}),
    ...(shape.recoverableDays && recoverableDays !== undefined ? { recoverableDays } : {}),
    ...(shape.keyRelease ? { exportable: exportable === true } : {}),
  };
}

export function keyBundle(rec: KeyRecord, v: KeyVersion, ctx: RequestContext): KeyBundle {
  const policy = v.props.releasePolicy;
  return {
    key: { kid: kidOf(ctx, rec.name, v.version), kty: v.props.kty, key_ops: [...v.props.keyOps], ...publicMembers(v.props.publicJwk) },
    attributes: attributesOf(v, ctx),
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
    ...(rec.state?.managed ? { managed: true } : {}),
    ...(policy && shapeOf(ctx.apiVersion).keyRelease ? { release_policy: { ...policy } } : {}),
  };
}

export function keyItem(rec: KeyRecord, v: KeyVersion, ctx: RequestContext, versioned: boolean): KeyItem {
  return {
    kid: versioned ? kidOf(ctx, rec.name, v.version) : `${ctx.vaultUrl}/keys/${rec.name}`,
    attributes: attributesOf(v, ctx),
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
    managed: rec.state?.managed === true,
  };
}

export function deletedKeyBundle(rec: KeyRecord, current: KeyVersion, ctx: RequestContext): DeletedKeyBundle {
  const d = rec.deleted!;
  return {
    ...keyBundle(rec, current, ctx),
    recoveryId: d.recoveryId,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  };
}

export function deletedKeyItem(rec: KeyRecord, current: KeyVersion, ctx: RequestContext): DeletedKeyItem {
  const d = rec.deleted!;
  return {
    ...keyItem(rec, current, ctx, false),
    recoveryId: d.recoveryId,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  };
}

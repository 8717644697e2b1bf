// Exportable keys and their release policies (Key Vault 7.3+): what create, import, update and
// rotation may set, with Key Vault's rules and messages. The service's messages, where known:
//   AKV.SKR.1001 "The exportable attribute is only supported with premium vaults and API version >= '7.3-preview'."
//   AKV.SKR.1004 "Exportable keys must have release policy."      (JS SDK recordings, api 7.3-preview)
//   AKV.SKR.1005 "Non-exportable keys must not have release policy."
//   AKV.SKR.1020 "Immutable Key Release Policy cannot be modified."
// AKV.SKR.1003 (exportable changed on an existing key) and AKV.SKR.1006 (exportable software key)
// are known by code only; their texts here are ours.
import { AttestationError } from "../../attestation/errors.js";
import { canonicalPolicy, parsePolicy, type ReleasePolicy } from "../../attestation/policy.js";
import { decodeBase64url, encodeBase64url } from "../../encoding/base64url.js";
import type { KeyReleasePolicy } from "../../model/index.js";
import type { KeyVersionProps } from "../../store/types.js";
import { shapeOf } from "../api-versions.js";
import { badParameter } from "../errors.js";

export const POLICY_CONTENT_TYPE = "application/json; charset=utf-8";

export type StoredPolicy = NonNullable<KeyVersionProps["releasePolicy"]>;

export interface ExportRequest {
  /** undefined: not said (a new version of an existing key keeps the current one's). */
  exportable: boolean | undefined;
  policy: StoredPolicy | undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads attributes.exportable and release_policy of a create or import body. */
export function parseExportRequest(attributes: unknown, releasePolicy: unknown, apiVersion: string): ExportRequest {
  const exportable = (attributes as { exportable?: unknown } | null | undefined)?.exportable;
  if (exportable !== undefined && exportable !== null && typeof exportable !== "boolean") {
    throw badParameter("attributes.exportable must be true or false.");
  }
  const policy = releasePolicy === undefined || releasePolicy === null ? undefined : parseReleasePolicy(releasePolicy);
  if ((exportable === true || policy !== undefined) && !shapeOf(apiVersion).keyRelease) {
    throw badParameter("AKV.SKR.1001: The exportable attribute is only supported with premium vaults and API version >= '7.3-preview'.");
  }
  return { exportable: typeof exportable === "boolean" ? exportable : undefined, policy };
}

/** A KeyReleasePolicy body, checked and stored in canonical form. */
export function parseReleasePolicy(raw: unknown): StoredPolicy {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw badParameter("release_policy must be a JSON object.");
  const p = raw as KeyReleasePolicy;
  if (p.contentType !== undefined && p.contentType !== null) {
    if (typeof p.contentType !== "string" || p.contentType.replace(/\s+/g, "").toLowerCase() !== "application/json;charset=utf-8") {
      throw badParameter(`Key Release Policy: contentType must be '${POLICY_CONTENT_TYPE}'.`);
    }
  }
  if (p.immutable !== undefined && p.immutable !== null && typeof p.immutable !== "boolean") {
    throw badParameter("Key Release Policy: immutable must be true or false.");
  }
  if (typeof p.data !== "string" || p.data === "")
    throw badParameter("Key Release Policy: 'data' must be the base64url encoding of the policy JSON.");
  const bytes = decodeBase64url(p.data);
  if (!bytes) throw badParameter("Key Release Policy: 'data' is not valid base64url.");
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch {
    throw badParameter("Key Release Policy: 'data' does not decode to JSON.");
  }
  let policy: ReleasePolicy;
  try {
    policy = parsePolicy(json);
  } catch (e) {
    if (e instanceof AttestationError) throw badParameter(e.message);
    throw e;
  }
  return {
    contentType: POLICY_CONTENT_TYPE,
    immutable: p.immutable === true,
    data: encodeBase64url(new TextEncoder().encode(JSON.stringify(canonicalPolicy(policy)))),
  };
}

/** The policy stored with a version, parsed again for evaluation. */
export function storedPolicy(p: StoredPolicy): ReleasePolicy {
  return parsePolicy(JSON.parse(utf8.decode(decodeBase64url(p.data)!)));
}

/**
 * The exportability and policy of a new version: the rules of create and import. `current` is the
 * key's current version, if the name exists; `hsm` whether the key type is an -HSM one.
 */
export function resolveExport(
  req: ExportRequest,
  hsm: boolean,
  current: { exportable: boolean; policy: StoredPolicy | undefined } | undefined,
): { exportable: boolean; policy: StoredPolicy | undefined } {
  if (current && req.exportable !== undefined && req.exportable !== current.exportable) {
    throw badParameter("AKV.SKR.1003: The exportable attribute of an existing key cannot be changed.");
  }
  const exportable = req.exportable ?? current?.exportable ?? false;
  const policy = req.policy ?? (exportable ? current?.policy : undefined);
  if (!exportable && policy) throw badParameter("AKV.SKR.1005: Non-exportable keys must not have release policy.");
  if (exportable && !policy) throw badParameter("AKV.SKR.1004: Exportable keys must have release policy.");
  if (exportable && !hsm) {
    throw badParameter("AKV.SKR.1006: Only HSM-protected keys can be exportable: use the kty RSA-HSM, EC-HSM or oct-HSM.");
  }
  return { exportable, policy };
}

/** A PATCH's release_policy for a version: only on an exportable key, never over an immutable policy. */
export function updatedPolicy(
  raw: unknown,
  exportable: boolean,
  current: StoredPolicy | undefined,
  apiVersion: string,
): StoredPolicy | undefined {
  if (raw === undefined || raw === null) return current;
  if (!shapeOf(apiVersion).keyRelease) {
    throw badParameter("AKV.SKR.1001: The exportable attribute is only supported with premium vaults and API version >= '7.3-preview'.");
  }
  const next = parseReleasePolicy(raw);
  if (!exportable) throw badParameter("AKV.SKR.1005: Non-exportable keys must not have release policy.");
  if (current?.immutable) throw badParameter("AKV.SKR.1020: Immutable Key Release Policy cannot be modified.");
  return next;
}

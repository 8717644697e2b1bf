// The api-versions the vault answers, and what each one's bodies have: one table, as data.
// Source: Azure/azure-rest-api-specs, specification/keyvault/data-plane/Microsoft.KeyVault/{stable,
// preview}/<version>/keys.json (KeyAttributes, KeyBundle, KeyCreateParameters):
//  - recoverableDays: KeyAttributes from 7.1 on (2016-10-01 and 7.0 have recoveryLevel only);
//  - keyRelease: KeyAttributes.exportable, KeyBundle/KeyCreateParameters.release_policy and the
//    release operation, from 7.3-preview on (7.2-preview had `exportable`; 7.2 removed it at GA:
//    .NET Azure.Security.KeyVault.Keys CHANGELOG 4.2.0-beta.4). Key Vault refuses `exportable`
//    below it with "AKV.SKR.1001: The exportable attribute is only supported with premium vaults
//    and API version >= '7.3-preview'." (a service answer quoted in azure-sdk-for-net's tests).
//  - preserveCertOrder: CertificateBundle, CertificateOperation and the create/import/merge bodies from
//    7.6-preview.2 on; sansUris: SubjectAlternativeNames.uris and .ipAddresses from 2025-07-01 on
//    (certificates.json of each version).
// The SDKs send: JS @azure/keyvault-keys 4.10 "2025-07-01"; Python azure-keyvault-keys 4.8.0b*
// "7.4-preview.1" (Debian's python3-azure); older clients 7.0 to 7.4; the original reference 2016-10-01.

export interface ApiVersionShape {
  recoverableDays: boolean;
  keyRelease: boolean;
  preserveCertOrder: boolean;
  sansUris: boolean;
}

const V2016: ApiVersionShape = { recoverableDays: false, keyRelease: false, preserveCertOrder: false, sansUris: false };
const V7_1: ApiVersionShape = { ...V2016, recoverableDays: true };
const V7_3: ApiVersionShape = { ...V7_1, keyRelease: true };
const V7_6: ApiVersionShape = { ...V7_3, preserveCertOrder: true };
const V2025: ApiVersionShape = { ...V7_6, sansUris: true };

/** Oldest first. */
export const API_VERSIONS: Readonly<Record<string, ApiVersionShape>> = {
  "2016-10-01": V2016,
  "7.0": V2016,
  "7.1": V7_1,
  "7.2": V7_1,
  "7.3-preview": V7_3,
  "7.3": V7_3,
  "7.4-preview.1": V7_3,
  "7.4": V7_3,
  "7.5-preview.1": V7_3,
  "7.5": V7_3,
  "7.6-preview.1": V7_3,
  "7.6-preview.2": V7_6,
  "7.6": V7_6,
  "2025-07-01": V2025,
  // @azure/keyvault-secrets 4.12's default (the secrets merge); keys answer it in the newest shape.
  "2026-04-01": V2025,
};

export const SUPPORTED_API_VERSIONS: readonly string[] = Object.keys(API_VERSIONS);
export const LATEST_API_VERSION = "2026-04-01";

/** The shape of a supported version; the newest shape for anything else (the router refuses unknown versions first). */
export function shapeOf(apiVersion: string): ApiVersionShape {
  return Object.hasOwn(API_VERSIONS, apiVersion) ? API_VERSIONS[apiVersion]! : V2025;
}

// The Key Vault REST bodies (api-version 7.x .. 2025-07-01), snake_case as on the wire.
// Source: Azure/azure-rest-api-specs, specification/keyvault/data-plane (keys.json / Keys models).
import type { Attributes, ListOptions, ListResult, RequestContext, Tags } from "./common.js";

export type KeyType = "RSA" | "RSA-HSM" | "EC" | "EC-HSM" | "oct" | "oct-HSM";
export type CurveName = "P-256" | "P-256K" | "P-384" | "P-521";
export type KeyOperation = "encrypt" | "decrypt" | "sign" | "verify" | "wrapKey" | "unwrapKey" | "import" | "export";

export interface JsonWebKey {
  kid?: string;
  kty?: KeyType | string;
  key_ops?: string[];
  n?: string;
  e?: string;
  d?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  p?: string;
  q?: string;
  k?: string;
  key_hsm?: string;
  crv?: CurveName | string;
  x?: string;
  y?: string;
}

export interface KeyAttributes extends Attributes {
  exportable?: boolean;
  hsmPlatform?: string;
}

/** KeyReleasePolicy (7.3+): `data` is base64url of the policy JSON (policy grammar: attestation/policy.ts). */
export interface KeyReleasePolicy {
  contentType?: string;
  immutable?: boolean;
  data?: string;
}

export interface KeyBundle {
  key: JsonWebKey;
  attributes: KeyAttributes;
  tags?: Tags;
  managed?: boolean;
  release_policy?: KeyReleasePolicy;
}

export interface DeletedKeyBundle extends KeyBundle {
  recoveryId: string;
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface KeyItem {
  kid: string;
  attributes: KeyAttributes;
  tags?: Tags;
  managed?: boolean;
}

export interface DeletedKeyItem extends KeyItem {
  recoveryId: string;
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface KeyCreateParameters {
  kty: KeyType | string;
  key_size?: number;
  public_exponent?: number;
  key_ops?: string[];
  attributes?: KeyAttributes;
  tags?: Tags;
  crv?: CurveName | string;
  release_policy?: KeyReleasePolicy;
}

export interface KeyImportParameters {
  Hsm?: boolean;
  key: JsonWebKey;
  attributes?: KeyAttributes;
  tags?: Tags;
  release_policy?: KeyReleasePolicy;
}

export interface KeyUpdateParameters {
  key_ops?: string[];
  attributes?: KeyAttributes;
  tags?: Tags;
  release_policy?: KeyReleasePolicy;
}

/** POST /keys/{name}/{version}/release. enc: CKM_RSA_AES_KEY_WRAP (default), RSA_AES_KEY_WRAP_256, RSA_AES_KEY_WRAP_384. */
export interface KeyReleaseParameters {
  target: string;
  nonce?: string;
  enc?: string;
}

/** `value` is a JWS whose payload carries the released key (Key Vault's KeyReleaseResult). */
export interface KeyReleaseResult {
  value: string;
}

export interface KeyOperationsParameters {
  alg: string;
  value: string;
  iv?: string;
  aad?: string;
  tag?: string;
}

export interface KeyOperationResult {
  kid: string;
  value: string;
  iv?: string;
  tag?: string;
  aad?: string;
}

export interface KeySignParameters {
  alg: string;
  value: string;
}

export interface KeyVerifyParameters {
  alg: string;
  digest: string;
  value: string;
}

export interface KeyVerifyResult {
  value: boolean;
}

export interface BackupKeyResult {
  value: string;
}

export interface KeyRestoreParameters {
  value: string;
}

export interface GetRandomBytesRequest {
  count: number;
}

export interface RandomBytes {
  value: string;
}

export interface LifetimeAction {
  trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string };
  action: { type: "Rotate" | "Notify" | string };
}

export interface KeyRotationPolicy {
  id?: string;
  lifetimeActions?: LifetimeAction[];
  attributes?: { expiryTime?: string; created?: number; updated?: number };
}

/** One method per REST operation on keys. Every method throws KeyVaultError for anything a client did wrong. */
export interface KeysApi {
  createKey(name: string, body: KeyCreateParameters, ctx: RequestContext): Promise<KeyBundle>;
  importKey(name: string, body: KeyImportParameters, ctx: RequestContext): Promise<KeyBundle>;
  getKey(name: string, version: string | undefined, ctx: RequestContext): Promise<KeyBundle>;
  updateKey(name: string, version: string | undefined, body: KeyUpdateParameters, ctx: RequestContext): Promise<KeyBundle>;
  listKeys(options: ListOptions, ctx: RequestContext): Promise<ListResult<KeyItem>>;
  listKeyVersions(name: string, options: ListOptions, ctx: RequestContext): Promise<ListResult<KeyItem>>;
  deleteKey(name: string, ctx: RequestContext): Promise<DeletedKeyBundle>;
  getDeletedKey(name: string, ctx: RequestContext): Promise<DeletedKeyBundle>;
  listDeletedKeys(options: ListOptions, ctx: RequestContext): Promise<ListResult<DeletedKeyItem>>;
  recoverDeletedKey(name: string, ctx: RequestContext): Promise<KeyBundle>;
  purgeDeletedKey(name: string, ctx: RequestContext): Promise<void>;
  backupKey(name: string, ctx: RequestContext): Promise<BackupKeyResult>;
  restoreKey(body: KeyRestoreParameters, ctx: RequestContext): Promise<KeyBundle>;
  encrypt(name: string, version: string | undefined, body: KeyOperationsParameters, ctx: RequestContext): Promise<KeyOperationResult>;
  decrypt(name: string, version: string | undefined, body: KeyOperationsParameters, ctx: RequestContext): Promise<KeyOperationResult>;
  wrapKey(name: string, version: string | undefined, body: KeyOperationsParameters, ctx: RequestContext): Promise<KeyOperationResult>;
  unwrapKey(name: string, version: string | undefined, body: KeyOperationsParameters, ctx: RequestContext): Promise<KeyOperationResult>;
  sign(name: string, version: string | undefined, body: KeySignParameters, ctx: RequestContext): Promise<KeyOperationResult>;
  verify(name: string, version: string | undefined, body: KeyVerifyParameters, ctx: RequestContext): Promise<KeyVerifyResult>;
  rotateKey(name: string, ctx: RequestContext): Promise<KeyBundle>;
  getRotationPolicy(name: string, ctx: RequestContext): Promise<KeyRotationPolicy>;
  updateRotationPolicy(name: string, body: KeyRotationPolicy, ctx: RequestContext): Promise<KeyRotationPolicy>;
  getRandomBytes(body: GetRandomBytesRequest): Promise<RandomBytes>;
  releaseKey(name: string, version: string | undefined, body: KeyReleaseParameters, ctx: RequestContext): Promise<KeyReleaseResult>;
}

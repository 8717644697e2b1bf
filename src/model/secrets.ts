// The secrets REST bodies (api-version 7.0 .. 2026-04-01).
// Source: Azure/azure-rest-api-specs, specification/keyvault/data-plane (secrets.json).
import type { Attributes, DeletionInfo, ListOptions, ListResult, RequestContext, Tags } from "./common.js";

export type SecretAttributes = Attributes;

export interface SecretBundle {
  /** Present on set and get; absent on update, recover and restore answers. */
  value?: string;
  id: string;
  contentType?: string;
  attributes: SecretAttributes;
  tags?: Tags;
  /** The key that backs a certificate's secret. */
  kid?: string;
  /** True when the secret backs a certificate (its lifetime is Key Vault's). */
  managed?: boolean;
}

export interface DeletedSecretBundle extends SecretBundle, DeletionInfo {}

export interface SecretItem {
  id: string;
  attributes: SecretAttributes;
  tags?: Tags;
  contentType?: string;
  managed?: boolean;
}

export interface DeletedSecretItem extends SecretItem, DeletionInfo {}

export interface SecretSetParameters {
  value: string;
  tags?: Tags;
  contentType?: string;
  attributes?: SecretAttributes;
}

export interface SecretUpdateParameters {
  contentType?: string;
  attributes?: SecretAttributes;
  tags?: Tags;
}

export interface BackupSecretResult {
  value: string;
}

export interface SecretRestoreParameters {
  value: string;
}

/** One method per REST operation on secrets. Every method throws KeyVaultError for anything a client did wrong. */
export interface SecretsApi {
  setSecret(name: string, body: SecretSetParameters, ctx: RequestContext): Promise<SecretBundle>;
  getSecret(name: string, version: string | undefined, ctx: RequestContext): Promise<SecretBundle>;
  updateSecret(name: string, version: string | undefined, body: SecretUpdateParameters, ctx: RequestContext): Promise<SecretBundle>;
  listSecrets(options: ListOptions, ctx: RequestContext): Promise<ListResult<SecretItem>>;
  listSecretVersions(name: string, options: ListOptions, ctx: RequestContext): Promise<ListResult<SecretItem>>;
  deleteSecret(name: string, ctx: RequestContext): Promise<DeletedSecretBundle>;
  getDeletedSecret(name: string, ctx: RequestContext): Promise<DeletedSecretBundle>;
  listDeletedSecrets(options: ListOptions, ctx: RequestContext): Promise<ListResult<DeletedSecretItem>>;
  recoverDeletedSecret(name: string, ctx: RequestContext): Promise<SecretBundle>;
  purgeDeletedSecret(name: string, ctx: RequestContext): Promise<void>;
  backupSecret(name: string, ctx: RequestContext): Promise<BackupSecretResult>;
  restoreSecret(body: SecretRestoreParameters, ctx: RequestContext): Promise<SecretBundle>;
}

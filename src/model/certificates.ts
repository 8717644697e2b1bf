// The certificates REST bodies (api-version 7.0 .. 2025-07-01). Member names are the wire's: the
// policy's are snake_case (key_props, x509_props, ...), as the service spells them.
// Source: Azure/azure-rest-api-specs, specification/keyvault/data-plane (certificates.json, 7.6 and
// 2025-07-01), and @azure/keyvault-certificates 4.10's serializers (models/models.js).
import type { Attributes, DeletionInfo, ListOptions, ListResult, RequestContext, Tags } from "./common.js";

export type CertificateAttributes = Attributes;

export interface KeyProperties {
  exportable?: boolean;
  kty?: string;
  key_size?: number;
  reuse_key?: boolean;
  crv?: string;
}

export interface SecretProperties {
  contentType?: string;
}

export interface SubjectAlternativeNames {
  emails?: string[];
  dns_names?: string[];
  upns?: string[];
  /** 2025-07-01 and later. */
  uris?: string[];
  /** 2025-07-01 and later. */
  ipAddresses?: string[];
}

export interface X509CertificateProperties {
  subject?: string;
  ekus?: string[];
  sans?: SubjectAlternativeNames;
  key_usage?: string[];
  validity_months?: number;
  /** Returned by the service, not in the spec (every recorded policy carries {"ca": false}). */
  basic_constraints?: { ca: boolean };
}

export interface CertificateLifetimeAction {
  trigger?: { lifetime_percentage?: number; days_before_expiry?: number };
  action?: { action_type?: string };
}

export interface IssuerParameters {
  name?: string;
  cty?: string;
  cert_transparency?: boolean;
}

export interface CertificatePolicy {
  id?: string;
  key_props?: KeyProperties;
  secret_props?: SecretProperties;
  x509_props?: X509CertificateProperties;
  lifetime_actions?: CertificateLifetimeAction[];
  issuer?: IssuerParameters;
  attributes?: { enabled?: boolean; created?: number; updated?: number };
}

export interface CertificateBundle {
  id: string;
  kid?: string;
  sid?: string;
  /** base64url SHA-1 of the DER. */
  x5t?: string;
  /** The DER, standard base64. */
  cer?: string;
  contentType?: string;
  attributes: CertificateAttributes;
  tags?: Tags;
  policy?: CertificatePolicy;
  preserveCertOrder?: boolean;
  /** Not in the spec, returned by the service while a certificate operation is pending. */
  pending?: { id: string };
}

export interface DeletedCertificateBundle extends CertificateBundle, DeletionInfo {}

export interface CertificateItem {
  id: string;
  attributes: CertificateAttributes;
  tags?: Tags;
  x5t?: string;
}

export interface DeletedCertificateItem extends CertificateItem, DeletionInfo {}

export interface CertificateCreateParameters {
  policy?: CertificatePolicy;
  attributes?: CertificateAttributes;
  tags?: Tags;
  preserveCertOrder?: boolean;
}

export interface CertificateImportParameters {
  /** Base64 of a PFX, or PEM text with the private key. */
  value: string;
  pwd?: string;
  policy?: CertificatePolicy;
  attributes?: CertificateAttributes;
  tags?: Tags;
  preserveCertOrder?: boolean;
}

export interface CertificateMergeParameters {
  /** The chain signed by the issuer, leaf first, each certificate base64 DER. */
  x5c: string[];
  attributes?: CertificateAttributes;
  tags?: Tags;
}

export interface CertificateUpdateParameters {
  policy?: CertificatePolicy;
  attributes?: CertificateAttributes;
  tags?: Tags;
}

export interface CertificateOperationUpdateParameter {
  cancellation_requested: boolean;
}

export interface CertificateOperation {
  id: string;
  issuer: IssuerParameters;
  /** PKCS#10, standard base64. */
  csr?: string;
  cancellation_requested: boolean;
  status: string;
  status_details?: string;
  error?: { code: string; message: string };
  target?: string;
  request_id: string;
  preserveCertOrder?: boolean;
}

export interface Contact {
  email?: string;
  name?: string;
  phone?: string;
}

export interface Contacts {
  id?: string;
  contacts?: Contact[];
}

export interface IssuerCredentials {
  account_id?: string;
  /** Write-only: the service never returns it. */
  pwd?: string;
}

export interface AdministratorDetails {
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
}

export interface OrganizationDetails {
  id?: string;
  admin_details?: AdministratorDetails[];
}

export interface IssuerAttributes {
  enabled?: boolean;
  created?: number;
  updated?: number;
}

export interface IssuerBundle {
  id?: string;
  provider?: string;
  credentials?: IssuerCredentials;
  org_details?: OrganizationDetails;
  attributes?: IssuerAttributes;
}

export interface CertificateIssuerItem {
  id: string;
  provider?: string;
}

export interface CertificateIssuerSetParameters {
  provider: string;
  credentials?: IssuerCredentials;
  org_details?: OrganizationDetails;
  attributes?: IssuerAttributes;
}

export type CertificateIssuerUpdateParameters = Partial<CertificateIssuerSetParameters>;

export interface BackupCertificateResult {
  value: string;
}

export interface CertificateRestoreParameters {
  value: string;
}

/** One method per REST operation on certificates. Every method throws KeyVaultError for anything a client did wrong. */
export interface CertificatesApi {
  createCertificate(name: string, body: CertificateCreateParameters, ctx: RequestContext): Promise<CertificateOperation>;
  importCertificate(name: string, body: CertificateImportParameters, ctx: RequestContext): Promise<CertificateBundle>;
  getCertificate(name: string, version: string | undefined, ctx: RequestContext): Promise<CertificateBundle>;
  updateCertificate(
    name: string,
    version: string | undefined,
    body: CertificateUpdateParameters,
    ctx: RequestContext,
  ): Promise<CertificateBundle>;
  listCertificates(options: ListOptions, ctx: RequestContext): Promise<ListResult<CertificateItem>>;
  listCertificateVersions(name: string, options: ListOptions, ctx: RequestContext): Promise<ListResult<CertificateItem>>;
  deleteCertificate(name: string, ctx: RequestContext): Promise<DeletedCertificateBundle>;
  getDeletedCertificate(name: string, ctx: RequestContext): Promise<DeletedCertificateBundle>;
  listDeletedCertificates(options: ListOptions, ctx: RequestContext): Promise<ListResult<DeletedCertificateItem>>;
  recoverDeletedCertificate(name: string, ctx: RequestContext): Promise<CertificateBundle>;
  purgeDeletedCertificate(name: string, ctx: RequestContext): Promise<void>;
  getCertificatePolicy(name: string, ctx: RequestContext): Promise<CertificatePolicy>;
  updateCertificatePolicy(name: string, body: CertificatePolicy, ctx: RequestContext): Promise<CertificatePolicy>;
  getCertificateOperation(name: string, ctx: RequestContext): Promise<CertificateOperation>;
  updateCertificateOperation(name: string, body: CertificateOperationUpdateParameter, ctx: RequestContext): Promise<CertificateOperation>;
  deleteCertificateOperation(name: string, ctx: RequestContext): Promise<CertificateOperation>;
  mergeCertificate(name: string, body: CertificateMergeParameters, ctx: RequestContext): Promise<CertificateBundle>;
  backupCertificate(name: string, ctx: RequestContext): Promise<BackupCertificateResult>;
  restoreCertificate(body: CertificateRestoreParameters, ctx: RequestContext): Promise<CertificateBundle>;
  getContacts(ctx: RequestContext): Promise<Contacts>;
  setContacts(body: Contacts, ctx: RequestContext): Promise<Contacts>;
  deleteContacts(ctx: RequestContext): Promise<Contacts>;
  listIssuers(options: ListOptions, ctx: RequestContext): Promise<ListResult<CertificateIssuerItem>>;
  getIssuer(name: string, ctx: RequestContext): Promise<IssuerBundle>;
  setIssuer(name: string, body: CertificateIssuerSetParameters, ctx: RequestContext): Promise<IssuerBundle>;
  updateIssuer(name: string, body: CertificateIssuerUpdateParameters, ctx: RequestContext): Promise<IssuerBundle>;
  deleteIssuer(name: string, ctx: RequestContext): Promise<IssuerBundle>;
}

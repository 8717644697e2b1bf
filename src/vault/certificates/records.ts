// What the vault keeps of a certificate besides its versions: the policy and the certificate
// operation (the "pending" object of the REST API).
import type { IssuerParameters } from "../../model/index.js";
import type { CertificateVersionProps, KeyVersionProps, ObjectRecord, VersionRecord } from "../../store/types.js";
import type { StoredPolicy } from "./policy.js";

export type OperationStatus = "inProgress" | "completed" | "failed";

/** The certificate operation of the latest create (Key Vault keeps it after completion: GET /pending answers "completed"). */
export interface PendingOperation {
  /** 32 hex characters. */
  requestId: string;
  issuer: IssuerParameters & { name: string };
  /** The PKCS#10 request, standard base64; absent for Self, which needs none. */
  csr?: string;
  status: OperationStatus;
  statusDetails?: string;
  cancellationRequested: boolean;
  error?: { code: string; message: string };
  /** The certificate version the operation makes; its key and secret versions take the same id. */
  version: string;
  /** While in progress: the new key, sealed by the core, until a merge makes it the key object's version. */
  key?: { sealed: string; props: KeyVersionProps; exportable: boolean };
}

export interface CertificateState {
  policy: StoredPolicy;
  pending?: PendingOperation;
  preserveCertOrder?: boolean;
}

export type CertificateRecord = ObjectRecord<CertificateVersionProps, CertificateState>;
export type CertificateVersion = VersionRecord<CertificateVersionProps>;

// The wire types: the REST bodies of Key Vault, shared by the server and the vault. Types only.
export type * from "./common.js";
export type * from "./keys.js";
export type * from "./attestation.js";
export type * from "./secrets.js";
export type * from "./certificates.js";

import type { CertificatesApi } from "./certificates.js";
import type { AttestationApi } from "./attestation.js";
import type { KeysApi } from "./keys.js";
import type { SecretsApi } from "./secrets.js";

/** Every REST operation the vault serves; the router calls exactly one of these per request. */
export interface VaultApi {
  keys: KeysApi;
  secrets: SecretsApi;
  certificates: CertificatesApi;
  /** The built-in attestation service for key release tests (absent: its routes answer 404). */
  attestation?: AttestationApi;
}

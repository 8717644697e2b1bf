// The wire types: the REST bodies of Key Vault, shared by the server and the vault. Types only.
export type * from "./common.js";
export type * from "./keys.js";
export type * from "./secrets.js";

import type { KeysApi } from "./keys.js";
import type { SecretsApi } from "./secrets.js";

/** Every REST operation the vault serves; the router calls exactly one of these per request. */
export interface VaultApi {
  keys: KeysApi;
  secrets: SecretsApi;
}

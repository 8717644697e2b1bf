// What every object kind's REST bodies share (keys, secrets, certificates).
// Source: Azure/azure-rest-api-specs, specification/keyvault/data-plane (common.json, and the
// Attributes / ...Item / ListResult models of keys.json, secrets.json, certificates.json).

export type Tags = Record<string, string>;

/** The attributes every object version has. Kinds add their own (KeyAttributes.exportable, ...). */
export interface Attributes {
  enabled?: boolean;
  nbf?: number;
  exp?: number;
  created?: number;
  updated?: number;
  recoveryLevel?: string;
  recoverableDays?: number;
}

export interface ListResult<T> {
  value: T[];
  nextLink: string | null;
}

/** The soft-delete members of a deleted object's bundle and item. */
export interface DeletionInfo {
  recoveryId: string;
  deletedDate: number;
  scheduledPurgeDate: number;
}

/** What the server knows about the request that the vault needs for URLs in its answers. */
export interface RequestContext {
  /** Base of every kid and nextLink, e.g. "https://127.0.0.1:8443" (no trailing slash). */
  vaultUrl: string;
  /** The api-version of the request, carried into nextLink. */
  apiVersion: string;
  /**
   * The request may read but not write: a key operation served by a vault worker other than the
   * key's own (src/server/workers/pool.ts). A read that must write first (a due rotation or purge)
   * throws WriteNeededError instead, and the request goes to the key's own worker.
   */
  readOnly?: boolean;
}

export interface ListOptions {
  maxresults?: number;
  /** The opaque $skiptoken from a previous nextLink. */
  skiptoken?: string;
  /** Certificate lists: include certificates whose issuance is still pending (query includePending). */
  includePending?: boolean;
}

// Key Vault's built-in data-plane roles and their data actions, as data.
// Source: MicrosoftDocs azure-docs, articles/role-based-access-control/built-in-roles/security.md (the
// role definitions), and permissions/security.md (the DataActions of Microsoft.KeyVault). A `*` matches
// any characters, as in Azure role definitions.

export interface RoleDefinition {
  name: string;
  id: string;
  dataActions: readonly string[];
}

const V = "Microsoft.KeyVault/vaults";

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  { name: "Key Vault Administrator", id: "00482a5a-887f-4fb3-b363-3b7fe8e74483", dataActions: [`${V}/*`] },
  {
    name: "Key Vault Crypto Officer",
    id: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
    dataActions: [`${V}/keys/*`, `${V}/keyrotationpolicies/*`],
  },
  {
    name: "Key Vault Crypto User",
    id: "12338af0-0e69-4776-bea7-57ae8d297424",
    dataActions: [
      `${V}/keys/read`,
      `${V}/keys/update/action`,
      `${V}/keys/backup/action`,
      `${V}/keys/encrypt/action`,
      `${V}/keys/decrypt/action`,
      `${V}/keys/wrap/action`,
      `${V}/keys/unwrap/action`,
      `${V}/keys/sign/action`,
      `${V}/keys/verify/action`,
    ],
  },
  {
    name: "Key Vault Crypto Service Encryption User",
    id: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    dataActions: [`${V}/keys/read`, `${V}/keys/wrap/action`, `${V}/keys/unwrap/action`],
  },
  { name: "Key Vault Crypto Service Release User", id: "08bbd89e-9f13-488c-ac41-acfcb10c90ab", dataActions: [`${V}/keys/release/action`] },
  { name: "Key Vault Secrets Officer", id: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", dataActions: [`${V}/secrets/*`] },
  {
    name: "Key Vault Secrets User",
    id: "4633458b-17de-408a-b874-0445c86b69e6",
    dataActions: [`${V}/secrets/getSecret/action`, `${V}/secrets/readMetadata/action`],
  },
  {
    name: "Key Vault Certificates Officer",
    id: "a4417e6f-fecd-4de8-b567-7b0420556985",
    dataActions: [`${V}/certificatecas/*`, `${V}/certificates/*`, `${V}/certificatecontacts/write`],
  },
  {
    name: "Key Vault Certificate User",
    id: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
    dataActions: [`${V}/certificates/read`, `${V}/secrets/getSecret/action`, `${V}/secrets/readMetadata/action`, `${V}/keys/read`],
  },
  {
    name: "Key Vault Reader",
    id: "21090545-7ca7-4776-b22c-e363652d74d2",
    dataActions: [`${V}/*/read`, `${V}/secrets/readMetadata/action`],
  },
];

/** A role by its full name ("Key Vault Crypto User"), its short name ("Crypto User") or its id, case-insensitively. */
export function findRole(nameOrId: string): RoleDefinition | undefined {
  const k = nameOrId.trim().toLowerCase();
  return BUILT_IN_ROLES.find((r) => r.id === k || r.name.toLowerCase() === k || r.name.toLowerCase() === `key vault ${k}`);
}

/** Whether a data action pattern (with `*` wildcards) covers an action, case-insensitively as Azure compares them. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return re.test(action);
}

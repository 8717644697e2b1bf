// The principals file (`--principals FILE`, YAML or JSON): who may get tokens from the emulator and
// what each may do.
//
//   principals:
//     - name: billing-app                # shown in audit lines (upn)
//       objectId: 11111111-...           # the token's oid: what role assignments are about
//       clientId: 22222222-...           # the token's appid; ClientSecretCredential's clientId
//       clientSecret: s3cret             # for the client-credentials grant
//       certificate: "-----BEGIN CERTIFICATE-----..."   # or a certificate, for client assertions
//       managedIdentity: true            # tokens from the managed-identity endpoints are this principal's
//       roles:
//         - role: Key Vault Crypto User  # a built-in role, by name ("Crypto User" too) or id
//           scope: /                     # the vault; or /keys/NAME, /secrets/NAME, /certificates/NAME
import { parse as parseYaml } from "yaml";
import { findRole, type RoleDefinition } from "./roles.js";

export interface RoleAssignment {
  role: RoleDefinition;
  /** "/" for the vault, or "/keys/name", "/secrets/name", "/certificates/name" (lowercase). */
  scope: string;
}

export interface Principal {
  name: string;
  objectId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM certificate whose key signs this client's assertions (ClientCertificateCredential). */
  certificate?: string;
  managedIdentity: boolean;
  roles: RoleAssignment[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCOPE = /^\/(?:(?:keys|secrets|certificates)\/[0-9a-zA-Z-]{1,127})?$/;

export function parsePrincipals(text: string, source: string): Principal[] {
  const fail = (where: string, problem: string): never => {
    throw new Error(`${source}: ${where}: ${problem}`);
  };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return fail("the file", `is not YAML or JSON (${(err as Error).message.split("\n")[0]})`);
  }
  const list = (raw as { principals?: unknown })?.principals;
  if (!Array.isArray(list)) return fail("the file", "must be a mapping with a list of principals");
  const seen = new Set<string>();
  return list.map((p, i): Principal => {
    const at = `principals[${i}]`;
    if (typeof p !== "object" || p === null) return fail(at, "must be a mapping");
    const r = p as Record<string, unknown>;
    if (typeof r.name !== "string" || r.name === "") return fail(at, "needs a name");
    for (const m of ["objectId", "clientId"] as const) {
      if (typeof r[m] !== "string" || !GUID.test(r[m] as string))
        fail(`${at} (${r.name})`, `${m} must be a GUID, got ${JSON.stringify(r[m])}`);
    }
    if (seen.has((r.objectId as string).toLowerCase())) fail(`${at} (${r.name})`, `objectId ${r.objectId} is used twice`);
    seen.add((r.objectId as string).toLowerCase());
    if (r.clientSecret !== undefined && typeof r.clientSecret !== "string") fail(`${at} (${r.name})`, "clientSecret must be a string");
    if (r.certificate !== undefined && (typeof r.certificate !== "string" || !r.certificate.includes("BEGIN CERTIFICATE"))) {
      fail(`${at} (${r.name})`, "certificate must be a PEM certificate");
    }
    const roles = r.roles ?? [];
    if (!Array.isArray(roles)) return fail(`${at} (${r.name})`, "roles must be a list");
    return {
      name: r.name,
      objectId: (r.objectId as string).toLowerCase(),
      clientId: (r.clientId as string).toLowerCase(),
      ...(typeof r.clientSecret === "string" ? { clientSecret: r.clientSecret } : {}),
      ...(typeof r.certificate === "string" ? { certificate: r.certificate } : {}),
      managedIdentity: r.managedIdentity === true,
      roles: roles.map((a, j): RoleAssignment => {
        const where = `${at} (${r.name}).roles[${j}]`;
        const role = typeof a?.role === "string" ? findRole(a.role) : undefined;
        if (!role)
          return fail(where, `unknown role ${JSON.stringify(a?.role)}; use a Key Vault built-in role such as "Key Vault Crypto User"`);
        const scope = a.scope ?? "/";
        if (typeof scope !== "string" || !SCOPE.test(scope))
          return fail(where, `scope must be "/" or /keys/NAME, /secrets/NAME, /certificates/NAME, got ${JSON.stringify(scope)}`);
        return { role, scope: scope.toLowerCase() };
      }),
    };
  });
}

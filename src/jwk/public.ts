// Public JWK output: only the members of a public key (RFC 7518 §6.2.1, §6.3.1) ever leave the vault,
// whatever else the engine or a stored record might carry.
import type { JsonWebKey } from "../model/index.js";

const PUBLIC_MEMBERS = ["n", "e", "crv", "x", "y"] as const;

export function publicMembers(jwk: object): Pick<JsonWebKey, (typeof PUBLIC_MEMBERS)[number]> {
  const source = jwk as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const m of PUBLIC_MEMBERS) if (typeof source[m] === "string") out[m] = source[m] as string;
  return out;
}

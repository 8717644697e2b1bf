// Object names and version ids (Key Vault object identifier rules). Names are case-insensitive: the
// store looks them up case-folded, and identifiers keep the casing given at creation.
import { toHex } from "../encoding/hex.js";
import { badParameter } from "./errors.js";

const NAME_RE = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION_RE = /^[0-9a-f]{32}$/;

/** Checks a name from a request; `what` names the kind in the message ("key", "secret", "certificate"). */
export function checkName(name: unknown, what = "key"): string {
  if (typeof name !== "string" || !NAME_RE.test(name)) {
    throw badParameter(`The ${what} name ${JSON.stringify(name)} is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.`);
  }
  return name;
}

/** A version segment from a URL. Unknown but well-formed versions are a 404 later, not a 400. */
export function isVersionId(version: string): boolean {
  return VERSION_RE.test(version);
}

export function newVersionId(random: (n: number) => Uint8Array): string {
  return toHex(random(16));
}

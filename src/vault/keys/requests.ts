// The bodies of create (POST /keys/{name}/create) and import (PUT /keys/{name}), checked and turned
// into what a new key version is made from. Nothing here touches the engine.
import type { KeyHandle } from "../../engine/index.js";
import { curveInfo } from "../../engine/index.js";
import { baseKty, OCT_SIZES, parsePrivateJwk, RSA_SIZES } from "../../jwk/parse.js";
import { importParsedJwk } from "../../jwk/import.js";
import type { KeyCreateParameters, KeyImportParameters } from "../../model/index.js";
import type { Family } from "../../engine/index.js";
import { parseAttributes, parseTags, type SettableAttributes } from "../attributes.js";
import type { VaultEngine } from "../engine.js";
import { jwkCall } from "../errormap.js";
import { badParameter } from "../errors.js";
import { requireObject } from "../lifecycle/objects.js";
import { resolveKeyOps } from "./keyops.js";
import type { KeyShape } from "./material.js";

/** What every new key version records besides its material. */
export interface KeyDescription {
  family: Family;
  kty: string;
  keySize: number;
  keyOps: string[];
  attributes: SettableAttributes;
  tags: Record<string, string> | undefined;
}

export function parseCreate(body: KeyCreateParameters): KeyDescription & { shape: KeyShape } {
  const b = requireObject(body);
  const kty = b.kty;
  const family = baseKty(kty);
  if (!family) throw badParameter(`The kty ${JSON.stringify(kty)} is not supported; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM.`);
  let shape: KeyShape;
  if (family === "RSA") {
    const keySize = b.key_size ?? 2048;
    if (!(RSA_SIZES as readonly number[]).includes(keySize))
      throw badParameter(`RSA key_size must be 2048, 3072 or 4096; got ${JSON.stringify(b.key_size)}.`);
    const e = b.public_exponent ?? 65537;
    if (!Number.isSafeInteger(e) || e < 3 || e % 2 === 0 || e > 0xffffffff) {
      throw badParameter(`public_exponent must be an odd integer of at least 3; got ${JSON.stringify(b.public_exponent)}.`);
    }
    shape = { family, keySize, publicExponent: e };
  } else if (family === "EC") {
    const curve = curveInfo(b.crv ?? "P-256");
    if (!curve) throw badParameter(`The curve ${JSON.stringify(b.crv)} is not supported; use P-256, P-256K, P-384 or P-521.`);
    if (b.key_size !== undefined && b.key_size !== null && b.key_size !== curve.bits) {
      throw badParameter(`key_size ${b.key_size} does not match the curve ${curve.crv}.`);
    }
    shape = { family, keySize: curve.bits, crv: curve.crv };
  } else {
    const keySize = b.key_size ?? 256;
    if (!(OCT_SIZES as readonly number[]).includes(keySize))
      throw badParameter(`oct key_size must be 128, 192 or 256; got ${JSON.stringify(b.key_size)}.`);
    shape = { family, keySize };
  }
  return {
    family,
    kty: kty!,
    keySize: shape.keySize,
    keyOps: resolveKeyOps(b.key_ops, family, kty!),
    attributes: parseAttributes(b.attributes),
    tags: parseTags(b.tags),
    shape,
  };
}

/** An import body: the description, and the JWK (private, or a BYOK transfer blob in key_hsm). */
export function parseImport(body: KeyImportParameters): {
  description: Omit<KeyDescription, "keySize">;
  jwk: NonNullable<KeyImportParameters["key"]>;
} {
  const b = requireObject(body);
  const jwk = b.key;
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk))
    throw badParameter("The request must carry the key to import in 'key'.");
  if (b.Hsm !== undefined && typeof b.Hsm !== "boolean") throw badParameter("'Hsm' must be true or false.");
  const family = baseKty(jwk.kty);
  if (!family)
    throw badParameter(`JSON Web Key: unsupported kty ${JSON.stringify(jwk.kty)}; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM.`);
  const hsm = b.Hsm === true || String(jwk.kty).endsWith("-HSM");
  const kty = hsm ? `${family}-HSM` : family;
  return {
    description: {
      family,
      kty,
      keyOps: resolveKeyOps(jwk.key_ops, family, kty),
      attributes: parseAttributes(b.attributes),
      tags: parseTags(b.tags),
    },
    jwk,
  };
}

/**
 * A private JWK: its shape checked here (jwk/parse.ts), and the engine call that imports it, where the
 * core checks the key and says why it refuses one (jwk/import.ts). Also the key's size.
 */
export function plainImport(engine: VaultEngine, jwk: unknown): { keySize: number; make: () => KeyHandle } {
  const parsed = jwkCall(() => parsePrivateJwk(jwk));
  return { keySize: parsed.kty === "EC" ? parsed.curve.bits : parsed.bits, make: () => importParsedJwk(engine, parsed) };
}

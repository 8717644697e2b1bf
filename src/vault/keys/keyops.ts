// key_ops: the defaults for each kty and the checks on what a client asks for (DESIGN.md).
import { badParameter } from "../errors.js";
import type { Family } from "../../engine/index.js";

export const KNOWN_OPS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export"] as const;

export const DEFAULT_OPS: Record<Family, string[]> = {
  RSA: ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"],
  EC: ["sign", "verify"],
  oct: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
};

const APPLICABLE: Record<Family, string[]> = {
  RSA: ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import"],
  EC: ["sign", "verify"],
  oct: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
};

/** Validates key_ops from a request; undefined means the defaults for the key type. */
export function resolveKeyOps(requested: unknown, family: Family, kty: string): string[] {
  if (requested === undefined || requested === null) return [...DEFAULT_OPS[family]];
  if (!Array.isArray(requested)) throw badParameter("key_ops must be an array of operation names.");
  const ops: string[] = [];
  for (const op of requested) {
    if (typeof op !== "string" || !(KNOWN_OPS as readonly string[]).includes(op)) {
      throw badParameter(`Invalid key operation ${JSON.stringify(op)}; valid operations are ${KNOWN_OPS.join(", ")}.`);
    }
    if (op === "import" && kty !== "RSA-HSM") {
      throw badParameter("The import operation is only allowed on RSA-HSM keys, as a key exchange key.");
    }
    if (!APPLICABLE[family].includes(op)) throw badParameter(`Operation ${op} is not supported for key type ${kty}.`);
    if (!ops.includes(op)) ops.push(op);
  }
  return ops;
}

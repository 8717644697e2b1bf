// Every algorithm family Hsm knows. Each family adds one import and one entry.
import type { AlgorithmFamily } from "./family.js";
import { HsmError } from "./status.js";
import { octFamily } from "./oct.js";
import { ecFamily } from "./ec.js";
import { rsaFamily } from "./rsa.js";

export const families: AlgorithmFamily[] = [octFamily, rsaFamily, ecFamily];

/** Each algorithm's family, looked up on every operation. */
const familyOf = new Map<string, AlgorithmFamily>(families.flatMap((f) => f.algorithms.map((alg) => [alg, f] as const)));

export function familyFor(alg: string, operation: keyof AlgorithmFamily): AlgorithmFamily {
  const family = typeof alg === "string" ? familyOf.get(alg) : undefined;
  if (!family) throw new HsmError("BAD_ALGORITHM", `${operation}: unknown algorithm ${JSON.stringify(alg)}`);
  if (typeof family[operation] !== "function") {
    throw new HsmError("BAD_ALGORITHM", `${operation}: algorithm ${alg} does not support ${operation}`);
  }
  return family;
}

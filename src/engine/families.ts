// Every algorithm family Hsm knows. Each family adds one import and one entry.
import type { AlgorithmFamily } from "./family.js";
import { HsmError } from "./status.js";
import { octFamily } from "./oct.js";
import { ecFamily } from "./ec.js";
import { rsaFamily } from "./rsa.js";

export const families: AlgorithmFamily[] = [octFamily, rsaFamily, ecFamily];

export function familyFor(alg: string, operation: keyof AlgorithmFamily): AlgorithmFamily {
  const family = families.find((f) => f.algorithms.includes(alg));
  if (!family) throw new HsmError("BAD_ALGORITHM", `${operation}: unknown algorithm ${JSON.stringify(alg)}`);
  if (typeof family[operation] !== "function") {
    throw new HsmError("BAD_ALGORITHM", `${operation}: algorithm ${alg} does not support ${operation}`);
  }
  return family;
}

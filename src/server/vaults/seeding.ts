// Applies a resolved seed (options.ts) to the vaults of a directory once they are open, through each
// vault's controls: a Vault in this thread, or the vault of a worker (a control message), so that
// seeding does not keep a vault out of the workers.
import type { VaultDirectory } from "./directory.js";
import { DEFAULT_VAULT } from "./directory.js";
import type { ResolvedSeed } from "./options.js";

/** Creates the seed's objects in every vault it names. Refusals name the seed, the vault and the entry. */
export async function seedVaults(directory: VaultDirectory, seed: ResolvedSeed | undefined): Promise<void> {
  if (!seed) return;
  for (const [name, entries] of seed.vaults) {
    const v = directory.get(name);
    // resolveSeed has checked every name against the declared vaults.
    if (!v) throw new Error(`${seed.source}: vaults.${name}: no such vault`);
    const source = v.name === DEFAULT_VAULT ? seed.source : `${seed.source}: vaults.${v.name}`;
    await v.controls.applySeed(entries, source, seed.mode);
  }
}

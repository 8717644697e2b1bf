// What the built core can do today, so that the end-to-end suite runs every family that has landed
// and says loudly which it skips. WASM_HSM_E2E_STRICT=1 turns every skip into a run (and so a
// failure), for when all families are in.
import { Hsm } from "../../src/engine/index.js";
import { KeyVault, type VaultEngine } from "../../src/vault/index.js";
import { MemoryStore } from "../../src/store/memory.js";

export interface Capabilities {
  /** The vault opens: the core has the security domain and sealing. */
  vault: boolean;
  rsa: boolean;
  ec: boolean;
  oct: boolean;
  reasons: string[];
}

export async function probeCapabilities(): Promise<Capabilities> {
  if (process.env.WASM_HSM_E2E_ENGINE === "node") return { vault: true, rsa: true, ec: true, oct: true, reasons: [] };
  const strict = process.env.WASM_HSM_E2E_STRICT === "1";
  const reasons: string[] = [];
  const hsm = await Hsm.create();
  let vault = true;
  try {
    await KeyVault.open({ hsm: hsm as unknown as VaultEngine, store: new MemoryStore() });
  } catch (e) {
    vault = false;
    reasons.push(`the vault does not open (${(e as Error).message})`);
  }
  const has = (method: string, family: string) => {
    const ok = typeof (hsm as unknown as Record<string, unknown>)[method] === "function";
    if (!ok) reasons.push(`the engine has no ${method}: the ${family} family has not landed`);
    return ok;
  };
  const caps = { vault, rsa: has("generateRsa", "RSA"), ec: has("generateEc", "EC"), oct: has("generateOct", "AES"), reasons };
  if (reasons.length > 0) {
    const msg = `\n*** end-to-end server suite: ${strict ? "STRICT, running all" : "SKIPPING parts"}: ${reasons.join("; ")} ***\n`;
    console.warn(msg);
  }
  return strict ? { vault: true, rsa: true, ec: true, oct: true, reasons } : caps;
}

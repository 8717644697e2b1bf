// Applies a seed to a vault through the vault's own API, so that every entry obeys the rules a client's
// request obeys. An object that exists is left alone (mode "skip"), or gets a new version from the seed
// (mode "replace"; a deleted one is purged first). Any refusal stops the seeding with the file, the
// entry and Key Vault's own message.
import type { RequestContext } from "../model/index.js";
import { KeyVaultError } from "../vault/errors.js";
import type { VaultApi } from "../model/index.js";
import { SeedError, type SeedEntry, type VaultSeed } from "./entries.js";
import { pemToJwk } from "./pem.js";

export type SeedMode = "skip" | "replace";

export interface SeedReport {
  created: string[];
  replaced: string[];
  skipped: string[];
}

interface CertificateApi {
  createCertificate(name: string, body: unknown, ctx: RequestContext): Promise<unknown>;
  importCertificate(name: string, body: unknown, ctx: RequestContext): Promise<unknown>;
  getCertificate(name: string, version: string | undefined, ctx: RequestContext): Promise<unknown>;
  getDeletedCertificate(name: string, ctx: RequestContext): Promise<unknown>;
  deleteCertificate(name: string, ctx: RequestContext): Promise<unknown>;
  purgeDeletedCertificate(name: string, ctx: RequestContext): Promise<void>;
}

const CTX: RequestContext = { vaultUrl: "https://seed.invalid", apiVersion: "7.6" };

/** "absent", "live" or "deleted", from what a get answers. */
async function stateOf(get: () => Promise<unknown>, deletedGet: () => Promise<unknown>): Promise<"absent" | "live" | "deleted"> {
  try {
    await get();
    return "live";
  } catch (err) {
    if (!(err instanceof KeyVaultError)) throw err;
    // A disabled secret answers 403: it exists.
    if (err.status === 403) return "live";
    if (err.status !== 404) throw err;
  }
  try {
    await deletedGet();
    return "deleted";
  } catch (err) {
    if (err instanceof KeyVaultError && (err.status === 404 || err.status === 403)) return err.status === 404 ? "absent" : "deleted";
    throw err;
  }
}

function pick(entry: SeedEntry, members: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of members) if (entry[m] !== undefined) out[m] = entry[m];
  return out;
}

async function seedKey(vault: VaultApi, e: SeedEntry): Promise<void> {
  const common = pick(e, ["tags", "attributes"]);
  if (e.jwk !== undefined || e.pem !== undefined) {
    const jwk = e.jwk !== undefined ? (e.jwk as Record<string, unknown>) : await pemToJwk(String(e.pem));
    await vault.keys.importKey(
      e.name,
      { ...common, key: { ...jwk, ...pick(e, ["key_ops"]) } as never, ...(e.hsm !== undefined ? { Hsm: e.hsm as boolean } : {}) },
      CTX,
    );
    return;
  }
  if (e.kty === undefined) throw new Error("a key needs kty (to generate it), or jwk or pem (to import it)");
  await vault.keys.createKey(
    e.name,
    {
      ...common,
      kty: `${String(e.kty).replace(/-HSM$/, "")}${e.hsm === true || String(e.kty).endsWith("-HSM") ? "-HSM" : ""}`,
      ...(e.size !== undefined ? { key_size: e.size as number } : {}),
      ...(e.curve !== undefined ? { crv: e.curve as string } : {}),
      ...pick(e, ["public_exponent", "key_ops"]),
    } as never,
    CTX,
  );
}

export async function applySeed(vault: VaultApi, seed: VaultSeed, options: { source: string; mode?: SeedMode }): Promise<SeedReport> {
  const mode = options.mode ?? "skip";
  const report: SeedReport = { created: [], replaced: [], skipped: [] };
  const run = async (
    where: string,
    e: SeedEntry,
    state: () => Promise<"absent" | "live" | "deleted">,
    purge: () => Promise<unknown>,
    make: () => Promise<unknown>,
  ) => {
    const label = `${where} (${e.name})`;
    try {
      const s = await state();
      if (s !== "absent" && mode === "skip") {
        report.skipped.push(label);
        return;
      }
      if (s === "deleted") await purge();
      await make();
      (s === "absent" ? report.created : report.replaced).push(label);
    } catch (err) {
      throw new SeedError(options.source, label, (err as Error).message);
    }
  };
  for (const [i, e] of seed.keys.entries()) {
    await run(
      `keys[${i}]`,
      e,
      () =>
        stateOf(
          () => vault.keys.getKey(e.name, undefined, CTX),
          () => vault.keys.getDeletedKey(e.name, CTX),
        ),
      () => vault.keys.purgeDeletedKey(e.name, CTX),
      () => seedKey(vault, e),
    );
  }
  for (const [i, e] of seed.secrets.entries()) {
    await run(
      `secrets[${i}]`,
      e,
      () =>
        stateOf(
          () => vault.secrets.getSecret(e.name, undefined, CTX),
          () => vault.secrets.getDeletedSecret(e.name, CTX),
        ),
      () => vault.secrets.purgeDeletedSecret(e.name, CTX),
      async () => {
        if (typeof e.value !== "string") throw new Error("a secret needs a string value");
        await vault.secrets.setSecret(e.name, { value: e.value, ...pick(e, ["contentType", "tags", "attributes"]) } as never, CTX);
      },
    );
  }
  const certificates = (vault as unknown as { certificates?: CertificateApi }).certificates;
  for (const [i, e] of seed.certificates.entries()) {
    if (!certificates) throw new SeedError(options.source, `certificates[${i}] (${e.name})`, "this vault has no certificates API");
    await run(
      `certificates[${i}]`,
      e,
      () =>
        stateOf(
          () => certificates.getCertificate(e.name, undefined, CTX),
          () => Promise.reject(new KeyVaultError(404, "NotFound", "")),
        ),
      () => certificates.purgeDeletedCertificate(e.name, CTX),
      async () => {
        const common = pick(e, ["tags", "attributes", "policy"]);
        if (e.pfx !== undefined || e.pem !== undefined) {
          await certificates.importCertificate(
            e.name,
            { ...common, value: e.pfx ?? e.pem, ...(e.password !== undefined ? { pwd: e.password } : {}) },
            CTX,
          );
        } else {
          if (e.policy === undefined) throw new Error("a certificate needs a policy (to issue it) or pfx or pem (to import it)");
          await certificates.createCertificate(e.name, common, CTX);
        }
      },
    );
  }
  return report;
}

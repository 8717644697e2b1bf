// The management API of an offline vault: the emulator's /management routes (server/vaults/management.ts),
// called through the same router, with typed helpers for what tests do most. Errors are KeyVaultErrors
// with the envelope's code and message, as a client of the HTTPS emulator would see them.
import type { Router } from "../server/router.js";
import { KeyVaultError } from "../vault/errors.js";

export interface OfflineManagement {
  /** Any management request: `request("GET", "vaults")`, `request("POST", "time", { seconds: 60 })`. */
  request(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Moves every vault's clock forward, or one vault's: nbf/exp, purges, rotations and renewals follow at once. */
  shiftClock(seconds: number, vault?: string): Promise<void>;
  /** A vault's contents, sealed under its security domain, and that domain (sealed): for importVault. */
  exportVault(name: string): Promise<{ value: string; securityDomain: unknown }>;
  /** Into an existing vault of the same domain, or a new vault made with `securityDomain`; returns how many objects. */
  importVault(name: string, exported: { value: string; securityDomain?: unknown }): Promise<number>;
  /** Makes a named vault (https://NAME.HOST); `aliases` are further host names it answers to. */
  createVault(name: string, options?: { aliases?: string[] }): Promise<void>;
  deleteVault(name: string): Promise<void>;
}

export function offlineManagement(router: Router, baseUrl: string, isClosed: () => boolean): OfflineManagement {
  const host = new URL(baseUrl).host;
  const request = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    if (isClosed()) throw new Error("the offline vault is closed");
    const res = await router.handle({
      method,
      url: `/management/${path.replace(/^\/+/, "")}`,
      headers: { host, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const parsed: unknown = res.body ? JSON.parse(res.body) : undefined;
    if (res.status >= 400) {
      const e = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new KeyVaultError(res.status, e?.code ?? "Error", e?.message ?? `management ${method} ${path}: ${res.status}`);
    }
    return parsed;
  };
  const segment = encodeURIComponent;
  return {
    request,
    shiftClock: async (seconds, vault) => {
      await request("POST", "time", { seconds, ...(vault !== undefined ? { vault } : {}) });
    },
    exportVault: async (name) => (await request("POST", `vaults/${segment(name)}/export`)) as { value: string; securityDomain: unknown },
    importVault: async (name, exported) =>
      ((await request("POST", `vaults/${segment(name)}/import`, exported)) as { imported: number }).imported,
    createVault: async (name, options) => {
      await request("PUT", `vaults/${segment(name)}`, options?.aliases ? { aliases: options.aliases } : {});
    },
    deleteVault: async (name) => {
      await request("DELETE", `vaults/${segment(name)}`);
    },
  };
}

// The certificates kind is loaded at its first use (src/vault/certificates/lazy.ts): a vault opens,
// and serves keys and secrets, without importing certificates.ts and its X.509 libraries; the first
// certificate call imports it once, and every call answers as the kind itself would.
import { describe, expect, it, vi } from "vitest";
import { LazyCertificates } from "../../../src/vault/certificates/lazy.js";
import type { CertificateObjects } from "../../../src/vault/certificates/certificates.js";
import { ctx, openVault } from "./fixture.js";

const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../../src/vault/certificates/certificates.js", async (importOriginal) => {
  loads.count++;
  return await importOriginal();
});

describe("the certificates kind, loaded at first use", () => {
  it("a vault opens and serves keys and secrets without loading it; the first certificate call loads it once", async () => {
    const f = await openVault();
    await f.vault.keys.createKey("k", { kty: "EC", crv: "P-256" }, ctx);
    await f.vault.secrets.setSecret("s", { value: "v" }, ctx);
    expect(loads.count).toBe(0);
    const [list, contacts] = await Promise.all([
      f.vault.certificates.listCertificates({}, ctx),
      f.vault.certificates.getContacts(ctx).catch((e: { status?: number }) => e.status),
    ]);
    expect(loads.count).toBe(1);
    expect(list.value).toEqual([]);
    expect(contacts).toBe(404);
    const made = await f.vault.certificates.createCertificate(
      "c",
      { policy: { x509_props: { subject: "CN=lazy" }, issuer: { name: "Self" } } },
      ctx,
    );
    expect(made.status).toBe("completed");
    expect((await f.vault.certificates.getCertificate("c", undefined, ctx)).policy?.x509_props?.subject).toBe("CN=lazy");
    expect(loads.count).toBe(1);
  });

  it("forwards every call with its arguments to the one kind it makes, and makes it once", async () => {
    let made = 0;
    const calls: unknown[][] = [];
    const fake = {
      getCertificate(...args: unknown[]) {
        calls.push(args);
        return Promise.resolve({ id: "x", self: this === fake });
      },
    } as unknown as CertificateObjects;
    const lazy = new LazyCertificates(async () => {
      made++;
      return fake;
    });
    expect(made).toBe(0);
    const answers = await Promise.all([lazy.getCertificate("a", "v1", ctx), lazy.getCertificate("b", undefined, ctx)]);
    expect(made).toBe(1);
    expect(calls).toEqual([
      ["a", "v1", ctx],
      ["b", undefined, ctx],
    ]);
    expect(answers).toEqual([
      { id: "x", self: true },
      { id: "x", self: true },
    ]);
    expect(await lazy.loaded()).toBe(fake);
  });

  it("a load that failed is tried again at the next call", async () => {
    let attempts = 0;
    const fake = { listIssuers: async () => ({ value: [] }) } as unknown as CertificateObjects;
    const lazy = new LazyCertificates(async () => {
      if (++attempts === 1) throw new Error("the module could not be loaded");
      return fake;
    });
    await expect(lazy.listIssuers({}, ctx)).rejects.toThrow(/could not be loaded/);
    expect(await lazy.listIssuers({}, ctx)).toEqual({ value: [] });
    expect(attempts).toBe(2);
  });
});

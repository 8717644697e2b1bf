// Issue 15, defect 2: an overflowing ISO 8601 duration ("P" + "9" x 400 + "D" is Infinity seconds) made
// the expiry Infinity, stored as null, and every read of the key rotate it. Durations are now bounded
// (400 above P36500D), and a stored null, or a stored out-of-range policy, never makes a rotation due.
import { describe, expect, it } from "vitest";
import type { KeyRotationPolicy } from "../../../src/model/index.js";
import { MAX_DURATION_DAYS, rotationDueAt } from "../../../src/vault/keys/rotation.js";
import { b64u, bad, ctx, DAY, expectKvError, openVault, T0, unb64u } from "./fixture.js";

const huge = `P${"9".repeat(400)}D`;
const rotateBeforeExpiry = (d: string) => ({ trigger: { timeBeforeExpiry: d }, action: { type: "Rotate" } });
const rotateAfterCreate = (d: string) => ({ trigger: { timeAfterCreate: d }, action: { type: "Rotate" } });

describe("policies with out-of-range durations are refused with 400", () => {
  it.each<[string, KeyRotationPolicy, string]>([
    ["expiryTime", { attributes: { expiryTime: huge } }, "attributes.expiryTime"],
    ["timeAfterCreate", { lifetimeActions: [rotateAfterCreate(huge)] }, "timeAfterCreate"],
    ["timeBeforeExpiry", { lifetimeActions: [rotateBeforeExpiry(huge)] }, "timeBeforeExpiry"],
    ["one day over", { attributes: { expiryTime: `P${MAX_DURATION_DAYS + 1}D` } }, "attributes.expiryTime"],
    ["hours that add up to Infinity", { attributes: { expiryTime: `PT${"9".repeat(330)}H` } }, "attributes.expiryTime"],
  ])("%s", async (_label, policy, what) => {
    const f = await openVault();
    await f.vault.keys.createKey("k", { kty: "oct", key_size: 128 }, ctx);
    await expectKvError(
      f.vault.keys.updateRotationPolicy("k", policy, ctx),
      bad(new RegExp(`^${what.replace(".", "\\.")} must be at most P36500D \\(100 years\\); got "P`)),
    );
    expect((await f.vault.keys.getRotationPolicy("k", ctx)).lifetimeActions).toEqual([
      { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } },
    ]);
  });

  it("the bound itself is accepted, and a rotation under it gets a finite expiry", async () => {
    const f = await openVault();
    await f.vault.keys.createKey("k", { kty: "oct", key_size: 128 }, ctx);
    await f.vault.keys.updateRotationPolicy("k", { attributes: { expiryTime: `P${MAX_DURATION_DAYS}D` } }, ctx);
    const rotated = await f.vault.keys.rotateKey("k", ctx);
    expect(rotated.attributes?.exp).toBe(T0 + MAX_DURATION_DAYS * DAY);
  });
});

describe("a stored null expiry, or a stored out-of-range policy, never makes a rotation due", () => {
  async function storedCase(policy: KeyRotationPolicy, exp: unknown) {
    const f = await openVault();
    await f.vault.keys.createKey("k", { kty: "oct", key_size: 128 }, ctx);
    // What the old code stored: the policy as given, and exp = Infinity, which JSON writes as null.
    const rec = (await f.store.get("key", "k"))!;
    (rec.versions[0]!.attributes as unknown as Record<string, unknown>).exp = exp;
    rec.state = { rotationPolicy: policy };
    await f.store.put(rec);
    return f;
  }

  it.each<[string, KeyRotationPolicy, unknown]>([
    ["exp null, Rotate P30D before expiry", { lifetimeActions: [rotateBeforeExpiry("P30D")], attributes: {} }, null],
    ["exp a string", { lifetimeActions: [rotateBeforeExpiry("P30D")], attributes: {} }, "soon"],
    ["an overflowing timeBeforeExpiry", { lifetimeActions: [rotateBeforeExpiry(huge)], attributes: {} }, T0 + 90 * DAY],
    ["an overflowing timeAfterCreate", { lifetimeActions: [rotateAfterCreate(huge)], attributes: {} }, undefined],
  ])("%s: reads and lists add no version", async (_label, policy, exp) => {
    const f = await storedCase(policy, exp);
    for (let i = 0; i < 3; i++) {
      await f.vault.keys.getKey("k", undefined, ctx);
      await f.vault.keys.listKeys({}, ctx);
      f.clock.advance(DAY);
    }
    await f.vault.keys.runDueRotations();
    expect((await f.store.get("key", "k"))!.versions).toHaveLength(1);
  });

  it("rotationDueAt: only finite times are due", () => {
    const policy = { lifetimeActions: [rotateBeforeExpiry("P30D")], attributes: {} } as KeyRotationPolicy;
    expect(rotationDueAt(policy, T0, T0 + 90 * DAY)).toBe(T0 + 60 * DAY);
    for (const exp of [null, undefined, Number.POSITIVE_INFINITY, Number.NaN, "x", 1e300])
      expect(rotationDueAt(policy, T0, exp)).toBeUndefined();
  });
});

describe("a stored null expiry or activation date is no date", () => {
  // The same old records: before this, `now >= null` made every such key expired, so wrapKey, encrypt
  // and sign got 403, and the key's attributes said `"exp": null`.
  it.each(["exp", "nbf"])("%s null: the key still wraps, and its attributes leave the member out", async (member) => {
    const f = await openVault();
    await f.vault.keys.createKey("k", { kty: "oct", key_size: 256 }, ctx);
    const rec = (await f.store.get("key", "k"))!;
    (rec.versions[0]!.attributes as unknown as Record<string, unknown>)[member] = null;
    await f.store.put(rec);
    f.clock.advance(DAY);
    const wrapped = await f.vault.keys.wrapKey("k", undefined, { alg: "A256KW", value: b64u(new Uint8Array(32)) }, ctx);
    expect(unb64u(wrapped.value!)).toHaveLength(40);
    const attributes = (await f.vault.keys.getKey("k", undefined, ctx)).attributes as Record<string, unknown>;
    expect(member in attributes).toBe(false);
    expect(attributes.enabled).toBe(true);
  });
});

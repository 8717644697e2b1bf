// rotateKey, getRotationPolicy, updateRotationPolicy, and a policy applied when the clock passes its trigger.
import * as nc from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ecKey, octKey, rsaKey } from "../jwk/keys.js";
import { DAY, T0, b64u, bad, ctx, expectKvError, notFound, openVault, type Fixture } from "./fixture.js";
import { nodePublicKey } from "./node-check.js";

let f: Fixture;
beforeAll(async () => {
  f = await openVault();
});

const versionOf = (kid: string | undefined) => kid!.split("/").at(-1)!;

describe("rotateKey", () => {
  it("RSA-HSM: a new version with the same kty, size, exponent, key_ops and tags, and a new key", async () => {
    const k = rsaKey(2048, 3);
    const first = await f.vault.keys.importKey(
      "rot-rsa",
      { key: { ...k.jwk, kty: "RSA-HSM", key_ops: ["sign", "verify"] }, tags: { owner: "me" } },
      ctx,
    );
    f.clock.advance(100);
    const next = await f.vault.keys.rotateKey("rot-rsa", ctx);
    expect(versionOf(next.key.kid)).toMatch(/^[0-9a-f]{32}$/);
    expect(versionOf(next.key.kid)).not.toBe(versionOf(first.key.kid));
    expect(next.key).toMatchObject({ kty: "RSA-HSM", key_ops: ["sign", "verify"], e: "Aw" });
    expect(Buffer.from(next.key.n!, "base64url").length).toBe(256);
    expect(next.key.n).not.toBe(first.key.n);
    expect(next.tags).toEqual({ owner: "me" });
    expect(next.attributes).toEqual({
      enabled: true,
      created: f.clock.seconds,
      updated: f.clock.seconds,
      recoveryLevel: "Recoverable+Purgeable",
      recoverableDays: 90,
      exportable: false,
    });
    expect(await f.vault.keys.getKey("rot-rsa", undefined, ctx)).toEqual(next);
    // The new key signs (checked by node on its public JWK); the old version still verifies its own signatures.
    const msg = Buffer.from("rotated");
    const digest = b64u(nc.createHash("sha256").update(msg).digest());
    const sig = await f.vault.keys.sign("rot-rsa", undefined, { alg: "RS256", value: digest }, ctx);
    expect(nc.verify("sha256", msg, nodePublicKey(next.key), Buffer.from(sig.value, "base64url"))).toBe(true);
    const old = nc.sign("sha256", msg, k.privateKey);
    expect((await f.vault.keys.verify("rot-rsa", versionOf(first.key.kid), { alg: "RS256", digest, value: b64u(old) }, ctx)).value).toBe(
      true,
    );
    expect((await f.vault.keys.verify("rot-rsa", undefined, { alg: "RS256", digest, value: b64u(old) }, ctx)).value).toBe(false);
  });

  it.each([
    ["EC-HSM", "P-384"],
    ["EC", "P-256K"],
    ["EC", "P-521"],
  ] as const)("%s %s keeps its curve", async (kty, crv) => {
    const first = await f.vault.keys.importKey(`rot-${crv}`, { key: { ...ecKey(crv).jwk, kty } }, ctx);
    const next = await f.vault.keys.rotateKey(`rot-${crv}`, ctx);
    expect(next.key).toMatchObject({ kty, crv, key_ops: ["sign", "verify"] });
    expect(next.key.x).not.toBe(first.key.x);
    expect(Buffer.from(next.key.x!, "base64url").length).toBe(Buffer.from(first.key.x!, "base64url").length);
  });

  it.each([128, 192, 256])("oct-HSM %i keeps its size (its A*KW still suits it) and gets a new key", async (bits) => {
    const { jwk } = octKey(bits);
    await f.vault.keys.importKey(`rot-oct-${bits}`, { key: { ...jwk, kty: "oct-HSM", key_ops: ["wrapKey", "unwrapKey"] } }, ctx);
    const data = b64u(nc.randomBytes(16));
    const before = await f.vault.keys.wrapKey(`rot-oct-${bits}`, undefined, { alg: `A${bits}KW`, value: data }, ctx);
    const next = await f.vault.keys.rotateKey(`rot-oct-${bits}`, ctx);
    expect(next.key).toEqual({ kid: next.key.kid, kty: "oct-HSM", key_ops: ["wrapKey", "unwrapKey"] });
    const after = await f.vault.keys.wrapKey(`rot-oct-${bits}`, undefined, { alg: `A${bits}KW`, value: data }, ctx);
    expect(after.value).not.toBe(before.value);
    // The old wrapped key still unwraps with the old version.
    expect(
      (await f.vault.keys.unwrapKey(`rot-oct-${bits}`, versionOf(before.kid), { alg: `A${bits}KW`, value: before.value }, ctx)).value,
    ).toBe(data);
  });

  it("a created RSA key rotates too, and versions are listed oldest first", async () => {
    const first = await f.vault.keys.createKey("rot-created", { kty: "RSA", key_ops: ["encrypt"] }, ctx);
    const next = await f.vault.keys.rotateKey("rot-created", ctx);
    const kids = (await f.vault.keys.listKeyVersions("rot-created", {}, ctx)).value.map((i) => i.kid);
    expect(kids).toEqual([first.key.kid, next.key.kid]);
    expect(next.key.key_ops).toEqual(["encrypt"]);
  });

  it("unknown and badly named keys", async () => {
    await expectKvError(f.vault.keys.rotateKey("nope", ctx), notFound("nope"));
    await expectKvError(
      f.vault.keys.rotateKey("n.o", ctx),
      bad(`The key name "n.o" is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.`),
    );
  });
});

describe("rotation policies", () => {
  it("a key without a policy reports the default one", async () => {
    await f.vault.keys.importKey("pol-default", { key: octKey(128).jwk }, ctx);
    expect(await f.vault.keys.getRotationPolicy("pol-default", ctx)).toEqual({
      id: "https://vault.test/keys/pol-default/rotationpolicy",
      lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }],
      attributes: {},
    });
  });

  it("updateRotationPolicy validates, stores and returns the policy with its timestamps", async () => {
    f.clock.set(T0);
    await f.vault.keys.importKey("pol-set", { key: octKey(128).jwk }, ctx);
    const body = {
      lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }],
      attributes: { expiryTime: "P90D" },
    };
    const set = await f.vault.keys.updateRotationPolicy("pol-set", body, ctx);
    expect(set).toEqual({
      id: "https://vault.test/keys/pol-set/rotationpolicy",
      ...body,
      attributes: { expiryTime: "P90D", created: T0, updated: T0 },
    });
    expect(await f.vault.keys.getRotationPolicy("pol-set", ctx)).toEqual(set);
    f.clock.advance(60);
    const again = await f.vault.keys.updateRotationPolicy("pol-set", { lifetimeActions: [] }, ctx);
    expect(again).toEqual({
      id: "https://vault.test/keys/pol-set/rotationpolicy",
      lifetimeActions: [],
      attributes: { created: T0, updated: T0 + 60 },
    });
    f.clock.set(T0);
  });

  it.each<[string, unknown, string]>([
    [
      "a Rotate sooner than 7 days",
      { lifetimeActions: [{ trigger: { timeAfterCreate: "P1D" }, action: { type: "Rotate" } }] },
      "A Rotate trigger must be at least P7D.",
    ],
    ["an expiry under 28 days", { attributes: { expiryTime: "P7D" } }, "attributes.expiryTime must be at least P28D."],
    [
      "a bad duration",
      { lifetimeActions: [{ trigger: { timeAfterCreate: "30 days" }, action: { type: "Rotate" } }] },
      'timeAfterCreate must be an ISO 8601 duration such as P90D; got "30 days".',
    ],
    ["a body that is not an object", null, "The rotation policy must be a JSON object."],
  ])("updateRotationPolicy refuses %s and keeps the old policy", async (_what, body, message) => {
    await f.vault.keys.importKey("pol-bad", { key: octKey(128).jwk }, ctx);
    const before = await f.vault.keys.getRotationPolicy("pol-bad", ctx);
    await expectKvError(f.vault.keys.updateRotationPolicy("pol-bad", body as any, ctx), bad(message));
    expect(await f.vault.keys.getRotationPolicy("pol-bad", ctx)).toEqual(before);
  });

  it("policies of unknown keys are 404", async () => {
    await expectKvError(f.vault.keys.getRotationPolicy("nope", ctx), notFound("nope"));
    await expectKvError(f.vault.keys.updateRotationPolicy("nope", { lifetimeActions: [] }, ctx), notFound("nope"));
  });
});

describe("a policy is applied when the clock passes its trigger", () => {
  it("timeAfterCreate: rotates at created + P30D (not a second before), and the new version expires after expiryTime", async () => {
    f.clock.set(T0);
    const first = await f.vault.keys.importKey("auto-create", { key: octKey(256).jwk, tags: { a: "1" } }, ctx);
    await f.vault.keys.updateRotationPolicy(
      "auto-create",
      {
        lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }],
        attributes: { expiryTime: "P90D" },
      },
      ctx,
    );
    f.clock.set(T0 + 30 * DAY - 1);
    expect((await f.vault.keys.getKey("auto-create", undefined, ctx)).key.kid).toBe(first.key.kid);
    f.clock.set(T0 + 30 * DAY);
    const second = await f.vault.keys.getKey("auto-create", undefined, ctx);
    expect(second.key.kid).not.toBe(first.key.kid);
    expect(second.key).toMatchObject({ kty: "oct", key_ops: first.key.key_ops });
    expect(second.tags).toEqual({ a: "1" });
    expect(second.attributes).toMatchObject({ created: T0 + 30 * DAY, exp: T0 + 120 * DAY, enabled: true });
    // Reading again does not rotate again; the next rotation is 30 days after the new version.
    expect((await f.vault.keys.getKey("auto-create", undefined, ctx)).key.kid).toBe(second.key.kid);
    f.clock.set(T0 + 60 * DAY);
    const third = await f.vault.keys.getKey("auto-create", undefined, ctx);
    expect(third.key.kid).not.toBe(second.key.kid);
    expect((await f.vault.keys.listKeyVersions("auto-create", {}, ctx)).value.length).toBe(3);
    f.clock.set(T0);
  });

  it("timeBeforeExpiry: rotates at exp - P10D", async () => {
    f.clock.set(T0);
    const first = await f.vault.keys.importKey("auto-expiry", { key: ecKey("P-256").jwk, attributes: { exp: T0 + 40 * DAY } }, ctx);
    await f.vault.keys.updateRotationPolicy(
      "auto-expiry",
      { lifetimeActions: [{ trigger: { timeBeforeExpiry: "P10D" }, action: { type: "Rotate" } }] },
      ctx,
    );
    f.clock.set(T0 + 30 * DAY - 1);
    expect((await f.vault.keys.getKey("auto-expiry", undefined, ctx)).key.kid).toBe(first.key.kid);
    f.clock.set(T0 + 30 * DAY);
    const next = await f.vault.keys.getKey("auto-expiry", undefined, ctx);
    expect(next.key.kid).not.toBe(first.key.kid);
    expect(next.key.crv).toBe("P-256");
    expect(next.attributes.exp).toBeUndefined();
    f.clock.set(T0);
  });

  it("an operation on the key, listKeys and runDueRotations apply a due rotation", async () => {
    f.clock.set(T0);
    for (const name of ["due-op", "due-list", "due-run"]) {
      await f.vault.keys.importKey(name, { key: octKey(128).jwk }, ctx);
      await f.vault.keys.updateRotationPolicy(
        name,
        { lifetimeActions: [{ trigger: { timeAfterCreate: "P7D" }, action: { type: "Rotate" } }] },
        ctx,
      );
    }
    f.clock.set(T0 + 7 * DAY);
    const op = await f.vault.keys.wrapKey("due-op", undefined, { alg: "A128KW", value: b64u(Buffer.alloc(16)) }, ctx);
    expect((await f.store.get("key", "due-op"))!.versions.length).toBe(2);
    expect(op.kid).toBe(`https://vault.test/keys/due-op/${(await f.store.get("key", "due-op"))!.versions[1]!.version}`);
    await f.vault.keys.listKeys({}, ctx);
    expect((await f.store.get("key", "due-list"))!.versions.length).toBe(2);
    await f.vault.keys.runDueRotations();
    expect((await f.store.get("key", "due-run"))!.versions.length).toBe(2);
    f.clock.set(T0);
  });

  it("a Notify action never rotates", async () => {
    f.clock.set(T0);
    await f.vault.keys.importKey("notify-only", { key: octKey(128).jwk }, ctx);
    await f.vault.keys.updateRotationPolicy(
      "notify-only",
      { lifetimeActions: [{ trigger: { timeAfterCreate: "P7D" }, action: { type: "Notify" } }] },
      ctx,
    );
    f.clock.set(T0 + 365 * DAY);
    await f.vault.keys.runDueRotations();
    expect((await f.vault.keys.listKeyVersions("notify-only", {}, ctx)).value.length).toBe(1);
    f.clock.set(T0);
  });

  it("a deleted key is not rotated", async () => {
    f.clock.set(T0);
    await f.vault.keys.importKey("deleted-rot", { key: octKey(128).jwk }, ctx);
    await f.vault.keys.updateRotationPolicy(
      "deleted-rot",
      { lifetimeActions: [{ trigger: { timeAfterCreate: "P7D" }, action: { type: "Rotate" } }] },
      ctx,
    );
    await f.vault.keys.deleteKey("deleted-rot", ctx);
    f.clock.set(T0 + 8 * DAY);
    await f.vault.keys.runDueRotations();
    expect((await f.store.get("key", "deleted-rot"))!.versions.length).toBe(1);
    f.clock.set(T0);
  });
});

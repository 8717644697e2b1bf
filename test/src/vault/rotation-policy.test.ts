// src/vault/rotation.ts: ISO 8601 durations (§4.4.3.2), policy validation, and when Rotate falls due.
import { describe, expect, it } from "vitest";
import { durationSeconds, expiryFor, parsePolicy, rotationDueAt } from "../../../src/vault/keys/rotation.js";
import { DAY, bad, expectKvErrorSync } from "./fixture.js";

describe("durationSeconds", () => {
  it.each([
    ["P90D", 90 * DAY],
    ["P1Y", 365 * DAY],
    ["P1M", 30 * DAY],
    ["P2W", 14 * DAY],
    ["PT12H", 12 * 3600],
    ["PT30M", 1800],
    ["PT45S", 45],
    ["P1Y2M3DT4H5M6S", (365 + 60 + 3) * DAY + 4 * 3600 + 5 * 60 + 6],
    ["P0D", 0],
    ["P28D", 28 * DAY],
    ["P1DT1S", DAY + 1],
  ])("%s = %i s", (text, seconds) => expect(durationSeconds(text)).toBe(seconds));

  it.each(["", "P", "PT", "P1DT", "90D", "P1.5D", "p90d", "P-1D", "P1H", "PT1D", " P1D", "P1D ", "P1M1Y", null, undefined, 90])(
    "%j is not a duration",
    (text) => {
      expect(durationSeconds(text)).toBeUndefined();
    },
  );
});

const rotate = (trigger: Record<string, string>) => ({ trigger, action: { type: "Rotate" } });
const notify = (trigger: Record<string, string>) => ({ trigger, action: { type: "Notify" } });

describe("parsePolicy", () => {
  it("normalises a full policy", () => {
    expect(
      parsePolicy({
        lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "rotate" } }, notify({ timeBeforeExpiry: "P10D" })],
        attributes: { expiryTime: "P90D" },
      }),
    ).toEqual({
      lifetimeActions: [rotate({ timeAfterCreate: "P30D" }), notify({ timeBeforeExpiry: "P10D" })],
      attributes: { expiryTime: "P90D" },
    });
  });

  it("drops members a client may not set (id, created, updated)", () => {
    expect(parsePolicy({ id: "x", lifetimeActions: [], attributes: { created: 1, updated: 2 } })).toEqual({
      lifetimeActions: [],
      attributes: {},
    });
  });

  it("accepts an empty policy", () => {
    expect(parsePolicy({})).toEqual({ lifetimeActions: [], attributes: {} });
  });

  it.each<[string, unknown, string]>([
    ["not an object", "P30D", "The rotation policy must be a JSON object."],
    ["an array", [], "The rotation policy must be a JSON object."],
    ["attributes a string", { attributes: "P90D" }, "attributes must be a JSON object."],
    [
      "expiryTime not a duration",
      { attributes: { expiryTime: "90 days" } },
      'attributes.expiryTime must be an ISO 8601 duration such as P90D; got "90 days".',
    ],
    ["expiryTime shorter than 28 days", { attributes: { expiryTime: "P27D" } }, "attributes.expiryTime must be at least P28D."],
    ["lifetimeActions not an array", { lifetimeActions: {} }, "lifetimeActions must be an array."],
    [
      "an unknown action",
      { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Delete" } }] },
      "Each lifetime action's type must be Rotate or Notify.",
    ],
    [
      "an action without type",
      { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" } }] },
      "Each lifetime action's type must be Rotate or Notify.",
    ],
    [
      "two Rotate actions",
      { lifetimeActions: [rotate({ timeAfterCreate: "P30D" }), rotate({ timeAfterCreate: "P60D" })] },
      "A policy may hold only one Rotate action.",
    ],
    [
      "two Notify actions",
      { lifetimeActions: [notify({ timeAfterCreate: "P30D" }), notify({ timeAfterCreate: "P60D" })] },
      "A policy may hold only one Notify action.",
    ],
    [
      "no trigger",
      { lifetimeActions: [{ action: { type: "Rotate" } }] },
      "Each lifetime action needs exactly one of timeAfterCreate and timeBeforeExpiry.",
    ],
    [
      "both triggers",
      { lifetimeActions: [rotate({ timeAfterCreate: "P30D", timeBeforeExpiry: "P30D" })] },
      "Each lifetime action needs exactly one of timeAfterCreate and timeBeforeExpiry.",
    ],
    [
      "a bad timeAfterCreate",
      { lifetimeActions: [rotate({ timeAfterCreate: "30D" })] },
      'timeAfterCreate must be an ISO 8601 duration such as P90D; got "30D".',
    ],
    [
      "a bad timeBeforeExpiry",
      { lifetimeActions: [rotate({ timeBeforeExpiry: "P" })] },
      'timeBeforeExpiry must be an ISO 8601 duration such as P90D; got "P".',
    ],
    [
      "a zero duration",
      { lifetimeActions: [rotate({ timeAfterCreate: "P0D" })] },
      'timeAfterCreate must be an ISO 8601 duration such as P90D; got "P0D".',
    ],
    ["Rotate sooner than 7 days", { lifetimeActions: [rotate({ timeAfterCreate: "P6D" })] }, "A Rotate trigger must be at least P7D."],
    [
      "timeBeforeExpiry not shorter than expiryTime",
      { lifetimeActions: [rotate({ timeBeforeExpiry: "P90D" })], attributes: { expiryTime: "P90D" } },
      "timeBeforeExpiry must be shorter than attributes.expiryTime.",
    ],
    [
      "timeAfterCreate within 7 days of expiry",
      { lifetimeActions: [rotate({ timeAfterCreate: "P84D" })], attributes: { expiryTime: "P90D" } },
      "timeAfterCreate must be at least 7 days shorter than attributes.expiryTime.",
    ],
  ])("refuses %s", (_what, body, message) => {
    expectKvErrorSync(() => parsePolicy(body), bad(message));
  });

  it("accepts the boundaries: Rotate at P7D, expiry at P28D, timeAfterCreate = expiry - 7 days", () => {
    expect(() => parsePolicy({ lifetimeActions: [rotate({ timeAfterCreate: "P7D" })] })).not.toThrow();
    expect(() => parsePolicy({ lifetimeActions: [rotate({ timeAfterCreate: "P83D" })], attributes: { expiryTime: "P90D" } })).not.toThrow();
    expect(() => parsePolicy({ attributes: { expiryTime: "P28D" } })).not.toThrow();
    expect(() => parsePolicy({ lifetimeActions: [notify({ timeAfterCreate: "P1D" })] })).not.toThrow();
  });
});

describe("rotationDueAt and expiryFor", () => {
  const created = 1_700_000_000;
  it("timeAfterCreate counts from the version's creation", () => {
    expect(rotationDueAt(parsePolicy({ lifetimeActions: [rotate({ timeAfterCreate: "P30D" })] }), created, undefined)).toBe(
      created + 30 * DAY,
    );
  });
  it("timeBeforeExpiry counts back from the version's expiry, and never falls due without one", () => {
    const policy = parsePolicy({ lifetimeActions: [rotate({ timeBeforeExpiry: "P10D" })] });
    expect(rotationDueAt(policy, created, created + 90 * DAY)).toBe(created + 80 * DAY);
    expect(rotationDueAt(policy, created, undefined)).toBeUndefined();
  });
  it("a Notify action never rotates, and no policy means no rotation", () => {
    expect(rotationDueAt(parsePolicy({ lifetimeActions: [notify({ timeAfterCreate: "P30D" })] }), created, undefined)).toBeUndefined();
    expect(rotationDueAt(undefined, created, undefined)).toBeUndefined();
  });
  it("expiryFor adds expiryTime to now, if the policy has one", () => {
    expect(expiryFor(parsePolicy({ attributes: { expiryTime: "P90D" } }), created)).toBe(created + 90 * DAY);
    expect(expiryFor(parsePolicy({}), created)).toBeUndefined();
    expect(expiryFor(undefined, created)).toBeUndefined();
  });
});

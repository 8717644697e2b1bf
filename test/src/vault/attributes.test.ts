// src/vault/attributes.ts, names.ts and keyops.ts: what a client may set, and how it is refused.
import { describe, expect, it } from "vitest";
import { newAttributes, parseAttributes, parseTags } from "../../../src/vault/attributes.js";
import { checkName, isVersionId, newVersionId } from "../../../src/vault/names.js";
import { DEFAULT_OPS, resolveKeyOps } from "../../../src/vault/keys/keyops.js";
import { bad, expectKvErrorSync } from "./fixture.js";

describe("parseAttributes", () => {
  it.each<[unknown, object]>([
    [undefined, {}],
    [null, {}],
    [{}, {}],
    [{ enabled: false }, { enabled: false }],
    [
      { enabled: true, nbf: 100, exp: 200 },
      { enabled: true, nbf: 100, exp: 200 },
    ],
    [{ nbf: 0 }, { nbf: 0 }],
    [{ enabled: null, nbf: null, exp: null }, {}],
    [{ created: 5, updated: 6, recoveryLevel: "Purgeable", recoverableDays: 7, exportable: false }, {}],
  ])("%j -> %j", (raw, want) => expect(parseAttributes(raw)).toEqual(want));

  it.each<[unknown, string]>([
    ["x", "attributes must be a JSON object."],
    [[], "attributes must be a JSON object."],
    [{ enabled: "yes" }, "attributes.enabled must be true or false."],
    [{ enabled: 1 }, "attributes.enabled must be true or false."],
    [{ nbf: -1 }, "attributes.nbf must be a whole number of seconds since the Unix epoch."],
    [{ nbf: 1.5 }, "attributes.nbf must be a whole number of seconds since the Unix epoch."],
    [{ exp: "1700000000" }, "attributes.exp must be a whole number of seconds since the Unix epoch."],
    [{ exp: 2 ** 60 }, "attributes.exp must be a whole number of seconds since the Unix epoch."],
    [{ nbf: 200, exp: 200 }, "attributes.exp must be later than attributes.nbf."],
    [{ nbf: 200, exp: 100 }, "attributes.exp must be later than attributes.nbf."],
  ])("refuses %j", (raw, message) => expectKvErrorSync(() => parseAttributes(raw), bad(message)));

  // exportable is a key's own attribute: keys add it (keys.test.ts checks it on every bundle).
  it("newAttributes fills the read-only members that every object kind has", () => {
    expect(newAttributes({ nbf: 10, exp: 20 }, 1000, 90)).toEqual({
      enabled: true,
      nbf: 10,
      exp: 20,
      created: 1000,
      updated: 1000,
      recoveryLevel: "Recoverable+Purgeable",
      recoverableDays: 90,
    });
    expect(newAttributes({ enabled: false }, 5, 7)).toEqual({
      enabled: false,
      created: 5,
      updated: 5,
      recoveryLevel: "Recoverable+Purgeable",
      recoverableDays: 7,
    });
  });
});

describe("parseTags", () => {
  const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, `v${i}`]));
  it("accepts up to 15 tags, names up to 512 and values up to 256 characters", () => {
    expect(parseTags(tags(15))).toEqual(tags(15));
    expect(parseTags({ ["n".repeat(512)]: "v".repeat(256), empty: "" })).toEqual({ ["n".repeat(512)]: "v".repeat(256), empty: "" });
    expect(parseTags(undefined)).toBeUndefined();
    expect(parseTags(null)).toBeUndefined();
    expect(parseTags({})).toEqual({});
  });

  it.each<[unknown, string]>([
    [tags(16), "A key may have at most 15 tags; got 16."],
    [tags(40), "A key may have at most 15 tags; got 40."],
    [["a"], "tags must be a JSON object of strings."],
    ["a=b", "tags must be a JSON object of strings."],
    [{ a: 1 }, 'The value of tag "a" must be a string.'],
    [{ a: null }, 'The value of tag "a" must be a string.'],
    [{ "": "v" }, "Tag names must be 1 to 512 characters."],
    [{ ["n".repeat(513)]: "v" }, "Tag names must be 1 to 512 characters."],
    [{ a: "v".repeat(257) }, 'The value of tag "a" exceeds 256 characters.'],
  ])("refuses %j", (raw, message) => expectKvErrorSync(() => parseTags(raw), bad(message)));
});

describe("names and versions", () => {
  it.each(["a", "A", "0", "my-key", "-", "a".repeat(127), "Key-2024-01"])("name %j is valid", (name) => expect(checkName(name)).toBe(name));

  it.each(["", "a".repeat(128), "a_b", "a.b", "a b", "a/b", "ключ", "key!", "%41", 42, undefined, null])("name %j is refused", (name) => {
    expectKvErrorSync(
      () => checkName(name),
      bad(`The key name ${JSON.stringify(name)} is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.`),
    );
  });

  it("a version id is the 16 random bytes as 32 lowercase hex characters", () => {
    const seen: number[] = [];
    const id = newVersionId((n) => {
      seen.push(n);
      return Uint8Array.from({ length: n }, (_, i) => 0xf0 + i);
    });
    expect(seen).toEqual([16]);
    expect(id).toBe("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    expect(isVersionId(id)).toBe(true);
  });

  it.each(["F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF", "f0f1", "g".repeat(32), "0".repeat(33), ""])("%j is not a version id", (v) =>
    expect(isVersionId(v)).toBe(false),
  );
});

describe("key_ops", () => {
  it("defaults follow DESIGN.md", () => {
    expect(DEFAULT_OPS).toEqual({
      RSA: ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"],
      EC: ["sign", "verify"],
      oct: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
    });
    for (const [family, kty] of [
      ["RSA", "RSA"],
      ["RSA", "RSA-HSM"],
      ["EC", "EC"],
      ["EC", "EC-HSM"],
      ["oct", "oct"],
      ["oct", "oct-HSM"],
    ] as const) {
      const ops = resolveKeyOps(undefined, family, kty);
      expect(ops).toEqual(DEFAULT_OPS[family]);
      ops.push("x");
      expect(DEFAULT_OPS[family]).not.toContain("x");
    }
  });

  it.each<[unknown, "RSA" | "EC" | "oct", string, string[]]>([
    [["sign", "verify"], "RSA", "RSA", ["sign", "verify"]],
    [["sign", "sign", "verify"], "EC", "EC", ["sign", "verify"]],
    [["import"], "RSA", "RSA-HSM", ["import"]],
    [["import", "unwrapKey"], "RSA", "RSA-HSM", ["import", "unwrapKey"]],
    [[], "oct", "oct", []],
    [["wrapKey"], "oct", "oct-HSM", ["wrapKey"]],
  ])("%j on %s/%s -> %j", (req, family, kty, want) => expect(resolveKeyOps(req, family, kty)).toEqual(want));

  it.each<[unknown, "RSA" | "EC" | "oct", string, string]>([
    ["sign", "RSA", "RSA", "key_ops must be an array of operation names."],
    [{ 0: "sign" }, "RSA", "RSA", "key_ops must be an array of operation names."],
    [
      ["Sign"],
      "RSA",
      "RSA",
      'Invalid key operation "Sign"; valid operations are encrypt, decrypt, sign, verify, wrapKey, unwrapKey, import, export.',
    ],
    [
      ["wrapkey"],
      "oct",
      "oct",
      'Invalid key operation "wrapkey"; valid operations are encrypt, decrypt, sign, verify, wrapKey, unwrapKey, import, export.',
    ],
    [
      [1],
      "RSA",
      "RSA",
      "Invalid key operation 1; valid operations are encrypt, decrypt, sign, verify, wrapKey, unwrapKey, import, export.",
    ],
    [["import"], "RSA", "RSA", "The import operation is only allowed on RSA-HSM keys, as a key exchange key."],
    [["import"], "EC", "EC-HSM", "The import operation is only allowed on RSA-HSM keys, as a key exchange key."],
    [["import"], "oct", "oct-HSM", "The import operation is only allowed on RSA-HSM keys, as a key exchange key."],
    [["sign"], "oct", "oct", "Operation sign is not supported for key type oct."],
    [["encrypt"], "EC", "EC-HSM", "Operation encrypt is not supported for key type EC-HSM."],
    [["wrapKey"], "EC", "EC", "Operation wrapKey is not supported for key type EC."],
    [["export"], "RSA", "RSA", "Operation export is not supported for key type RSA."],
  ])("refuses %j on %s/%s", (req, family, kty, message) => expectKvErrorSync(() => resolveKeyOps(req, family, kty), bad(message)));
});

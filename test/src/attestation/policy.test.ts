// The key release policy grammar (learn.microsoft.com/azure/key-vault/keys/policy-grammar) and the
// policies the Azure SDKs' own tests create: what parses, what is refused, the canonical form Key
// Vault returns (a JS SDK recording: "version":"1.0" comes back as "1.0.0", members reordered to
// version, anyOf, authority, allOf), and evaluation against claims.
import { describe, expect, it } from "vitest";
import { AttestationError } from "../../../src/attestation/errors.js";
import { canonicalPolicy, parsePolicy, policyAllows } from "../../../src/attestation/policy.js";

const AUTH = "https://attest.example/";

// keyClient.spec.ts (JS SDK, Vault): equals is the string "true", the token claim is the boolean true.
const JS_SDK_POLICY = { anyOf: [{ allOf: [{ claim: "sdk-test", equals: "true" }], authority: AUTH }], version: "1.0.0" };
// The Python SDK's keys test helper: nested anyOf, equals the boolean true.
const PY_SDK_POLICY = { anyOf: [{ anyOf: [{ claim: "sdk-test", equals: true }], authority: AUTH }], version: "1.0.0" };

function refusal(json: unknown): string {
  try {
    parsePolicy(json);
  } catch (e) {
    expect(e).toBeInstanceOf(AttestationError);
    expect((e as AttestationError).kind).toBe("malformed");
    return (e as Error).message;
  }
  throw new Error("expected the policy to be refused");
}

describe("parse and canonical form", () => {
  it("the JS SDK's policy with version 1.0 comes back as the service returns it", () => {
    const p = parsePolicy({ ...JS_SDK_POLICY, version: "1.0" });
    expect(JSON.stringify(canonicalPolicy(p))).toBe(
      '{"version":"1.0.0","anyOf":[{"authority":"https://attest.example/","allOf":[{"claim":"sdk-test","equals":"true"}]}]}',
    );
  });

  it.each(["1.0", "1.0.0", "1.1", "1.1.0", "1.2", "1.2.0"])("version %s is accepted", (version) => {
    expect(parsePolicy({ ...PY_SDK_POLICY, version }).version).toBe(version.length === 3 ? `${version}.0` : version);
  });

  it("nested conditions and every operator of the grammar", () => {
    const p = parsePolicy({
      version: "1.2.0",
      anyOf: [
        {
          authority: AUTH,
          allOf: [
            {
              anyOf: [
                { claim: "a", notEquals: "x" },
                {
                  allOf: [
                    { claim: "b", greater: 1 },
                    { claim: "b", lessOrEquals: 5 },
                  ],
                },
              ],
            },
            { claim: "c", exists: true },
            { claim: "d", less: 10 },
            { claim: "d", greaterOrEquals: 2 },
          ],
        },
      ],
    });
    expect(p.anyOf[0]!.conditions).toHaveLength(4);
  });

  it.each([
    [[], "Key Release Policy: the policy must be a JSON object."],
    [{ anyOf: PY_SDK_POLICY.anyOf }, "Key Release Policy: missing 'version' property."],
    [{ ...PY_SDK_POLICY, version: "2.0.0" }, 'Key Release Policy: unsupported version "2.0.0"; use 1.0.0, 1.1.0 or 1.2.0.'],
    [{ ...PY_SDK_POLICY, version: 1 }, "Key Release Policy: unsupported version 1; use 1.0.0, 1.1.0 or 1.2.0."],
    [{ version: "1.0.0", anyOf: [] }, "Key Release Policy: 'anyOf' must be a non-empty array of authorities."],
    [{ version: "1.0.0", allOf: [] }, "Key Release Policy: unknown property 'allOf' at the top level."],
    [
      { version: "1.0.0", anyOf: [{ allOf: [{ claim: "x", equals: 1 }] }] },
      "Key Release Policy: anyOf[0].authority must be a non-empty string.",
    ],
    [
      { version: "1.0.0", anyOf: [{ authority: AUTH, allOf: [{ claim: "x", equals: 1 }], anyOf: [{ claim: "x", equals: 1 }] }] },
      "Key Release Policy: anyOf[0] must have exactly one of 'anyOf' and 'allOf'.",
    ],
    [
      { version: "1.0.0", anyOf: [{ authority: AUTH, allOf: [] }] },
      "Key Release Policy: anyOf[0].allOf must be a non-empty array of conditions.",
    ],
    [
      { version: "1.0.0", anyOf: [{ authority: AUTH, allOf: [{ claim: "x", matches: "y" }] }] },
      "Key Release Policy: anyOf[0].allOf[0] must have exactly one operator of equals, notEquals, less, lessOrEquals, greater, greaterOrEquals, exists.",
    ],
    [
      { version: "1.0.0", anyOf: [{ authority: AUTH, allOf: [{ claim: "x", equals: { a: 1 } }] }] },
      "Key Release Policy: the value of anyOf[0].allOf[0].equals must be a string, a number, true or false.",
    ],
    [
      // The 2021 preview's form, which the service no longer takes.
      { version: "1.0.0", anyOf: [{ authority: AUTH, anyOf: [{ claim: "sdk-test", condition: "equals", value: "true" }] }] },
      "Key Release Policy: anyOf[0].anyOf[0] must have exactly one operator of equals, notEquals, less, lessOrEquals, greater, greaterOrEquals, exists.",
    ],
  ])("refuses %j", (json, message) => {
    expect(refusal(json)).toBe(message);
  });
});

describe("evaluation", () => {
  const claims = { "sdk-test": true, level: 3, tee: { kind: "sevsnp", debug: false }, "x.dotted": "yes" };

  it("the SDKs' policies: the string 'true' and the boolean true both match a claim true", () => {
    expect(policyAllows(parsePolicy(JS_SDK_POLICY), AUTH, claims)).toBe(true);
    expect(policyAllows(parsePolicy(PY_SDK_POLICY), AUTH, claims)).toBe(true);
    expect(policyAllows(parsePolicy(JS_SDK_POLICY), AUTH, { "sdk-test": false })).toBe(false);
  });

  it("the authority must be the token's issuer (a trailing slash aside)", () => {
    const p = parsePolicy(PY_SDK_POLICY);
    expect(policyAllows(p, "https://attest.example", claims)).toBe(true);
    expect(policyAllows(p, "https://other.example/", claims)).toBe(false);
  });

  it("a missing claim fails its condition; dotted names reach into objects", () => {
    const cond = (c: object) => policyAllows(parsePolicy({ version: "1.0.0", anyOf: [{ authority: AUTH, allOf: [c] }] }), AUTH, claims);
    expect(cond({ claim: "nope", equals: "x" })).toBe(false);
    expect(cond({ claim: "nope", notEquals: "x" })).toBe(false);
    expect(cond({ claim: "tee.kind", equals: "sevsnp" })).toBe(true);
    expect(cond({ claim: "tee.debug", equals: false })).toBe(true);
    expect(cond({ claim: "x.dotted", equals: "yes" })).toBe(true);
    expect(cond({ claim: "tee", equals: "x" })).toBe(false); // an object is not a value
    expect(cond({ claim: "level", greater: 2 })).toBe(true);
    expect(cond({ claim: "level", less: 3 })).toBe(false);
    expect(cond({ claim: "level", lessOrEquals: 3 })).toBe(true);
    expect(cond({ claim: "level", greaterOrEquals: "4" })).toBe(false);
    expect(cond({ claim: "tee.kind", greater: 1 })).toBe(false); // not a number
    expect(cond({ claim: "level", exists: true })).toBe(true);
    expect(cond({ claim: "nope", exists: false })).toBe(true);
    expect(cond({ claim: "level", notEquals: 4 })).toBe(true);
  });

  it("anyOf needs one, allOf needs all, at every depth; any authority may match", () => {
    const yes = { claim: "level", equals: 3 };
    const no = { claim: "level", equals: 4 };
    const run = (policy: object) => policyAllows(parsePolicy(policy), AUTH, claims);
    expect(run({ version: "1.0.0", anyOf: [{ authority: AUTH, allOf: [yes, no] }] })).toBe(false);
    expect(run({ version: "1.0.0", anyOf: [{ authority: AUTH, anyOf: [no, yes] }] })).toBe(true);
    expect(run({ version: "1.0.0", anyOf: [{ authority: AUTH, allOf: [yes, { anyOf: [no, { allOf: [yes, yes] }] }] }] })).toBe(true);
    expect(run({ version: "1.0.0", anyOf: [{ authority: AUTH, allOf: [yes, { anyOf: [no, { allOf: [yes, no] }] }] }] })).toBe(false);
    expect(
      run({
        version: "1.0.0",
        anyOf: [
          { authority: "https://elsewhere/", allOf: [yes] },
          { authority: AUTH, allOf: [yes] },
        ],
      }),
    ).toBe(true);
  });
});

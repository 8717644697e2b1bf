// Private JWK import, the one path (src/jwk/parse.ts checks the shape, src/jwk/import.ts hands the key to
// the engine, whose core says why it refuses one). Keys come from node:crypto; every refusal is a 400
// BadParameter whose message names the member and the defect.
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm } from "../../../src/engine/index.js";
import { importParsedJwk } from "../../../src/jwk/import.js";
import { baseKty, parsePrivateJwk } from "../../../src/jwk/parse.js";
import { newHsm } from "../../helpers/hsm.js";
import type { JsonWebKey } from "../../../src/model/index.js";
import { jwkCall } from "../../../src/vault/errormap.js";
import { bad, expectKvErrorSync } from "../vault/fixture.js";
import { b64OfBig, bigOf, ecKey, octKey, rsaKey, withMembers } from "./keys.js";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";

const jwkBad = (m: string) => bad(`JSON Web Key: ${m}`);

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

/** The whole import path: the shape, then the engine and its core. */
function importJwk(jwk: unknown): void {
  hsm.destroy(importParsedJwk(hsm, parsePrivateJwk(jwk)));
}
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, "base64url"));

const rsa = rsaKey(2048);
const rsa2 = rsaKey(2048);
const curves = ["P-256", "P-256K", "P-384", "P-521"] as const;
const ec = Object.fromEntries(curves.map((c) => [c, ecKey(c)])) as Record<(typeof curves)[number], ReturnType<typeof ecKey>>;
const ORDER = {
  "P-256": p256.Point.CURVE().n,
  "P-256K": secp256k1.Point.CURVE().n,
  "P-384": p384.Point.CURVE().n,
  "P-521": p521.Point.CURVE().n,
};
const SIZE = { "P-256": 32, "P-256K": 32, "P-384": 48, "P-521": 66 };

describe("baseKty", () => {
  it.each([
    ["RSA", "RSA"],
    ["RSA-HSM", "RSA"],
    ["EC", "EC"],
    ["EC-HSM", "EC"],
    ["oct", "oct"],
    ["oct-HSM", "oct"],
    ["rsa", undefined],
    ["OCT", undefined],
    ["RSA-hsm", undefined],
    ["", undefined],
    [undefined, undefined],
    [1, undefined],
  ])("%s -> %s", (kty, family) => expect(baseKty(kty)).toBe(family));
});

describe("valid private JWKs", () => {
  it.each(["RSA", "RSA-HSM"])("RSA 2048 as %s: every member comes back as its bytes", (kty) => {
    const parsed = parsePrivateJwk({ ...rsa.jwk, kty });
    if (parsed.kty !== "RSA") throw new Error("not RSA");
    expect(parsed.bits).toBe(2048);
    for (const m of ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const) expect(parsed[m], m).toEqual(fromB64(rsa.jwk[m]!));
  });

  it("RSA 3072 and e = 3", () => {
    const k = rsaKey(3072, 3);
    const parsed = parsePrivateJwk(k.jwk);
    expect(parsed).toMatchObject({ kty: "RSA", bits: 3072 });
    if (parsed.kty === "RSA") expect(parsed.e).toEqual(new Uint8Array([3]));
  });

  it("a modulus with a leading zero byte (as some encoders emit it) is read as the same integer", () => {
    const n = Buffer.concat([Buffer.from([0]), Buffer.from(rsa.jwk.n!, "base64url")]).toString("base64url");
    const parsed = parsePrivateJwk({ ...rsa.jwk, n });
    if (parsed.kty !== "RSA") throw new Error("not RSA");
    expect(parsed.bits).toBe(2048);
    expect(parsed.n).toEqual(fromB64(rsa.jwk.n!));
  });

  it.each(
    curves.flatMap(
      (c) =>
        [
          [c, "EC"],
          [c, "EC-HSM"],
        ] as const,
    ),
  )("EC %s as %s", (crv, kty) => {
    const parsed = parsePrivateJwk({ ...ec[crv].jwk, kty });
    if (parsed.kty !== "EC") throw new Error("not EC");
    expect(parsed.curve.crv).toBe(crv);
    for (const m of ["x", "y", "d"] as const) expect(parsed[m], m).toEqual(fromB64(ec[crv].jwk[m]!));
  });

  it.each([
    [128, "oct"],
    [192, "oct"],
    [256, "oct"],
    [128, "oct-HSM"],
    [256, "oct-HSM"],
  ] as const)("oct %i bits as %s", (bits, kty) => {
    const { jwk, k } = octKey(bits);
    expect(parsePrivateJwk({ ...jwk, kty })).toEqual({ kty: "oct", bits, k: new Uint8Array(k) });
  });

  it("padded and standard-alphabet base64 is tolerated", () => {
    const k = Buffer.from("fbff00ff112233445566778899aabbcc", "hex");
    const parsed = parsePrivateJwk({ kty: "oct", k: k.toString("base64") });
    expect(parsed).toEqual({ kty: "oct", bits: 128, k: new Uint8Array(k) });
  });
});

describe("refusals", () => {
  const cases: [string, unknown, string][] = [
    ["null", null, "the key must be a JSON object"],
    ["an array", [rsa.jwk], "the key must be a JSON object"],
    ["a string", "RSA", "the key must be a JSON object"],
    ["no kty", withMembers(rsa.jwk, { kty: undefined }), "missing member 'kty'"],
    ["an unknown kty", { ...rsa.jwk, kty: "RSA-X" }, 'unsupported kty "RSA-X"; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM'],
    ["a lowercase kty", { ...rsa.jwk, kty: "rsa" }, 'unsupported kty "rsa"; use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM'],

    // RSA: missing members
    ...(["n", "e", "p", "q", "dp", "dq", "qi"] as const).map((m): [string, unknown, string] => [
      `RSA without ${m}`,
      withMembers(rsa.jwk, { [m]: undefined }),
      `missing member '${m}'`,
    ]),
    ...(["n", "q", "qi"] as const).map((m): [string, unknown, string] => [
      `RSA with an empty ${m}`,
      withMembers(rsa.jwk, { [m]: "" }),
      `missing member '${m}'`,
    ]),
    ["RSA without d (a public key)", withMembers(rsa.jwk, { d: undefined }), "an RSA key for import must be private: missing member 'd'"],
    // RSA: bad base64url
    ...(["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const).map((m): [string, unknown, string] => [
      `RSA with ${m} not base64url`,
      withMembers(rsa.jwk, { [m]: "AQ$B" }),
      `member '${m}' is not valid base64url`,
    ]),
    ["RSA with n of 4k+1 characters", withMembers(rsa.jwk, { n: "AAAAA" }), "member 'n' is not valid base64url"],
    ["RSA with n a number", withMembers(rsa.jwk, { n: 65537 }), "member 'n' must be a base64url string"],
    ["RSA with d an array", withMembers(rsa.jwk, { d: ["x"] }), "member 'd' must be a base64url string"],
    // RSA: sizes
    ["RSA 1024", rsaKey(1024).jwk, "RSA modulus of 1024 bits is not supported; Key Vault accepts 2048, 3072 or 4096 bits"],
    ["RSA with e = 2", withMembers(rsa.jwk, { e: "Ag" }), "'e' must be an odd public exponent from 3 to 2^32-1"],
    ["RSA with e = 1", withMembers(rsa.jwk, { e: "AQ" }), "'e' must be an odd public exponent from 3 to 2^32-1"],
    ["RSA with e = 2^32 + 1", withMembers(rsa.jwk, { e: b64OfBig(2n ** 32n + 1n) }), "'e' must be an odd public exponent from 3 to 2^32-1"],
    // RSA: parts that disagree
    ["RSA with another key's p", withMembers(rsa.jwk, { p: rsa2.jwk.p }), "'p' times 'q' does not equal 'n'"],
    ["RSA with another key's n", withMembers(rsa.jwk, { n: rsa2.jwk.n }), "'p' times 'q' does not equal 'n'"],
    ["RSA with d + 2", withMembers(rsa.jwk, { d: b64OfBig(bigOf(rsa.jwk.d!) + 2n) }), "'d' is not the inverse of 'e' modulo lcm(p-1, q-1)"],
    ["RSA with d = n + 1", withMembers(rsa.jwk, { d: b64OfBig(bigOf(rsa.jwk.n!) + 1n) }), "'d' is out of range"],
    ["RSA with e = 3 but 65537's d", withMembers(rsa.jwk, { e: "Aw" }), "'d' is not the inverse of 'e' modulo lcm(p-1, q-1)"],
    ["RSA with dp + 1", withMembers(rsa.jwk, { dp: b64OfBig(bigOf(rsa.jwk.dp!) + 1n) }), "'dp' does not equal d mod (p-1)"],
    ["RSA with dq and dp swapped", withMembers(rsa.jwk, { dp: rsa.jwk.dq, dq: rsa.jwk.dp }), "'dp' does not equal d mod (p-1)"],
    ["RSA with dq + 1", withMembers(rsa.jwk, { dq: b64OfBig(bigOf(rsa.jwk.dq!) + 1n) }), "'dq' does not equal d mod (q-1)"],
    ["RSA with qi + 1", withMembers(rsa.jwk, { qi: b64OfBig(bigOf(rsa.jwk.qi!) + 1n) }), "'qi' is not the inverse of q modulo p"],
    ["RSA with qi = 0", withMembers(rsa.jwk, { qi: "AA" }), "'qi' is not the inverse of q modulo p"],
    [
      "RSA with p and q swapped",
      withMembers(rsa.jwk, { p: rsa.jwk.q, q: rsa.jwk.p, dp: rsa.jwk.dq, dq: rsa.jwk.dp }),
      "'qi' is not the inverse of q modulo p",
    ],

    // EC
    ["EC without crv", withMembers(ec["P-256"].jwk, { crv: undefined }), "missing member 'crv'"],
    ["EC on an unknown curve", { ...ec["P-256"].jwk, crv: "secp256k1" }, 'unsupported crv "secp256k1"; use P-256, P-256K, P-384 or P-521'],
    ...(["x", "y"] as const).map((m): [string, unknown, string] => [
      `EC without ${m}`,
      withMembers(ec["P-256"].jwk, { [m]: undefined }),
      `missing member '${m}'`,
    ]),
    [
      "EC without d (a public key)",
      withMembers(ec["P-384"].jwk, { d: undefined }),
      "an EC key for import must be private: missing member 'd'",
    ],
    ...(["x", "y", "d"] as const).map((m): [string, unknown, string] => [
      `EC with ${m} not base64url`,
      withMembers(ec["P-256"].jwk, { [m]: "a b" }),
      `member '${m}' is not valid base64url`,
    ]),
    ...curves.flatMap((crv) =>
      (["x", "y", "d"] as const).flatMap((m): [string, unknown, string][] => {
        const raw = Buffer.from(ec[crv].jwk[m]!, "base64url");
        return [
          [
            `${crv} with ${m} one byte short`,
            withMembers(ec[crv].jwk, { [m]: raw.subarray(1).toString("base64url") }),
            `'${m}' must be ${SIZE[crv]} bytes for ${crv}, got ${SIZE[crv] - 1}`,
          ],
          [
            `${crv} with ${m} one byte long`,
            withMembers(ec[crv].jwk, { [m]: Buffer.concat([Buffer.from([0]), raw]).toString("base64url") }),
            `'${m}' must be ${SIZE[crv]} bytes for ${crv}, got ${SIZE[crv] + 1}`,
          ],
        ];
      }),
    ),
    ...curves.map((crv): [string, unknown, string] => [
      `${crv} with y + 1 (off the curve)`,
      withMembers(ec[crv].jwk, { y: b64OfBig(bigOf(ec[crv].jwk.y!) + 1n, SIZE[crv]) }),
      `the point (x, y) is not on ${crv}`,
    ]),
    ["P-256 with another curve's point", { ...ec["P-256K"].jwk, crv: "P-256" }, "the point (x, y) is not on P-256"],
    ...curves.flatMap((crv): [string, unknown, string][] => [
      [`${crv} with d = 0`, withMembers(ec[crv].jwk, { d: b64OfBig(0n, SIZE[crv]) }), `'d' is out of range for ${crv}`],
      [`${crv} with d = order`, withMembers(ec[crv].jwk, { d: b64OfBig(ORDER[crv], SIZE[crv]) }), `'d' is out of range for ${crv}`],
      [`${crv} with another key's d`, withMembers(ec[crv].jwk, { d: ecKey(crv).jwk.d }), "'d' does not match the public point (x, y)"],
    ]),

    // oct
    ["oct without k", { kty: "oct" }, "missing member 'k'"],
    ["oct with an empty k", { kty: "oct", k: "" }, "missing member 'k'"],
    ["oct with k not base64url", { kty: "oct", k: "AAAA*AAA" }, "member 'k' is not valid base64url"],
    ["oct of 64 bits", octKey(64).jwk, "an oct key of 64 bits is not supported; use 128, 192 or 256 bits"],
    ["oct of 136 bits", octKey(136).jwk, "an oct key of 136 bits is not supported; use 128, 192 or 256 bits"],
    ["oct of 512 bits", octKey(512).jwk, "an oct key of 512 bits is not supported; use 128, 192 or 256 bits"],
  ];

  it.each(cases)("%s", (_what, jwk, message) => {
    expectKvErrorSync(() => jwkCall(() => importJwk(jwk as JsonWebKey)), jwkBad(message));
    expect(hsm.keyCount()).toBe(0);
  });
});

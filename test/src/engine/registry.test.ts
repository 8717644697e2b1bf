// src/engine/registry.ts, the one table of algorithms and curves, against facts from elsewhere:
// digest lengths from node:crypto, curve sizes from @noble/curves, and what the engine actually does.
import { createHash } from "node:crypto";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ALGORITHMS,
  ALL_ALGORITHMS,
  CURVE_OF_ALG,
  CURVES,
  DIGEST_LENGTH,
  type Hsm,
  type KeyHandle,
  aesBitsOf,
  algorithmsFor,
  curveInfo,
} from "../../../src/engine/index.js";
import { newHsm } from "../../helpers/hsm.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

// Key Vault's names (REST reference: JsonWebKeyEncryptionAlgorithm, JsonWebKeySignatureAlgorithm), the ones DESIGN.md lists.
const KEY_VAULT = {
  RSA: ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"],
  EC: ["ES256", "ES256K", "ES384", "ES512"],
  oct: ["KW", "GCM", "CBC", "CBCPAD"].flatMap((m) => [128, 192, 256].map((b) => `A${b}${m}`)),
};

describe("the algorithm registry", () => {
  it("holds exactly Key Vault's algorithms, each in its family", () => {
    expect([...ALL_ALGORITHMS].sort()).toEqual(Object.values(KEY_VAULT).flat().sort());
    for (const [family, names] of Object.entries(KEY_VAULT)) for (const n of names) expect(ALGORITHMS[n]!.family, n).toBe(family);
  });

  it("digest lengths are node:crypto's", () => {
    const node: Record<string, string> = { 256: "sha256", 384: "sha384", 512: "sha512" };
    for (const [alg, len] of Object.entries(DIGEST_LENGTH)) {
      const bits = /(256|384|512)/.exec(alg)![1]!;
      expect(len, alg).toBe(createHash(node[bits]!).digest().length);
    }
    expect(Object.keys(DIGEST_LENGTH).sort()).toEqual([...KEY_VAULT.EC, ...KEY_VAULT.RSA.filter((a) => /^[RP]S\d/.test(a))].sort());
  });

  it("operations: signatures sign and verify; RSA ciphers do all four; AES KW wraps; the others encrypt", () => {
    expect(algorithmsFor("EC", "sign")).toEqual(KEY_VAULT.EC);
    expect(algorithmsFor("EC", "encrypt")).toEqual([]);
    for (const op of ["encrypt", "decrypt", "wrapKey", "unwrapKey"] as const)
      expect(algorithmsFor("RSA", op)).toEqual(["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"]);
    expect(algorithmsFor("oct", "wrapKey").sort()).toEqual(["A128KW", "A192KW", "A256KW"]);
    expect(algorithmsFor("oct", "encrypt")).toHaveLength(9);
    expect(aesBitsOf("A192CBCPAD")).toBe(192);
    expect(aesBitsOf("RS256")).toBeUndefined();
    expect(aesBitsOf("toString")).toBeUndefined();
  });

  it("every algorithm is served by the engine for each operation the registry lists", () => {
    const keys: Record<string, KeyHandle> = {
      RSA: hsm.generateRsa(2048),
      "P-256": hsm.generateEc("P-256"),
      "P-256K": hsm.generateEc("P-256K"),
      "P-384": hsm.generateEc("P-384"),
      "P-521": hsm.generateEc("P-521"),
      128: hsm.generateOct(128),
      192: hsm.generateOct(192),
      256: hsm.generateOct(256),
    };
    for (const a of Object.values(ALGORITHMS)) {
      const h = keys[a.family === "RSA" ? "RSA" : a.family === "EC" ? a.curve! : String(a.aesBits)]!;
      if (a.ops.includes("sign")) {
        const digest = new Uint8Array(a.digestLength!).fill(1);
        expect(hsm.verify(h, a.name, digest, hsm.sign(h, a.name, digest)), a.name).toBe(true);
      }
      if (a.ops.includes("wrapKey"))
        expect(hsm.unwrapKey(h, a.name, hsm.wrapKey(h, a.name, new Uint8Array(16).fill(2))), a.name).toEqual(new Uint8Array(16).fill(2));
      if (a.ops.includes("encrypt")) {
        const r = hsm.encrypt(h, a.name, new Uint8Array(32).fill(3));
        expect(hsm.decrypt(h, a.name, r.ciphertext, { ...(r.iv ? { iv: r.iv } : {}), ...(r.tag ? { tag: r.tag } : {}) }), a.name).toEqual(
          new Uint8Array(32).fill(3),
        );
      }
    }
    for (const h of Object.values(keys)) hsm.destroy(h);
  });
});

describe("the curve registry", () => {
  const noble = { "P-256": p256, "P-256K": secp256k1, "P-384": p384, "P-521": p521 };
  it.each(Object.entries(noble))("%s: sizes from @noble/curves, its ECDSA algorithm, and the core's id", (crv, c) => {
    const info = curveInfo(crv)!;
    const p = c.Point.CURVE().p;
    expect(info.bits).toBe(p.toString(2).length);
    expect(info.size).toBe(Math.ceil(p.toString(2).length / 8));
    expect(CURVE_OF_ALG[info.alg]).toBe(crv);
    const h = hsm.generateEc(crv as keyof typeof noble);
    expect(hsm.ecCurve(h)).toBe(crv); // the engine maps the core's id back to this name
    expect(hsm.keyInfo(h).bits).toBe(info.bits);
    hsm.destroy(h);
  });

  it("has exactly Key Vault's four curves, and nothing inherited", () => {
    expect(Object.keys(CURVES).sort()).toEqual(["P-256", "P-256K", "P-384", "P-521"]);
    expect(curveInfo("toString")).toBeUndefined();
    expect(curveInfo("secp256k1")).toBeUndefined();
  });
});

// EC key generation, JWK import and export: valid keys agree with @noble/curves and
// node:crypto; every inconsistent or malformed key is refused with a clear error.
import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm } from "../../../src/engine/index.js";
import type { EcPublicJwk } from "../../../src/engine/ec.js";
import { newHsm } from "../../helpers/hsm.js";
import { b64url, bigToBytes, bytesToBig, CURVES, fromB64url, sec1FromJwk } from "../../helpers/ec.js";

let hsm: Hsm;
beforeAll(async () => {
  hsm = await newHsm();
});

const code = (c: string) => expect.objectContaining({ code: c });

for (const c of CURVES) {
  describe(c.crv, () => {
    const jwkFor = (d: bigint) => {
      const pub = c.noble.getPublicKey(bigToBytes(d, c.len), false);
      return {
        kty: "EC",
        crv: c.crv,
        x: b64url(pub.subarray(1, 1 + c.len)),
        y: b64url(pub.subarray(1 + c.len)),
        d: b64url(bigToBytes(d, c.len)),
      };
    };

    it("generateEc: a key of the right kind and size whose public point is on the curve", () => {
      const keys = Array.from({ length: 4 }, () => hsm.generateEc(c.crv));
      const xs = new Set<string>();
      for (const k of keys) {
        expect(hsm.keyInfo(k)).toEqual({ kind: "ec", bits: c.crv === "P-384" ? 384 : c.crv === "P-521" ? 521 : 256 });
        expect(hsm.ecCurve(k)).toBe(c.crv);
        const jwk = hsm.publicJwk(k) as EcPublicJwk;
        expect(jwk.kty).toBe("EC");
        expect(jwk.crv).toBe(c.crv);
        expect(fromB64url(jwk.x).length).toBe(c.len);
        expect(() => c.noble.Point.fromBytes(sec1FromJwk(jwk)).assertValidity()).not.toThrow();
        xs.add(jwk.x);
        hsm.destroy(k);
      }
      expect(xs.size).toBe(4);
    });

    it("importEc of d = 1, 2, n - 1 and random d: the core's d G equals @noble/curves'", () => {
      const random = bytesToBig(c.noble.utils.randomSecretKey());
      for (const d of [1n, 2n, 3n, c.n - 1n, c.n - 2n, (c.n >> 1n) + 1n, random]) {
        const jwk = jwkFor(d);
        const k = hsm.importEc(jwk);
        expect(hsm.publicJwk(k)).toEqual({ kty: "EC", crv: c.crv, x: jwk.x, y: jwk.y });
        hsm.destroy(k);
      }
    });

    it("importEc refuses d out of range, a d that does not match (x, y), and points off the curve", () => {
      const good = jwkFor(12345n);
      const other = jwkFor(54321n);
      const bad = [
        { ...good, d: b64url(bigToBytes(0n, c.len)) },
        { ...good, d: b64url(bigToBytes(c.n, c.len)) },
        { ...good, d: b64url(bigToBytes(c.n + 12345n, c.len)) },
        { ...good, d: other.d },
        { ...good, y: other.y },
        { ...good, x: b64url(bigToBytes(c.p, c.len)), d: good.d },
        { ...good, y: b64url(bigToBytes(c.p - bytesToBig(fromB64url(good.y)), c.len)) }, // -Q: on the curve, but not d G
      ];
      for (const jwk of bad) expect(() => hsm.importEc(jwk)).toThrow(code("INVALID_KEY"));
      // Each refusal says why (assembly/keys/refusals.ts), in the core's words.
      const why = [
        `'d' is out of range for ${c.crv}`,
        `'d' is out of range for ${c.crv}`,
        `'d' is out of range for ${c.crv}`,
        "'d' does not match the public point (x, y)",
        `the point (x, y) is not on ${c.crv}`,
        `the point (x, y) is not on ${c.crv}`,
        "'d' does not match the public point (x, y)",
      ];
      bad.forEach((jwk, i) => expect(() => hsm.importEc(jwk), `bad[${i}]`).toThrow(`importEc: ${why[i]}`));
      expect(hsm.keyCount()).toBe(0);
    });

    it("importEcPublic accepts points on the curve and refuses others", () => {
      const good = jwkFor(777n);
      const k = hsm.importEcPublic({ crv: c.crv, x: good.x, y: good.y });
      expect(hsm.keyInfo(k).kind).toBe("ecPublic");
      expect(hsm.publicJwk(k)).toEqual({ kty: "EC", crv: c.crv, x: good.x, y: good.y });
      hsm.destroy(k);
      const y = bytesToBig(fromB64url(good.y));
      for (const [x, yy] of [
        [good.x, b64url(bigToBytes((y + 1n) % c.p, c.len))],
        [b64url(bigToBytes(0n, c.len)), b64url(bigToBytes(0n, c.len))],
        [good.x, b64url(bigToBytes(y + c.p < 256n ** BigInt(c.len) ? y + c.p : c.p, c.len))],
      ]) {
        expect(() => hsm.importEcPublic({ crv: c.crv, x: x!, y: yy! })).toThrow(code("INVALID_KEY"));
      }
    });

    it("malformed JWKs get BAD_PARAMETER with a message naming the problem", () => {
      const good = jwkFor(99n);
      const short = b64url(fromB64url(good.x).subarray(1));
      expect(() => hsm.importEc({ ...good, x: short })).toThrow(`importEc: JWK member x must be ${c.len} bytes for ${c.crv}`);
      expect(() => hsm.importEc({ ...good, d: `${good.d}=` })).toThrow(code("BAD_PARAMETER"));
      expect(() => hsm.importEc({ ...good, y: "not base64url!" })).toThrow(code("BAD_PARAMETER"));
      expect(() => hsm.importEc({ ...good, kty: "RSA" })).toThrow("kty must be EC or EC-HSM");
      expect(() => hsm.importEc({ ...good, d: undefined })).toThrow("the JWK has no d");
      expect(hsm.keyCount()).toBe(0);
    });
  });
}

describe("curve names", () => {
  it("unknown curves are refused", () => {
    expect(() => hsm.generateEc("P-224" as never)).toThrow('generateEc: unknown curve "P-224"');
    expect(() => hsm.importEc({ crv: "secp256k1", x: "", y: "", d: "" })).toThrow(code("BAD_PARAMETER"));
  });

  it("EC-HSM is accepted as kty, and node's JWK for secp256k1 maps to P-256K", () => {
    const pair = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
    const jwk = pair.privateKey.export({ format: "jwk" });
    const k = hsm.importEc({ kty: "EC-HSM", crv: "P-256K", x: jwk.x!, y: jwk.y!, d: jwk.d! });
    expect(hsm.publicJwk(k).crv).toBe("P-256K");
    hsm.destroy(k);
  });

  it("publicJwk of a destroyed key is refused", () => {
    const k = hsm.generateEc("P-256");
    hsm.destroy(k);
    expect(() => hsm.publicJwk(k)).toThrow(code("BAD_HANDLE"));
  });
});

// The core's one clear export (key_export_pkcs8, for exportable certificates' secrets): the PKCS#8 of
// a key made exportable, read by node:crypto as the same key (public part, parts that agree, the same
// signatures); every other key is refused with a status, never exported.
import { createHash, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm, KeyHandle } from "../../../src/engine/index.js";
import { errorCode, newHsm } from "../../helpers/hsm.js";
import { pkcs8Key, rsaPartsAgree } from "../../helpers/release.js";

let hsm: Hsm;
/** One security domain per instance, for life. */
let domain: KeyHandle;
beforeAll(async () => {
  hsm = await newHsm();
  domain = hsm.generateSealingKey();
});

function exportable(make: () => KeyHandle): KeyHandle {
  const h = make();
  hsm.makeExportable(h);
  return h;
}

describe("the PKCS#8 of an exportable key", () => {
  it("RSA, generated: node reads the same key; its parts agree; it signs as the HSM does (RS256 is deterministic)", () => {
    const h = exportable(() => hsm.generateRsa(2048));
    const key = pkcs8Key(Buffer.from(hsm.exportPkcs8(h)));
    const jwk = key.export({ format: "jwk" });
    const pub = hsm.publicJwk(h);
    expect([jwk.n, jwk.e]).toEqual([pub.n, pub.e]);
    expect(rsaPartsAgree(jwk)).toBe(true);
    const digest = createHash("sha256").update("exported").digest();
    expect(Buffer.from(hsm.sign(h, "RS256", digest))).toEqual(nodeSign("sha256", Buffer.from("exported"), key));
  });

  it("RSA, imported from node:crypto: every part but d is the original's (d is rebuilt as e^-1 mod (p-1)(q-1))", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const j = privateKey.export({ format: "jwk" });
    const h = exportable(() => hsm.importRsa({ n: j.n!, e: j.e!, d: j.d!, p: j.p!, q: j.q!, dp: j.dp!, dq: j.dq!, qi: j.qi! }));
    const back = pkcs8Key(Buffer.from(hsm.exportPkcs8(h))).export({ format: "jwk" });
    expect({ ...back, d: undefined }).toEqual({ ...j, d: undefined });
    expect(rsaPartsAgree(back)).toBe(true);
  });

  it.each(["P-256", "P-256K", "P-384", "P-521"] as const)("EC %s: node reads the same key, whose public point is the HSM's", (crv) => {
    const h = exportable(() => hsm.generateEc(crv));
    const jwk = pkcs8Key(Buffer.from(hsm.exportPkcs8(h))).export({ format: "jwk" });
    const pub = hsm.publicJwk(h);
    expect([jwk.x, jwk.y]).toEqual([pub.x, pub.y]);
    expect(jwk.crv).toBe(crv === "P-256K" ? "secp256k1" : crv);
  });

  it("the flag travels with the sealed key: unsealed, an exportable key still exports and another still does not", () => {
    const yes = exportable(() => hsm.generateEc("P-256"));
    const no = hsm.generateEc("P-256");
    const yes2 = hsm.unseal(domain, hsm.seal(domain, yes));
    const no2 = hsm.unseal(domain, hsm.seal(domain, no));
    expect(pkcs8Key(Buffer.from(hsm.exportPkcs8(yes2))).export({ format: "jwk" }).d).toBe(
      pkcs8Key(Buffer.from(hsm.exportPkcs8(yes))).export({ format: "jwk" }).d,
    );
    expect(errorCode(() => hsm.exportPkcs8(no2))).toBe("NOT_EXPORTABLE");
  });
});

describe("every other key is refused with a status", () => {
  it("a key not made exportable (RSA, EC): NOT_EXPORTABLE", () => {
    expect(errorCode(() => hsm.exportPkcs8(hsm.generateRsa(2048)))).toBe("NOT_EXPORTABLE");
    expect(errorCode(() => hsm.exportPkcs8(hsm.generateEc("P-384")))).toBe("NOT_EXPORTABLE");
  });

  it("an exportable oct key (released only wrapped, never as PKCS#8), public keys: WRONG_KEY_KIND", () => {
    expect(errorCode(() => hsm.exportPkcs8(exportable(() => hsm.generateOct(256))))).toBe("WRONG_KEY_KIND");
    const pub = hsm.publicJwk(hsm.generateRsa(2048));
    expect(errorCode(() => hsm.exportPkcs8(hsm.importRsaPublic({ n: pub.n!, e: pub.e! })))).toBe("WRONG_KEY_KIND");
  });

  it("a destroyed or made-up handle: BAD_HANDLE; a key made exportable after its first seal cannot be", () => {
    const h = exportable(() => hsm.generateEc("P-256"));
    hsm.destroy(h);
    expect(errorCode(() => hsm.exportPkcs8(h))).toBe("BAD_HANDLE");
    expect(errorCode(() => hsm.exportPkcs8(0x7654321 as KeyHandle))).toBe("BAD_HANDLE");
    const later = hsm.unseal(domain, hsm.seal(domain, hsm.generateEc("P-256")));
    expect(errorCode(() => hsm.makeExportable(later))).toBe("BAD_PARAMETER");
    expect(errorCode(() => hsm.exportPkcs8(later))).toBe("NOT_EXPORTABLE");
  });
});

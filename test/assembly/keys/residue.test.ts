// Private material handed to the core on import does not stay in the input buffer afterwards.
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { inputContains, rawCore } from "../../helpers/raw.js";

const b = (s: string) => Buffer.from(s, "base64url");

describe("import wipes its input", () => {
  it("EC: d is gone from IN after ec_import_private", async () => {
    const core = await rawCore();
    const jwk = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "jwk" });
    const input = Buffer.concat([b(jwk.x!), b(jwk.y!), b(jwk.d!)]);
    core.write(input);
    expect(core.exports.ec_import_private(1, input.length)).toBeGreaterThan(0);
    expect(inputContains(core, b(jwk.d!))).toBe(false);
  });

  it("RSA: d, p, q, dp, dq and qi are gone from IN after rsa_import", async () => {
    const core = await rawCore();
    const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
    const parts = [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map((v) => b(v!));
    core.write(Buffer.concat(parts));
    expect(core.exports.rsa_import(...parts.map((p) => p.length))).toBeGreaterThan(0);
    for (const secret of parts.slice(2)) expect(inputContains(core, secret)).toBe(false);
  });

  it("the domain secret is gone from IN after seal_domain_export and seal_domain_import", async () => {
    const core = await rawCore();
    const secret = Buffer.from("a domain secret that must not linger in memory");
    const h = core.exports.seal_domain_generate();
    core.write(secret);
    const n = core.exports.seal_domain_export(h, secret.length);
    expect(n).toBeGreaterThan(0);
    expect(inputContains(core, secret)).toBe(false);
    const blob = core.read(n);
    core.write(Buffer.concat([secret, blob]));
    expect(core.exports.seal_domain_import(secret.length, blob.length)).toBe(h);
    expect(inputContains(core, secret)).toBe(false);
  });
});

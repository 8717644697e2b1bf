// The operation rules of Key Vault (DESIGN.md): key_ops (403), disabled (403), the nbf/exp window
// (403 for encrypt, wrapKey and sign only), algorithms that do not suit the key (400), digest lengths (400).
import * as nc from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Vault } from "../../../src/vault/index.js";
import { ecKey, octKey, rsaKey } from "../jwk/keys.js";
import { DAY, T0, b64u, bad, ctx, expectKvError, notFound, opForbidden, openVault, type Fixture } from "./fixture.js";
import { DIGEST_LEN, nodeEncrypt, nodePublicKey, signOptions, aesKw, HASH_OF } from "./node-check.js";

type Op = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey" | "sign" | "verify";
const OPS: Op[] = ["encrypt", "decrypt", "wrapKey", "unwrapKey", "sign", "verify"];

let f: Fixture;
const rsa = rsaKey(2048);
const ec256 = ecKey("P-256");
const oct = octKey(256);
const oct128 = octKey(128);

/** A valid request of each operation for each key, built with node:crypto, so that only the rule under test can fail. */
function validCall(vault: Vault, name: string, family: "RSA" | "EC" | "oct", op: Op, version?: string): Promise<unknown> {
  if (family === "EC") {
    const digest = nc.randomBytes(32);
    if (op === "sign") return vault.keys.sign(name, version, { alg: "ES256", value: b64u(digest) }, ctx);
    return vault.keys.verify(name, version, { alg: "ES256", digest: b64u(digest), value: b64u(Buffer.alloc(64, 1)) }, ctx);
  }
  if (family === "RSA") {
    const data = nc.randomBytes(32);
    const ct = b64u(nodeEncrypt("RSA-OAEP", rsa.publicKey, data));
    switch (op) {
      case "encrypt":
        return vault.keys.encrypt(name, version, { alg: "RSA-OAEP", value: b64u(data) }, ctx);
      case "decrypt":
        return vault.keys.decrypt(name, version, { alg: "RSA-OAEP", value: ct }, ctx);
      case "wrapKey":
        return vault.keys.wrapKey(name, version, { alg: "RSA-OAEP", value: b64u(data) }, ctx);
      case "unwrapKey":
        return vault.keys.unwrapKey(name, version, { alg: "RSA-OAEP", value: ct }, ctx);
      case "sign":
        return vault.keys.sign(name, version, { alg: "RS256", value: b64u(data) }, ctx);
      case "verify":
        return vault.keys.verify(
          name,
          version,
          { alg: "RS256", digest: b64u(data), value: b64u(nc.sign("sha256", data, rsa.privateKey)) },
          ctx,
        );
    }
  }
  const data = nc.randomBytes(32);
  const iv = nc.randomBytes(16);
  const c = nc.createCipheriv("aes-256-cbc", oct.k, iv);
  const ct = Buffer.concat([c.update(data), c.final()]);
  switch (op) {
    case "encrypt":
      return vault.keys.encrypt(name, version, { alg: "A256CBCPAD", value: b64u(data) }, ctx);
    case "decrypt":
      return vault.keys.decrypt(name, version, { alg: "A256CBCPAD", value: b64u(ct), iv: b64u(iv) }, ctx);
    case "wrapKey":
      return vault.keys.wrapKey(name, version, { alg: "A256KW", value: b64u(data) }, ctx);
    case "unwrapKey":
      return vault.keys.unwrapKey(name, version, { alg: "A256KW", value: b64u(aesKw(oct.k, data)) }, ctx);
    default:
      throw new Error(`no ${op} on oct`);
  }
}

const FAMILY_OPS: Record<"RSA" | "EC" | "oct", Op[]> = {
  RSA: OPS,
  EC: ["sign", "verify"],
  oct: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
};
const JWK = { RSA: rsa.jwk, EC: ec256.jwk, oct: oct.jwk };

beforeAll(async () => {
  f = await openVault();
  for (const family of ["RSA", "EC", "oct"] as const) await f.vault.keys.importKey(`plain-${family}`, { key: JWK[family] }, ctx);
  await f.vault.keys.importKey("aes-128", { key: oct128.jwk }, ctx);
  await f.vault.keys.importKey("p384", { key: ecKey("P-384").jwk }, ctx);
});

describe("every operation works on a key that allows it (the baseline of the tables below)", () => {
  it.each((["RSA", "EC", "oct"] as const).flatMap((family) => FAMILY_OPS[family].map((op) => [family, op] as const)))(
    "%s %s",
    async (family, op) => {
      await expect(validCall(f.vault, `plain-${family}`, family, op)).resolves.toBeTruthy();
    },
  );
});

describe("key_ops: an operation the key does not allow gets 403", () => {
  const cases = (["RSA", "EC", "oct"] as const).flatMap((family) =>
    FAMILY_OPS[family].map((op) => [family, op, FAMILY_OPS[family].filter((o) => o !== op)] as const),
  );
  beforeAll(async () => {
    for (const [family, op, allowed] of cases)
      await f.vault.keys.importKey(`no-${op}-${family}`, { key: { ...JWK[family], key_ops: allowed } }, ctx);
  });

  it.each(cases)("%s without %s", async (family, op, allowed) => {
    await expectKvError(validCall(f.vault, `no-${op}-${family}`, family, op), opForbidden(op));
    // The operations the key does allow still work.
    for (const other of allowed) await expect(validCall(f.vault, `no-${op}-${family}`, family, other)).resolves.toBeTruthy();
  });

  it("updateKey that removes an operation forbids it from then on, and adding it back allows it", async () => {
    await f.vault.keys.importKey("ops-toggle", { key: rsa.jwk }, ctx);
    await f.vault.keys.updateKey("ops-toggle", undefined, { key_ops: ["verify"] }, ctx);
    await expectKvError(validCall(f.vault, "ops-toggle", "RSA", "sign"), opForbidden("sign"));
    await f.vault.keys.updateKey("ops-toggle", undefined, { key_ops: ["sign", "verify"] }, ctx);
    await expect(validCall(f.vault, "ops-toggle", "RSA", "sign")).resolves.toBeTruthy();
  });

  it("an empty key_ops forbids everything", async () => {
    await f.vault.keys.importKey("no-ops", { key: { ...rsa.jwk, key_ops: [] } }, ctx);
    for (const op of OPS) await expectKvError(validCall(f.vault, "no-ops", "RSA", op), opForbidden(op));
  });
});

describe("a disabled key gets 403 for every operation", () => {
  const cases = (["RSA", "EC", "oct"] as const).flatMap((family) => FAMILY_OPS[family].map((op) => [family, op] as const));
  beforeAll(async () => {
    for (const family of ["RSA", "EC", "oct"] as const)
      await f.vault.keys.importKey(`disabled-${family}`, { key: JWK[family], attributes: { enabled: false } }, ctx);
  });

  it.each(cases)("%s %s", async (family, op) => {
    await expectKvError(validCall(f.vault, `disabled-${family}`, family, op), {
      status: 403,
      code: "Forbidden",
      message: `Operation ${op} is not allowed on a disabled key.`,
    });
  });

  it("only the disabled version is refused; the other versions still work, and enabling it again allows it", async () => {
    const v1 = (await f.vault.keys.importKey("half-disabled", { key: oct.jwk }, ctx)).key.kid!.split("/").at(-1)!;
    const v2 = (await f.vault.keys.importKey("half-disabled", { key: oct.jwk, attributes: { enabled: false } }, ctx)).key
      .kid!.split("/")
      .at(-1)!;
    await expectKvError(validCall(f.vault, "half-disabled", "oct", "wrapKey"), {
      status: 403,
      code: "Forbidden",
      message: "Operation wrapKey is not allowed on a disabled key.",
    });
    await expectKvError(validCall(f.vault, "half-disabled", "oct", "wrapKey", v2), {
      status: 403,
      code: "Forbidden",
      message: "Operation wrapKey is not allowed on a disabled key.",
    });
    await expect(validCall(f.vault, "half-disabled", "oct", "wrapKey", v1)).resolves.toBeTruthy();
    await f.vault.keys.updateKey("half-disabled", v2, { attributes: { enabled: true } }, ctx);
    await expect(validCall(f.vault, "half-disabled", "oct", "wrapKey")).resolves.toBeTruthy();
  });
});

describe("nbf and exp: encrypt, wrapKey and sign get 403 outside the window; decrypt, unwrapKey and verify still work", () => {
  const windows = [
    ["before nbf", { nbf: T0 + DAY }, "Operation OP is not allowed before the key's activation date (nbf)."],
    ["after exp", { exp: T0 - 1 }, "Operation OP is not allowed on an expired key."],
    ["exactly at exp", { exp: T0 }, "Operation OP is not allowed on an expired key."],
  ] as const;
  const cases = windows.flatMap(([when, attributes, message]) =>
    (["RSA", "EC", "oct"] as const).flatMap((family) => FAMILY_OPS[family].map((op) => [when, family, op, attributes, message] as const)),
  );
  beforeAll(async () => {
    f.clock.set(T0);
    for (const [i, [, attributes]] of windows.entries()) {
      for (const family of ["RSA", "EC", "oct"] as const)
        await f.vault.keys.importKey(`window-${i}-${family}`, { key: JWK[family], attributes }, ctx);
    }
  });

  it.each(cases)("%s: %s %s", async (when, family, op, _attributes, message) => {
    f.clock.set(T0);
    const name = `window-${windows.findIndex((w) => w[0] === when)}-${family}`;
    if (op === "encrypt" || op === "wrapKey" || op === "sign") {
      await expectKvError(validCall(f.vault, name, family, op), { status: 403, code: "Forbidden", message: message.replace("OP", op) });
    } else {
      await expect(validCall(f.vault, name, family, op)).resolves.toBeTruthy();
    }
  });

  it("the clock moves a key into and out of its window", async () => {
    f.clock.set(T0);
    await f.vault.keys.importKey("window-move", { key: oct.jwk, attributes: { nbf: T0 + 100, exp: T0 + 200 } }, ctx);
    const forbidden = (message: string) => ({ status: 403, code: "Forbidden", message });
    await expectKvError(
      validCall(f.vault, "window-move", "oct", "encrypt"),
      forbidden("Operation encrypt is not allowed before the key's activation date (nbf)."),
    );
    f.clock.set(T0 + 99);
    await expectKvError(
      validCall(f.vault, "window-move", "oct", "encrypt"),
      forbidden("Operation encrypt is not allowed before the key's activation date (nbf)."),
    );
    f.clock.set(T0 + 100);
    await expect(validCall(f.vault, "window-move", "oct", "encrypt")).resolves.toBeTruthy();
    f.clock.set(T0 + 199);
    await expect(validCall(f.vault, "window-move", "oct", "wrapKey")).resolves.toBeTruthy();
    f.clock.set(T0 + 200);
    await expectKvError(
      validCall(f.vault, "window-move", "oct", "wrapKey"),
      forbidden("Operation wrapKey is not allowed on an expired key."),
    );
    await expect(validCall(f.vault, "window-move", "oct", "unwrapKey")).resolves.toBeTruthy();
    f.clock.set(T0);
  });
});

describe("an algorithm that does not suit the key gets 400", () => {
  const unsupported = (alg: string, op: string, kty: string) =>
    bad(`Algorithm ${alg} is not supported for ${op} with a key of type ${kty}.`);
  const cases: [string, () => Promise<unknown>, ReturnType<typeof bad>][] = [
    [
      "RS256 to encrypt with RSA",
      () => f.vault.keys.encrypt("plain-RSA", undefined, { alg: "RS256", value: "AAAA" }, ctx),
      unsupported("RS256", "encrypt", "RSA"),
    ],
    [
      "RSA-OAEP to sign with RSA",
      () => f.vault.keys.sign("plain-RSA", undefined, { alg: "RSA-OAEP", value: b64u(Buffer.alloc(32)) }, ctx),
      unsupported("RSA-OAEP", "sign", "RSA"),
    ],
    [
      "ES256 to sign with RSA",
      () => f.vault.keys.sign("plain-RSA", undefined, { alg: "ES256", value: b64u(Buffer.alloc(32)) }, ctx),
      unsupported("ES256", "sign", "RSA"),
    ],
    [
      "A256GCM to encrypt with RSA",
      () => f.vault.keys.encrypt("plain-RSA", undefined, { alg: "A256GCM", value: "AAAA" }, ctx),
      unsupported("A256GCM", "encrypt", "RSA"),
    ],
    [
      "A256KW to wrap with RSA",
      () => f.vault.keys.wrapKey("plain-RSA", undefined, { alg: "A256KW", value: "AAAA" }, ctx),
      unsupported("A256KW", "wrapKey", "RSA"),
    ],
    [
      "RS256 to sign with EC",
      () => f.vault.keys.sign("plain-EC", undefined, { alg: "RS256", value: b64u(Buffer.alloc(32)) }, ctx),
      unsupported("RS256", "sign", "EC"),
    ],
    [
      "PS256 to verify with EC",
      () => f.vault.keys.verify("plain-EC", undefined, { alg: "PS256", digest: b64u(Buffer.alloc(32)), value: "AAAA" }, ctx),
      unsupported("PS256", "verify", "EC"),
    ],
    [
      "ES384 on a P-256 key",
      () => f.vault.keys.sign("plain-EC", undefined, { alg: "ES384", value: b64u(Buffer.alloc(48)) }, ctx),
      bad("Algorithm ES384 needs a key on P-384; this key is on P-256."),
    ],
    [
      "ES256K on a P-256 key",
      () => f.vault.keys.sign("plain-EC", undefined, { alg: "ES256K", value: b64u(Buffer.alloc(32)) }, ctx),
      bad("Algorithm ES256K needs a key on P-256K; this key is on P-256."),
    ],
    [
      "ES256 on a P-384 key (verify)",
      () => f.vault.keys.verify("p384", undefined, { alg: "ES256", digest: b64u(Buffer.alloc(32)), value: "AAAA" }, ctx),
      bad("Algorithm ES256 needs a key on P-256; this key is on P-384."),
    ],
    [
      "RSA-OAEP to encrypt with oct",
      () => f.vault.keys.encrypt("plain-oct", undefined, { alg: "RSA-OAEP", value: "AAAA" }, ctx),
      unsupported("RSA-OAEP", "encrypt", "oct"),
    ],
    [
      "A256KW to encrypt with oct",
      () => f.vault.keys.encrypt("plain-oct", undefined, { alg: "A256KW", value: "AAAA" }, ctx),
      unsupported("A256KW", "encrypt", "oct"),
    ],
    [
      "A256GCM to wrap with oct",
      () => f.vault.keys.wrapKey("plain-oct", undefined, { alg: "A256GCM", value: "AAAA" }, ctx),
      unsupported("A256GCM", "wrapKey", "oct"),
    ],
    [
      "A128KW on a 256-bit key",
      () => f.vault.keys.wrapKey("plain-oct", undefined, { alg: "A128KW", value: b64u(Buffer.alloc(16)) }, ctx),
      bad("Algorithm A128KW needs a 128-bit key; this key has 256 bits."),
    ],
    [
      "A256GCM on a 128-bit key",
      () => f.vault.keys.encrypt("aes-128", undefined, { alg: "A256GCM", value: "AAAA" }, ctx),
      bad("Algorithm A256GCM needs a 256-bit key; this key has 128 bits."),
    ],
    [
      "A192CBC on a 128-bit key",
      () => f.vault.keys.decrypt("aes-128", undefined, { alg: "A192CBC", value: "AAAA", iv: "AAAA" }, ctx),
      bad("Algorithm A192CBC needs a 192-bit key; this key has 128 bits."),
    ],
    [
      "an unknown algorithm",
      () => f.vault.keys.sign("plain-RSA", undefined, { alg: "HS256", value: "AAAA" }, ctx),
      bad('Unknown algorithm "HS256".'),
    ],
    [
      "a lowercase algorithm",
      () => f.vault.keys.encrypt("plain-RSA", undefined, { alg: "rsa-oaep", value: "AAAA" }, ctx),
      bad('Unknown algorithm "rsa-oaep".'),
    ],
    [
      "no algorithm",
      () => f.vault.keys.encrypt("plain-RSA", undefined, { value: "AAAA" } as any, ctx),
      bad("The request must name the algorithm in 'alg'."),
    ],
    [
      "an algorithm that is not a string",
      () => f.vault.keys.wrapKey("plain-oct", undefined, { alg: 5, value: "AAAA" } as any, ctx),
      bad("The request must name the algorithm in 'alg'."),
    ],
  ];
  it.each(cases)("%s", async (_what, call, want) => {
    await expectKvError(call(), want);
  });
});

describe("a digest whose length does not suit the algorithm gets 400", () => {
  const rsaAlgs = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
  const cases = [...rsaAlgs.map((alg) => ["plain-RSA", alg] as const), ["plain-EC", "ES256"] as const].flatMap(([name, alg]) =>
    [0, 20, 28, 31, 33, 48, 64, 65].filter((n) => n !== DIGEST_LEN[alg]).map((len) => [name, alg, len] as const),
  );
  beforeAll(async () => {
    await f.vault.keys.importKey("k-256k", { key: ecKey("P-256K").jwk }, ctx);
    await f.vault.keys.importKey("k-521", { key: ecKey("P-521").jwk }, ctx);
  });

  it.each(cases)("%s %s with %i bytes: sign and verify", async (name, alg, len) => {
    const digest = b64u(nc.randomBytes(len));
    const want = bad(`The digest for ${alg} must be ${DIGEST_LEN[alg]} bytes; got ${len}.`);
    await expectKvError(f.vault.keys.sign(name, undefined, { alg, value: digest }, ctx), want);
    await expectKvError(f.vault.keys.verify(name, undefined, { alg, digest, value: b64u(Buffer.alloc(64)) }, ctx), want);
  });

  it.each([
    ["k-256k", "ES256K", 48],
    ["p384", "ES384", 32],
    ["p384", "ES384", 64],
    ["k-521", "ES512", 66],
    ["k-521", "ES512", 32],
  ] as const)("%s %s with %i bytes", async (name, alg, len) => {
    await expectKvError(
      f.vault.keys.sign(name, undefined, { alg, value: b64u(nc.randomBytes(len)) }, ctx),
      bad(`The digest for ${alg} must be ${DIGEST_LEN[alg]} bytes; got ${len}.`),
    );
  });

  it("a message hashed with the wrong function but of the right length is signed (the vault cannot tell)", async () => {
    const msg = Buffer.from("x");
    const digest = nc.createHash("sha3-256").update(msg).digest();
    const sig = await f.vault.keys.sign("plain-EC", undefined, { alg: "ES256", value: b64u(digest) }, ctx);
    expect(
      nc.verify(
        "sha256",
        msg,
        signOptions("ES256", nodePublicKey((await f.vault.keys.getKey("plain-EC", undefined, ctx)).key)) as nc.VerifyKeyObjectInput,
        Buffer.from(sig.value, "base64url"),
      ),
    ).toBe(false);
    expect(HASH_OF.ES256).toBe("sha256");
  });
});

describe("request bodies and targets", () => {
  const nameMessage = (n: string) =>
    bad(`The key name ${JSON.stringify(n)} is invalid: it must be 1 to 127 characters of 0-9, a-z, A-Z and '-'.`);
  const cases: [string, () => Promise<unknown>, ReturnType<typeof bad>][] = [
    [
      "value missing",
      () => f.vault.keys.encrypt("plain-RSA", undefined, { alg: "RSA-OAEP" } as any, ctx),
      bad("'value' must be a base64url string."),
    ],
    [
      "value not base64url",
      () => f.vault.keys.encrypt("plain-RSA", undefined, { alg: "RSA-OAEP", value: "a*b" }, ctx),
      bad("'value' is not valid base64url."),
    ],
    [
      "iv not base64url",
      () => f.vault.keys.decrypt("plain-oct", undefined, { alg: "A256CBC", value: "AAAA", iv: "!" }, ctx),
      bad("'iv' is not valid base64url."),
    ],
    [
      "tag a number",
      () => f.vault.keys.decrypt("plain-oct", undefined, { alg: "A256GCM", value: "AAAA", iv: "AAAA", tag: 7 } as any, ctx),
      bad("'tag' must be a base64url string."),
    ],
    [
      "aad not base64url",
      () => f.vault.keys.encrypt("plain-oct", undefined, { alg: "A256GCM", value: "AAAA", aad: "%%" }, ctx),
      bad("'aad' is not valid base64url."),
    ],
    [
      "verify without digest",
      () => f.vault.keys.verify("plain-EC", undefined, { alg: "ES256", value: "AAAA" } as any, ctx),
      bad("'digest' must be a base64url string."),
    ],
    [
      "a body that is not an object",
      () => f.vault.keys.sign("plain-EC", undefined, null as any, ctx),
      bad("The request body must be a JSON object."),
    ],
    [
      "a bad key name",
      () => f.vault.keys.encrypt("plain_RSA", undefined, { alg: "RSA-OAEP", value: "AAAA" }, ctx),
      nameMessage("plain_RSA"),
    ],
  ];
  it.each(cases)("%s", async (_what, call, want) => {
    await expectKvError(call(), want);
  });

  it.each(OPS)("%s on an unknown key or version is 404", async (op) => {
    const family = op === "sign" || op === "verify" ? "EC" : "oct";
    await expectKvError(validCall(f.vault, "missing", family, op), notFound("missing"));
    await expectKvError(validCall(f.vault, `plain-${family}`, family, op, "0".repeat(32)), notFound(`plain-${family}`, "0".repeat(32)));
  });

  it("an older version is used when named, the newest otherwise", async () => {
    const k1 = ecKey("P-256");
    const k2 = ecKey("P-256");
    const v1 = (await f.vault.keys.importKey("two-versions", { key: k1.jwk }, ctx)).key.kid!.split("/").at(-1)!;
    await f.vault.keys.importKey("two-versions", { key: k2.jwk }, ctx);
    const msg = Buffer.from("which key?");
    const digest = b64u(nc.createHash("sha256").update(msg).digest());
    const s1 = await f.vault.keys.sign("two-versions", v1, { alg: "ES256", value: digest }, ctx);
    const s2 = await f.vault.keys.sign("two-versions", undefined, { alg: "ES256", value: digest }, ctx);
    expect(s1.kid).toBe(`https://vault.test/keys/two-versions/${v1}`);
    expect(nc.verify("sha256", msg, { key: k1.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(s1.value, "base64url"))).toBe(true);
    expect(nc.verify("sha256", msg, { key: k2.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(s2.value, "base64url"))).toBe(true);
  });
});

// BYOK transfer blobs built with node:crypto alone, unwrapped entirely inside the core.
import {
  constants,
  createCipheriv,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
  verify,
  type KeyObject,
} from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm, KeyHandle } from "../../../src/engine/index.js";
import { errorCode as code, newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
let kek: KeyHandle;
let kekPublic: KeyObject;

beforeAll(async () => {
  hsm = await newHsm();
  kek = hsm.generateRsa(2048);
  kekPublic = createPublicKey({ key: hsm.publicJwk(kek) as any, format: "jwk" });
});

/** CKM_RSA_AES_KEY_WRAP: RSA-OAEP-SHA1(aesKey) ‖ AES-KWP(aesKey, target). */
function transfer(target: Uint8Array, to: KeyObject = kekPublic, aesKey = randomBytes(32)): Uint8Array {
  const rsaPart = publicEncrypt({ key: to, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, aesKey);
  const kwp = createCipheriv(`id-aes${aesKey.length * 8}-wrap-pad`, aesKey, Buffer.from("a65959a6", "hex"));
  return Buffer.concat([rsaPart, kwp.update(target), kwp.final()]);
}

describe("BYOK transfer (CKM_RSA_AES_KEY_WRAP)", () => {
  it("an oct target: the imported key wraps like node's AES-KW with the same key", () => {
    const target = randomBytes(32);
    const h = hsm.importTransferBlob(kek, transfer(target), { kty: "oct" });
    const data = randomBytes(32);
    const node = createCipheriv("id-aes256-wrap", target, Buffer.alloc(8, 0xa6));
    expect(toHex(hsm.wrapKey(h, "A256KW", data))).toBe(toHex(Buffer.concat([node.update(data), node.final()])));
  });

  it("an RSA target (PKCS#8): the imported key has node's public key and signs for it", () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const h = hsm.importTransferBlob(kek, transfer(privateKey.export({ format: "der", type: "pkcs8" })), { kty: "RSA" });
    expect(hsm.publicJwk(h)).toEqual({ kty: "RSA", n: publicKey.export({ format: "jwk" }).n, e: publicKey.export({ format: "jwk" }).e });
    const msg = Buffer.from("byok");
    expect(verify("sha256", msg, publicKey, hsm.sign(h, "RS256", createHash("sha256").update(msg).digest()))).toBe(true);
  });

  it.each([
    ["P-256", "prime256v1", "ES256", "sha256"],
    ["P-256K", "secp256k1", "ES256K", "sha256"],
    ["P-384", "secp384r1", "ES384", "sha384"],
    ["P-521", "secp521r1", "ES512", "sha512"],
  ])("an EC target on %s (PKCS#8)", (crv, nodeCurve, alg, hash) => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: nodeCurve });
    const h = hsm.importTransferBlob(kek, transfer(privateKey.export({ format: "der", type: "pkcs8" })), { kty: "EC", crv });
    const jwk = publicKey.export({ format: "jwk" });
    expect(hsm.publicJwk(h)).toEqual({ kty: "EC", crv, x: jwk.x, y: jwk.y });
    const msg = Buffer.from("byok");
    const sig = hsm.sign(h, alg, createHash(hash).update(msg).digest());
    expect(verify(hash, msg, { key: publicKey, dsaEncoding: "ieee-p1363" }, sig)).toBe(true);
  });

  it("a blob for another KEK, or any changed byte, is DECRYPT_FAILED", () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    expect(code(() => hsm.importTransferBlob(kek, transfer(randomBytes(32), other), { kty: "oct" }))).toBe("DECRYPT_FAILED");
    const blob = transfer(randomBytes(16));
    for (const i of [0, 100, 255, 256, 260, blob.length - 1]) {
      const bad = blob.slice();
      bad[i]! ^= 1;
      expect(
        code(() => hsm.importTransferBlob(kek, bad, { kty: "oct" })),
        `byte ${i}`,
      ).toBe("DECRYPT_FAILED");
    }
  });

  it("an ephemeral key other than AES-256 is DECRYPT_FAILED", () => {
    for (const size of [16, 24]) {
      expect(code(() => hsm.importTransferBlob(kek, transfer(randomBytes(32), kekPublic, randomBytes(size)), { kty: "oct" }))).toBe(
        "DECRYPT_FAILED",
      );
    }
  });

  it("a target of the wrong kind or curve, or not PKCS#8, is INVALID_KEY", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "der", type: "pkcs8" });
    expect(code(() => hsm.importTransferBlob(kek, transfer(ec), { kty: "RSA" }))).toBe("INVALID_KEY");
    expect(code(() => hsm.importTransferBlob(kek, transfer(ec), { kty: "EC", crv: "P-384" }))).toBe("INVALID_KEY");
    expect(code(() => hsm.importTransferBlob(kek, transfer(randomBytes(40)), { kty: "EC", crv: "P-256" }))).toBe("INVALID_KEY");
    expect(code(() => hsm.importTransferBlob(kek, transfer(randomBytes(20)), { kty: "oct" }))).toBe("INVALID_KEY");
    const truncated = ec.subarray(0, ec.length - 5);
    expect(code(() => hsm.importTransferBlob(kek, transfer(truncated), { kty: "EC", crv: "P-256" }))).toBe("INVALID_KEY");
  });

  it("the KEK must be an RSA private key, and lengths are checked first", () => {
    expect(code(() => hsm.importTransferBlob(hsm.generateOct(256), transfer(randomBytes(32)), { kty: "oct" }))).toBe("WRONG_KEY_KIND");
    expect(code(() => hsm.importTransferBlob(kek, randomBytes(256), { kty: "oct" }))).toBe("BAD_LENGTH");
    expect(code(() => hsm.importTransferBlob(kek, randomBytes(256 + 12), { kty: "oct" }))).toBe("BAD_LENGTH");
  });
});

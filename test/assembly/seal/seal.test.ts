// Sealing, the security-domain key and backup encryption (assembly/seal).
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hsm, KeyHandle } from "../../../src/engine/index.js";
import { errorCode as code, newHsm, toHex } from "../../helpers/hsm.js";

let hsm: Hsm;
let kek: KeyHandle;
const secret = new TextEncoder().encode("test domain secret");

beforeAll(async () => {
  hsm = await newHsm();
  kek = hsm.generateSealingKey();
});

describe("seal / unseal", () => {
  it("an unsealed key behaves exactly like the original (KW is deterministic)", () => {
    const raw = randomBytes(32);
    const key = hsm.importOct(raw);
    const blob = hsm.seal(kek, key);
    const copy = hsm.unseal(kek, blob);
    const data = randomBytes(32);
    expect(toHex(hsm.wrapKey(copy, "A256KW", data))).toBe(toHex(hsm.wrapKey(key, "A256KW", data)));
    expect(hsm.keyInfo(copy)).toEqual({ kind: "oct", bits: 256 });
    expect(Buffer.from(blob).indexOf(raw)).toBe(-1);
  });

  it("every single-byte change of a sealed key is refused", () => {
    const key = hsm.generateOct(128);
    const blob = hsm.seal(kek, key);
    const before = hsm.keyCount();
    for (let i = 0; i < blob.length; i++) {
      const bad = blob.slice();
      bad[i]! ^= 0x01;
      expect(
        code(() => hsm.unseal(kek, bad)),
        `byte ${i}`,
      ).toMatch(/UNSEAL_FAILED|BAD_LENGTH/);
    }
    expect(hsm.keyCount()).toBe(before); // a failed unseal leaves no slot behind
  });

  it("truncations and extensions are refused", () => {
    const blob = hsm.seal(kek, hsm.generateOct(192));
    for (const len of [0, 1, 15, 16, 43, blob.length - 1]) {
      expect(code(() => hsm.unseal(kek, blob.subarray(0, len)))).toMatch(/UNSEAL_FAILED|BAD_LENGTH/);
    }
    const longer = new Uint8Array(blob.length + 1);
    longer.set(blob);
    expect(code(() => hsm.unseal(kek, longer))).toMatch(/UNSEAL_FAILED|BAD_LENGTH/);
  });

  it("another instance's domain cannot open it", async () => {
    const blob = hsm.seal(kek, hsm.generateOct(256));
    const other = await newHsm();
    expect(code(() => other.unseal(other.generateSealingKey(), blob))).toBe("UNSEAL_FAILED");
  });

  it("an instance has one domain for life: no second one, generated or imported, even after destroy", async () => {
    expect(code(() => hsm.generateSealingKey())).toBe("DOMAIN_ALREADY_SET");
    const other = await newHsm();
    const foreign = other.exportSealingKey(other.generateSealingKey(), secret);
    expect(code(() => hsm.importSealingKey(foreign, secret))).toBe("DOMAIN_ALREADY_SET");
    // Re-importing the instance's own domain gives back its handle (a vault reopened on the same engine).
    expect(hsm.importSealingKey(hsm.exportSealingKey(kek, secret), secret)).toBe(kek);
    const third = await newHsm();
    third.destroy(third.generateSealingKey());
    expect(code(() => third.generateSealingKey())).toBe("DOMAIN_ALREADY_SET");
    expect(code(() => third.importSealingKey(foreign, secret))).toBe("DOMAIN_ALREADY_SET");
  });

  it("a sealing key is usable only for sealing, and is never sealed itself", () => {
    expect(code(() => hsm.wrapKey(kek, "A256KW", randomBytes(32)))).toBe("WRONG_KEY_KIND");
    expect(code(() => hsm.seal(kek, kek))).toBe("WRONG_KEY_KIND");
    const oct = hsm.generateOct(256);
    expect(code(() => hsm.seal(oct, oct))).toBe("WRONG_KEY_KIND");
  });

  it("destroyed or forged handles are refused", () => {
    const k = hsm.generateOct(256);
    hsm.destroy(k);
    expect(code(() => hsm.seal(kek, k))).toBe("BAD_HANDLE");
    expect(code(() => hsm.seal(kek, 0x7fff1234 as KeyHandle))).toBe("BAD_HANDLE");
  });
});

describe("security-domain key", () => {
  it("export and import into another instance keep the identifier, and open what the original sealed", async () => {
    const id = hsm.sealingKeyId(kek);
    expect(id.length).toBe(16);
    const other = await newHsm();
    const again = other.importSealingKey(hsm.exportSealingKey(kek, secret), secret);
    expect(toHex(other.sealingKeyId(again))).toBe(toHex(id));
    const blob = hsm.seal(kek, hsm.generateOct(256));
    expect(other.keyInfo(other.unseal(again, blob)).kind).toBe("oct");
    const third = await newHsm();
    expect(toHex(third.sealingKeyId(third.generateSealingKey()))).not.toBe(toHex(id));
  });

  it("a wrong secret or a changed byte is refused", async () => {
    const exported = hsm.exportSealingKey(kek, secret);
    const fresh = await newHsm();
    expect(code(() => fresh.importSealingKey(exported, new TextEncoder().encode("other")))).toBe("UNSEAL_FAILED");
    for (let i = 0; i < exported.length; i++) {
      const bad = exported.slice();
      bad[i]! ^= 0x80;
      expect(
        code(() => fresh.importSealingKey(bad, secret)),
        `byte ${i}`,
      ).toBe("UNSEAL_FAILED");
    }
    // The same holds once the instance has its domain.
    expect(code(() => hsm.importSealingKey(exported, new TextEncoder().encode("other")))).toBe("UNSEAL_FAILED");
  });
});

describe("backup encryption", () => {
  it("round-trips, and refuses a changed aad, a changed byte, or another domain", async () => {
    const maker = await newHsm();
    const otherDomainBlob = maker.exportSealingKey(maker.generateSealingKey(), secret);
    const aad = randomBytes(40);
    const pt = randomBytes(1000);
    const blob = hsm.backupEncrypt(kek, aad, pt);
    expect(blob.length).toBe(pt.length + 28);
    expect(toHex(hsm.backupDecrypt(kek, aad, blob))).toBe(toHex(pt));
    const aad2 = aad.slice();
    aad2[0]! ^= 1;
    expect(code(() => hsm.backupDecrypt(kek, aad2, blob))).toBe("DECRYPT_FAILED");
    const bad = blob.slice();
    bad[100]! ^= 1;
    expect(code(() => hsm.backupDecrypt(kek, aad, bad))).toBe("DECRYPT_FAILED");
    const other = await newHsm();
    const otherDomain = other.importSealingKey(otherDomainBlob, secret);
    expect(code(() => other.backupDecrypt(otherDomain, aad, blob))).toBe("DECRYPT_FAILED");
  });

  it("two encryptions of the same data differ (fresh nonce)", () => {
    const pt = randomBytes(16);
    expect(toHex(hsm.backupEncrypt(kek, new Uint8Array(0), pt))).not.toBe(toHex(hsm.backupEncrypt(kek, new Uint8Array(0), pt)));
  });
});

describe("sealed RSA and EC keys", () => {
  it("sign correctly after unsealing, as node:crypto verifies", () => {
    const message = Buffer.from("sealed");
    const digest = createHash("sha256").update(message).digest();
    const rsa = hsm.unseal(kek, hsm.seal(kek, hsm.generateRsa(2048)));
    const rsaKey = createPublicKey({ key: hsm.publicJwk(rsa) as JsonWebKey, format: "jwk" });
    expect(verify("sha256", message, rsaKey, hsm.sign(rsa, "RS256", digest))).toBe(true);
    const ec = hsm.unseal(kek, hsm.seal(kek, hsm.generateEc("P-256")));
    const ecKey = createPublicKey({ key: hsm.publicJwk(ec) as JsonWebKey, format: "jwk" });
    expect(verify("sha256", message, { key: ecKey, dsaEncoding: "ieee-p1363" }, hsm.sign(ec, "ES256", digest))).toBe(true);
  });
});

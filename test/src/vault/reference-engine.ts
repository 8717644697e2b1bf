// A test double of the engine on node:crypto and @noble/curves, with the same error codes as Hsm.
// It lets the vault's rules be tested apart from the core (VAULT_TEST_ENGINE=reference), and tells
// a vault bug from an engine bug when the two disagree. It holds private keys in JS: tests only.
import * as nc from "node:crypto";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { HsmError, type KeyHandle } from "../../../src/engine/index.js";
import type { EncryptOptions, EncryptResult, DecryptOptions } from "../../../src/engine/index.js";
import type { EcJwkInput, PublicJwkOutput, RsaJwkInput, VaultEngine } from "../../../src/vault/engine.js";

type Kind = "oct" | "rsa" | "ec" | "seal";
interface Entry {
  kind: Kind;
  bits: number;
  secret?: Buffer;
  priv?: nc.KeyObject;
  crv?: string;
}

const NODE_CRV: Record<string, string> = { "P-256": "prime256v1", "P-256K": "secp256k1", "P-384": "secp384r1", "P-521": "secp521r1" };
const JWK_CRV: Record<string, string> = { "P-256": "P-256", "P-256K": "secp256k1", "P-384": "P-384", "P-521": "P-521" };
const KV_CRV: Record<string, string> = { prime256v1: "P-256", secp256k1: "P-256K", secp384r1: "P-384", secp521r1: "P-521" };
const NOBLE: Record<string, typeof p256> = { "P-256": p256, "P-256K": secp256k1 as unknown as typeof p256, "P-384": p384, "P-521": p521 };
const EC_ALG: Record<string, [string, number]> = { ES256: ["P-256", 32], ES256K: ["P-256K", 32], ES384: ["P-384", 48], ES512: ["P-521", 64] };
const RSA_SIG: Record<string, [string, number, "pkcs1" | "pss"]> = {
  RS256: ["sha256", 32, "pkcs1"], RS384: ["sha384", 48, "pkcs1"], RS512: ["sha512", 64, "pkcs1"],
  PS256: ["sha256", 32, "pss"], PS384: ["sha384", 48, "pss"], PS512: ["sha512", 64, "pss"],
};
// DigestInfo prefixes, RFC 8017 §9.2 note 1.
const DIGEST_INFO: Record<string, string> = {
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
};

const err = (code: ConstructorParameters<typeof HsmError>[0], msg: string) => new HsmError(code, msg);
const u8 = (b: Buffer) => new Uint8Array(b);

function gcmSeal(key: Buffer, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
  const iv = nc.randomBytes(12);
  const c = nc.createCipheriv("aes-256-gcm", key, iv);
  if (aad) c.setAAD(aad);
  return Buffer.concat([iv, c.update(plaintext), c.final(), c.getAuthTag()]);
}

function gcmOpen(key: Buffer, blob: Uint8Array, aad?: Uint8Array): Buffer | undefined {
  if (blob.length < 28) return undefined;
  try {
    const d = nc.createDecipheriv("aes-256-gcm", key, blob.subarray(0, 12));
    if (aad) d.setAAD(aad);
    d.setAuthTag(blob.subarray(blob.length - 16));
    return Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()]);
  } catch {
    return undefined;
  }
}

const subkey = (key: Buffer, purpose: string) => Buffer.from(nc.hkdfSync("sha256", key, Buffer.alloc(0), purpose, 32));

function mgf1(hash: string, seed: Buffer, len: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * seed.length < len + seed.length; i++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(i);
    out.push(nc.createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, len);
}

/** EMSA-PSS (RFC 8017 §9.1) over a digest, salt length = hash length. */
function pssEncode(hash: string, digest: Uint8Array, modBits: number): Buffer {
  const hLen = digest.length;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const salt = nc.randomBytes(hLen);
  const H = nc.createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
  const mask = mgf1(hash, H, emLen - hLen - 1);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, H, Buffer.from([0xbc])]);
}

function pssVerify(hash: string, digest: Uint8Array, em: Buffer, modBits: number): boolean {
  const hLen = digest.length;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (em.length > emLen) em = em.subarray(em.length - emLen);
  if (em.length !== emLen || em[emLen - 1] !== 0xbc) return false;
  const db = Buffer.from(em.subarray(0, emLen - hLen - 1));
  const H = em.subarray(emLen - hLen - 1, emLen - 1);
  const mask = mgf1(hash, H, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const ps = emLen - 2 * hLen - 2;
  if (!db.subarray(0, ps).every((b) => b === 0) || db[ps] !== 1) return false;
  const salt = db.subarray(ps + 1);
  return nc.createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest().equals(H);
}

export class ReferenceEngine implements VaultEngine {
  readonly #keys = new Map<number, Entry>();
  #next = 1;

  keyCount(): number {
    return this.#keys.size;
  }

  #add(e: Entry): KeyHandle {
    const h = this.#next++;
    this.#keys.set(h, e);
    return h as KeyHandle;
  }

  #get(h: KeyHandle, kind?: Kind): Entry {
    const e = this.#keys.get(h);
    if (!e) throw err("BAD_HANDLE", "reference: bad handle");
    if (kind && e.kind !== kind) throw err("WRONG_KEY_KIND", `reference: the key is ${e.kind}, not ${kind}`);
    return e;
  }

  randomBytes(n: number): Uint8Array {
    return u8(nc.randomBytes(n));
  }
  destroy(h: KeyHandle): void {
    this.#get(h);
    this.#keys.delete(h);
  }
  keyInfo(h: KeyHandle): { kind: string; bits: number } {
    const e = this.#get(h);
    return { kind: e.kind, bits: e.bits };
  }

  generateOct(bits: number): KeyHandle {
    return this.importOct(nc.randomBytes(bits / 8));
  }
  importOct(key: Uint8Array): KeyHandle {
    if (![16, 24, 32].includes(key.length)) throw err("BAD_LENGTH", "reference: oct key length");
    return this.#add({ kind: "oct", bits: key.length * 8, secret: Buffer.from(key) });
  }
  generateRsa(bits: number, e = 65537): KeyHandle {
    const { privateKey } = nc.generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: e });
    return this.#add({ kind: "rsa", bits, priv: privateKey });
  }
  importRsa(jwk: RsaJwkInput): KeyHandle {
    const priv = nc.createPrivateKey({ key: { kty: "RSA", ...jwk }, format: "jwk" });
    return this.#add({ kind: "rsa", bits: priv.asymmetricKeyDetails!.modulusLength!, priv });
  }
  generateEc(crv: string): KeyHandle {
    const { privateKey } = nc.generateKeyPairSync("ec", { namedCurve: NODE_CRV[crv]! });
    return this.#add({ kind: "ec", bits: crv === "P-521" ? 521 : crv === "P-384" ? 384 : 256, priv: privateKey, crv });
  }
  importEc(jwk: EcJwkInput): KeyHandle {
    const priv = nc.createPrivateKey({ key: { kty: "EC", crv: JWK_CRV[jwk.crv], x: jwk.x, y: jwk.y, d: jwk.d }, format: "jwk" });
    return this.#add({ kind: "ec", bits: jwk.crv === "P-521" ? 521 : jwk.crv === "P-384" ? 384 : 256, priv, crv: jwk.crv });
  }
  publicJwk(h: KeyHandle): PublicJwkOutput {
    const e = this.#get(h);
    if (e.kind === "rsa") {
      const j = e.priv!.export({ format: "jwk" });
      return { kty: "RSA", n: j.n!, e: j.e! };
    }
    if (e.kind === "ec") {
      const j = e.priv!.export({ format: "jwk" });
      return { kty: "EC", crv: e.crv!, x: j.x!, y: j.y! };
    }
    throw err("WRONG_KEY_KIND", "reference: no public part");
  }

  #rsaEncrypt(e: Entry, alg: string, data: Uint8Array): Uint8Array {
    const padding = alg === "RSA1_5" ? nc.constants.RSA_PKCS1_PADDING : nc.constants.RSA_PKCS1_OAEP_PADDING;
    const k = e.bits / 8;
    const max = alg === "RSA1_5" ? k - 11 : alg === "RSA-OAEP" ? k - 42 : k - 66;
    if (data.length > max) throw err("TOO_LONG", "reference: too long");
    return u8(nc.publicEncrypt({ key: e.priv!, padding, ...(alg === "RSA1_5" ? {} : { oaepHash: alg === "RSA-OAEP" ? "sha1" : "sha256" }) }, data));
  }

  #rsaDecrypt(e: Entry, alg: string, data: Uint8Array): Uint8Array {
    if (data.length !== e.bits / 8) throw err("DECRYPT_FAILED", "reference: length");
    try {
      if (alg === "RSA1_5") {
        const em = nc.privateDecrypt({ key: e.priv!, padding: nc.constants.RSA_NO_PADDING }, data);
        const sep = em.indexOf(0, 2);
        if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new Error("padding");
        return u8(em.subarray(sep + 1));
      }
      return u8(nc.privateDecrypt({ key: e.priv!, padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === "RSA-OAEP" ? "sha1" : "sha256" }, data));
    } catch {
      throw err("DECRYPT_FAILED", "reference: decrypt failed");
    }
  }

  encrypt(h: KeyHandle, alg: string, plaintext: Uint8Array, opts: EncryptOptions = {}): EncryptResult {
    const e = this.#get(h);
    if (alg.startsWith("RSA")) return { ciphertext: this.#rsaEncrypt(this.#get(h, "rsa"), alg, plaintext) };
    const m = /^A(128|192|256)(GCM|CBC|CBCPAD)$/.exec(alg);
    if (!m) throw err("BAD_ALGORITHM", `reference: ${alg}`);
    if (e.kind !== "oct") throw err("WRONG_KEY_KIND", "reference: not oct");
    if (Number(m[1]) !== e.bits) throw err("BAD_ALGORITHM", "reference: size");
    if (m[2] === "GCM") {
      if (opts.iv) throw err("BAD_PARAMETER", "reference: GCM makes its own iv");
      const iv = nc.randomBytes(12);
      const c = nc.createCipheriv(`aes-${e.bits}-gcm` as nc.CipherGCMTypes, e.secret!, iv);
      if (opts.aad) c.setAAD(opts.aad);
      const ct = Buffer.concat([c.update(plaintext), c.final()]);
      return { ciphertext: u8(ct), iv: u8(iv), tag: u8(c.getAuthTag()) };
    }
    const iv = opts.iv ? Buffer.from(opts.iv) : nc.randomBytes(16);
    if (iv.length !== 16) throw err("BAD_LENGTH", "reference: iv");
    if (m[2] === "CBC" && plaintext.length % 16 !== 0) throw err("BAD_LENGTH", "reference: CBC needs whole blocks");
    const c = nc.createCipheriv(`aes-${e.bits}-cbc`, e.secret!, iv);
    c.setAutoPadding(m[2] === "CBCPAD");
    return { ciphertext: u8(Buffer.concat([c.update(plaintext), c.final()])), iv: u8(iv) };
  }

  decrypt(h: KeyHandle, alg: string, ciphertext: Uint8Array, opts: DecryptOptions = {}): Uint8Array {
    const e = this.#get(h);
    if (alg.startsWith("RSA")) return this.#rsaDecrypt(this.#get(h, "rsa"), alg, ciphertext);
    const m = /^A(128|192|256)(GCM|CBC|CBCPAD)$/.exec(alg);
    if (!m) throw err("BAD_ALGORITHM", `reference: ${alg}`);
    if (e.kind !== "oct") throw err("WRONG_KEY_KIND", "reference: not oct");
    try {
      if (m[2] === "GCM") {
        const d = nc.createDecipheriv(`aes-${e.bits}-gcm` as nc.CipherGCMTypes, e.secret!, opts.iv!);
        if (opts.aad) d.setAAD(opts.aad);
        d.setAuthTag(opts.tag!);
        return u8(Buffer.concat([d.update(ciphertext), d.final()]));
      }
      const d = nc.createDecipheriv(`aes-${e.bits}-cbc`, e.secret!, opts.iv!);
      d.setAutoPadding(m[2] === "CBCPAD");
      return u8(Buffer.concat([d.update(ciphertext), d.final()]));
    } catch {
      throw err("DECRYPT_FAILED", "reference: decrypt failed");
    }
  }

  wrapKey(h: KeyHandle, alg: string, key: Uint8Array): Uint8Array {
    const e = this.#get(h);
    if (alg.startsWith("RSA")) return this.#rsaEncrypt(this.#get(h, "rsa"), alg, key);
    if (e.kind !== "oct") throw err("WRONG_KEY_KIND", "reference: not oct");
    if (key.length < 16 || key.length % 8 !== 0) throw err("BAD_LENGTH", "reference: RFC 3394 needs 8k bytes, k >= 2");
    const c = nc.createCipheriv(`id-aes${e.bits}-wrap`, e.secret!, Buffer.from("a6a6a6a6a6a6a6a6", "hex"));
    return u8(Buffer.concat([c.update(key), c.final()]));
  }

  unwrapKey(h: KeyHandle, alg: string, wrapped: Uint8Array): Uint8Array {
    const e = this.#get(h);
    if (alg.startsWith("RSA")) return this.#rsaDecrypt(this.#get(h, "rsa"), alg, wrapped);
    if (e.kind !== "oct") throw err("WRONG_KEY_KIND", "reference: not oct");
    if (wrapped.length < 24 || wrapped.length % 8 !== 0) throw err("BAD_LENGTH", "reference: wrapped length");
    try {
      const d = nc.createDecipheriv(`id-aes${e.bits}-wrap`, e.secret!, Buffer.from("a6a6a6a6a6a6a6a6", "hex"));
      return u8(Buffer.concat([d.update(wrapped), d.final()]));
    } catch {
      throw err("DECRYPT_FAILED", "reference: unwrap failed");
    }
  }

  sign(h: KeyHandle, alg: string, digest: Uint8Array): Uint8Array {
    const e = this.#get(h);
    if (EC_ALG[alg]) {
      if (e.kind !== "ec") throw err("WRONG_KEY_KIND", "reference: not EC");
      if (digest.length !== EC_ALG[alg]![1]) throw err("BAD_DIGEST_LENGTH", "reference: digest");
      const d = Buffer.from(e.priv!.export({ format: "jwk" }).d!, "base64url");
      return NOBLE[e.crv!]!.sign(digest, d, { prehash: false });
    }
    const spec = RSA_SIG[alg];
    if (!spec) throw err("BAD_ALGORITHM", `reference: ${alg}`);
    if (e.kind !== "rsa") throw err("WRONG_KEY_KIND", "reference: not RSA");
    if (digest.length !== spec[1]) throw err("BAD_DIGEST_LENGTH", "reference: digest");
    if (spec[2] === "pkcs1") {
      return u8(nc.privateEncrypt({ key: e.priv!, padding: nc.constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(DIGEST_INFO[spec[0]]!, "hex"), digest])));
    }
    let em = pssEncode(spec[0], digest, e.bits);
    if (em.length < e.bits / 8) em = Buffer.concat([Buffer.alloc(e.bits / 8 - em.length), em]);
    return u8(nc.privateEncrypt({ key: e.priv!, padding: nc.constants.RSA_NO_PADDING }, em));
  }

  verify(h: KeyHandle, alg: string, digest: Uint8Array, signature: Uint8Array): boolean {
    const e = this.#get(h);
    if (EC_ALG[alg]) {
      if (e.kind !== "ec") throw err("WRONG_KEY_KIND", "reference: not EC");
      if (digest.length !== EC_ALG[alg]![1]) throw err("BAD_DIGEST_LENGTH", "reference: digest");
      const j = e.priv!.export({ format: "jwk" });
      const pub = Buffer.concat([Buffer.from([4]), Buffer.from(j.x!, "base64url"), Buffer.from(j.y!, "base64url")]);
      try {
        return NOBLE[e.crv!]!.verify(signature, digest, pub, { prehash: false, lowS: false });
      } catch {
        return false;
      }
    }
    const spec = RSA_SIG[alg];
    if (!spec) throw err("BAD_ALGORITHM", `reference: ${alg}`);
    if (e.kind !== "rsa") throw err("WRONG_KEY_KIND", "reference: not RSA");
    if (digest.length !== spec[1]) throw err("BAD_DIGEST_LENGTH", "reference: digest");
    if (signature.length !== e.bits / 8) return false;
    let em: Buffer;
    try {
      em = nc.publicDecrypt({ key: e.priv!, padding: nc.constants.RSA_NO_PADDING }, signature);
    } catch {
      return false;
    }
    if (spec[2] === "pss") return pssVerify(spec[0], digest, em, e.bits);
    const t = Buffer.concat([Buffer.from(DIGEST_INFO[spec[0]]!, "hex"), digest]);
    const want = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(em.length - t.length - 3, 0xff), Buffer.from([0]), t]);
    return em.equals(want);
  }

  generateSealingKey(): KeyHandle {
    return this.#add({ kind: "seal", bits: 256, secret: nc.randomBytes(32) });
  }
  sealingKeyId(kek: KeyHandle): Uint8Array {
    return u8(nc.createHash("sha256").update("id").update(this.#get(kek, "seal").secret!).digest().subarray(0, 16));
  }
  exportSealingKey(kek: KeyHandle, secret: Uint8Array): Uint8Array {
    return u8(gcmSeal(nc.createHash("sha256").update(secret).digest(), this.#get(kek, "seal").secret!));
  }
  importSealingKey(blob: Uint8Array, secret: Uint8Array): KeyHandle {
    const key = gcmOpen(nc.createHash("sha256").update(secret).digest(), blob);
    if (!key) throw err("UNSEAL_FAILED", "reference: domain");
    return this.#add({ kind: "seal", bits: 256, secret: key });
  }
  seal(kek: KeyHandle, key: KeyHandle): Uint8Array {
    const k = this.#get(kek, "seal");
    const e = this.#get(key);
    const material = e.secret ? e.secret.toString("base64") : (e.priv!.export({ format: "der", type: "pkcs8" }) as Buffer).toString("base64");
    return u8(gcmSeal(subkey(k.secret!, "seal"), Buffer.from(JSON.stringify({ kind: e.kind, bits: e.bits, crv: e.crv, material }))));
  }
  unseal(kek: KeyHandle, blob: Uint8Array): KeyHandle {
    const k = this.#get(kek, "seal");
    const pt = gcmOpen(subkey(k.secret!, "seal"), blob);
    if (!pt) throw err("UNSEAL_FAILED", "reference: unseal");
    const r = JSON.parse(pt.toString("utf8"));
    const m = Buffer.from(r.material, "base64");
    if (r.kind === "oct" || r.kind === "seal") return this.#add({ kind: r.kind, bits: r.bits, secret: m });
    return this.#add({ kind: r.kind, bits: r.bits, crv: r.crv, priv: nc.createPrivateKey({ key: m, format: "der", type: "pkcs8" }) });
  }
  backupEncrypt(kek: KeyHandle, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return u8(gcmSeal(subkey(this.#get(kek, "seal").secret!, "backup"), plaintext, aad));
  }
  backupDecrypt(kek: KeyHandle, aad: Uint8Array, blob: Uint8Array): Uint8Array {
    const pt = gcmOpen(subkey(this.#get(kek, "seal").secret!, "backup"), blob, aad);
    if (!pt) throw err("DECRYPT_FAILED", "reference: backup");
    return u8(pt);
  }

  importTransferBlob(kek: KeyHandle, ciphertext: Uint8Array, target: { kty: "RSA" | "EC" | "oct"; crv?: string }): KeyHandle {
    const e = this.#get(kek, "rsa");
    const k = e.bits / 8;
    if (ciphertext.length <= k + 8) throw err("BAD_LENGTH", "reference: transfer blob too short");
    let aes: Buffer;
    let plain: Buffer;
    try {
      aes = nc.privateDecrypt({ key: e.priv!, padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, ciphertext.subarray(0, k));
      // As the core does: an AES-128, -192 or -256 ephemeral key (see byok.test.ts on AES-256 only).
      if (![16, 24, 32].includes(aes.length)) throw new Error("aes key length");
      const d = nc.createDecipheriv(`id-aes${aes.length * 8}-wrap-pad`, aes, Buffer.from("a65959a6", "hex"));
      plain = Buffer.concat([d.update(ciphertext.subarray(k)), d.final()]);
    } catch {
      throw err("DECRYPT_FAILED", "reference: transfer unwrap failed");
    }
    if (target.kty === "oct") {
      if (![16, 24, 32].includes(plain.length)) throw err("INVALID_KEY", "reference: oct length");
      return this.#add({ kind: "oct", bits: plain.length * 8, secret: plain });
    }
    let priv: nc.KeyObject;
    try {
      priv = nc.createPrivateKey({ key: plain, format: "der", type: "pkcs8" });
    } catch {
      throw err("INVALID_KEY", "reference: not PKCS#8");
    }
    if (target.kty === "RSA") {
      if (priv.asymmetricKeyType !== "rsa") throw err("WRONG_KEY_KIND", "reference: not an RSA key");
      return this.#add({ kind: "rsa", bits: priv.asymmetricKeyDetails!.modulusLength!, priv });
    }
    if (priv.asymmetricKeyType !== "ec") throw err("WRONG_KEY_KIND", "reference: not an EC key");
    const crv = KV_CRV[priv.asymmetricKeyDetails!.namedCurve!];
    if (crv !== target.crv) throw err("INVALID_KEY", "reference: curve mismatch");
    return this.#add({ kind: "ec", bits: crv === "P-521" ? 521 : crv === "P-384" ? 384 : 256, priv, crv });
  }
}

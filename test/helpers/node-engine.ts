// A reference VaultEngine on node:crypto (OpenSSL) and @noble/curves, for testing the server and
// the vault end to end independently of the wasm core: the e2e suite runs against it with
// WASM_HSM_E2E_ENGINE=node. It is a test double, not an HSM: key material sits in JS memory.
// Sign and verify take digests: RSA via raw private/public operations with the padding done here
// (EMSA-PKCS1-v1_5, RFC 8017 §9.2; EMSA-PSS, §9.1), ECDSA via @noble/curves with prehash: false.
import {
  constants, createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync,
  privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt, randomBytes, timingSafeEqual, type KeyObject,
} from "node:crypto";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { KeyHandle } from "../../src/engine/index.js";
import { HsmError } from "../../src/engine/index.js";
import type { DecryptOptions, EncryptOptions, EncryptResult } from "../../src/engine/index.js";
import type { VaultEngine } from "../../src/vault/index.js";
import type { EcJwkInput, PublicJwkOutput, RsaJwkInput } from "../../src/vault/engine.js";

type Key =
  | { kind: "oct"; bits: number; k: Buffer }
  | { kind: "rsa"; bits: number; priv: KeyObject; pub: KeyObject }
  | { kind: "ec"; bits: number; crv: string; d: Buffer; pub: KeyObject }
  | { kind: "seal"; bits: 256; k: Buffer; id: Buffer };

const NOBLE: Record<string, typeof p256> = { "P-256": p256, "P-256K": secp256k1 as unknown as typeof p256, "P-384": p384, "P-521": p521 };
const NODE_CRV: Record<string, string> = { "P-256": "P-256", "P-256K": "secp256k1", "P-384": "P-384", "P-521": "P-521" };
const CRV_BITS: Record<string, number> = { "P-256": 256, "P-256K": 256, "P-384": 384, "P-521": 521 };
const SIG_HASH: Record<string, string> = { RS256: "sha256", RS384: "sha384", RS512: "sha512", PS256: "sha256", PS384: "sha384", PS512: "sha512" };
// DigestInfo prefixes, RFC 8017 §9.2 note 1.
const DIGEST_INFO: Record<string, string> = {
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
};

const fail = (code: string, message: string): never => {
  throw new HsmError(code as never, message);
};

export class NodeEngine implements VaultEngine {
  #keys = new Map<number, Key>();
  #next = 1;

  #add(key: Key): KeyHandle {
    const h = this.#next++;
    this.#keys.set(h, key);
    return h as KeyHandle;
  }
  #get<K extends Key["kind"]>(h: KeyHandle, kind: K): Extract<Key, { kind: K }> {
    const k = this.#keys.get(h);
    if (!k) return fail("BAD_HANDLE", "unknown handle");
    if (k.kind !== kind) return fail("WRONG_KEY_KIND", `key is ${k.kind}, not ${kind}`);
    return k as Extract<Key, { kind: K }>;
  }

  randomBytes(length: number): Uint8Array {
    return randomBytes(length);
  }
  destroy(handle: KeyHandle): void {
    this.#keys.delete(handle);
  }
  keyInfo(handle: KeyHandle) {
    const k = this.#keys.get(handle) ?? fail("BAD_HANDLE", "unknown handle");
    return { kind: k.kind, bits: k.bits };
  }

  generateOct(bits: number): KeyHandle {
    return this.#add({ kind: "oct", bits, k: randomBytes(bits / 8) });
  }
  importOct(key: Uint8Array): KeyHandle {
    if (![16, 24, 32].includes(key.length)) fail("BAD_LENGTH", "oct key must be 16, 24 or 32 bytes");
    return this.#add({ kind: "oct", bits: key.length * 8, k: Buffer.from(key) });
  }
  generateRsa(bits: number, e = 65537): KeyHandle {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: e });
    return this.#add({ kind: "rsa", bits, priv: privateKey, pub: publicKey });
  }
  importRsa(jwk: RsaJwkInput): KeyHandle {
    const priv = createPrivateKey({ key: { kty: "RSA", ...jwk }, format: "jwk" });
    return this.#add({ kind: "rsa", bits: Buffer.from(jwk.n, "base64url").length * 8, priv, pub: createPublicKey(priv) });
  }
  generateEc(crv: string): KeyHandle {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: NODE_CRV[crv] });
    const jwk = privateKey.export({ format: "jwk" });
    return this.#ec(crv, Buffer.from(jwk.d!, "base64url"), createPublicKey(privateKey));
  }
  importEc(jwk: EcJwkInput): KeyHandle {
    const priv = createPrivateKey({ key: { kty: "EC", crv: NODE_CRV[jwk.crv], x: jwk.x, y: jwk.y, d: jwk.d }, format: "jwk" });
    return this.#ec(jwk.crv, Buffer.from(jwk.d, "base64url"), createPublicKey(priv));
  }
  #ec(crv: string, d: Buffer, pub: KeyObject): KeyHandle {
    return this.#add({ kind: "ec", bits: CRV_BITS[crv], crv, d, pub });
  }
  publicJwk(handle: KeyHandle): PublicJwkOutput {
    const k = this.#keys.get(handle);
    if (k?.kind === "rsa") {
      const j = k.pub.export({ format: "jwk" });
      return { kty: "RSA", n: j.n, e: j.e };
    }
    if (k?.kind === "ec") {
      const j = k.pub.export({ format: "jwk" });
      return { kty: "EC", crv: k.crv, x: j.x, y: j.y };
    }
    return fail("WRONG_KEY_KIND", "no public JWK");
  }

  encrypt(handle: KeyHandle, alg: string, plaintext: Uint8Array, opts: EncryptOptions = {}): EncryptResult {
    const k = this.#keys.get(handle);
    if (k?.kind === "rsa") return { ciphertext: this.#rsaEncrypt(k, alg, plaintext) };
    const o = this.#get(handle, "oct");
    const m = /^A(128|192|256)(GCM|CBC|CBCPAD)$/.exec(alg) ?? fail("BAD_ALGORITHM", alg);
    if (Number(m[1]) !== o.bits) fail("BAD_ALGORITHM", `${alg} needs a ${m[1]}-bit key`);
    if (m[2] === "GCM") {
      const iv = randomBytes(12);
      const c = createCipheriv(`aes-${o.bits}-gcm` as "aes-256-gcm", o.k, iv);
      if (opts.aad) c.setAAD(opts.aad);
      const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
      return { ciphertext, iv, tag: c.getAuthTag() };
    }
    const iv = opts.iv ?? randomBytes(16);
    if (iv.length !== 16) fail("BAD_LENGTH", "iv must be 16 bytes");
    if (m[2] === "CBC" && plaintext.length % 16 !== 0) fail("BAD_LENGTH", "CBC plaintext must be a multiple of 16 bytes");
    const c = createCipheriv(`aes-${o.bits}-cbc`, o.k, iv);
    c.setAutoPadding(m[2] === "CBCPAD");
    return { ciphertext: Buffer.concat([c.update(plaintext), c.final()]), iv };
  }
  decrypt(handle: KeyHandle, alg: string, ciphertext: Uint8Array, opts: DecryptOptions = {}): Uint8Array {
    const k = this.#keys.get(handle);
    if (k?.kind === "rsa") return this.#rsaDecrypt(k, alg, ciphertext);
    const o = this.#get(handle, "oct");
    const m = /^A(128|192|256)(GCM|CBC|CBCPAD)$/.exec(alg) ?? fail("BAD_ALGORITHM", alg);
    if (Number(m[1]) !== o.bits) fail("BAD_ALGORITHM", `${alg} needs a ${m[1]}-bit key`);
    try {
      if (m[2] === "GCM") {
        if (opts.iv?.length !== 12 || opts.tag?.length !== 16) fail("BAD_LENGTH", "GCM needs a 12-byte iv and a 16-byte tag");
        const d = createDecipheriv(`aes-${o.bits}-gcm` as "aes-256-gcm", o.k, opts.iv!);
        if (opts.aad) d.setAAD(opts.aad);
        d.setAuthTag(opts.tag!);
        return Buffer.concat([d.update(ciphertext), d.final()]);
      }
      if (opts.iv?.length !== 16) fail("BAD_LENGTH", "CBC needs a 16-byte iv");
      const d = createDecipheriv(`aes-${o.bits}-cbc`, o.k, opts.iv!);
      d.setAutoPadding(m[2] === "CBCPAD");
      return Buffer.concat([d.update(ciphertext), d.final()]);
    } catch (e) {
      if (e instanceof HsmError) throw e;
      return fail("DECRYPT_FAILED", "decryption failed");
    }
  }
  wrapKey(handle: KeyHandle, alg: string, key: Uint8Array): Uint8Array {
    const k = this.#keys.get(handle);
    if (k?.kind === "rsa") return this.#rsaEncrypt(k, alg, key);
    const o = this.#get(handle, "oct");
    if (alg !== `A${o.bits}KW`) fail("BAD_ALGORITHM", alg);
    if (key.length < 16 || key.length % 8 !== 0) fail("BAD_LENGTH", "KW input must be a multiple of 8 bytes, at least 16");
    const c = createCipheriv(`id-aes${o.bits}-wrap`, o.k, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
    return Buffer.concat([c.update(key), c.final()]);
  }
  unwrapKey(handle: KeyHandle, alg: string, wrapped: Uint8Array): Uint8Array {
    const k = this.#keys.get(handle);
    if (k?.kind === "rsa") return this.#rsaDecrypt(k, alg, wrapped);
    const o = this.#get(handle, "oct");
    if (alg !== `A${o.bits}KW`) fail("BAD_ALGORITHM", alg);
    try {
      const d = createDecipheriv(`id-aes${o.bits}-wrap`, o.k, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
      return Buffer.concat([d.update(wrapped), d.final()]);
    } catch {
      return fail("DECRYPT_FAILED", "unwrap failed");
    }
  }

  #rsaEncrypt(k: Extract<Key, { kind: "rsa" }>, alg: string, data: Uint8Array): Uint8Array {
    try {
      if (alg === "RSA1_5") return publicEncrypt({ key: k.pub, padding: constants.RSA_PKCS1_PADDING }, data);
      if (alg === "RSA-OAEP" || alg === "RSA-OAEP-256") {
        return publicEncrypt({ key: k.pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === "RSA-OAEP" ? "sha1" : "sha256" }, data);
      }
    } catch {
      return fail("TOO_LONG", "message too long");
    }
    return fail("BAD_ALGORITHM", alg);
  }
  #rsaDecrypt(k: Extract<Key, { kind: "rsa" }>, alg: string, data: Uint8Array): Uint8Array {
    if (data.length !== k.bits / 8) fail("BAD_LENGTH", "ciphertext length must be the modulus length");
    try {
      if (alg === "RSA-OAEP" || alg === "RSA-OAEP-256") {
        return privateDecrypt({ key: k.priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === "RSA-OAEP" ? "sha1" : "sha256" }, data);
      }
      if (alg === "RSA1_5") {
        // RFC 8017 §7.2.2 by hand (Node 20 refuses PKCS#1 v1.5 private decryption).
        const em = privateDecrypt({ key: k.priv, padding: constants.RSA_NO_PADDING }, data);
        const sep = em.indexOf(0, 2);
        if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new Error("padding");
        return em.subarray(sep + 1);
      }
    } catch {
      return fail("DECRYPT_FAILED", "decryption failed");
    }
    return fail("BAD_ALGORITHM", alg);
  }

  sign(handle: KeyHandle, alg: string, digest: Uint8Array): Uint8Array {
    const k = this.#keys.get(handle);
    if (k?.kind === "ec") return NOBLE[k.crv].sign(digest, k.d, { prehash: false });
    const r = this.#get(handle, "rsa");
    const hash = SIG_HASH[alg] ?? fail("BAD_ALGORITHM", alg);
    const emLen = Math.ceil((r.bits - 1) / 8);
    if (alg.startsWith("RS")) return privateEncrypt({ key: r.priv, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(DIGEST_INFO[hash], "hex"), digest]));
    const em = pssEncode(hash, Buffer.from(digest), r.bits - 1, emLen);
    return privateEncrypt({ key: r.priv, padding: constants.RSA_NO_PADDING }, Buffer.concat([Buffer.alloc(r.bits / 8 - emLen), em]));
  }
  verify(handle: KeyHandle, alg: string, digest: Uint8Array, signature: Uint8Array): boolean {
    const k = this.#keys.get(handle);
    if (k?.kind === "ec") {
      const jwk = k.pub.export({ format: "jwk" });
      const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
      try {
        return NOBLE[k.crv].verify(signature, digest, point, { prehash: false, lowS: false });
      } catch {
        return false;
      }
    }
    const r = this.#get(handle, "rsa");
    const hash = SIG_HASH[alg] ?? fail("BAD_ALGORITHM", alg);
    if (signature.length !== r.bits / 8) return false;
    let em: Buffer;
    try {
      em = publicDecrypt({ key: r.pub, padding: constants.RSA_NO_PADDING }, signature);
    } catch {
      return false;
    }
    if (alg.startsWith("RS")) {
      const t = Buffer.concat([Buffer.from(DIGEST_INFO[hash], "hex"), digest]);
      const expected = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(em.length - t.length - 3, 0xff), Buffer.from([0]), t]);
      return expected.length === em.length && timingSafeEqual(expected, em);
    }
    const emLen = Math.ceil((r.bits - 1) / 8);
    return pssVerify(hash, Buffer.from(digest), em.subarray(em.length - emLen), r.bits - 1);
  }

  generateSealingKey(): KeyHandle {
    const k = randomBytes(32);
    return this.#add({ kind: "seal", bits: 256, k, id: createHash("sha256").update("id").update(k).digest().subarray(0, 16) });
  }
  sealingKeyId(kek: KeyHandle): Uint8Array {
    return this.#get(kek, "seal").id;
  }
  exportSealingKey(kek: KeyHandle, secret: Uint8Array): Uint8Array {
    return gcmSeal(createHash("sha256").update(secret).digest(), Buffer.alloc(0), this.#get(kek, "seal").k);
  }
  importSealingKey(blob: Uint8Array, secret: Uint8Array): KeyHandle {
    const k = gcmOpen(createHash("sha256").update(secret).digest(), Buffer.alloc(0), blob);
    return this.#add({ kind: "seal", bits: 256, k, id: createHash("sha256").update("id").update(k).digest().subarray(0, 16) });
  }
  seal(kek: KeyHandle, key: KeyHandle): Uint8Array {
    const s = this.#get(kek, "seal");
    const k = this.#keys.get(key) ?? fail("BAD_HANDLE", "unknown handle");
    const plain =
      k.kind === "oct" ? { kind: "oct", k: k.k.toString("base64url") }
      : k.kind === "rsa" ? { kind: "rsa", jwk: k.priv.export({ format: "jwk" }) }
      : k.kind === "ec" ? { kind: "ec", crv: k.crv, jwk: createPrivateKeyJwk(k) }
      : fail("WRONG_KEY_KIND", "cannot seal a sealing key");
    return gcmSeal(s.k, Buffer.from("seal"), Buffer.from(JSON.stringify(plain)));
  }
  unseal(kek: KeyHandle, blob: Uint8Array): KeyHandle {
    const p = JSON.parse(gcmOpen(this.#get(kek, "seal").k, Buffer.from("seal"), blob).toString());
    if (p.kind === "oct") return this.importOct(Buffer.from(p.k, "base64url"));
    if (p.kind === "rsa") return this.importRsa(p.jwk);
    return this.importEc({ crv: p.crv, x: p.jwk.x, y: p.jwk.y, d: p.jwk.d });
  }
  backupEncrypt(kek: KeyHandle, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return gcmSeal(this.#backupKey(kek), Buffer.from(aad), Buffer.from(plaintext));
  }
  backupDecrypt(kek: KeyHandle, aad: Uint8Array, blob: Uint8Array): Uint8Array {
    return gcmOpen(this.#backupKey(kek), Buffer.from(aad), blob);
  }
  #backupKey(kek: KeyHandle): Buffer {
    return Buffer.from(hkdfSync("sha256", this.#get(kek, "seal").k, Buffer.alloc(0), "backup", 32));
  }
  importTransferBlob(): KeyHandle {
    return fail("BAD_PARAMETER", "BYOK is not in the reference engine");
  }
}

function createPrivateKeyJwk(k: Extract<Key, { kind: "ec" }>) {
  const j = k.pub.export({ format: "jwk" });
  return { x: j.x, y: j.y, d: k.d.toString("base64url") };
}

function gcmSeal(key: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, ct, c.getAuthTag()]);
}

function gcmOpen(key: Buffer, aad: Buffer, blob: Uint8Array): Buffer {
  const b = Buffer.from(blob);
  if (b.length < 28) return fail("DECRYPT_FAILED", "sealed blob too short");
  try {
    const d = createDecipheriv("aes-256-gcm", key, b.subarray(0, 12));
    d.setAAD(aad);
    d.setAuthTag(b.subarray(b.length - 16));
    return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
  } catch {
    return fail("DECRYPT_FAILED", "not authentic");
  }
}

function mgf1(hash: string, seed: Buffer, len: number): Buffer {
  const out: Buffer[] = [];
  for (let c = 0; Buffer.concat(out).length < len; c++) {
    const ctr = Buffer.alloc(4);
    ctr.writeUInt32BE(c);
    out.push(createHash(hash).update(seed).update(ctr).digest());
  }
  return Buffer.concat(out).subarray(0, len);
}

// EMSA-PSS-ENCODE, RFC 8017 §9.1.1, salt length = hash length.
function pssEncode(hash: string, mHash: Buffer, emBits: number, emLen: number): Buffer {
  const hLen = mHash.length;
  const salt = randomBytes(hLen);
  const h = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
  const mask = mgf1(hash, h, emLen - hLen - 1);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

// EMSA-PSS-VERIFY, RFC 8017 §9.1.2.
function pssVerify(hash: string, mHash: Buffer, em: Buffer, emBits: number): boolean {
  const hLen = mHash.length;
  const emLen = em.length;
  if (emLen < 2 * hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const db = Buffer.from(em.subarray(0, emLen - hLen - 1));
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  if ((db[0] & ~(0xff >> (8 * emLen - emBits))) !== 0) return false;
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const ps = emLen - 2 * hLen - 2;
  for (let i = 0; i < ps; i++) if (db[i] !== 0) return false;
  if (db[ps] !== 1) return false;
  const salt = db.subarray(db.length - hLen);
  const h2 = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return h2.equals(h);
}

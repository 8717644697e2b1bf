// RSA 2048/3072/4096: sign (RS256, PS256), verify (RS256), decrypt (RSA-OAEP, RSA-OAEP-256),
// encrypt (RSA-OAEP-256) and keygen, against node:crypto, WebCrypto and node-forge.
// Every implementation uses the same key (made by node:crypto; imported into the others).
import crypto from "node:crypto";
import forge from "node-forge";
import type { BenchCase, BenchContext, Suite } from "../harness.js";
import { Hsm, type RsaPrivateJwk } from "../../src/engine/index.js";

const { RSA_PKCS1_OAEP_PADDING, RSA_PKCS1_PSS_PADDING } = crypto.constants;
const subtle = globalThis.crypto.subtle;

function forgeKeys(jwk: RsaPrivateJwk) {
  const big = (s: string) => new forge.jsbn.BigInteger(Buffer.from(s, "base64url").toString("hex"), 16);
  const priv = forge.pki.setRsaPrivateKey(
    big(jwk.n),
    big(jwk.e),
    big(jwk.d),
    big(jwk.p),
    big(jwk.q),
    big(jwk.dp),
    big(jwk.dq),
    big(jwk.qi),
  );
  const pub = forge.pki.setRsaPublicKey(big(jwk.n), big(jwk.e));
  return { priv, pub };
}

async function sizeCases(hsm: Hsm, bits: 2048 | 3072 | 4096, { quick, add: addCase }: BenchContext) {
  const key = `rsa${bits}`;
  // --quick (the whole run must stay under 2 minutes): every operation at 2048 bits, but only
  // sign.RS256, verify.RS256 and decrypt.RSA-OAEP-256 at 3072 and 4096 bits, and there without
  // node-forge's private operations (80-200 ms each). In a full run those are "slow" cases (no warm-up).
  const quickOps = [`${key}.sign.RS256`, `${key}.verify.RS256`, `${key}.decrypt.RSA-OAEP-256`];
  const add = (c: BenchCase) => {
    const forgePrivate = c.impl === "node-forge" && bits !== 2048 && (c.op.includes(".sign.") || c.op.includes(".decrypt."));
    if (quick && bits !== 2048 && (!quickOps.includes(c.op) || forgePrivate)) return;
    addCase(forgePrivate ? { ...c, slow: true } : c);
  };
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: bits });
  const jwk = privateKey.export({ format: "jwk" }) as RsaPrivateJwk;
  const h = hsm.importRsa(jwk);
  const f = forgeKeys(jwk);
  const msg = new TextEncoder().encode("wasm-hsm benchmark message");
  const digest = crypto.createHash("sha256").update(msg).digest();
  const forgeMd = () => forge.md.sha256.create().update(forge.util.binary.raw.encode(msg));
  const wc = async (name: string, hash: string, usage: KeyUsage) =>
    subtle.importKey("jwk", jwk as JsonWebKey, { name, hash }, false, [usage]);
  const wcPublic = async (name: string, hash: string, usage: KeyUsage) =>
    subtle.importKey("jwk", { kty: "RSA", n: jwk.n, e: jwk.e }, { name, hash }, false, [usage]);

  // sign
  const pkcs1Sign = await wc("RSASSA-PKCS1-v1_5", "SHA-256", "sign");
  const pssSign = await wc("RSA-PSS", "SHA-256", "sign");
  add({ op: `${key}.sign.RS256`, impl: "wasm-hsm", fn: () => hsm.sign(h, "RS256", digest) });
  add({ op: `${key}.sign.RS256`, impl: "node:crypto", fn: () => crypto.sign("sha256", msg, privateKey) });
  add({ op: `${key}.sign.RS256`, impl: "webcrypto", fn: () => subtle.sign("RSASSA-PKCS1-v1_5", pkcs1Sign, msg) });
  add({ op: `${key}.sign.RS256`, impl: "node-forge", fn: () => f.priv.sign(forgeMd()) });
  const pssOpts = { key: privateKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  add({ op: `${key}.sign.PS256`, impl: "wasm-hsm", fn: () => hsm.sign(h, "PS256", digest) });
  add({ op: `${key}.sign.PS256`, impl: "node:crypto", fn: () => crypto.sign("sha256", msg, pssOpts) });
  add({ op: `${key}.sign.PS256`, impl: "webcrypto", fn: () => subtle.sign({ name: "RSA-PSS", saltLength: 32 }, pssSign, msg) });
  const forgePss = () =>
    forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength: 32 });
  add({ op: `${key}.sign.PS256`, impl: "node-forge", fn: () => f.priv.sign(forgeMd(), forgePss()) });

  // verify
  const sig = crypto.sign("sha256", msg, privateKey);
  const pkcs1Verify = await wcPublic("RSASSA-PKCS1-v1_5", "SHA-256", "verify");
  const forgeSig = forge.util.binary.raw.encode(sig);
  const forgeDigest = forge.util.binary.raw.encode(digest);
  add({ op: `${key}.verify.RS256`, impl: "wasm-hsm", fn: () => hsm.verify(h, "RS256", digest, sig) });
  add({ op: `${key}.verify.RS256`, impl: "node:crypto", fn: () => crypto.verify("sha256", msg, publicKey, sig) });
  add({ op: `${key}.verify.RS256`, impl: "webcrypto", fn: () => subtle.verify("RSASSA-PKCS1-v1_5", pkcs1Verify, sig, msg) });
  add({ op: `${key}.verify.RS256`, impl: "node-forge", fn: () => f.pub.verify(forgeDigest, forgeSig) });

  // decrypt
  const secret = crypto.randomBytes(32);
  for (const [alg, hash, forgeHash] of [
    ["RSA-OAEP", "sha1", () => forge.md.sha1.create()],
    ["RSA-OAEP-256", "sha256", () => forge.md.sha256.create()],
  ] as const) {
    const ct = crypto.publicEncrypt({ key: publicKey, padding: RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, secret);
    const wcKey = await wc("RSA-OAEP", hash === "sha1" ? "SHA-1" : "SHA-256", "decrypt");
    const forgeCt = forge.util.binary.raw.encode(ct);
    add({ op: `${key}.decrypt.${alg}`, impl: "wasm-hsm", fn: () => hsm.decrypt(h, alg, ct) });
    add({
      op: `${key}.decrypt.${alg}`,
      impl: "node:crypto",
      fn: () => crypto.privateDecrypt({ key: privateKey, padding: RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ct),
    });
    add({ op: `${key}.decrypt.${alg}`, impl: "webcrypto", fn: () => subtle.decrypt({ name: "RSA-OAEP" }, wcKey, ct) });
    add({
      op: `${key}.decrypt.${alg}`,
      impl: "node-forge",
      fn: () => f.priv.decrypt(forgeCt, "RSA-OAEP", { md: forgeHash(), mgf1: { md: forgeHash() } }),
    });
  }

  // encrypt
  const wcEnc = await wcPublic("RSA-OAEP", "SHA-256", "encrypt");
  const forgeSecret = forge.util.binary.raw.encode(secret);
  add({ op: `${key}.encrypt.RSA-OAEP-256`, impl: "wasm-hsm", fn: () => hsm.encrypt(h, "RSA-OAEP-256", secret) });
  add({
    op: `${key}.encrypt.RSA-OAEP-256`,
    impl: "node:crypto",
    fn: () => crypto.publicEncrypt({ key: publicKey, padding: RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, secret),
  });
  add({ op: `${key}.encrypt.RSA-OAEP-256`, impl: "webcrypto", fn: () => subtle.encrypt({ name: "RSA-OAEP" }, wcEnc, secret) });
  add({
    op: `${key}.encrypt.RSA-OAEP-256`,
    impl: "node-forge",
    fn: () => f.pub.encrypt(forgeSecret, "RSA-OAEP", { md: forge.md.sha256.create(), mgf1: { md: forge.md.sha256.create() } }),
  });

  // keygen: --quick keeps only 2048 bits (a 4096-bit key takes a second or more in every
  // implementation); node-forge (pure JS) only at 2048 bits, and not in --quick.
  if (quick && bits !== 2048) return;
  addCase({ op: `${key}.keygen`, impl: "wasm-hsm", slow: true, fn: () => hsm.destroy(hsm.generateRsa(bits)) });
  addCase({ op: `${key}.keygen`, impl: "node:crypto", slow: true, fn: () => crypto.generateKeyPairSync("rsa", { modulusLength: bits }) });
  addCase({
    op: `${key}.keygen`,
    impl: "webcrypto",
    slow: true,
    fn: () =>
      subtle.generateKey(
        { name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
        false,
        ["sign"],
      ),
  });
  if (!quick && bits === 2048) {
    addCase({ op: `${key}.keygen`, impl: "node-forge", slow: true, fn: () => forge.pki.rsa.generateKeyPair({ bits, e: 65537 }) });
  }
}

export const rsaSuite: Suite = async (ctx) => {
  const hsm = await Hsm.create();
  for (const bits of [2048, 3072, 4096] as const) await sizeCases(hsm, bits, ctx);
};

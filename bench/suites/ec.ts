// EC: sign, verify and keygen on P-256, P-256K (secp256k1), P-384 and P-521 against node:crypto,
// WebCrypto (which has no secp256k1) and @noble/curves. wasm-hsm and @noble/curves sign the
// digest; node:crypto and WebCrypto take the message (a 32-byte one, so hashing costs little).
import { createHash, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { Suite } from "../harness.js";
import { Hsm, type EcCurve } from "../../src/engine/index.js";

interface Case {
  key: string;
  crv: EcCurve;
  alg: string;
  hash: "sha256" | "sha384" | "sha512";
  webHash?: string;
  nodeCurve: string;
  noble: typeof p256;
}

const cases: Case[] = [
  { key: "p256", crv: "P-256", alg: "ES256", hash: "sha256", webHash: "SHA-256", nodeCurve: "prime256v1", noble: p256 },
  { key: "p256k", crv: "P-256K", alg: "ES256K", hash: "sha256", nodeCurve: "secp256k1", noble: secp256k1 },
  { key: "p384", crv: "P-384", alg: "ES384", hash: "sha384", webHash: "SHA-384", nodeCurve: "secp384r1", noble: p384 },
  { key: "p521", crv: "P-521", alg: "ES512", hash: "sha512", webHash: "SHA-512", nodeCurve: "secp521r1", noble: p521 },
];

export const ecSuite: Suite = async ({ add }) => {
  const hsm = await Hsm.create();
  const message = new Uint8Array(32).fill(7);
  for (const c of cases) {
    const digest = createHash(c.hash).update(message).digest();
    const noSign = { prehash: false, lowS: false };

    // wasm-hsm (the first use builds the curve's fixed-base table, outside the timings)
    const handle = hsm.generateEc(c.crv);
    const ours = hsm.sign(handle, c.alg, digest);
    add({ op: `${c.key}.sign.${c.alg}`, impl: "wasm-hsm", fn: () => hsm.sign(handle, c.alg, digest) });
    add({ op: `${c.key}.verify.${c.alg}`, impl: "wasm-hsm", fn: () => hsm.verify(handle, c.alg, digest, ours) });
    add({ op: `${c.key}.keygen`, impl: "wasm-hsm", fn: () => hsm.destroy(hsm.generateEc(c.crv)) });

    // node:crypto
    const pair = generateKeyPairSync("ec", { namedCurve: c.nodeCurve });
    const nodeOpts = { key: pair.privateKey, dsaEncoding: "ieee-p1363" as const };
    const nodeSig = nodeSign(c.hash, message, nodeOpts);
    add({ op: `${c.key}.sign.${c.alg}`, impl: "node:crypto", fn: () => nodeSign(c.hash, message, nodeOpts) });
    add({
      op: `${c.key}.verify.${c.alg}`,
      impl: "node:crypto",
      fn: () => nodeVerify(c.hash, message, { key: pair.publicKey, dsaEncoding: "ieee-p1363" }, nodeSig),
    });
    add({ op: `${c.key}.keygen`, impl: "node:crypto", fn: () => generateKeyPairSync("ec", { namedCurve: c.nodeCurve }) });

    // WebCrypto
    if (c.webHash) {
      const params = { name: "ECDSA", namedCurve: c.crv };
      const algo = { name: "ECDSA", hash: c.webHash };
      const keys = (await crypto.subtle.generateKey(params, false, ["sign", "verify"])) as CryptoKeyPair;
      const webSig = await crypto.subtle.sign(algo, keys.privateKey, message);
      add({ op: `${c.key}.sign.${c.alg}`, impl: "webcrypto", fn: () => crypto.subtle.sign(algo, keys.privateKey, message) });
      add({ op: `${c.key}.verify.${c.alg}`, impl: "webcrypto", fn: () => crypto.subtle.verify(algo, keys.publicKey, webSig, message) });
      add({ op: `${c.key}.keygen`, impl: "webcrypto", fn: () => crypto.subtle.generateKey(params, false, ["sign", "verify"]) });
    }

    // @noble/curves
    const secret = c.noble.utils.randomSecretKey();
    const publicKey = c.noble.getPublicKey(secret);
    const nobleSig = c.noble.sign(digest, secret, noSign);
    add({ op: `${c.key}.sign.${c.alg}`, impl: "@noble/curves", fn: () => c.noble.sign(digest, secret, noSign) });
    add({ op: `${c.key}.verify.${c.alg}`, impl: "@noble/curves", fn: () => c.noble.verify(nobleSig, digest, publicKey, noSign) });
    add({ op: `${c.key}.keygen`, impl: "@noble/curves", fn: () => c.noble.keygen() });
  }
};

// AES on 128- and 256-bit keys:
// - key wrap (RFC 3394), A128KW and A256KW, of a 32-byte key: wasm-hsm against node:crypto
//   (OpenSSL, createCipheriv per call as a user would), WebCrypto (wrapKey/unwrapKey of a raw
//   AES key) and node-forge (pure JS; forge has no key wrap, so RFC 3394 is written here over
//   forge's raw AES block function from createCipher('AES-ECB'));
// - A128GCM/A256GCM encrypt and decrypt of 1 KiB with a fresh 96-bit IV (wasm-hsm makes it inside);
// - keygen (wasm-hsm: a new key in a slot, then destroyed).
// --quick keeps key wrap and GCM on 256-bit keys only, and no keygen.
import { type CipherGCMTypes, createCipheriv, createDecipheriv, generateKeySync, randomBytes } from "node:crypto";
import forge from "node-forge";
import type { Suite } from "../harness.js";
import { Hsm } from "../../src/engine/index.js";

const KW_IV = Buffer.alloc(8, 0xa6);

type BlockFn = (input: number[], output: number[]) => void;

/** RFC 3394 §2.2.1 / §2.2.2 over a raw AES block function on four big-endian 32-bit words. */
function forgeKw(kek: Uint8Array, data: Uint8Array, unwrap: boolean): Uint8Array {
  const key = forge.util.createBuffer(Buffer.from(kek).toString("binary"));
  const cipher = unwrap ? forge.cipher.createDecipher("AES-ECB", key) : forge.cipher.createCipher("AES-ECB", key);
  const block = (cipher as unknown as { mode: { cipher: { encrypt: BlockFn; decrypt: BlockFn } } }).mode.cipher;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const words: number[] = [];
  for (let i = 0; i < data.length; i += 4) words.push(view.getInt32(i));
  const inB = [0, 0, 0, 0];
  const outB = [0, 0, 0, 0];
  let a0: number, a1: number, r: number[];
  if (!unwrap) {
    const n = words.length / 2;
    a0 = a1 = 0xa6a6a6a6 | 0;
    r = words;
    for (let j = 0; j < 6; j++) {
      for (let i = 1; i <= n; i++) {
        inB[0] = a0;
        inB[1] = a1;
        inB[2] = r[2 * i - 2]!;
        inB[3] = r[2 * i - 1]!;
        block.encrypt(inB, outB);
        const t = n * j + i; // < 2^32 here
        a0 = outB[0]!;
        a1 = outB[1]! ^ t;
        r[2 * i - 2] = outB[2]!;
        r[2 * i - 1] = outB[3]!;
      }
    }
    const out = new DataView(new ArrayBuffer(data.length + 8));
    out.setInt32(0, a0);
    out.setInt32(4, a1);
    r.forEach((w, k) => out.setInt32(8 + 4 * k, w));
    return new Uint8Array(out.buffer);
  }
  const n = words.length / 2 - 1;
  a0 = words[0]!;
  a1 = words[1]!;
  r = words.slice(2);
  for (let j = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      const t = n * j + i;
      inB[0] = a0;
      inB[1] = a1 ^ t;
      inB[2] = r[2 * i - 2]!;
      inB[3] = r[2 * i - 1]!;
      block.decrypt(inB, outB);
      a0 = outB[0]!;
      a1 = outB[1]!;
      r[2 * i - 2] = outB[2]!;
      r[2 * i - 1] = outB[3]!;
    }
  }
  if (a0 !== (0xa6a6a6a6 | 0) || a1 !== (0xa6a6a6a6 | 0)) throw new Error("forge KW: integrity check failed");
  const out = new DataView(new ArrayBuffer(8 * n));
  r.forEach((w, k) => out.setInt32(4 * k, w));
  return new Uint8Array(out.buffer);
}

function nodeKw(bits: number, kek: Uint8Array, data: Uint8Array, unwrap: boolean): Buffer {
  const name = `id-aes${bits}-wrap`;
  const c = unwrap ? createDecipheriv(name, kek, KW_IV) : createCipheriv(name, kek, KW_IV);
  return Buffer.concat([c.update(data), c.final()]);
}

function nodeGcm(bits: number, key: Uint8Array, data: Uint8Array): { iv: Buffer; ct: Buffer; tag: Buffer } {
  const iv = randomBytes(12);
  const c = createCipheriv(`aes-${bits}-gcm` as CipherGCMTypes, key, iv);
  const ct = Buffer.concat([c.update(data), c.final()]);
  return { iv, ct, tag: c.getAuthTag() };
}

function nodeGcmOpen(bits: number, key: Uint8Array, iv: Uint8Array, ct: Uint8Array, tag: Uint8Array): Buffer {
  const d = createDecipheriv(`aes-${bits}-gcm` as CipherGCMTypes, key, iv);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

function forgeGcm(key: Uint8Array, iv: Uint8Array, data: Uint8Array): { ct: string; tag: string } {
  const c = forge.cipher.createCipher("AES-GCM", forge.util.createBuffer(Buffer.from(key).toString("binary")));
  c.start({ iv: Buffer.from(iv).toString("binary") });
  c.update(forge.util.createBuffer(Buffer.from(data).toString("binary")));
  c.finish();
  return { ct: c.output.getBytes(), tag: c.mode.tag.getBytes() };
}

function forgeGcmOpen(key: Uint8Array, iv: Uint8Array, ct: string, tag: string): string {
  const d = forge.cipher.createDecipher("AES-GCM", forge.util.createBuffer(Buffer.from(key).toString("binary")));
  d.start({ iv: Buffer.from(iv).toString("binary"), tag: forge.util.createBuffer(tag) });
  d.update(forge.util.createBuffer(ct));
  if (!d.finish()) throw new Error("forge GCM: tag mismatch");
  return d.output.getBytes();
}

export const aesSuite: Suite = async ({ add, quick }) => {
  const hsm = await Hsm.create();
  const subtle = globalThis.crypto.subtle;
  const key = randomBytes(32); // the key being wrapped
  const message = randomBytes(1024);
  for (const bits of quick ? ([256] as const) : ([128, 256] as const)) {
    const kek = randomBytes(bits / 8);
    const alg = `A${bits}KW`;
    const handle = hsm.importOct(kek);
    const wrapped = nodeKw(bits, kek, key, false);
    // The three implementations must agree before they are timed.
    const ours = Buffer.from(hsm.wrapKey(handle, alg, key));
    const forgeOut = Buffer.from(forgeKw(kek, key, false));
    if (!ours.equals(wrapped) || !forgeOut.equals(wrapped)) throw new Error(`aes bench: ${alg} implementations disagree`);
    if (!Buffer.from(forgeKw(kek, wrapped, true)).equals(key) || !Buffer.from(hsm.unwrapKey(handle, alg, wrapped)).equals(key)) {
      throw new Error(`aes bench: ${alg} unwrap disagrees`);
    }
    const op = (o: string) => `aes${bits}.${o}.${alg}`;
    add({ op: op("wrapKey"), impl: "wasm-hsm", fn: () => hsm.wrapKey(handle, alg, key) });
    add({ op: op("wrapKey"), impl: "node:crypto", fn: () => nodeKw(bits, kek, key, false) });
    add({ op: op("wrapKey"), impl: "node-forge", fn: () => forgeKw(kek, key, false) });
    add({ op: op("unwrapKey"), impl: "wasm-hsm", fn: () => hsm.unwrapKey(handle, alg, wrapped) });
    add({ op: op("unwrapKey"), impl: "node:crypto", fn: () => nodeKw(bits, kek, wrapped, true) });
    add({ op: op("unwrapKey"), impl: "node-forge", fn: () => forgeKw(kek, wrapped, true) });
    // WebCrypto: the wrapped key is a CryptoKey (raw AES), as the API requires.
    const wcKek = await subtle.importKey("raw", Uint8Array.from(kek), "AES-KW", false, ["wrapKey", "unwrapKey"]);
    const wcKey = await subtle.importKey("raw", Uint8Array.from(key), "AES-GCM", true, ["encrypt"]);
    const wcWrapped = Buffer.from(await subtle.wrapKey("raw", wcKey, wcKek, "AES-KW"));
    if (!wcWrapped.equals(wrapped)) throw new Error(`aes bench: ${alg} WebCrypto disagrees`);
    add({ op: op("wrapKey"), impl: "webcrypto", fn: () => subtle.wrapKey("raw", wcKey, wcKek, "AES-KW") });
    add({
      op: op("unwrapKey"),
      impl: "webcrypto",
      fn: () => subtle.unwrapKey("raw", Uint8Array.from(wrapped), wcKek, "AES-KW", "AES-GCM", true, ["encrypt"]),
    });

    // GCM, 1 KiB.
    const gcmAlg = `A${bits}GCM`;
    const g = (o: string) => `aes${bits}.${o}.${gcmAlg}`;
    const gcmOurs = hsm.encrypt(handle, gcmAlg, message);
    const opened = nodeGcmOpen(bits, kek, gcmOurs.iv!, gcmOurs.ciphertext, gcmOurs.tag!);
    const theirs = nodeGcm(bits, kek, message);
    const forgeSealed = forgeGcm(kek, theirs.iv, message);
    if (!opened.equals(message) || Buffer.from(forgeSealed.ct, "binary").compare(theirs.ct) !== 0) {
      throw new Error(`aes bench: ${gcmAlg} implementations disagree`);
    }
    const wcMessage = Uint8Array.from(message);
    const wcGcm = await subtle.importKey("raw", Uint8Array.from(kek), "AES-GCM", false, ["encrypt", "decrypt"]);
    const wcSealed = Uint8Array.from(Buffer.concat([theirs.ct, theirs.tag]));
    add({ op: g("encrypt"), impl: "wasm-hsm", fn: () => hsm.encrypt(handle, gcmAlg, message) });
    add({ op: g("encrypt"), impl: "node:crypto", fn: () => nodeGcm(bits, kek, message) });
    add({
      op: g("encrypt"),
      impl: "webcrypto",
      fn: () => subtle.encrypt({ name: "AES-GCM", iv: Uint8Array.from(randomBytes(12)) }, wcGcm, wcMessage),
    });
    add({ op: g("encrypt"), impl: "node-forge", fn: () => forgeGcm(kek, randomBytes(12), message) });
    const opts = { iv: gcmOurs.iv!, tag: gcmOurs.tag! };
    add({ op: g("decrypt"), impl: "wasm-hsm", fn: () => hsm.decrypt(handle, gcmAlg, gcmOurs.ciphertext, opts) });
    add({ op: g("decrypt"), impl: "node:crypto", fn: () => nodeGcmOpen(bits, kek, theirs.iv, theirs.ct, theirs.tag) });
    add({
      op: g("decrypt"),
      impl: "webcrypto",
      fn: () => subtle.decrypt({ name: "AES-GCM", iv: Uint8Array.from(theirs.iv) }, wcGcm, wcSealed),
    });
    add({ op: g("decrypt"), impl: "node-forge", fn: () => forgeGcmOpen(kek, theirs.iv, forgeSealed.ct, forgeSealed.tag) });

    if (quick) continue;
    add({ op: `aes${bits}.keygen`, impl: "wasm-hsm", fn: () => hsm.destroy(hsm.generateOct(bits)) });
    add({ op: `aes${bits}.keygen`, impl: "node:crypto", fn: () => generateKeySync("aes", { length: bits }) });
    add({
      op: `aes${bits}.keygen`,
      impl: "webcrypto",
      fn: () => subtle.generateKey({ name: "AES-GCM", length: bits }, true, ["encrypt"]),
    });
  }
};

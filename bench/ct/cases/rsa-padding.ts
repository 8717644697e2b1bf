// Encoded messages (EM) for RSA decryption, valid or with exactly one defect, encrypted with the
// raw public operation of node:crypto (RSA_NO_PADDING): the harness's ciphertexts of each class.
// Layouts: RFC 8017 §7.1.1 (EME-OAEP) and §7.2.1 (EME-PKCS1-v1_5); the checks a decryptor makes,
// and so the classes of defect: §7.1.2 step 3.g and §7.2.2 step 3.
import crypto, { type KeyObject } from "node:crypto";

export const OAEP_DEFECTS = ["valid", "Y != 0", "lHash wrong", "separator != 0x01", "no separator"] as const;
export type OaepDefect = (typeof OAEP_DEFECTS)[number];

export const PKCS1_DEFECTS = ["valid", "EM[0] != 0", "EM[1] != 2", "no zero separator", "PS < 8 bytes"] as const;
export type Pkcs1Defect = (typeof PKCS1_DEFECTS)[number];

/** The message length of every valid ciphertext: the same for each, so its copy costs the same. */
export const MESSAGE_BYTES = 32;

/** c = EM^e mod n. EM must be k bytes and below n (its first byte below n's). */
export function rawEncrypt(publicKey: KeyObject, em: Uint8Array): Uint8Array {
  return crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_NO_PADDING }, em);
}

/** MGF1 (RFC 8017 §B.2.1) with a node:crypto hash. */
export function mgf1(hash: string, seed: Uint8Array, length: number): Uint8Array {
  const blocks: Buffer[] = [];
  for (let i = 0, total = 0; total < length; i++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i);
    blocks.push(crypto.createHash(hash).update(seed).update(counter).digest());
    total += blocks[i]!.length;
  }
  return new Uint8Array(Buffer.concat(blocks).subarray(0, length));
}

export interface Encoded {
  em: Uint8Array;
  /** The message a decryptor must return when the EM is valid. */
  message: Uint8Array;
}

/** EME-OAEP of a random message, with the given defect. Empty label. */
export function oaepEm(k: number, hash: string, defect: OaepDefect): Encoded {
  const hLen = crypto.createHash(hash).digest().length;
  const dbLen = k - hLen - 1;
  const db = new Uint8Array(dbLen);
  db.set(defect === "lHash wrong" ? differentFrom(crypto.createHash(hash).digest()) : crypto.createHash(hash).digest());
  const mStart = dbLen - MESSAGE_BYTES;
  const message = crypto.randomBytes(MESSAGE_BYTES);
  db.set(message, mStart);
  // Between lHash and M: PS (zeros) and the 0x01 separator, or what the defect puts there.
  if (defect === "separator != 0x01") db[mStart - 1] = 2 + crypto.randomInt(254);
  else if (defect !== "no separator") db[mStart - 1] = 1;
  else db.fill(0, hLen); // all zeros after lHash, M included: no 0x01 anywhere
  const seed = crypto.randomBytes(hLen);
  const maskedDb = xor(db, mgf1(hash, seed, dbLen));
  const maskedSeed = xor(seed, mgf1(hash, maskedDb, hLen));
  const em = new Uint8Array(k);
  em[0] = defect === "Y != 0" ? 1 + crypto.randomInt(0x7f) : 0; // below n's first byte (>= 0x80)
  em.set(maskedSeed, 1);
  em.set(maskedDb, 1 + hLen);
  return { em, message };
}

/** EME-PKCS1-v1_5 of a random message, with the given defect. */
export function pkcs1Em(k: number, defect: Pkcs1Defect): Encoded {
  const em = nonZeroBytes(k);
  em[0] = defect === "EM[0] != 0" ? 1 + crypto.randomInt(0x7f) : 0;
  em[1] = defect === "EM[1] != 2" ? [0, 1, ...range(3, 256)][crypto.randomInt(255)]! : 2;
  if (defect === "no zero separator") return { em, message: new Uint8Array(0) }; // PS runs to the end
  // The separator after PS: at k - |M| - 1 when valid; within the first 8 bytes of PS when too short.
  const sep = defect === "PS < 8 bytes" ? 2 + crypto.randomInt(8) : k - MESSAGE_BYTES - 1;
  em[sep] = 0;
  em.set(crypto.randomBytes(k - sep - 1), sep + 1);
  return { em, message: em.slice(sep + 1) };
}

function nonZeroBytes(n: number): Uint8Array {
  const out = crypto.randomBytes(n);
  for (let i = 0; i < n; i++) while (out[i] === 0) out[i] = crypto.randomBytes(1)[0]!;
  return out;
}

function differentFrom(x: Uint8Array): Uint8Array {
  let y: Uint8Array;
  do y = crypto.randomBytes(x.length);
  while (Buffer.from(y).equals(x));
  return y;
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((v, i) => v ^ b[i]!);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

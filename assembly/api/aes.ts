// Exports of the AES family: oct keys (KIND_OCT slots holding the key schedule of
// aes/schedule.ts, AES_KS_SIZE bytes; the raw key is not kept), key wrap, GCM and CBC.
// Every export checks its mode, all lengths (each <= IO_CAPACITY first, so sums cannot overflow)
// and the handle before any work. Modes are in aes/modes.ts.
//
//   aes_generate(bits)                     -> handle        bits = 128 | 192 | 256, key from the DRBG
//   aes_import(len)                        -> handle        IN = key (16 | 24 | 32 bytes); IN is wiped
//   aes_wrap(h, mode, len)                 -> OUT length    IN = key data; mode KW (len % 8 == 0,
//                                                            len >= 16) or KWP (len >= 1); OUT = wrapped
//   aes_unwrap(h, mode, len)               -> OUT length    IN = wrapped; KW: len % 8 == 0, len >= 24;
//                                                            KWP: len % 8 == 0, len >= 16; ERR_DECRYPT on
//                                                            any integrity or padding failure
//   aes_encrypt(h, mode, ivLen, aadLen, ptLen) -> OUT length   IN = iv ‖ aad ‖ pt
//       GCM: ivLen = 0 (the core makes the IV); OUT = iv(12) ‖ ct ‖ tag(16)
//       CBC / CBC_PKCS7: ivLen = 16 (given) or 0 (made by the core), aadLen = 0; CBC: ptLen % 16 == 0;
//       OUT = iv(16) ‖ ct
//   aes_decrypt(h, mode, ivLen, aadLen, ctLen, tagLen) -> OUT length   IN = iv ‖ aad ‖ ct ‖ tag; OUT = pt
//       GCM: ivLen = 12, tagLen = 16 (other sizes: ERR_LENGTH); the tag is checked before OUT is written
//       CBC / CBC_PKCS7: ivLen = 16, aadLen = tagLen = 0, ctLen % 16 == 0 (CBC_PKCS7: ctLen >= 16)
// Length errors are ERR_LENGTH, an unsuitable mode ERR_ALG, integrity failures ERR_DECRYPT.
// Inputs are limited so that every output fits in IN again: whatever we wrap or encrypt can be
// unwrapped or decrypted by the same core (wrap: len <= IO_CAPACITY - 8; GCM: aad + pt + 28 <=
// IO_CAPACITY; CBC: 16 + ct <= IO_CAPACITY).
import { IO_CAPACITY, IO_OUT_CAPACITY, ioIn, ioOut } from "../io";
import { ERR_ALG, ERR_LENGTH } from "../status";
import { wipe } from "../mem";
import { drbgGenerate } from "../rand/drbg";
import { KIND_OCT } from "../keys/kinds";
import { slotAlloc, slotIndex, slotMaterial, slotMaterialLength, slotOfKind } from "../keys/slots";
import { AES_MODE_CBC, AES_MODE_CBC_PKCS7, AES_MODE_GCM, AES_MODE_KW, AES_MODE_KWP } from "../aes/modes";
import { AES_KS_SIZE, aesExpandKey, aesKeyBits, aesKeyLengthValid } from "../aes/schedule";
import { kwUnwrap, kwWrap, kwpUnwrap, kwpWrap } from "../aes/kw";
import { GCM_IV_SIZE, GCM_TAG_SIZE, gcmOpen, gcmSeal } from "../aes/gcm";
import { octKeyFrom } from "../aes/key";
import { cbcDecrypt, cbcEncrypt, cbcPkcs7Decrypt, cbcPkcs7Encrypt } from "../aes/cbc";

const keyScratch = memory.data(32, 16);

/** Expands the key at keyScratch into a new slot, wipes the scratch, returns the handle or an error. */
function storeKey(len: usize): i32 {
  const h = octKeyFrom(keyScratch, len);
  wipe(keyScratch, 32);
  return h;
}

/** The schedule of a live oct key as a non-negative pointer, or a negative status. */
function scheduleOf(handle: i32): isize {
  const index = slotOfKind(handle, KIND_OCT);
  if (index < 0) return index;
  if (<usize>slotMaterialLength(index) != AES_KS_SIZE) return ERR_ALG;
  return <isize>slotMaterial(index);
}

export function aes_generate(bits: i32): i32 {
  if (bits != 128 && bits != 192 && bits != 256) return ERR_LENGTH;
  const len = <usize>(bits >> 3);
  const st = drbgGenerate(keyScratch, len);
  if (st < 0) {
    wipe(keyScratch, 32);
    return st;
  }
  return storeKey(len);
}

export function aes_import(len: u32): i32 {
  if (!aesKeyLengthValid(<usize>len)) return ERR_LENGTH;
  memory.copy(keyScratch, ioIn(), len);
  wipe(ioIn(), len);
  return storeKey(<usize>len);
}

export function aes_wrap(handle: i32, mode: i32, len: u32): i32 {
  if (mode != AES_MODE_KW && mode != AES_MODE_KWP) return ERR_ALG;
  if (len > IO_CAPACITY - 8 || len == 0) return ERR_LENGTH;
  if (mode == AES_MODE_KW && (len < 16 || (len & 7) != 0)) return ERR_LENGTH;
  const ks = scheduleOf(handle);
  if (ks < 0) return <i32>ks;
  if (mode == AES_MODE_KW) return kwWrap(<usize>ks, ioIn(), len, ioOut());
  return kwpWrap(<usize>ks, ioIn(), len, ioOut());
}

export function aes_unwrap(handle: i32, mode: i32, len: u32): i32 {
  if (mode != AES_MODE_KW && mode != AES_MODE_KWP) return ERR_ALG;
  if (len > IO_CAPACITY || (len & 7) != 0) return ERR_LENGTH;
  const minimum: u32 = mode == AES_MODE_KW ? 24 : 16;
  if (len < minimum) return ERR_LENGTH;
  const ks = scheduleOf(handle);
  if (ks < 0) return <i32>ks;
  if (mode == AES_MODE_KW) return kwUnwrap(<usize>ks, ioIn(), len, ioOut());
  return kwpUnwrap(<usize>ks, aesKeyBits(<usize>ks), ioIn(), len, ioOut());
}

export function aes_encrypt(handle: i32, mode: i32, ivLen: u32, aadLen: u32, ptLen: u32): i32 {
  if (mode != AES_MODE_GCM && mode != AES_MODE_CBC && mode != AES_MODE_CBC_PKCS7) return ERR_ALG;
  if (ivLen > IO_CAPACITY || aadLen > IO_CAPACITY || ptLen > IO_CAPACITY) return ERR_LENGTH;
  if (ivLen + aadLen + ptLen > IO_CAPACITY) return ERR_LENGTH;
  let outLen: u32;
  if (mode == AES_MODE_GCM) {
    if (ivLen != 0) return ERR_LENGTH;
    outLen = <u32>GCM_IV_SIZE + ptLen + <u32>GCM_TAG_SIZE;
    if (outLen + aadLen > IO_CAPACITY) return ERR_LENGTH;
  } else {
    if (ivLen != 0 && ivLen != 16) return ERR_LENGTH;
    if (aadLen != 0) return ERR_LENGTH;
    if (mode == AES_MODE_CBC && (ptLen & 15) != 0) return ERR_LENGTH;
    outLen = 16 + (mode == AES_MODE_CBC ? ptLen : (ptLen & ~15) + 16);
    if (outLen > IO_CAPACITY) return ERR_LENGTH;
  }
  if (outLen > IO_OUT_CAPACITY) return ERR_LENGTH;
  const ks = scheduleOf(handle);
  if (ks < 0) return <i32>ks;
  const inp = ioIn();
  const out = ioOut();
  if (mode == AES_MODE_GCM) {
    const st = drbgGenerate(out, GCM_IV_SIZE);
    if (st < 0) return st;
    gcmSeal(<usize>ks, out, inp, aadLen, inp + aadLen, ptLen, out + GCM_IV_SIZE);
    return <i32>outLen;
  }
  if (ivLen == 16) {
    memory.copy(out, inp, 16);
  } else {
    const st = drbgGenerate(out, 16);
    if (st < 0) return st;
  }
  if (mode == AES_MODE_CBC) {
    cbcEncrypt(<usize>ks, out, inp + ivLen, ptLen, out + 16);
    return <i32>outLen;
  }
  return 16 + cbcPkcs7Encrypt(<usize>ks, out, inp + ivLen, ptLen, out + 16);
}

export function aes_decrypt(handle: i32, mode: i32, ivLen: u32, aadLen: u32, ctLen: u32, tagLen: u32): i32 {
  if (mode != AES_MODE_GCM && mode != AES_MODE_CBC && mode != AES_MODE_CBC_PKCS7) return ERR_ALG;
  if (ivLen > IO_CAPACITY || aadLen > IO_CAPACITY || ctLen > IO_CAPACITY || tagLen > IO_CAPACITY) return ERR_LENGTH;
  if (ivLen + aadLen + ctLen + tagLen > IO_CAPACITY) return ERR_LENGTH;
  if (mode == AES_MODE_GCM) {
    if (ivLen != <u32>GCM_IV_SIZE || tagLen != <u32>GCM_TAG_SIZE) return ERR_LENGTH;
  } else {
    if (ivLen != 16 || aadLen != 0 || tagLen != 0 || (ctLen & 15) != 0) return ERR_LENGTH;
    if (mode == AES_MODE_CBC_PKCS7 && ctLen < 16) return ERR_LENGTH;
  }
  const ks = scheduleOf(handle);
  if (ks < 0) return <i32>ks;
  const inp = ioIn();
  const out = ioOut();
  if (mode == AES_MODE_GCM) {
    const ct = inp + GCM_IV_SIZE + aadLen;
    const st = gcmOpen(<usize>ks, inp, inp + GCM_IV_SIZE, aadLen, ct, ctLen, ct + ctLen, out);
    return st < 0 ? st : <i32>ctLen;
  }
  if (mode == AES_MODE_CBC) {
    cbcDecrypt(<usize>ks, inp, inp + 16, ctLen, out);
    return <i32>ctLen;
  }
  return cbcPkcs7Decrypt(<usize>ks, inp, inp + 16, ctLen, out);
}

// Exports of the security domain, sealing and backup encryption (assembly/seal).
import { IO_CAPACITY, IO_OUT_CAPACITY, ioIn, ioOut } from "../io";
import { ERR_DECRYPT, ERR_KEY_KIND, ERR_LENGTH, OK } from "../status";
import { wipe } from "../mem";
import { KIND_SEAL } from "../keys/kinds";
import { slotIndex, slotKindAt, slotMaterial, slotMaterialLength } from "../keys/slots";
import { DOMAIN_EXPORT_LEN, domainExport, domainGenerate, domainId, domainImport } from "../seal/domain";
import { SEAL_OVERHEAD, checkSealedLength, sealKey, unsealKey } from "../seal/seal";
import { NONCE_LEN, TAG_LEN, aeadOpen, aeadSeal } from "../seal/aead";
import { PURPOSE_BACKUP, PURPOSE_BACKUP_LEN, PURPOSE_DATA, PURPOSE_DATA_LEN } from "../seal/purposes";

const MAX_SECRET: u32 = 4096;

export function seal_domain_generate(): i32 {
  return domainGenerate();
}

/** Writes the domain key's 16-byte identifier to OUT. */
export function seal_domain_id(h: i32): i32 {
  return domainId(h, ioOut());
}

/** IN = secret (secretLen bytes). OUT = the sealed domain key. */
export function seal_domain_export(h: i32, secretLen: u32): i32 {
  if (secretLen == 0 || secretLen > MAX_SECRET) return ERR_LENGTH;
  const n = domainExport(h, ioIn(), <usize>secretLen, ioOut());
  wipe(ioIn(), <usize>secretLen);
  return n;
}

/** IN = secret ‖ sealed domain key. Returns the new sealing key's handle. */
export function seal_domain_import(secretLen: u32, blobLen: u32): i32 {
  if (secretLen == 0 || secretLen > MAX_SECRET) return ERR_LENGTH;
  if (<usize>blobLen != DOMAIN_EXPORT_LEN) return ERR_LENGTH;
  const h = domainImport(ioIn(), <usize>secretLen, ioIn() + <usize>secretLen, <usize>blobLen);
  wipe(ioIn(), <usize>secretLen); // the domain secret must not stay in IN
  return h;
}

/** OUT = the key `h` sealed under the sealing key `kek`. */
export function seal_key(kek: i32, h: i32): i32 {
  const i = slotIndex(h);
  if (i < 0) return i;
  if (<usize>slotMaterialLength(i) + SEAL_OVERHEAD > <usize>IO_OUT_CAPACITY) return ERR_LENGTH;
  return sealKey(kek, h, ioOut());
}

/** IN = a sealed key of len bytes. Returns a handle to the unsealed key. */
export function unseal_key(kek: i32, len: u32): i32 {
  const st = checkSealedLength(len);
  if (st != OK) return st;
  return unsealKey(kek, ioIn(), <usize>len);
}

function backupKeyMaterial(kek: i32): i32 {
  const k = slotIndex(kek);
  if (k < 0) return k;
  if (slotKindAt(k) != KIND_SEAL) return ERR_KEY_KIND;
  return k;
}

/** IN = aad ‖ plaintext. OUT = nonce ‖ ciphertext ‖ tag under the domain's subkey for `purpose`. */
function sealUnder(kek: i32, purpose: usize, purposeLen: usize, aadLen: u32, ptLen: u32): i32 {
  const k = backupKeyMaterial(kek);
  if (k < 0) return k;
  if (aadLen > IO_CAPACITY || ptLen > IO_CAPACITY - aadLen) return ERR_LENGTH;
  if (<usize>ptLen + NONCE_LEN + TAG_LEN > <usize>IO_OUT_CAPACITY) return ERR_LENGTH;
  const st = aeadSeal(slotMaterial(k), purpose, purposeLen, ioIn(), <usize>aadLen, ioIn() + <usize>aadLen, <usize>ptLen, ioOut());
  if (st != OK) return st;
  return <i32>(<usize>ptLen + NONCE_LEN + TAG_LEN);
}

/** IN = aad ‖ nonce ‖ ciphertext ‖ tag. OUT = plaintext. Any defect: ERR_DECRYPT. */
function openUnder(kek: i32, purpose: usize, purposeLen: usize, aadLen: u32, sealedLen: u32): i32 {
  const k = backupKeyMaterial(kek);
  if (k < 0) return k;
  if (aadLen > IO_CAPACITY || sealedLen > IO_CAPACITY - aadLen) return ERR_LENGTH;
  if (<usize>sealedLen < NONCE_LEN + TAG_LEN) return ERR_DECRYPT;
  const st = aeadOpen(slotMaterial(k), purpose, purposeLen, ioIn(), <usize>aadLen, ioIn() + <usize>aadLen, <usize>sealedLen, ioOut());
  if (st != OK) return ERR_DECRYPT;
  return <i32>(<usize>sealedLen - NONCE_LEN - TAG_LEN);
}

/** Backups: IN = aad ‖ plaintext. OUT = nonce ‖ ciphertext ‖ tag under the domain's backup subkey. */
export function backup_encrypt(kek: i32, aadLen: u32, ptLen: u32): i32 {
  return sealUnder(kek, PURPOSE_BACKUP, PURPOSE_BACKUP_LEN, aadLen, ptLen);
}

/** IN = aad ‖ nonce ‖ ciphertext ‖ tag. OUT = plaintext. Any defect: ERR_DECRYPT. */
export function backup_decrypt(kek: i32, aadLen: u32, sealedLen: u32): i32 {
  return openUnder(kek, PURPOSE_BACKUP, PURPOSE_BACKUP_LEN, aadLen, sealedLen);
}

/**
 * Opaque data sealed for storage (e.g. a secret's value): IN = aad ‖ plaintext, OUT = nonce ‖
 * ciphertext ‖ tag, AES-256-GCM under the domain's data subkey (its own HKDF purpose, so that a
 * sealed datum never opens as a backup, nor a backup as a datum).
 */
export function seal_data(kek: i32, aadLen: u32, ptLen: u32): i32 {
  return sealUnder(kek, PURPOSE_DATA, PURPOSE_DATA_LEN, aadLen, ptLen);
}

/** IN = aad ‖ nonce ‖ ciphertext ‖ tag. OUT = the data. Any defect, a wrong aad included: ERR_DECRYPT. */
export function unseal_data(kek: i32, aadLen: u32, sealedLen: u32): i32 {
  return openUnder(kek, PURPOSE_DATA, PURPOSE_DATA_LEN, aadLen, sealedLen);
}

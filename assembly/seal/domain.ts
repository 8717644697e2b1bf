// The security-domain key: a 256-bit sealing key (KIND_SEAL) made in the core. It leaves only
// sealed under a key derived (HKDF-SHA-256) from a host-supplied domain secret, and is known
// to the outside by an identifier derived from it (HMAC-SHA-256, truncated to 16 bytes).
//
// An instance has at most one domain, for its whole life: the first one generated or imported.
// Were a second allowed, a caller could import a domain key of its own making (it knows the secret
// it seals under) and seal any live key under it, which is export in clear by another name. So the
// domain is only as secret as the domain secret, and can never be swapped under live keys.
import { ERR_DOMAIN_SET, ERR_KEY_KIND, ERR_UNSEAL, OK } from "../status";
import { KIND_SEAL } from "../keys/kinds";
import { slotAlloc, slotDestroy, slotIndex, slotKindAt, slotMaterial } from "../keys/slots";
import { drbgGenerate } from "../rand/drbg";
import { hkdfSha256 } from "../hash/hkdf";
import { HASH_SHA256 } from "../hash/ids";
import { HMAC_CTX_SIZE, hmacFinal, hmacInit, hmacUpdate } from "../hash/hmac";
import { ctEqual, wipe } from "../mem";
import { NONCE_LEN, TAG_LEN, aeadOpen, aeadSeal } from "./aead";
import { PURPOSE_EXPORT, PURPOSE_EXPORT_LEN, PURPOSE_ID, PURPOSE_ID_LEN } from "./purposes";

export const DOMAIN_KEY_LEN: usize = 32;
export const DOMAIN_EXPORT_LEN: usize = 4 + NONCE_LEN + DOMAIN_KEY_LEN + TAG_LEN;
const EXPORT_MAGIC: u32 = 0x31445357; // "WSD1" little-endian
const exportKey = memory.data(32, 16);
const macCtx = memory.data(<i32>HMAC_CTX_SIZE, 16);
const mac = memory.data(32, 16);

// The handle of this instance's domain key, or 0 before it has one. Never reset, even on destroy.
// (Only domainGenerate and domainImport make KIND_SEAL keys, so the live one, if any, is this one.)
let domainHandle: i32 = 0;

export function domainGenerate(): i32 {
  if (domainHandle != 0) return ERR_DOMAIN_SET;
  const h = slotAlloc(KIND_SEAL, 256, <u32>DOMAIN_KEY_LEN);
  if (h < 0) return h;
  const st = drbgGenerate(slotMaterial(slotIndex(h)), DOMAIN_KEY_LEN);
  if (st != OK) {
    slotDestroy(h);
    return st;
  }
  domainHandle = h;
  return h;
}

function sealingSlot(h: i32): i32 {
  const i = slotIndex(h);
  if (i < 0) return i;
  if (slotKindAt(i) != KIND_SEAL) return ERR_KEY_KIND;
  return i;
}

/** Writes the 16-byte public identifier of the domain key to out. */
export function domainId(h: i32, out: usize): i32 {
  const i = sealingSlot(h);
  if (i < 0) return i;
  hmacInit(macCtx, HASH_SHA256, slotMaterial(i), DOMAIN_KEY_LEN);
  hmacUpdate(macCtx, PURPOSE_ID, PURPOSE_ID_LEN);
  hmacFinal(macCtx, mac);
  memory.copy(out, mac, 16);
  return 16;
}

function deriveExportKey(secret: usize, secretLen: usize): void {
  hkdfSha256(secret, secretLen, 0, 0, PURPOSE_EXPORT, PURPOSE_EXPORT_LEN, exportKey, 32);
}

/** out = magic ‖ nonce ‖ GCM(domain key) ‖ tag, under a key derived from the secret. */
export function domainExport(h: i32, secret: usize, secretLen: usize, out: usize): i32 {
  const i = sealingSlot(h);
  if (i < 0) return i;
  deriveExportKey(secret, secretLen);
  store<u32>(out, EXPORT_MAGIC);
  const st = aeadSeal(exportKey, PURPOSE_EXPORT, PURPOSE_EXPORT_LEN, out, 4, slotMaterial(i), DOMAIN_KEY_LEN, out + 4);
  wipe(exportKey, 32);
  if (st != OK) return st;
  return <i32>DOMAIN_EXPORT_LEN;
}

const candidate = memory.data(<i32>DOMAIN_KEY_LEN, 16);

/**
 * Opens a sealed domain key. The first one becomes this instance's domain; after that, only the
 * same key is accepted again (a vault reopened on the same engine), and its handle is returned.
 */
export function domainImport(secret: usize, secretLen: usize, blob: usize, blobLen: usize): i32 {
  if (blobLen != DOMAIN_EXPORT_LEN || load<u32>(blob) != EXPORT_MAGIC) return ERR_UNSEAL;
  if (domainHandle != 0) {
    const i = slotIndex(domainHandle);
    if (i < 0) return ERR_DOMAIN_SET;
    deriveExportKey(secret, secretLen);
    const st = aeadOpen(exportKey, PURPOSE_EXPORT, PURPOSE_EXPORT_LEN, blob, 4, blob + 4, blobLen - 4, candidate);
    wipe(exportKey, 32);
    const same = st == OK ? ctEqual(candidate, slotMaterial(i), DOMAIN_KEY_LEN) : 0;
    wipe(candidate, DOMAIN_KEY_LEN);
    if (st != OK) return ERR_UNSEAL;
    return same == 1 ? domainHandle : ERR_DOMAIN_SET;
  }
  const h = slotAlloc(KIND_SEAL, 256, <u32>DOMAIN_KEY_LEN);
  if (h < 0) return h;
  deriveExportKey(secret, secretLen);
  const st = aeadOpen(exportKey, PURPOSE_EXPORT, PURPOSE_EXPORT_LEN, blob, 4, blob + 4, blobLen - 4, slotMaterial(slotIndex(h)));
  wipe(exportKey, 32);
  if (st != OK) {
    slotDestroy(h);
    return ERR_UNSEAL;
  }
  domainHandle = h;
  return h;
}

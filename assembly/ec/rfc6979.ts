// Nonce generation of RFC 6979 §3.2 (HMAC-DRBG keyed by the private key and the message), in
// its hedged form by default: draft-irtf-cfrg-det-sigs-with-noise §4 adds rlen bytes of fresh
// randomness Z to the provided data of steps d and f, each part padded to the hash block size:
//   K = HMAC_K(V || 0x00 || Z || 000... || int2octets(x) || 000... || bits2octets(h1))
// Without Z it is exactly RFC 6979 (K = HMAC_K(V || 0x00 || int2octets(x) || bits2octets(h1))).
import { HMAC_CTX_SIZE, HMAC_KEY_SIZE, hmacFinal, hmacInitFromKey, hmacKeyInit, hmacUpdate } from "../hash/hmac";
import { hashBlockLength, hashLength } from "../hash/ids";
import { bits2int } from "./scalar";

const K = memory.data(64, 16);
const V = memory.data(64, 16);
const CTX = memory.data(<i32>HMAC_CTX_SIZE, 16);
const DATA = memory.data(512, 16); // provided_data: at most 66 + 127 + 66 + 127 + 66 bytes
const TBUF = memory.data(192, 16); // T of step h: at most 66 + 63 bytes
const SEP = memory.data(16, 16);
// K precomputed for HMAC (hmacKeyInit): each K of steps d to h keys one to three MACs.
const KEY = memory.data(<i32>HMAC_KEY_SIZE, 16);
// The initial K = 0x00 ... 0x00 of step c, precomputed once per hash (public), by hash id 1..4.
const ZERO_KEYS = memory.data(4 * <i32>HMAC_KEY_SIZE, 16);
let zeroKeysReady: u32 = 0; // bit alg set once ZERO_KEYS holds that hash's key

let alg: i32 = 0;
let hlen: usize = 0;
let dataLen: usize = 0;
let fresh = true;

/** K = HMAC_K(V || sep [|| provided_data]). */
function updateK(sep: u8, withData: bool): void {
  store<u8>(SEP, sep);
  hmacInitFromKey(CTX, KEY);
  hmacUpdate(CTX, V, hlen);
  hmacUpdate(CTX, SEP, 1);
  if (withData) hmacUpdate(CTX, DATA, dataLen);
  hmacFinal(CTX, K);
  hmacKeyInit(KEY, alg, K, hlen);
}

/** V = HMAC_K(V). */
function updateV(): void {
  hmacInitFromKey(CTX, KEY);
  hmacUpdate(CTX, V, hlen);
  hmacFinal(CTX, V);
}

@inline
function padTo(len: usize, block: usize): usize {
  return (block - (len % block)) % block;
}

/**
 * Steps b to g for the private key x and h = bits2octets(h1), both rlen bytes. z is rlen bytes
 * of randomness (hedged), or 0 for plain RFC 6979. hashAlg is a valid hash id.
 */
export function nonceInit(hashAlg: i32, x: usize, h: usize, rlen: usize, z: usize): void {
  alg = hashAlg;
  hlen = <usize>hashLength(hashAlg);
  const block = <usize>hashBlockLength(hashAlg);
  dataLen = 0;
  if (z != 0) {
    memory.copy(DATA, z, rlen);
    dataLen = rlen;
    const pad1 = padTo(hlen + 1 + rlen, block); // so that V || 0x00 || Z || 000... fills whole blocks
    memory.fill(DATA + dataLen, 0, pad1);
    dataLen += pad1;
    memory.copy(DATA + dataLen, x, rlen);
    dataLen += rlen;
    const pad2 = padTo(rlen, block); // so that int2octets(x) || 000... fills whole blocks
    memory.fill(DATA + dataLen, 0, pad2);
    dataLen += pad2;
  } else {
    memory.copy(DATA, x, rlen);
    dataLen = rlen;
  }
  memory.copy(DATA + dataLen, h, rlen);
  dataLen += rlen;
  memory.fill(V, 0x01, hlen); // b
  memory.fill(K, 0x00, hlen); // c
  const zeroKey = ZERO_KEYS + <usize>(alg - 1) * HMAC_KEY_SIZE;
  if ((zeroKeysReady & (<u32>1 << <u32>alg)) == 0) {
    hmacKeyInit(zeroKey, alg, K, hlen);
    zeroKeysReady |= <u32>1 << <u32>alg;
  }
  memory.copy(KEY, zeroKey, HMAC_KEY_SIZE);
  updateK(0x00, true); // d
  updateV(); // e
  updateK(0x01, true); // f
  updateV(); // g
  fresh = true;
}

/** Step h: the next candidate k = bits2int(T) into o (L words). The caller checks 1 <= k < q. */
export function nonceNext(o: usize, L: i32, qbits: i32): void {
  if (!fresh) {
    // h.3: the previous candidate was refused.
    updateK(0x00, false);
    updateV();
  }
  fresh = false;
  let tlen: usize = 0;
  while (tlen * 8 < <usize>qbits) {
    updateV();
    memory.copy(TBUF + tlen, V, hlen);
    tlen += hlen;
  }
  bits2int(o, L, TBUF, tlen, qbits);
  memory.fill(TBUF, 0, 192);
}

/** Wipes the generator's state (derived from the private key). */
export function nonceWipe(): void {
  memory.fill(K, 0, 64);
  memory.fill(V, 0, 64);
  memory.fill(DATA, 0, 512);
  memory.fill(TBUF, 0, 192);
  memory.fill(CTX, 0, HMAC_CTX_SIZE);
  memory.fill(KEY, 0, HMAC_KEY_SIZE);
}

// Generates assembly/aes/vperm-tables.ts: the 16-entry nibble tables of the single-block AES of
// assembly/aes/vperm.ts, and checks them before writing anything: the S-box and its inverse for
// all 256 inputs, and the whole cipher (both directions) against FIPS-197 Appendix C.
//
// The method is Hamburg's, "Accelerating AES with Vector Permute Instructions" (CHES 2009): the
// inversion in GF(2^8) is computed in a tower representation GF((2^4)^2) with nibble-indexed
// tables only, each table lookup being an in-register byte shuffle (i8x16.swizzle), so that no
// memory address depends on secret data. The derivation here is this project's own:
//
//   GF(16) = GF(2)[x] / (x^4 + x + 1); GF(256) = AES's field, GF(2)[z] / (z^8 + z^4 + z^3 + z + 1).
//   g = a root of x^4 + x + 1 in GF(256) embeds GF(16). For a in GF(16) with t^2 + a t + a
//   irreducible over GF(16), u = a root of it in GF(256); every x in GF(256) is x = i u + k with
//   i, k in GF(16), and its norm over GF(16) is M = x x^16 = a i^2 + a i k + k^2 (u u^16 = a,
//   u + u^16 = a). With j = i + k:
//     io = 1 / (1/i + a/k) + j = M / (a i + k),    jo = 1 / (1/j + a/k) + i = M / (a i + (1 + a) k),
//   and x^-1 = x^16 / M = (i/M) u + (a i + k)/M, whose two coordinates are GF(16)-linear in 1/io and
//   1/jo. So S(x) (or any GF(2)-linear function of x^-1) is T1[io] ^ T2[jo] for two 16-entry tables.
//   Zero denominators: 1/0 is the marker 0x80, and a lookup at an index >= 16 gives 0 (swizzle's
//   rule), which propagates "infinity" correctly; the exhaustive checks below cover every case.
//
// Run: node scripts/gen-aes-vperm.mjs
import { writeFileSync } from "node:fs";

function gmul(a, b, poly = 0x11b, bits = 8) {
  let r = 0;
  while (b) {
    if (b & 1) r ^= a;
    b >>= 1;
    a <<= 1;
    if (a >> bits) a ^= poly;
  }
  return r;
}
const g16mul = (a, b) => gmul(a, b, 0x13, 4);
const g16inv = (a) => [...Array(16).keys()].find((b) => g16mul(a, b) === 1);
const inv8 = (x) => (x === 0 ? 0 : [...Array(256).keys()].find((y) => gmul(x, y) === 1));
function affine(b) {
  let r = 0;
  for (let i = 0; i < 8; i++) {
    const bit = ((b >> i) ^ (b >> ((i + 4) % 8)) ^ (b >> ((i + 5) % 8)) ^ (b >> ((i + 6) % 8)) ^ (b >> ((i + 7) % 8)) ^ (0x63 >> i)) & 1;
    r |= bit << i;
  }
  return r;
}
const SBOX = [...Array(256).keys()].map((x) => affine(inv8(x)));
if (SBOX[0] !== 0x63 || SBOX[1] !== 0x7c || SBOX[0x53] !== 0xed) throw new Error("S-box");
const check = (ok, what) => {
  if (!ok) throw new Error(`check failed: ${what}`);
};

const gpow = (a, e) => {
  let r = 1;
  for (let i = 0; i < e; i++) r = gmul(r, a);
  return r;
};
const g = [...Array(256).keys()].find((y) => y > 1 && (gmul(gmul(gmul(y, y), y), y) ^ y ^ 1) === 0);
const emb = (n) => [0, 1, 2, 3].reduce((r, m) => ((n >> m) & 1 ? r ^ gpow(g, m) : r), 0);
for (let a = 0; a < 16; a++) for (let b = 0; b < 16; b++) check(emb(g16mul(a, b)) === gmul(emb(a), emb(b)), "embedding");
let a = 0;
let u = 0;
for (let c = 1; c < 16 && !u; c++) {
  if ([...Array(16).keys()].some((t) => (g16mul(t, t) ^ g16mul(c, t) ^ c) === 0)) continue;
  const root = [...Array(256).keys()].find((y) => (gmul(y, y) ^ gmul(emb(c), y) ^ emb(c)) === 0);
  if (root !== undefined) [a, u] = [c, root];
}
const fromIk = (i, k) => gmul(emb(i), u) ^ emb(k);
const ikOf = new Map();
for (let i = 0; i < 16; i++) for (let k = 0; k < 16; k++) ikOf.set(fromIk(i, k), (i << 4) | k);
check(ikOf.size === 256, "basis");

const INF = 0x80;
const K_INV = [...Array(16).keys()].map((n) => (n === 0 ? INF : g16inv(n)));
const K_AINV = [...Array(16).keys()].map((n) => (n === 0 ? INF : g16mul(a, g16inv(n))));
const sw = (t, i) => (i < 16 ? t[i] : 0);
const rinv = (n) => (n === 0 || n >= 16 ? 0 : g16inv(n));
/** (io, jo) of the (i, k) byte t. */
function inversion(t) {
  const i = t >> 4;
  const k = t & 15;
  const ak = sw(K_AINV, k);
  const j = i ^ k;
  return [sw(K_INV, sw(K_INV, i) ^ ak) ^ j, sw(K_INV, sw(K_INV, j) ^ ak) ^ i];
}
// x^-1 from (1/io, 1/jo): Q = 1/io, k/M = (1/io ^ 1/jo) / a, P = (Q ^ k/M) / a; x^-1 = P u + Q.
const ainv = g16inv(a);
const inverseOf = (rio, rjo) => {
  const kM = g16mul(ainv, rio ^ rjo);
  return fromIk(g16mul(ainv, rio ^ kM), rio);
};
const L = (v) => affine(v) ^ 0x63;
const tables = (f) => [
  [...Array(16).keys()].map((n) => f(inverseOf(rinv(n), 0))),
  [...Array(16).keys()].map((n) => f(inverseOf(0, rinv(n)))),
];
const IPT_LO = [...Array(16).keys()].map((x) => ikOf.get(x));
const IPT_HI = [...Array(16).keys()].map((x) => ikOf.get(x << 4));
const [SB_IO, SB_JO] = tables(L);
const [SB2_IO, SB2_JO] = tables((v) => gmul(2, L(v)));
const Linv = (y) => [...Array(256).keys()].find((v) => L(v) === y);
const IPD_LO = [...Array(16).keys()].map((y) => ikOf.get(Linv(y)));
const IPD_HI = [...Array(16).keys()].map((y) => ikOf.get(Linv(y << 4)));
const [VO_IO, VO_JO] = tables((v) => v);
const [V4_IO, V4_JO] = tables((v) => gmul(4, v));
const [V5_IO, V5_JO] = tables((v) => gmul(5, v));
// Direct nibble outputs of the input maps: i, k and j = i ^ k of x (encryption) or of L^-1(y)
// (decryption), each from the low and the high nibble of the byte (the maps are linear).
const nib = (f, shift) => [...Array(16).keys()].map((x) => f(x << shift));
const ikjOf = (x) => ({ i: ikOf.get(x) >> 4, k: ikOf.get(x) & 15, j: (ikOf.get(x) >> 4) ^ (ikOf.get(x) & 15) });
const IT = (part, shift) => nib((x) => ikjOf(x)[part], shift);
const ID = (part, shift) => nib((y) => ikjOf(Linv(y))[part], shift);
const [ITI_LO, ITI_HI, ITK_LO, ITK_HI, ITJ_LO, ITJ_HI] = [IT("i", 0), IT("i", 4), IT("k", 0), IT("k", 4), IT("j", 0), IT("j", 4)];
const [IDI_LO, IDI_HI, IDK_LO, IDK_HI, IDJ_LO, IDJ_HI] = [ID("i", 0), ID("i", 4), ID("k", 0), ID("k", 4), ID("j", 0), ID("j", 4)];
// InvMixColumns coefficients of x^-1: out_r = e v_r ^ b v_(r+1) ^ d v_(r+2) ^ 9 v_(r+3).
const [VE_IO, VE_JO] = tables((v) => gmul(0x0e, v));
const [VB_IO, VB_JO] = tables((v) => gmul(0x0b, v));
const [VD_IO, VD_JO] = tables((v) => gmul(0x0d, v));
const [V9_IO, V9_JO] = tables((v) => gmul(0x09, v));

// The S-box and its inverse through the tables, for every byte. Decryption meets its input with
// 0x63 added (the stored round keys carry it, see vperm.ts), which cancels L^-1's constant 0x05.
for (let x = 0; x < 256; x++) {
  const [io, jo] = inversion(IPT_LO[x & 15] ^ IPT_HI[x >> 4]);
  check((sw(SB_IO, io) ^ sw(SB_JO, jo) ^ 0x63) === SBOX[x], `S(${x})`);
  check((sw(SB2_IO, io) ^ sw(SB2_JO, jo)) === gmul(2, SBOX[x] ^ 0x63), `2 S(${x})`);
  const y = SBOX[x] ^ 0x63;
  const [dio, djo] = inversion(IPD_LO[y & 15] ^ IPD_HI[y >> 4]);
  check((sw(VO_IO, dio) ^ sw(VO_JO, djo)) === x, `S^-1(${SBOX[x]})`);
}

// The whole cipher in the vector formulation of vperm.ts, against FIPS-197 Appendix C.
const RCON = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36];
function expand(key) {
  const nk = key.length / 4;
  const nr = nk + 6;
  const w = [];
  for (let i = 0; i < nk; i++) w.push([...key.slice(4 * i, 4 * i + 4)]);
  for (let i = nk; i < 4 * (nr + 1); i++) {
    let t = [...w[i - 1]];
    if (i % nk === 0) {
      t = [t[1], t[2], t[3], t[0]].map((b) => SBOX[b]);
      t[0] ^= RCON[i / nk - 1];
    } else if (nk > 6 && i % nk === 4) t = t.map((b) => SBOX[b]);
    w.push(w[i - nk].map((b, j) => b ^ t[j]));
  }
  // As stored by schedule.ts: 0x63 added to every byte of round keys 1..Nr.
  return [...Array(nr + 1).keys()].map((r) =>
    w
      .slice(4 * r, 4 * r + 4)
      .flat()
      .map((b) => (r > 0 ? b ^ 0x63 : b)),
  );
}
const perm = (s, f) => [...Array(16).keys()].map((x) => s[f(x >> 2, x & 3)]);
const shiftRows = (s) => perm(s, (c, r) => 4 * ((c + r) % 4) + r);
const invShiftRows = (s) => perm(s, (c, r) => 4 * ((c + 4 - r) % 4) + r);
const rot = (s, m) => perm(s, (c, r) => 4 * c + ((r + m) % 4));
const xor = (p, q) => p.map((b, i) => b ^ q[i]);
const xtime = (b) => ((b << 1) & 0xff) ^ (b & 0x80 ? 0x1b : 0);
const mixColumns = (A, B) => xor(xor(B, rot(xor(A, B), 1)), rot(xor(A, rot(A, 1)), 2));
function imc(s) {
  const P = xor(
    s.map((b) => gmul(5, b)),
    rot(
      s.map((b) => gmul(4, b)),
      2,
    ),
  );
  return mixColumns(P, P.map(xtime));
}
function encrypt(key, block) {
  const rk = expand(key);
  const nr = rk.length - 1;
  let s = xor(block, rk[0]);
  for (let r = 1; r <= nr; r++) {
    const ij = shiftRows(s).map((x) => inversion(IPT_LO[x & 15] ^ IPT_HI[x >> 4]));
    const A = ij.map(([io, jo]) => sw(SB_IO, io) ^ sw(SB_JO, jo));
    const B = ij.map(([io, jo]) => sw(SB2_IO, io) ^ sw(SB2_JO, jo));
    s = xor(r < nr ? mixColumns(A, B) : A, rk[r]);
  }
  return s;
}
function decrypt(key, block) {
  const rk = expand(key);
  const nr = rk.length - 1;
  let s = xor(block, rk[nr]);
  for (let r = nr - 1; r >= 0; r--) {
    const ij = invShiftRows(s).map((y) => inversion(IPD_LO[y & 15] ^ IPD_HI[y >> 4]));
    if (r > 0) {
      const P = xor(
        ij.map(([io, jo]) => sw(V5_IO, io) ^ sw(V5_JO, jo)),
        rot(
          ij.map(([io, jo]) => sw(V4_IO, io) ^ sw(V4_JO, jo)),
          2,
        ),
      );
      s = xor(mixColumns(P, P.map(xtime)), imc(rk[r]));
    } else {
      s = xor(
        ij.map(([io, jo]) => sw(VO_IO, io) ^ sw(VO_JO, jo)),
        rk[0],
      );
    }
  }
  return s;
}
const hex = (s) => Buffer.from(s).toString("hex");
const pt = [...Buffer.from("00112233445566778899aabbccddeeff", "hex")];
const vectors = [
  [16, "69c4e0d86a7b0430d8cdb78070b4c55a"],
  [24, "dda97ca4864cdfe06eaf70a0ec0d7191"],
  [32, "8ea2b7ca516745bfeafc49904b496089"],
];
for (const [len, ct] of vectors) {
  const key = [...Array(len).keys()];
  check(hex(encrypt(key, pt)) === ct, `FIPS-197 encrypt, ${len * 8}-bit key`);
  check(hex(decrypt(key, [...Buffer.from(ct, "hex")])) === hex(pt), `FIPS-197 decrypt, ${len * 8}-bit key`);
}

// The rounds exactly as vperm.ts computes them: the state is kept with ShiftRows (InvShiftRows)
// already applied, folded into the permutations of MixColumns and into the round keys.
const srRot = (s2, m) =>
  perm(s2, (c, r) => {
    const q = 4 * ((c + r) % 4) + r;
    return 4 * (q >> 2) + (((q & 3) + m) % 4);
  });
const isrRot = (s2, m) =>
  perm(s2, (c, r) => {
    const q = 4 * ((c + 4 - r) % 4) + r;
    return 4 * (q >> 2) + (((q & 3) + m) % 4);
  });
function ikj(tables3, x) {
  const [iL, iH, kL, kH, jL, jH] = tables3;
  return [iL[x & 15] ^ iH[x >> 4], kL[x & 15] ^ kH[x >> 4], jL[x & 15] ^ jH[x >> 4]];
}
function ioJo([i, k, j]) {
  const ak = sw(K_AINV, k);
  return [sw(K_INV, sw(K_INV, i) ^ ak) ^ j, sw(K_INV, sw(K_INV, j) ^ ak) ^ i];
}
function encryptFolded(key, block) {
  const rk = expand(key);
  const nr = rk.length - 1;
  let s = srRot(xor(block, rk[0]), 0);
  for (let r = 1; r <= nr; r++) {
    const ij = s.map((x) => ioJo(ikj([ITI_LO, ITI_HI, ITK_LO, ITK_HI, ITJ_LO, ITJ_HI], x)));
    const A = ij.map(([io, jo]) => sw(SB_IO, io) ^ sw(SB_JO, jo));
    if (r === nr) return xor(A, rk[nr]);
    const B = ij.map(([io, jo]) => sw(SB2_IO, io) ^ sw(SB2_JO, jo));
    s = xor(xor(xor(srRot(B, 0), srRot(xor(A, B), 1)), xor(srRot(A, 2), srRot(A, 3))), srRot(rk[r], 0));
  }
}
function decryptFolded(key, block) {
  const rk = expand(key);
  const nr = rk.length - 1;
  let s = isrRot(xor(block, rk[nr]), 0);
  for (let r = nr - 1; r >= 0; r--) {
    const ij = s.map((y) => ioJo(ikj([IDI_LO, IDI_HI, IDK_LO, IDK_HI, IDJ_LO, IDJ_HI], y)));
    if (r === 0)
      return xor(
        ij.map(([io, jo]) => sw(VO_IO, io) ^ sw(VO_JO, jo)),
        rk[0],
      );
    const t = (lo, hi) => ij.map(([io, jo]) => sw(lo, io) ^ sw(hi, jo));
    s = xor(
      xor(xor(isrRot(t(VE_IO, VE_JO), 0), isrRot(t(VB_IO, VB_JO), 1)), xor(isrRot(t(VD_IO, VD_JO), 2), isrRot(t(V9_IO, V9_JO), 3))),
      isrRot(imc(rk[r]), 0),
    );
  }
}
for (const [len, ct] of vectors) {
  const key = [...Array(len).keys()];
  check(hex(encryptFolded(key, pt)) === ct, `FIPS-197 encrypt (folded rounds), ${len * 8}-bit key`);
  check(hex(decryptFolded(key, [...Buffer.from(ct, "hex")])) === hex(pt), `FIPS-197 decrypt (folded rounds), ${len * 8}-bit key`);
}

// The tables live in memory (one 16-byte row each) and are loaded with v128.load: V8 would
// otherwise rebuild every v128 constant from immediates at each use, inside the round loop.
const rows = [
  ["ITI_LO", ITI_LO, "encryption input: i of x = i u + k, from the low nibble of x (the map is linear)"],
  ["ITI_HI", ITI_HI, "... from the high nibble"],
  ["ITK_LO", ITK_LO, "k"],
  ["ITK_HI", ITK_HI, ""],
  ["ITJ_LO", ITJ_LO, "j = i ^ k"],
  ["ITJ_HI", ITJ_HI, ""],
  ["IDI_LO", IDI_LO, "decryption input: i, k, j of L^-1(y), L the linear part of the S-box's affine map"],
  ["IDI_HI", IDI_HI, ""],
  ["IDK_LO", IDK_LO, ""],
  ["IDK_HI", IDK_HI, ""],
  ["IDJ_LO", IDJ_LO, ""],
  ["IDJ_HI", IDJ_HI, ""],
  ["K_INV", K_INV, "1/n in GF(16)"],
  ["K_AINV", K_AINV, "a/n in GF(16)"],
  ["SB_IO", SB_IO, "S(x) ^ 0x63 = SB_IO[io] ^ SB_JO[jo]"],
  ["SB_JO", SB_JO, ""],
  ["SB2_IO", SB2_IO, "2 (S(x) ^ 0x63) = SB2_IO[io] ^ SB2_JO[jo]"],
  ["SB2_JO", SB2_JO, ""],
  ["VO_IO", VO_IO, "x^-1 = VO_IO[io] ^ VO_JO[jo]"],
  ["VO_JO", VO_JO, ""],
  ["VE_IO", VE_IO, "0e x^-1"],
  ["VE_JO", VE_JO, ""],
  ["VB_IO", VB_IO, "0b x^-1"],
  ["VB_JO", VB_JO, ""],
  ["VD_IO", VD_IO, "0d x^-1"],
  ["VD_JO", VD_JO, ""],
  ["V9_IO", V9_IO, "09 x^-1"],
  ["V9_JO", V9_JO, ""],
];
const hexRow = (t) => t.map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(", ");
const out = `// GENERATED by scripts/gen-aes-vperm.mjs (which derives and checks these tables): do not edit.
// Nibble tables of the vector-permute AES (vperm.ts): GF(16) = GF(2)[x]/(x^4 + x + 1), a = ${a},
// u = 0x${u.toString(16)} (a root of t^2 + a t + a in AES's GF(256)), x = i u + k.
// Entries 0x80 stand for 1/0; a swizzle at an index >= 16 gives 0. One row of 16 bytes per table,
// at VPERM_TABLES + 16 * its index below.

export const VPERM_TABLES = memory.data<u8>([
${rows.map(([name, t, what]) => `  ${hexRow(t)}, // ${name}${what ? `: ${what}` : ""}`).join("\n")}
], 16);

${rows.map(([name], i) => `export const ${name}: usize = ${i};`).join("\n")}
`;
writeFileSync(new URL("../assembly/aes/vperm-tables.ts", import.meta.url), out);
console.log(
  `checked (S-box, inverse S-box, FIPS-197 C.1-C.3 both ways, plain and folded rounds); wrote assembly/aes/vperm-tables.ts (a = ${a})`,
);

// Generates assembly/aes/bitsliced.ts: the AES rounds on a bitsliced state of 8 × u64 (four blocks),
// with the S-box as a Boolean circuit, so that no memory index depends on secret data.
//   node scripts/gen-aes-bitsliced.mjs
// The circuits are checked here against the S-box computed from its definition (FIPS-197 §5.1.1)
// on all 256 inputs before anything is written.
//
// Circuits (facts from the literature, transcribed gate by gate):
//   forward: J. Boyar, R. Peralta, "A new combinational logic minimization technique with
//            applications to cryptology" (SEA 2010) / Boyar–Matthews–Peralta "Logic minimization
//            techniques with applications to cryptology" (J. Cryptology 2013): 113 gates, 32 AND,
//            listing at https://cs-www.cs.yale.edu/homes/peralta/CircuitStuff/CMT.html.
//   inverse: the inverse S-box circuit from the same listing (127 gates, 34 AND).
// In both, input u0 is the most significant bit of the byte and output s0 likewise. The XNOR gates
// of the published listings are written here as XOR: the forward circuit then yields S(x) ^ 0x63,
// and the inverse circuit applied to x ^ 0x63 yields S^-1(x). The constant 0x63 is folded into
// round keys 1..Nr instead (see schedule.ts), which works in both directions because MixColumns
// and its inverse map a column of four equal bytes c to the same column.
import { writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const FORWARD = `
y14 = u3 ^ u5; y13 = u0 ^ u6; y9 = u0 ^ u3; y8 = u0 ^ u5
t0 = u1 ^ u2; y1 = t0 ^ u7; y4 = y1 ^ u3; y12 = y13 ^ y14
y2 = y1 ^ u0; y5 = y1 ^ u6; y3 = y5 ^ y8; t1 = u4 ^ y12
y15 = t1 ^ u5; y20 = t1 ^ u1; y6 = y15 ^ u7; y10 = y15 ^ t0
y11 = y20 ^ y9; y7 = u7 ^ y11; y17 = y10 ^ y11; y19 = y10 ^ y8
y16 = t0 ^ y11; y21 = y13 ^ y16; y18 = u0 ^ y16; t2 = y12 & y15
t3 = y3 & y6; t4 = t3 ^ t2; t5 = y4 & u7; t6 = t5 ^ t2
t7 = y13 & y16; t8 = y5 & y1; t9 = t8 ^ t7; t10 = y2 & y7
t11 = t10 ^ t7; t12 = y9 & y11; t13 = y14 & y17; t14 = t13 ^ t12
t15 = y8 & y10; t16 = t15 ^ t12; t17 = t4 ^ y20; t18 = t6 ^ t16
t19 = t9 ^ t14; t20 = t11 ^ t16; t21 = t17 ^ t14; t22 = t18 ^ y19
t23 = t19 ^ y21; t24 = t20 ^ y18; t25 = t21 ^ t22; t26 = t21 & t23
t27 = t24 ^ t26; t28 = t25 & t27; t29 = t28 ^ t22; t30 = t23 ^ t24
t31 = t22 ^ t26; t32 = t31 & t30; t33 = t32 ^ t24; t34 = t23 ^ t33
t35 = t27 ^ t33; t36 = t24 & t35; t37 = t36 ^ t34; t38 = t27 ^ t36
t39 = t29 & t38; t40 = t25 ^ t39; t41 = t40 ^ t37; t42 = t29 ^ t33
t43 = t29 ^ t40; t44 = t33 ^ t37; t45 = t42 ^ t41; z0 = t44 & y15
z1 = t37 & y6; z2 = t33 & u7; z3 = t43 & y16; z4 = t40 & y1
z5 = t29 & y7; z6 = t42 & y11; z7 = t45 & y17; z8 = t41 & y10
z9 = t44 & y12; z10 = t37 & y3; z11 = t33 & y4; z12 = t43 & y13
z13 = t40 & y5; z14 = t29 & y2; z15 = t42 & y9; z16 = t45 & y14
z17 = t41 & y8; tc1 = z15 ^ z16; tc2 = z10 ^ tc1; tc3 = z9 ^ tc2
tc4 = z0 ^ z2; tc5 = z1 ^ z0; tc6 = z3 ^ z4; tc7 = z12 ^ tc4
tc8 = z7 ^ tc6; tc9 = z8 ^ tc7; tc10 = tc8 ^ tc9; tc11 = tc6 ^ tc5
tc12 = z3 ^ z5; tc13 = z13 ^ tc1; tc14 = tc4 ^ tc12; s3 = tc3 ^ tc11
tc16 = z6 ^ tc8; tc17 = z14 ^ tc10; tc18 = tc13 ^ tc14; s7 = z12 ^ tc18
tc20 = z15 ^ tc16; tc21 = tc2 ^ z11; s0 = tc3 ^ tc16; s6 = tc10 ^ tc18
s4 = tc14 ^ s3; s1 = s3 ^ tc16; tc26 = tc17 ^ tc20; s2 = tc26 ^ z17
s5 = tc21 ^ tc17`;

const INVERSE = `
T23 = u0 ^ u3; T22 = u1 ^ u3; T2 = u0 ^ u1; T1 = u3 ^ u4
T24 = u4 ^ u7; R5 = u6 ^ u7; T8 = u1 ^ T23; T19 = T22 ^ R5
T9 = u7 ^ T1; T10 = T2 ^ T24; T13 = T2 ^ R5; T3 = T1 ^ R5
T25 = u2 ^ T1; R13 = u1 ^ u6; T17 = u2 ^ T19; T20 = T24 ^ R13
T4 = u4 ^ T8; R17 = u2 ^ u5; R18 = u5 ^ u6; R19 = u2 ^ u4
Y5 = u0 ^ R17; T6 = T22 ^ R17; T16 = R13 ^ R19; T27 = T1 ^ R18
T15 = T10 ^ T27; T14 = T10 ^ R18; T26 = T3 ^ T16; M1 = T13 & T6
M2 = T23 & T8; M3 = T14 ^ M1; M4 = T19 & Y5; M5 = M4 ^ M1
M6 = T3 & T16; M7 = T22 & T9; M8 = T26 ^ M6; M9 = T20 & T17
M10 = M9 ^ M6; M11 = T1 & T15; M12 = T4 & T27; M13 = M12 ^ M11
M14 = T2 & T10; M15 = M14 ^ M11; M16 = M3 ^ M2; M17 = M5 ^ T24
M18 = M8 ^ M7; M19 = M10 ^ M15; M20 = M16 ^ M13; M21 = M17 ^ M15
M22 = M18 ^ M13; M23 = M19 ^ T25; M24 = M22 ^ M23; M25 = M22 & M20
M26 = M21 ^ M25; M27 = M20 ^ M21; M28 = M23 ^ M25; M29 = M28 & M27
M30 = M26 & M24; M31 = M20 & M23; M32 = M27 & M31; M33 = M27 ^ M25
M34 = M21 & M22; M35 = M24 & M34; M36 = M24 ^ M25; M37 = M21 ^ M29
M38 = M32 ^ M33; M39 = M23 ^ M30; M40 = M35 ^ M36; M41 = M38 ^ M40
M42 = M37 ^ M39; M43 = M37 ^ M38; M44 = M39 ^ M40; M45 = M42 ^ M41
M46 = M44 & T6; M47 = M40 & T8; M48 = M39 & Y5; M49 = M43 & T16
M50 = M38 & T9; M51 = M37 & T17; M52 = M42 & T15; M53 = M45 & T27
M54 = M41 & T10; M55 = M44 & T13; M56 = M40 & T23; M57 = M39 & T19
M58 = M43 & T3; M59 = M38 & T22; M60 = M37 & T20; M61 = M42 & T1
M62 = M45 & T4; M63 = M41 & T2; P0 = M52 ^ M61; P1 = M58 ^ M59
P2 = M54 ^ M62; P3 = M47 ^ M50; P4 = M48 ^ M56; P5 = M46 ^ M51
P6 = M49 ^ M60; P7 = P0 ^ P1; P8 = M50 ^ M53; P9 = M55 ^ M63
P10 = M57 ^ P4; P11 = P0 ^ P3; P12 = M46 ^ M48; P13 = M49 ^ M51
P14 = M49 ^ M62; P15 = M54 ^ M59; P16 = M57 ^ M61; P17 = M58 ^ P2
P18 = M63 ^ P5; P19 = P2 ^ P3; P20 = P4 ^ P6; P22 = P2 ^ P7
P23 = P7 ^ P8; P24 = P5 ^ P7; P25 = P6 ^ P10; P26 = P9 ^ P11
P27 = P10 ^ P18; P28 = P11 ^ P25; P29 = P15 ^ P20; s0 = P13 ^ P22
s1 = P26 ^ P29; s2 = P17 ^ P28; s3 = P12 ^ P22; s4 = P23 ^ P27
s5 = P19 ^ P24; s6 = P14 ^ P23; s7 = P9 ^ P16`;

const parse = (text) =>
  text
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((g) => {
      const m = /^(\w+) = (\w+) ([&^]) (\w+)$/.exec(g);
      if (!m) throw new Error(`bad gate: ${g}`);
      return { out: m[1], a: m[2], op: m[3], b: m[4] };
    });

// --- check the circuits against the S-box from its definition -------------------------------
function gmul(a, b) {
  let p = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) p ^= a;
    const hi = a & 0x80;
    a = (a << 1) & 0xff;
    if (hi) a ^= 0x1b;
    b >>= 1;
  }
  return p;
}
function sbox(x) {
  let inv = 0;
  for (let y = 1; y < 256 && x; y++) if (gmul(x, y) === 1) inv = y;
  let s = 0;
  for (let i = 0; i < 8; i++) {
    const bit =
      (inv >> i) ^ (inv >> ((i + 4) % 8)) ^ (inv >> ((i + 5) % 8)) ^ (inv >> ((i + 6) % 8)) ^ (inv >> ((i + 7) % 8)) ^ (0x63 >> i);
    s |= (bit & 1) << i;
  }
  return s;
}
function evaluate(gates, x) {
  const v = {};
  for (let k = 0; k < 8; k++) v[`u${k}`] = (x >> (7 - k)) & 1;
  for (const g of gates) {
    if (!(g.a in v) || !(g.b in v)) throw new Error(`use before definition in ${g.out}`);
    v[g.out] = g.op === "^" ? v[g.a] ^ v[g.b] : v[g.a] & v[g.b];
  }
  let y = 0;
  for (let k = 0; k < 8; k++) y |= v[`s${k}`] << (7 - k);
  return y;
}
const fwd = parse(FORWARD);
const inv = parse(INVERSE);
const invTable = [];
for (let x = 0; x < 256; x++) invTable[sbox(x)] = x;
for (let x = 0; x < 256; x++) {
  if ((evaluate(fwd, x) ^ 0x63) !== sbox(x)) throw new Error(`forward circuit wrong at ${x}`);
  if (evaluate(inv, x ^ 0x63) !== invTable[x]) throw new Error(`inverse circuit wrong at ${x}`);
}

// --- emit -------------------------------------------------------------------------------------
// The state is q0..q7 (q_j = bit j of every byte); circuit input u_k is q_(7-k), output s_k goes to q_(7-k).
function circuit(gates, indent) {
  const name = (n) => (/^u\d$/.test(n) ? `q${7 - Number(n[1])}` : `g_${n}`);
  const lines = gates.map((g) => `const ${name(g.out)} = ${name(g.a)} ${g.op} ${name(g.b)};`);
  for (let k = 0; k < 8; k++) lines.push(`q${7 - k} = g_s${k};`);
  return lines.map((l) => indent + l).join("\n");
}

// Fixslicing with byte-lane permutations (see block.ts for the bit layout): in a round whose state
// is stored with offset k (true state = ShiftRows^k of the stored one), "the same column, next row"
// becomes "next row, column + k": R1 rotates rows by 1 and columns by k, R2 = R1∘R1.
const M = { 1: "0x0fff0fff0fff0fff", 2: "0x00ff00ff00ff00ff", 3: "0x000f000f000f000f" };
const MN = { 1: "0xf000f000f000f000", 2: "0xff00ff00ff00ff00", 3: "0xfff0fff0fff0fff0" };
function r1(k, x) {
  if (k === 0) return `rotr<u64>(${x}, 16)`;
  return `(rotr<u64>(${x}, ${16 + 4 * k}) & ${M[k]}) | (rotr<u64>(${x}, ${4 * k}) & ${MN[k]})`;
}
function r2(k, x) {
  if (k % 2 === 0) return `rotr<u64>(${x}, 32)`;
  return `(rotr<u64>(${x}, 40) & ${M[2]}) | (rotr<u64>(${x}, 24) & ${MN[2]})`;
}
// MixColumns (FIPS-197 §5.1.3): out = 2·(a ^ R1 a) ^ R1 a ^ R2(a ^ R1 a).
function mix(k, indent) {
  const L = [];
  for (let j = 0; j < 8; j++) L.push(`const b${j} = ${r1(k, `q${j}`)};`);
  for (let j = 0; j < 8; j++) L.push(`const c${j} = q${j} ^ b${j};`);
  for (let j = 0; j < 8; j++) L.push(`const d${j} = ${r2(k, `c${j}`)};`);
  // 2·c in the bitsliced basis: x^8 = x^4 + x^3 + x + 1 feeds c7 into planes 0, 1, 3, 4.
  const twice = ["c7", "c0 ^ c7", "c1", "c2 ^ c7", "c3 ^ c7", "c4", "c5", "c6"];
  for (let j = 0; j < 8; j++) L.push(`q${j} = ${twice[j]} ^ b${j} ^ d${j};`);
  return L.map((l) => indent + l).join("\n");
}
// InvMixColumns = MixColumns ∘ (multiplication by 04·x^2 + 05) (Daemen–Rijmen, The Design of
// Rijndael, §4.1.3): a ^= 4·(a ^ R2 a), then MixColumns.
function invMix(k, indent) {
  const L = [];
  for (let j = 0; j < 8; j++) L.push(`const e${j} = q${j} ^ (${r2(k, `q${j}`)});`);
  L.push(`const e67 = e6 ^ e7;`);
  const four = ["e6", "e67", "e0 ^ e7", "e1 ^ e6", "e2 ^ e67", "e3 ^ e7", "e4", "e5"];
  for (let j = 0; j < 8; j++) L.push(`q${j} ^= ${four[j]};`);
  return `${L.map((l) => indent + l).join("\n")}\n${indent}{\n${mix(k, `${indent}  `)}\n${indent}}`;
}
const ark = (indent, ptr) => [0, 1, 2, 3, 4, 5, 6, 7].map((j) => `${indent}q${j} ^= load<u64>(${ptr}, ${8 * j});`).join("\n");
const loadState = (indent) => [0, 1, 2, 3, 4, 5, 6, 7].map((j) => `${indent}let q${j} = load<u64>(q, ${8 * j});`).join("\n");
const storeState = (indent) => [0, 1, 2, 3, 4, 5, 6, 7].map((j) => `${indent}store<u64>(q, q${j}, ${8 * j});`).join("\n");
function variants(fn, indent) {
  return (
    [1, 2, 3, 0].map((k, i) => `${indent}${i ? "} else " : ""}${k ? `if (k == ${k}) ` : ""}{\n${fn(k, `${indent}  `)}\n`).join("") +
    `${indent}}`
  );
}

const out = `// GENERATED by scripts/gen-aes-bitsliced.mjs from the circuits named there. Do not edit by hand.
//
// AES rounds (FIPS-197 §5.1, §5.3) on a bitsliced state q0..q7 of four blocks at q (8 × u64),
// with round keys in the fixsliced layout of schedule.ts (rk[i] at rk + 64·i). Constant time:
// only AND, XOR and fixed rotations; the one branch is on the public round number.

/** Encrypts the four blocks in the bitsliced state at q in place; nr = 10, 12 or 14. */
export function aesEncryptPlanes(q: usize, rk: usize, nr: i32): void {
${loadState("  ")}
${ark("  ", "rk")}
  for (let i = 1; i < nr; i++) {
    rk += 64;
    {
${circuit(fwd, "      ")}
    }
    const k = i & 3;
${variants(mix, "    ")}
${ark("    ", "rk")}
  }
  rk += 64;
  {
${circuit(fwd, "    ")}
  }
${ark("  ", "rk")}
${storeState("  ")}
}

/** Decrypts the four blocks in the bitsliced state at q in place (the inverse of aesEncryptPlanes). */
export function aesDecryptPlanes(q: usize, rk: usize, nr: i32): void {
${loadState("  ")}
  rk += 64 * <usize>nr;
${ark("  ", "rk")}
  {
${circuit(inv, "    ")}
  }
  for (let i = nr - 1; i > 0; i--) {
    rk -= 64;
${ark("    ", "rk")}
    const k = i & 3;
${variants(invMix, "    ")}
    {
${circuit(inv, "      ")}
    }
  }
  rk -= 64;
${ark("  ", "rk")}
${storeState("  ")}
}

/** SubBytes without the constant 0x63 (the caller adds it) on the bitsliced state at q; for the key schedule. */
export function aesSubPlanes(q: usize): void {
${loadState("  ")}
  {
${circuit(fwd, "    ")}
  }
${storeState("  ")}
}
`;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
writeFileSync(join(root, "assembly/aes/bitsliced.ts"), out);
console.error("wrote assembly/aes/bitsliced.ts");

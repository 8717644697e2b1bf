// Generates assembly/ec/gen/*.ts: the curve constants and the unrolled limb arithmetic
// (products, squares, additions, subtractions) of the four curves' fields, and the Montgomery
// product of the 8-word group orders.
// Run: node scripts/gen-ec.mjs   (the output is committed; rerun after editing this file)
//
// Why generated: fully unrolled code with the limbs in locals runs about twice as fast as
// the same loops in WebAssembly (measured by scripts/measure-ec-field.mjs), and writing
// 300-term products by hand invites mistakes.
//
// The constants are the published domain parameters, quoted here in hex:
//   P-256, P-384, P-521: FIPS 186-4 Appendix D.1.2.3, D.1.2.4, D.1.2.5 (= SEC 2 v2 §2.4.2, §2.5.1, §2.6.1)
//   secp256k1:           SEC 2 v2 §2.4.1
// and checked against @noble/curves at generation time. Derived constants (Montgomery
// factors for the scalar field) are computed here with BigInt.
import { writeFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "assembly", "ec", "gen");
mkdirSync(outDir, { recursive: true });

const H = (s) => BigInt(`0x${s.replace(/\s+/g, "")}`);
const curves = {
  p256: {
    noble: p256,
    p: H("ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff ffffffff"),
    n: H("ffffffff 00000000 ffffffff ffffffff bce6faad a7179e84 f3b9cac2 fc632551"),
    b: H("5ac635d8 aa3a93e7 b3ebbd55 769886bc 651d06b0 cc53b0f6 3bce3c3e 27d2604b"),
    gx: H("6b17d1f2 e12c4247 f8bce6e5 63a440f2 77037d81 2deb33a0 f4a13945 d898c296"),
    gy: H("4fe342e2 fe1a7f9b 8ee7eb4a 7c0f9e16 2bce3357 6b315ece cbb64068 37bf51f5"),
  },
  p256k: {
    noble: secp256k1,
    p: H("ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff fffffffe fffffc2f"),
    n: H("ffffffff ffffffff ffffffff fffffffe baaedce6 af48a03b bfd25e8c d0364141"),
    b: 7n,
    gx: H("79be667e f9dcbbac 55a06295 ce870b07 029bfcdb 2dce28d9 59f2815b 16f81798"),
    gy: H("483ada77 26a3c465 5da4fbfc 0e1108a8 fd17b448 a6855419 9c47d08f fb10d4b8"),
  },
  p384: {
    noble: p384,
    p: H("ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff fffffffe ffffffff 00000000 00000000 ffffffff"),
    n: H("ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff c7634d81 f4372ddf 581a0db2 48b0a77a ecec196a ccc52973"),
    b: H("b3312fa7 e23ee7e4 988e056b e3f82d19 181d9c6e fe814112 0314088f 5013875a c656398d 8a2ed19d 2a85c8ed d3ec2aef"),
    gx: H("aa87ca22 be8b0537 8eb1c71e f320ad74 6e1d3b62 8ba79b98 59f741e0 82542a38 5502f25d bf55296c 3a545e38 72760ab7"),
    gy: H("3617de4a 96262c6f 5d9e98bf 9292dc29 f8f41dbd 289a147c e9da3113 b5f0b8c0 0a60b1ce 1d7e819d 7a431d7c 90ea0e5f"),
  },
  p521: {
    noble: p521,
    p: (1n << 521n) - 1n,
    n: H(
      "01ff ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff fffffffa 51868783 bf2f966b 7fcc0148 f709a5d0 3bb5c9b8 899c47ae bb6fb71e 91386409",
    ),
    b: H(
      "0051 953eb961 8e1c9a1f 929a21a0 b68540ee a2da725b 99b315f3 b8b48991 8ef109e1 56193951 ec7e937b 1652c0bd 3bb1bf07 3573df88 3d2c34f1 ef451fd4 6b503f00",
    ),
    gx: H(
      "00c6 858e06b7 0404e9cd 9e3ecb66 2395b442 9c648139 053fb521 f828af60 6b4d3dba a14b5e77 efe75928 fe1dc127 a2ffa8de 3348b3c1 856a429b f97e7e31 c2e5bd66",
    ),
    gy: H(
      "0118 39296a78 9a3bc004 5c8a5fb4 2c7d1bd9 98f54449 579b4468 17afbd17 273e662c 97ee7299 5ef42640 c550b901 3fad0761 353c7086 a272c240 88be9476 9fd16650",
    ),
  },
};

for (const [name, c] of Object.entries(curves)) {
  const C = c.noble.Point.CURVE();
  for (const k of ["p", "n", "b"]) if (C[k] !== c[k]) throw new Error(`${name}.${k} disagrees with @noble/curves`);
  if (C.Gx !== c.gx || C.Gy !== c.gy) throw new Error(`${name}.G disagrees with @noble/curves`);
}

const hex32 = (v) => `0x${v.toString(16).padStart(8, "0")}`;
function words(v, count, bits = 32) {
  const out = [];
  const mask = (1n << BigInt(bits)) - 1n;
  for (let i = 0; i < count; i++) {
    out.push(v & mask);
    v >>= BigInt(bits);
  }
  if (v !== 0n) throw new Error("value does not fit");
  return out;
}
const dataU32 = (name, v, count, bits = 32, comment = "") =>
  `${comment ? `// ${comment}\n` : ""}export const ${name} = memory.data<u32>([${words(v, count, bits).map(hex32).join(", ")}]);\n`;

function modInv(a, m) {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** The scalar field's Montgomery constants for R = 2^(32 L), and n itself, padded to 18 words. */
function scalarConstants(prefix, n) {
  const L = Math.ceil(n.toString(2).length / 32);
  const n0inv = (2n ** 32n - modInv(n % 2n ** 32n, 2n ** 32n)) % 2n ** 32n; // -n^-1 mod 2^32
  const r2 = 2n ** BigInt(64 * L) % n;
  let s = `// The group order n (${n.toString(2).length} bits) as ${L} little-endian words, zero-padded to 18.\n`;
  s += dataU32(`${prefix}_N`, n, 18);
  s += `export const ${prefix}_N_WORDS: i32 = ${L};\n`;
  s += `export const ${prefix}_N_BITS: i32 = ${n.toString(2).length};\n`;
  s += `// Montgomery constants for arithmetic mod n with R = 2^${32 * L}: -n^-1 mod 2^32 and R^2 mod n.\n`;
  s += `export const ${prefix}_N0INV: u32 = ${hex32(n0inv)};\n`;
  s += dataU32(`${prefix}_NR2`, r2, 18);
  return s;
}

// ---------------------------------------------------------------- 32-bit limb products

// P-256 and P-384 reduce with signed word sums (i64), secp256k1 with unsigned ones (u64).
const reduceCall = (reduce, L, name = (k) => `t${k}`) =>
  `  ${reduce}(o, ${Array.from({ length: 2 * L }, (_, k) => (reduce === "p256kReduce" ? "" : "<i64>") + name(k)).join(", ")});\n`;

/** Operand-scanning schoolbook product, limbs in locals: L x L words, then the inline reduction. */
function mulOperandScanning(fn, L, reduce) {
  let s = `/** o = a * b mod p, ${L}-word operands (operand scanning, carries kept in u64; ${reduce}). */\n`;
  s += `export function ${fn}(o: usize, a: usize, b: usize): void {\n`;
  for (let i = 0; i < L; i++) s += `  const a${i} = <u64>load<u32>(a, ${4 * i}), b${i} = <u64>load<u32>(b, ${4 * i});\n`;
  s += `  let ${Array.from({ length: 2 * L }, (_, k) => `t${k}: u64 = 0`).join(", ")};\n`;
  s += `  let p: u64 = 0, c: u64 = 0;\n`;
  for (let i = 0; i < L; i++) {
    s += `  c = 0;\n`;
    for (let j = 0; j < L; j++) {
      // a_i b_j + t + c <= (2^32-1)^2 + 2(2^32-1) = 2^64 - 1: never overflows.
      s += `  p = a${i} * b${j} + t${i + j} + c; t${i + j} = p & 0xffffffff; c = p >> 32;\n`;
    }
    s += `  t${i + L} = c;\n`;
  }
  return `${s + reduceCall(reduce, L)}}\n`;
}

/**
 * o = a b + e mod p (operand scanning as above): the low words of the running sum start at e's
 * instead of 0, which the first row's carries absorb (a_0 b_j + e_j + c <= 2^64 - 1). The sum
 * a b + e < p^2 + p stays below 2^(64 L), which the reduction takes whole. It saves an addition
 * mod p where a point formula adds right after a product.
 */
function mulAddOperandScanning(fn, L, reduce) {
  let s = `/** o = a * b + e mod p, ${L}-word operands (operand scanning, the sum started at e; ${reduce}). */\n`;
  s += `export function ${fn}(o: usize, a: usize, b: usize, e: usize): void {\n`;
  for (let i = 0; i < L; i++) s += `  const a${i} = <u64>load<u32>(a, ${4 * i}), b${i} = <u64>load<u32>(b, ${4 * i});\n`;
  s += `  let ${Array.from({ length: 2 * L }, (_, k) => (k < L ? `t${k}: u64 = <u64>load<u32>(e, ${4 * k})` : `t${k}: u64 = 0`)).join(", ")};\n`;
  s += `  let p: u64 = 0, c: u64 = 0;\n`;
  for (let i = 0; i < L; i++) {
    s += `  c = 0;\n`;
    for (let j = 0; j < L; j++) s += `  p = a${i} * b${j} + t${i + j} + c; t${i + j} = p & 0xffffffff; c = p >> 32;\n`;
    s += `  t${i + L} = c;\n`;
  }
  return `${s + reduceCall(reduce, L)}}\n`;
}

/**
 * o = a b - e mod p, as a b + (p - e): p - e in [1, p] is a plain L-word subtraction (p >= e, no
 * correction), which becomes the start of the operand-scanning sum as in mulAddOperandScanning.
 * It saves a subtraction mod p (two carry chains and a select) where a formula subtracts right
 * after a product.
 */
function mulSubOperandScanning(fn, L, reduce, p) {
  const pw = words(p, L);
  let s = `/** o = a * b - e mod p, ${L}-word operands (operand scanning, the sum started at p - e; ${reduce}). */\n`;
  s += `export function ${fn}(o: usize, a: usize, b: usize, e: usize): void {\n`;
  for (let i = 0; i < L; i++) s += `  const a${i} = <u64>load<u32>(a, ${4 * i}), b${i} = <u64>load<u32>(b, ${4 * i});\n`;
  s += `  let d: i64 = 0;\n`;
  for (let k = 0; k < L; k++) {
    s += `  d += ${hex32(pw[k])} - <i64>load<u32>(e, ${4 * k}); const n${k} = <u64>(d & 0xffffffff); d >>= 32;\n`;
  }
  s += `  let ${Array.from({ length: 2 * L }, (_, k) => (k < L ? `t${k}: u64 = n${k}` : `t${k}: u64 = 0`)).join(", ")};\n`;
  s += `  let p: u64 = 0, c: u64 = 0;\n`;
  for (let i = 0; i < L; i++) {
    s += `  c = 0;\n`;
    for (let j = 0; j < L; j++) s += `  p = a${i} * b${j} + t${i + j} + c; t${i + j} = p & 0xffffffff; c = p >> 32;\n`;
    s += `  t${i + L} = c;\n`;
  }
  return `${s + reduceCall(reduce, L)}}\n`;
}

/** Product-scanning schoolbook: each column's low and high halves are summed apart. */
function mulProductScanning(fn, L, reduce) {
  let s = `/** o = a * b mod p, ${L}-word operands (product scanning, low and high halves summed apart; ${reduce}). */\n`;
  s += `export function ${fn}(o: usize, a: usize, b: usize): void {\n`;
  for (let i = 0; i < L; i++) s += `  const a${i} = <u64>load<u32>(a, ${4 * i}), b${i} = <u64>load<u32>(b, ${4 * i});\n`;
  s += `  let lo: u64 = 0, hi: u64 = 0, p: u64 = 0, c: u64 = 0;\n`;
  for (let k = 0; k < 2 * L - 1; k++) {
    s += `  lo = c; hi = 0;\n`;
    for (let i = Math.max(0, k - L + 1); i <= Math.min(k, L - 1); i++) {
      s += `  p = a${i} * b${k - i}; lo += p & 0xffffffff; hi += p >> 32;\n`;
    }
    s += `  const t${k} = lo & 0xffffffff; c = (lo >> 32) + hi;\n`;
  }
  return `${s + reduceCall(reduce, L, (k) => (k === 2 * L - 1 ? "c" : `t${k}`))}}\n`;
}

/** Product-scanning square: the cross products a_i a_j (i < j) are computed once and doubled. */
function sqrProductScanning(fn, L, reduce) {
  let s = `/** o = a^2 mod p, ${L}-word operand (product scanning, cross products doubled; ${reduce}). */\n`;
  s += `export function ${fn}(o: usize, a: usize): void {\n`;
  for (let i = 0; i < L; i++) s += `  const a${i} = <u64>load<u32>(a, ${4 * i});\n`;
  s += `  let lo: u64 = 0, hi: u64 = 0, p: u64 = 0, c: u64 = 0;\n`;
  for (let k = 0; k < 2 * L - 1; k++) {
    s += `  lo = c; hi = 0;\n`;
    for (let i = Math.max(0, k - L + 1); i <= Math.min(k, L - 1); i++) {
      const j = k - i;
      if (j < i) break;
      if (i === j) s += `  p = a${i} * a${i}; lo += p & 0xffffffff; hi += p >> 32;\n`;
      // 2 a_i a_j: the low half of the doubled product and its high 33 bits.
      else s += `  p = a${i} * a${j}; lo += (p << 1) & 0xffffffff; hi += p >> 31;\n`;
    }
    s += `  const t${k} = lo & 0xffffffff; c = (lo >> 32) + hi;\n`;
  }
  return `${s + reduceCall(reduce, L, (k) => (k === 2 * L - 1 ? "c" : `t${k}`))}}\n`;
}

/** o = a + b mod p for canonical a, b (constant time: the subtraction of p is selected by mask). */
function addModP(fn, L, p) {
  const pw = words(p, L);
  let s = `/** o = a + b mod p; a, b in [0, p). Constant time. */\n`;
  s += `export function ${fn}(o: usize, a: usize, b: usize): void {\n`;
  s += `  let c: u64 = 0;\n`;
  for (let i = 0; i < L; i++) {
    s += `  c += <u64>load<u32>(a, ${4 * i}) + <u64>load<u32>(b, ${4 * i}); const r${i} = c & 0xffffffff; c >>= 32;\n`;
  }
  s += `  let d: i64 = 0;\n`;
  for (let i = 0; i < L; i++) {
    s += `  d += <i64>r${i} - ${hex32(pw[i])}; const s${i} = d & 0xffffffff; d >>= 32;\n`;
  }
  // a + b - p = s + (c + d) 2^(32L); c + d is -1 exactly when a + b < p.
  s += `  const keep = <u64>(d + <i64>c);\n`;
  for (let i = 0; i < L; i++) s += `  store<u32>(o, <u32>((r${i} & keep) | (<u64>s${i} & ~keep)), ${4 * i});\n`;
  return `${s}}\n`;
}

/** o = a - b mod p for canonical a, b (constant time: p is added back under a mask). */
function subModP(fn, L, p) {
  const pw = words(p, L);
  let s = `/** o = a - b mod p; a, b in [0, p). Constant time. */\n`;
  s += `export function ${fn}(o: usize, a: usize, b: usize): void {\n`;
  s += `  let d: i64 = 0;\n`;
  for (let i = 0; i < L; i++) {
    s += `  d += <i64>load<u32>(a, ${4 * i}) - <i64>load<u32>(b, ${4 * i}); const r${i} = d & 0xffffffff; d >>= 32;\n`;
  }
  s += `  const m = <u64>d; // all ones when a < b\n  let c: u64 = 0;\n`;
  for (let i = 0; i < L; i++) {
    s += `  c += <u64>r${i} + (${hex32(pw[i])} & m); store<u32>(o, <u32>c, ${4 * i}); c >>= 32;\n`;
  }
  return `${s}}\n`;
}

// ---------------------------------------------------------------- P-521, 18 limbs of 29 bits

const N521 = 18;
const M29 = "0x1fffffff";

/**
 * Column k of the result is column k of the product plus twice column k + 18 (29 x 18 = 522, and
 * 2^522 = 2 mod 2^521 - 1), plus the carry from column k - 1; each is produced, carried and
 * stored in turn, which keeps few values live. term(i, j) is the product of limbs i and j.
 */
function p521Columns(terms) {
  let s = `  let c: u64 = 0;\n`;
  for (let k = 0; k < N521; k++) {
    const low = terms(k);
    const high = k + N521 <= 2 * N521 - 2 ? terms(k + N521) : [];
    const sum = [...low, ...(high.length ? [`((${high.join(" + ")}) << 1)`] : [])].join(" + ");
    s += `  c += ${sum}; const r${k} = <u32>c & ${M29}; c >>= 29;\n`;
  }
  // c now weighs 2^522 = 2: fold it into limb 0 and carry once more.
  s += `  const r0b = <u64>r0 + (c << 1);\n`;
  s += `  store<u32>(o, <u32>r0b & ${M29}, 0);\n  store<u32>(o, r1 + <u32>(r0b >> 29), 4);\n`;
  for (let k = 2; k < N521; k++) s += `  store<u32>(o, r${k}, ${4 * k});\n`;
  return s;
}

function p521Mul() {
  let s = `/**\n * o = a * b mod 2^521 - 1. Limbs of a and b below 2^29 + 2^6; so is every limb of o.\n`;
  s += ` * After folding a column holds at most 35 products below 2^58.0001: below 2^63.2.\n */\n`;
  s += `export function p521Mul(o: usize, a: usize, b: usize): void {\n`;
  for (let i = 0; i < N521; i++) s += `  const a${i} = <u64>load<u32>(a, ${4 * i}), b${i} = <u64>load<u32>(b, ${4 * i});\n`;
  const terms = (k) => {
    const t = [];
    for (let i = Math.max(0, k - N521 + 1); i <= Math.min(k, N521 - 1); i++) t.push(`a${i} * b${k - i}`);
    return t;
  };
  return `${s + p521Columns(terms)}}\n`;
}

function p521Sqr() {
  let s = `/** o = a^2 mod 2^521 - 1, same bounds as p521Mul; cross products computed once. */\n`;
  s += `export function p521Sqr(o: usize, a: usize): void {\n`;
  for (let i = 0; i < N521; i++) s += `  const a${i} = <u64>load<u32>(a, ${4 * i});\n`;
  for (let i = 0; i < N521; i++) s += `  const d${i} = a${i} << 1;\n`;
  const terms = (k) => {
    const t = [];
    for (let i = Math.max(0, k - N521 + 1); i <= Math.min(k, N521 - 1); i++) {
      const j = k - i;
      if (j < i) break;
      t.push(i === j ? `a${i} * a${i}` : `d${i} * a${j}`);
    }
    return t;
  };
  return `${s + p521Columns(terms)}}\n`;
}

function p521AddSub() {
  let s = `/** o = a + b mod 2^521 - 1 (limbs carried; the result keeps the limb bounds). */\n`;
  s += `export function p521Add(o: usize, a: usize, b: usize): void {\n`;
  for (let k = 0; k < N521; k++) s += `  let c${k}: u64 = <u64>load<u32>(a, ${4 * k}) + <u64>load<u32>(b, ${4 * k});\n`;
  s += p521Carry();
  s += `}\n`;
  // 4p in limbs: 4(2^29 - 1) in limbs 0..16, 4(2^28 - 1) in limb 17: above any limb of b.
  s += `/** o = a - b mod 2^521 - 1, computed as a + 4p - b so that no limb goes negative. */\n`;
  s += `export function p521Sub(o: usize, a: usize, b: usize): void {\n`;
  for (let k = 0; k < N521; k++) {
    const fourP = k < N521 - 1 ? "0x7ffffffc" : "0x3ffffffc";
    s += `  let c${k}: u64 = <u64>load<u32>(a, ${4 * k}) + ${fourP} - <u64>load<u32>(b, ${4 * k});\n`;
  }
  s += p521Carry();
  return `${s}}\n`;
}

function p521Carry() {
  let s = "";
  for (let k = 0; k < N521 - 1; k++) s += `  c${k + 1} += c${k} >> 29; c${k} &= ${M29};\n`;
  s += `  const top = c${N521 - 1} >> 29; c${N521 - 1} &= ${M29};\n`;
  s += `  c0 += top << 1; c1 += c0 >> 29; c0 &= ${M29};\n`;
  for (let k = 0; k < N521; k++) s += `  store<u32>(o, <u32>c${k}, ${4 * k});\n`;
  return s;
}

// ---------------------------------------------------------------- files

const header = (what) => `// GENERATED by scripts/gen-ec.mjs: do not edit; edit the generator and rerun it.\n// ${what}\n`;

function file32(prefix, c, L, useOperandScanning, bname, bvalue) {
  const lower = prefix.toLowerCase();
  const reduce = `${lower}Reduce`;
  let s = header(`${prefix}: constants and unrolled ${L}-word limb arithmetic mod p.`);
  s += `import { ${reduce} } from "../curves/reduce";\n`;
  s += `\n// Field elements are ${L} little-endian 32-bit words, always fully reduced (in [0, p)).\n`;
  s += dataU32(`${prefix}_P`, c.p, L, 32, "p");
  s += `// -p^-1 mod 2^32, for the variable-time inversion mod p (modinv-vartime.ts).\n`;
  s += `export const ${prefix}_P0INV: u32 = ${hex32((2n ** 32n - modInv(c.p % 2n ** 32n, 2n ** 32n)) % 2n ** 32n)};\n`;
  s += dataU32(`${prefix}_${bname}`, bvalue, L, 32, bname === "B3" ? "3b (the a = 0 formulas use 3b)" : "b");
  if (prefix === "P256") s += dataU32(`${prefix}_NEG_B`, c.p - bvalue, L, 32, "p - b (for e - b a as a product plus e)");
  s += dataU32(`${prefix}_GX`, c.gx, L, 32, "the base point G");
  s += dataU32(`${prefix}_GY`, c.gy, L);
  s += `\n${scalarConstants(prefix, c.n)}\n`;
  s += `${(useOperandScanning ? mulOperandScanning : mulProductScanning)(`${lower}Mul`, L, reduce)}\n`;
  if (useOperandScanning) s += `${mulAddOperandScanning(`${lower}MulAdd`, L, reduce)}\n`;
  if (useOperandScanning) s += `${mulSubOperandScanning(`${lower}MulSub`, L, reduce, c.p)}\n`;
  s += `${sqrProductScanning(`${lower}Sqr`, L, reduce)}\n`;
  s += `${addModP(`${prefix.toLowerCase()}Add`, L, c.p)}\n`;
  s += subModP(`${prefix.toLowerCase()}Sub`, L, c.p);
  return s;
}

writeFileSync(join(outDir, "p256.ts"), file32("P256", curves.p256, 8, true, "B", curves.p256.b));
writeFileSync(join(outDir, "p256k.ts"), file32("P256K", curves.p256k, 8, true, "B3", 3n * curves.p256k.b));
writeFileSync(join(outDir, "p384.ts"), file32("P384", curves.p384, 12, false, "B", curves.p384.b));

/**
 * Montgomery product mod an L-word modulus given at run time (CIOS, Koc, Acar and Kaliski 1996,
 * "Analyzing and comparing Montgomery multiplication algorithms", §4), unrolled with the limbs
 * of b, n and the running sum in locals. The scalar arithmetic of the 8-word orders (P-256 and
 * secp256k1) uses it (ec/scalar.ts); it computes what the loop of scMontMul does.
 */
function montMulUnrolled(fn, L) {
  let s = `/** o = a b 2^-${32 * L} mod n for a, b < n (${L} words); n0inv = -n^-1 mod 2^32. Constant time. */\n`;
  s += `export function ${fn}(o: usize, a: usize, b: usize, n: usize, n0inv: u32): void {\n`;
  for (let i = 0; i < L; i++) s += `  const b${i} = <u64>load<u32>(b, ${4 * i}), n${i} = <u64>load<u32>(n, ${4 * i});\n`;
  s += `  let ${Array.from({ length: L + 2 }, (_, k) => `t${k}: u64 = 0`).join(", ")};\n`;
  s += `  let c: u64 = 0, s: u64 = 0, ai: u64 = 0, m: u64 = 0;\n`;
  for (let i = 0; i < L; i++) {
    s += `  ai = <u64>load<u32>(a, ${4 * i}); c = 0;\n`;
    for (let j = 0; j < L; j++) s += `  s = ai * b${j} + t${j} + c; t${j} = s & 0xffffffff; c = s >> 32;\n`;
    s += `  s = t${L} + c; t${L} = s & 0xffffffff; t${L + 1} = s >> 32;\n`;
    // m = t0 n0inv mod 2^32: the product of the low words, in u32 so that it wraps.
    s += `  m = <u64>(<u32>t0 * n0inv);\n  s = m * n0 + t0; c = s >> 32;\n`;
    for (let j = 1; j < L; j++) s += `  s = m * n${j} + t${j} + c; t${j - 1} = s & 0xffffffff; c = s >> 32;\n`;
    s += `  s = t${L} + c; t${L - 1} = s & 0xffffffff; t${L} = t${L + 1} + (s >> 32);\n`;
  }
  s += `  // t < 2n: subtract n unless that borrows out of t${L} (then t < n is kept).\n`;
  s += `  let d: i64 = 0, bw: i64 = 0;\n`;
  for (let j = 0; j < L; j++) s += `  d = <i64>t${j} - <i64>n${j} + bw; const d${j} = <u32>d; bw = d >> 32;\n`;
  s += `  bw += <i64>t${L};\n  const keep = <u32>bw;\n`;
  for (let j = 0; j < L; j++) s += `  store<u32>(o, (<u32>t${j} & keep) | (d${j} & ~keep), ${4 * j});\n`;
  return `${s}}\n`;
}

{
  let s = header("Unrolled Montgomery multiplication for the 8-word group orders (P-256, secp256k1).");
  s += `\n${montMulUnrolled("scMontMul8", 8)}`;
  writeFileSync(join(outDir, "scalar8.ts"), s);
}

{
  const c = curves.p521;
  let s = header("P-521: constants and unrolled arithmetic mod 2^521 - 1 in 18 limbs of 29 bits.");
  s += `\n// Field elements are 18 little-endian u32 limbs of 29 bits (522 bits): partially reduced,\n`;
  s += `// every limb below 2^29 + 2^6. Canonical form only on output (see ../curves/p521.ts).\n`;
  s += dataU32("P521_B", c.b, N521, 29, "b");
  s += dataU32("P521_GX", c.gx, N521, 29, "the base point G");
  s += dataU32("P521_GY", c.gy, N521, 29);
  s += `\n${scalarConstants("P521", c.n)}\n`;
  s += `${p521Mul()}\n${p521Sqr()}\n${p521AddSub()}`;
  writeFileSync(join(outDir, "p521.ts"), s);
}
console.error("wrote assembly/ec/gen/{p256,p256k,p384,p521,scalar8}.ts");

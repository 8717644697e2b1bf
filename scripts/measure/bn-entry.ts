// Entry point of the bn measurement build (scripts/measure-bn.mjs): the paired and scalar
// Montgomery products of assembly/bn at a chosen limb count, and the bare multiply-add kernel
// that bounds them (the "WebAssembly limit" of assembly/bn/NOTES.md), each timed in a loop.
import { montCtxInitL, montMul, montSqr } from "../../assembly/bn/mont";
import { montPairCtxInit, montMulPair, montSqrPair, montSqrPairNext } from "../../assembly/bn/mont-pair";
import { F64_PAD, MAX_F64_CTX_SIZE, MAX_F64_STRIDE, f64LimbsFor, montF64CtxInit, montMulF64, montSqrF64, toF64Lane } from "../../assembly/bn/mont-f64";
import { limbsFor } from "../../assembly/bn/limbs";

const CP = memory.data(16 + 160 * 16, 16);
const CQ = memory.data(16 + 160 * 16, 16);
const PQ = memory.data(32 + 160 * 16, 16);
const M = memory.data(160 * 4, 16);
const X = memory.data(160 * 8 + 16, 16);
const Y = memory.data(160 * 8 + 16, 16);
const A = memory.data(4096, 16);
const B = memory.data(4096, 16);

/** Two odd moduli of 28 L - 4 bits and operands below them, from a fixed LCG (the values do not matter). */
export function setup(L: i32): void {
  let s: u32 = 12345;
  for (let w = 0; w < 2; w++) {
    for (let i = 0; i < L; i++) {
      s = s * 1103515245 + 12345;
      store<u32>(M + (<usize>i << 2), (s >> 3) & 0xfffffff);
    }
    store<u32>(M, load<u32>(M) | 1);
    store<u32>(M + (<usize>(L - 1) << 2), (load<u32>(M + (<usize>(L - 1) << 2)) & 0x7fffff) | 0x800000);
    montCtxInitL(w == 0 ? CP : CQ, M, 28 * L - 4, L);
  }
  montPairCtxInit(PQ, CP, CQ);
  for (let i = 0; i < 2 * L; i++) {
    s = s * 1103515245 + 12345;
    store<u32>(X + (<usize>i << 2), (s >> 5) & 0x3ffffff);
    store<u32>(Y + (<usize>i << 2), (s >> 4) & 0x3ffffff);
  }
  for (let i = 0; i < 1024; i++) {
    store<u32>(A + (<usize>i << 2), (<u32>i * 2654435761) & 0xfffffff);
    store<u32>(B + (<usize>i << 2), (<u32>i * 40503) & 0xfffffff);
  }
}

export function sqrPair(n: i32): void {
  for (let i = 0; i < n; i++) montSqrPair(PQ, X, X);
}
export function mulPair(n: i32): void {
  for (let i = 0; i < n; i++) montMulPair(PQ, X, X, Y);
}
export function sqrScalar(n: i32): void {
  for (let i = 0; i < n; i++) montSqr(CP, X, X);
}
export function mulScalar(n: i32): void {
  for (let i = 0; i < n; i++) montMul(CP, X, X, Y);
}

/** n 16-byte chunks of multiply-adds (2 extmul each), 4 independent accumulators, repeated reps times. */
export function extmulKernel(n: i32, reps: i32): u64 {
  let tot = i64x2.splat(0);
  for (let r = 0; r < reps; r++) {
    let a0 = i64x2.splat(0), a1 = i64x2.splat(0), a2 = i64x2.splat(0), a3 = i64x2.splat(0);
    let pa = A, pb = B;
    const end = A + (<usize>n << 4);
    while (pa < end) {
      const x0 = v128.load(pa), y0 = v128.load(pb);
      const x1 = v128.load(pa, 16), y1 = v128.load(pb, 16);
      a0 = i64x2.add(a0, i64x2.extmul_low_i32x4_u(x0, y0));
      a1 = i64x2.add(a1, i64x2.extmul_high_i32x4_u(x0, y0));
      a2 = i64x2.add(a2, i64x2.extmul_low_i32x4_u(x1, y1));
      a3 = i64x2.add(a3, i64x2.extmul_high_i32x4_u(x1, y1));
      pa += 32;
      pb += 32;
    }
    tot = i64x2.add(tot, i64x2.add(i64x2.add(a0, a1), i64x2.add(a2, a3)));
  }
  return i64x2.extract_lane(tot, 0) + i64x2.extract_lane(tot, 1);
}

// The f64 kernel (mont-f64.ts) at the size of RSA-2048's primes, against the kept montSqrPairNext.
const CPF = memory.data(16 + 160 * 16, 16);
const CQF = memory.data(16 + 160 * 16, 16);
const CF = memory.data(MAX_F64_CTX_SIZE, 16);
const XF = memory.data(MAX_F64_STRIDE, 16);
const YF = memory.data(MAX_F64_STRIDE, 16);

/** Two odd moduli of `bits` bits and operands below them (LCG values), in the f64 kernel's form. Returns its L. */
export function setupF64(bits: i32): i32 {
  const L = limbsFor(bits);
  const Lf = f64LimbsFor(bits);
  let s: u32 = 4242;
  for (let w = 0; w < 2; w++) {
    memory.fill(M, 0, 160 * 4);
    for (let i = 0; i < L; i++) {
      s = s * 1103515245 + 12345;
      store<u32>(M + (<usize>i << 2), (s >> 3) & 0xfffffff);
    }
    const top = (bits - 1) % 28;
    store<u32>(M, load<u32>(M) | 1);
    store<u32>(M + (<usize>(L - 1) << 2), ((load<u32>(M + (<usize>(L - 1) << 2)) & ((1 << top) - 1)) | (1 << top)));
    montCtxInitL(w == 0 ? CPF : CQF, M, bits, L);
    // operands: the modulus with its top limb halved, so below it
    store<u32>(M + (<usize>(L - 1) << 2), load<u32>(M + (<usize>(L - 1) << 2)) >> 1);
    toF64Lane(XF + (<usize>F64_PAD << 4), w, M, L, Lf);
    store<u32>(M + (<usize>(L - 1) << 2), load<u32>(M + (<usize>(L - 1) << 2)) >> 1);
    toF64Lane(YF + (<usize>F64_PAD << 4), w, M, L, Lf);
  }
  montF64CtxInit(CF, CPF, CQF, Lf);
  return Lf;
}
export function sqrF64(n: i32): void {
  const x = XF + (<usize>F64_PAD << 4);
  for (let i = 0; i < n; i++) montSqrF64(CF, x, x);
}
export function mulF64(n: i32): void {
  const x = XF + (<usize>F64_PAD << 4), y = YF + (<usize>F64_PAD << 4);
  for (let i = 0; i < n; i++) montMulF64(CF, x, x, y);
}
export function sqrPairNext(n: i32): void {
  for (let i = 0; i < n; i++) montSqrPairNext(PQ, X, X);
}

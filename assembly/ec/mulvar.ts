// u1 G + u2 Q for ECDSA verification, where every input is public: VARIABLE TIME by design.
// u1 G uses the fixed-base table (table.ts) with direct indexing; u2 Q uses a width-5 NAF
// (Hankerson, Menezes, Vanstone, Algorithms 3.35 and 3.36) over the odd multiples Q, 3Q, ..., 15Q.
// The additions are still the complete formulas, so no input needs a special case.
import { pointAdd, pointDouble, pointFromAffine, pointSetIdentity } from "./point";
import { mulBaseVartime } from "./table";
import { SCALAR_BYTES } from "./scalar";

const MAX_FE: usize = 72;
const PT: usize = 3 * MAX_FE;
const ODD = memory.data(8 * <i32>PT, 16);
const TWOQ = memory.data(<i32>PT, 16);
const NEGP = memory.data(<i32>PT, 16);
const ACC = memory.data(<i32>PT, 16);
const BASEPART = memory.data(<i32>PT, 16);
const NAF = memory.data(544, 16);
const K = memory.data(<i32>SCALAR_BYTES, 16);

/** The width-5 NAF of the L-word k into NAF (one i8 digit per bit); returns its length. */
function wnaf5(k: usize, L: i32): i32 {
  memory.fill(K, 0, SCALAR_BYTES);
  memory.copy(K, k, <usize>(L << 2));
  let len = 0;
  for (;;) {
    let nonzero: u32 = 0;
    for (let j = 0; j <= L; j++) nonzero |= load<u32>(K + (<usize>j << 2));
    if (nonzero == 0) break;
    let d: i32 = 0;
    const low = load<u32>(K);
    if ((low & 1) != 0) {
      d = <i32>(low & 31);
      if (d >= 16) d -= 32;
      // k -= d, so that the next four bits are zero.
      let c: i64 = -<i64>d;
      for (let j = 0; j <= L; j++) {
        const off = <usize>j << 2;
        c += <i64>load<u32>(K + off);
        store<u32>(K + off, <u32>c);
        c >>= 32;
      }
    }
    store<i8>(NAF + <usize>len, <i8>d);
    len++;
    for (let j = 0; j <= L; j++) {
      const off = <usize>j << 2;
      store<u32>(K + off, (load<u32>(K + off) >> 1) | (load<u32>(K + off + 4) << 31));
    }
  }
  return len;
}

/** out = u1 G + u2 Q (projective), Q = (x, y) affine on the curve; u1, u2 scalar buffers. */
export function mulDoubleVartime<C>(out: usize, u1: usize, q: usize, u2: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const P = F * 3;
  mulBaseVartime<C>(BASEPART, u1);
  pointFromAffine<C>(ODD, q);
  pointDouble<C>(TWOQ, ODD);
  for (let i = 1; i < 8; i++) pointAdd<C>(ODD + <usize>i * P, ODD + <usize>(i - 1) * P, TWOQ);
  const len = wnaf5(u2, c.NWORDS);
  pointSetIdentity<C>(ACC);
  let started = false;
  for (let i = len - 1; i >= 0; i--) {
    if (started) pointDouble<C>(ACC, ACC);
    const d = <i32>load<i8>(NAF + <usize>i);
    if (d == 0) continue;
    let p = ODD + <usize>((abs(d) - 1) >> 1) * P;
    if (d < 0) {
      memory.copy(NEGP, p, P);
      c.neg(NEGP + F, p + F);
      p = NEGP;
    }
    if (started) pointAdd<C>(ACC, ACC, p);
    else memory.copy(ACC, p, P);
    started = true;
  }
  pointAdd<C>(out, ACC, BASEPART);
}

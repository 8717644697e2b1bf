// u1 G + u2 Q for ECDSA verification, where every input is public: VARIABLE TIME by design, in
// Jacobian coordinates (jacobian.ts), whose exceptional cases are branches.
// - u1 G: the fixed-base comb of table.ts, indexed directly: one mixed addition per window.
// - u2 Q: Straus's interleaving over the four chunks of u2 (qtable.ts): u2 is recoded once in
//   width-5 NAF (Hankerson, Menezes, Vanstone, Algorithms 3.35 and 3.36), digit i belongs to
//   chunk i / CH at position i % CH, and the chunks share CH doublings; each nonzero digit adds
//   (or subtracts) an affine odd multiple of 2^(CH j) Q from the per-key table.
import {
  jacAddAffineVartime, jacAddVartime, jacDoubleVartime, jacIsIdentityVartime, jacSetIdentity, jacToProjective,
} from "./jacobian";
import { mulBaseJacVartime } from "./table";
import { QTABLE_ODD, qChunkBits, qTableVartime } from "./qtable";
import { SCALAR_BYTES } from "./scalar";

const MAX_FE: usize = 72;
const PT: usize = 3 * MAX_FE;
const ACC = memory.data(<i32>PT, 16);
const BASEPART = memory.data(<i32>PT, 16);
const NEG = memory.data(2 * <i32>MAX_FE, 16);
const NAF = memory.data(544, 16);
const K = memory.data(<i32>SCALAR_BYTES, 16);

/** The width-5 NAF of the L-word k into NAF (one i8 digit per bit, zeros after); returns its length. */
function wnaf5(k: usize, L: i32): i32 {
  memory.fill(K, 0, SCALAR_BYTES);
  memory.copy(K, k, <usize>(L << 2));
  memory.fill(NAF, 0, 544);
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

/**
 * out = u1 G + u2 Q as a projective point (point.ts), Q = (x, y) affine on the curve (canonical
 * field elements); u1, u2 scalar buffers below n.
 */
export function mulDoubleVartime<C>(out: usize, u1: usize, q: usize, u2: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  mulBaseJacVartime<C>(BASEPART, u1);
  const table = qTableVartime<C>(q);
  const CH = qChunkBits<C>();
  const len = wnaf5(u2, c.NWORDS);
  jacSetIdentity<C>(ACC);
  for (let r = CH - 1; r >= 0; r--) {
    if (!jacIsIdentityVartime<C>(ACC)) jacDoubleVartime<C>(ACC, ACC);
    for (let j = 0; j * CH + r < len; j++) {
      const d = <i32>load<i8>(NAF + <usize>(j * CH + r));
      if (d == 0) continue;
      let p = table + <usize>(j * QTABLE_ODD + ((abs(d) - 1) >> 1)) * 2 * F;
      if (d < 0) {
        memory.copy(NEG, p, F);
        c.neg(NEG + F, p + F);
        p = NEG;
      }
      jacAddAffineVartime<C>(ACC, ACC, p);
    }
  }
  jacAddVartime<C>(ACC, ACC, BASEPART);
  jacToProjective<C>(out, ACC);
}

// k G by a fixed-base comb: the scalar is recoded into signed digits d_i in [-2^(W-1), 2^(W-1)]
// with k = sum d_i 2^(W i), and the table holds (j + 1) 2^(W i) G, j < 2^(W-1), in affine form,
// for every window i. k G is then a sum of one table point per window: no doublings at all, and
// one mixed addition per window after the first.
// The table of each curve is built at first use in the core's heap and kept (it is public).
//
// Constant-time path (signing, key generation, the import check): every window reads the whole
// window of the table with masks (lookupCt), negates under a mask, always adds, and keeps or
// drops the sum under a mask. The variable-time path (verification) indexes the table directly
// and adds in Jacobian coordinates (jacobian.ts).
import { pointAdd, pointAddMixed, pointDouble, pointFromAffine, pointSetIdentity } from "./point";
import { cmovBytes } from "./words";
import { jacAddAffineVartime, jacSetIdentity, jacToProjective } from "./jacobian";

const MAX_FE: usize = 72;
const MAX_WINDOWS: i32 = 96;
const TABLES = memory.data(8 * 4, 8);                      // table pointer by curve id
const DIGITS = memory.data(MAX_WINDOWS * 4, 16);
const ACC = memory.data(3 * <i32>MAX_FE, 16);
const SUM = memory.data(3 * <i32>MAX_FE, 16);
const ENTRY = memory.data(2 * <i32>MAX_FE, 16);
const NEGY = memory.data(<i32>MAX_FE, 16);
const BASE = memory.data(3 * <i32>MAX_FE, 16);
const INVZ = memory.data(<i32>MAX_FE, 16);
const ZI = memory.data(<i32>MAX_FE, 16);

/** Number of windows: bits(n)/W + 1 covers a carry out of the top window. */
@inline
export function combWindows<C>(): i32 {
  const c = changetype<C>(0);
  return c.NBITS / c.W + 1;
}

@inline
function combEntries<C>(): i32 {
  return 1 << (changetype<C>(0).W - 1);
}

/** The curve's table, built on first use. */
export function baseTable<C>(): usize {
  const c = changetype<C>(0);
  const slot = TABLES + (<usize>c.ID << 2);
  let t = load<usize>(slot);
  if (t == 0) {
    t = buildTable<C>();
    store<usize>(slot, t);
  }
  return t;
}

/** Writes the affine forms of E projective points (none of them O) to out, with one inversion. */
function normalizeBatch<C>(out: usize, proj: usize, prefix: usize, E: i32): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const P = F * 3;
  memory.copy(prefix, proj + 2 * F, F);
  for (let j = 1; j < E; j++) c.mul(prefix + <usize>j * F, prefix + <usize>(j - 1) * F, proj + <usize>j * P + 2 * F);
  c.inv(INVZ, prefix + <usize>(E - 1) * F);
  for (let j = E - 1; j >= 0; j--) {
    const pj = proj + <usize>j * P;
    if (j > 0) {
      c.mul(ZI, INVZ, prefix + <usize>(j - 1) * F); // 1 / Z_j
      c.mul(INVZ, INVZ, pj + 2 * F);                // 1 / (Z_0 ... Z_(j-1))
    } else {
      memory.copy(ZI, INVZ, F);
    }
    c.mul(out + <usize>j * 2 * F, pj, ZI);
    c.mul(out + <usize>j * 2 * F + F, pj + F, ZI);
  }
}

function buildTable<C>(): usize {
  const c = changetype<C>(0);
  const F = c.FE;
  const E = combEntries<C>();
  const NW = combWindows<C>();
  const windowBytes = <usize>E * 2 * F;
  const table = heap.alloc(<usize>NW * windowBytes);
  const proj = heap.alloc(<usize>E * 3 * F);
  const prefix = heap.alloc(<usize>E * F);
  memory.copy(BASE, c.GX, F);
  memory.copy(BASE + F, c.GY, F);
  c.setOne(BASE + 2 * F);
  for (let w = 0; w < NW; w++) {
    // proj[j] = (j + 1) B with B = 2^(W w) G.
    memory.copy(proj, BASE, 3 * F);
    for (let j = 1; j < E; j++) pointAdd<C>(proj + <usize>j * 3 * F, proj + <usize>(j - 1) * 3 * F, BASE);
    normalizeBatch<C>(table + <usize>w * windowBytes, proj, prefix, E);
    pointDouble<C>(BASE, proj + <usize>(E - 1) * 3 * F); // 2 (2^(W-1) B) = 2^W B
  }
  heap.free(proj);
  heap.free(prefix);
  return table;
}

/** W bits of k at bit position pos (k is a scalar buffer: words above its length are zero). */
@inline
function bitsAt(k: usize, pos: i32, W: i32): u32 {
  const w = k + (<usize>(pos >> 5) << 2);
  const pair = <u64>load<u32>(w) | (<u64>load<u32>(w + 4) << 32);
  return <u32>(pair >> <u64>(pos & 31)) & ((<u32>1 << <u32>W) - 1);
}

/** Signed digits of k into DIGITS, without branches: v > 2^(W-1) becomes v - 2^W, carrying 1. */
function recode<C>(k: usize): void {
  const c = changetype<C>(0);
  const W = c.W;
  const E = <u32>combEntries<C>();
  const NW = combWindows<C>();
  let carry: u32 = 0;
  for (let i = 0; i < NW; i++) {
    const v = bitsAt(k, i * W, W) + carry;
    carry = (E - v) >> 31;
    store<i32>(DIGITS + (<usize>i << 2), <i32>v - <i32>(carry << <u32>W));
  }
}

/**
 * out = entry idx - 1 of a window (idx in 1..E), or zeros for idx 0, reading every entry.
 * One pass over the window: each entry's mask (all ones when j + 1 == idx) is made in a register
 * by a lane compare, and four accumulators take 64 bytes of the entry at a time.
 */
function lookupCt(out: usize, window: usize, E: i32, entryBytes: usize, idx: u32): void {
  const want = i32x4.splat(<i32>idx);
  const one = i32x4.splat(1);
  let off: usize = 0;
  for (; off + 64 <= entryBytes; off += 64) {
    let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let j = one;
    let p = window + off;
    for (let e = 0; e < E; e++) {
      const m = i32x4.eq(j, want);
      a0 = v128.or(a0, v128.and(v128.load(p), m));
      a1 = v128.or(a1, v128.and(v128.load(p, 16), m));
      a2 = v128.or(a2, v128.and(v128.load(p, 32), m));
      a3 = v128.or(a3, v128.and(v128.load(p, 48), m));
      j = i32x4.add(j, one);
      p += entryBytes;
    }
    v128.store(out + off, a0);
    v128.store(out + off, a1, 16);
    v128.store(out + off, a2, 32);
    v128.store(out + off, a3, 48);
  }
  for (; off < entryBytes; off += 16) {
    let a0 = i32x4.splat(0);
    let j = one;
    let p = window + off;
    for (let e = 0; e < E; e++) {
      a0 = v128.or(a0, v128.and(v128.load(p), i32x4.eq(j, want)));
      j = i32x4.add(j, one);
      p += entryBytes;
    }
    v128.store(out + off, a0);
  }
}

/** out = k G (projective), k < n given as a scalar buffer. Constant time in k. */
export function mulBaseCt<C>(out: usize, k: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const E = combEntries<C>();
  const NW = combWindows<C>();
  const windowBytes = <usize>E * 2 * F;
  const table = baseTable<C>();
  recode<C>(k);
  for (let i = 0; i < NW; i++) {
    const d = load<i32>(DIGITS + (<usize>i << 2));
    const s = d >> 31;
    const a = <u32>((d ^ s) - s);
    lookupCt(ENTRY, table + <usize>i * windowBytes, E, 2 * F, a);
    c.neg(NEGY, ENTRY + F);
    cmovBytes(ENTRY + F, NEGY, F, <u32>s);
    const zero = <u32>(<i32>(~a & (a - 1)) >> 31);
    if (i == 0) {
      // The first window needs no addition: ACC = (x : y : 1), or O for the digit 0 (masked).
      pointFromAffine<C>(ACC, ENTRY);
      pointSetIdentity<C>(SUM);
      cmovBytes(ACC, SUM, 3 * F, zero);
      continue;
    }
    pointAddMixed<C>(SUM, ACC, ENTRY);
    cmovBytes(ACC, SUM, 3 * F, ~zero);
  }
  memory.copy(out, ACC, 3 * F);
  memory.fill(DIGITS, 0, MAX_WINDOWS * 4);
  memory.fill(ACC, 0, 3 * MAX_FE);
  memory.fill(SUM, 0, 3 * MAX_FE);
  memory.fill(ENTRY, 0, 2 * MAX_FE);
  memory.fill(NEGY, 0, MAX_FE);
}

/** out = k G (Jacobian, jacobian.ts). VARIABLE TIME: public k only (verification). */
export function mulBaseJacVartime<C>(out: usize, k: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  const E = combEntries<C>();
  const NW = combWindows<C>();
  const windowBytes = <usize>E * 2 * F;
  const table = baseTable<C>();
  recode<C>(k);
  jacSetIdentity<C>(out);
  for (let i = 0; i < NW; i++) {
    const d = load<i32>(DIGITS + (<usize>i << 2));
    if (d == 0) continue;
    let entry = table + <usize>i * windowBytes + <usize>(abs(d) - 1) * 2 * F;
    if (d < 0) {
      memory.copy(ENTRY, entry, F);
      c.neg(ENTRY + F, entry + F);
      entry = ENTRY;
    }
    jacAddAffineVartime<C>(out, out, entry);
  }
}

/** out = k G (projective, as point.ts). VARIABLE TIME: public k only. */
export function mulBaseVartime<C>(out: usize, k: usize): void {
  mulBaseJacVartime<C>(ACC, k);
  jacToProjective<C>(out, ACC);
}

/** xy = the affine form of p, which must not be O. Constant time (c.inv: divsteps or Fermat). */
export function toAffine<C>(xy: usize, p: usize): void {
  const c = changetype<C>(0);
  const F = c.FE;
  c.inv(ZI, p + 2 * F);
  c.mul(xy, p, ZI);
  c.mul(xy + F, p + F, ZI);
  memory.fill(ZI, 0, MAX_FE);
}

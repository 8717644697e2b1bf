// Measurement, as dudect does it: one process, the class of each measurement drawn at random,
// so that whatever else the machine does falls on every class alike; a warm-up first (JIT
// tiers, caches, the core's lazily built tables), its timings thrown away.
import { comparePair, type PairResult, T_THRESHOLD } from "./stats.js";

export interface Comparison {
  a: number;
  b: number;
  /**
   * "constant": the pass mark is |t| < 4.5. "leak" (the positive control): |t| > 4.5.
   * "verdict": the classes get different answers (a plaintext, an error), so their timings may
   * differ by what the answer already says; measured and reported, with no pass mark.
   */
  expect: "constant" | "leak" | "verdict";
}

export interface CtCase<T = any> {
  /** {key}.{operation}.{alg}, as in npm run bench, or control.* */
  name: string;
  /** What the classes are, in a few words. */
  what: string;
  /** Labels of the classes; comparisons refer to them by index. */
  classes: readonly string[];
  comparisons: readonly Comparison[];
  /** Makes the input of one measurement of class `cls` (not timed). Fresh for every measurement. */
  prepare(cls: number): T;
  /** The timed call. It must not throw: catch the operation's expected errors inside. */
  run(input: T): unknown;
  /** After the timed call (not timed), e.g. destroys a key that prepare imported. */
  cleanup?(input: T): void;
}

export interface MeasureOptions {
  /** Measurements per class (at least). */
  perClass: number;
  /** Warm-up, in milliseconds of calls whose timings are discarded. */
  warmupMs: number;
  /** Inputs made ahead of their timing, per batch (default 100). */
  batch?: number;
  /** A t-test counts only with this many measurements per class (dudect: 10,000). */
  minCount: number;
  /** Called now and then with the fraction done. */
  progress?: (fraction: number) => void;
}

export interface PairReport extends PairResult {
  classA: string;
  classB: string;
  expect: Comparison["expect"];
  /** |t| > 4.5. */
  flagged: boolean;
  /** Whether the pass mark is met; null for "verdict" comparisons, which have none. */
  pass: boolean | null;
}

export interface CaseReport {
  name: string;
  what: string;
  perClass: number[];
  seconds: number;
  pairs: PairReport[];
}

export function measure(c: CtCase, opts: MeasureOptions): Float64Array[] {
  const k = c.classes.length;
  const pick = classPicker(k);
  const batchSize = opts.batch ?? 100;
  const classes = new Int32Array(batchSize);
  const times = new Float64Array(batchSize);
  // As dudect: the inputs of a whole batch are made first, then timed one after the other, so
  // that making an input (which differs between classes) is not what the timing sees.
  const batch = () => {
    for (let i = 0; i < batchSize; i++) classes[i] = pick();
    const inputs = Array.from(classes, (cls) => c.prepare(cls));
    for (let i = 0; i < batchSize; i++) {
      const input = inputs[i];
      const t0 = process.hrtime.bigint();
      c.run(input);
      const t1 = process.hrtime.bigint();
      times[i] = Number(t1 - t0);
    }
    if (c.cleanup) for (const input of inputs) c.cleanup(input);
  };

  const warmEnd = performance.now() + opts.warmupMs;
  do batch();
  while (performance.now() < warmEnd);

  const samples = Array.from({ length: k }, () => new Float64Array(opts.perClass));
  const counts = new Array<number>(k).fill(0);
  let done = 0;
  let lastReport = performance.now();
  while (done < k) {
    batch();
    // Measurements of a full class are dropped; they still ran, so the others kept their random order.
    for (let i = 0; i < batchSize; i++) {
      const cls = classes[i]!;
      const n = counts[cls]!;
      if (n < opts.perClass) {
        samples[cls]![n] = times[i]!;
        counts[cls] = n + 1;
        if (n + 1 === opts.perClass) done++;
      }
    }
    if (opts.progress && performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      opts.progress(counts.reduce((s, x) => s + x, 0) / (k * opts.perClass));
    }
  }
  return samples;
}

export function measureAndCompare(c: CtCase, opts: MeasureOptions): CaseReport {
  const start = performance.now();
  const samples = measure(c, opts);
  const seconds = (performance.now() - start) / 1000;
  const pairs = c.comparisons.map(({ a, b, expect }) => {
    const r = comparePair(samples[a]!, samples[b]!, opts.minCount);
    const flagged = r.maxAbsT > T_THRESHOLD;
    const pass = expect === "verdict" ? null : expect === "leak" ? flagged : !flagged;
    return { ...r, classA: c.classes[a]!, classB: c.classes[b]!, expect, flagged, pass };
  });
  return { name: c.name, what: c.what, perClass: samples.map((s) => s.length), seconds, pairs };
}

/** Uniform class indices from crypto.getRandomValues, drawn a buffer at a time. */
function classPicker(k: number): () => number {
  const buf = new Uint32Array(4096);
  let i = buf.length;
  return () => {
    if (i === buf.length) {
      crypto.getRandomValues(buf);
      i = 0;
    }
    return buf[i++]! % k; // k is tiny: the bias of % over 2^32 is below 2^-29
  };
}

/** Every class against class 0 (the reference). */
export function againstFirst(k: number, expect: Comparison["expect"] = "constant"): Comparison[] {
  return Array.from({ length: k - 1 }, (_, i) => ({ a: 0, b: i + 1, expect }));
}

/** Every pair of classes from index `from` on. */
export function allPairs(k: number, from = 0, expect: Comparison["expect"] = "constant"): Comparison[] {
  const out: Comparison[] = [];
  for (let a = from; a < k; a++) for (let b = a + 1; b < k; b++) out.push({ a, b, expect });
  return out;
}

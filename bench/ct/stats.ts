// The statistics of dudect (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?",
// DATE 2017): Welch's t-test between two classes of timings, first order on every measurement
// and on each of 100 crops below a percentile of the timings, second order (on squared
// deviations from each class's mean) on every measurement; the verdict is the largest |t|.

/** |t| above this means the two classes' timings differ (dudect's threshold). */
export const T_THRESHOLD = 4.5;

export interface Welch {
  t: number;
  /** The standard error of the difference of the means. */
  se: number;
  nA: number;
  nB: number;
}

/** Welch's t statistic of two samples (each of at least two values). */
export function welch(a: ArrayLike<number>, b: ArrayLike<number>): Welch {
  const ma = mean(a);
  const mb = mean(b);
  const va = variance(a, ma);
  const vb = variance(b, mb);
  const se = Math.sqrt(va / a.length + vb / b.length);
  // Two constant samples: equal means are no evidence of a difference, distinct ones are.
  const t = se > 0 ? (ma - mb) / se : ma === mb ? 0 : Math.sign(ma - mb) * Number.POSITIVE_INFINITY;
  return { t, se, nA: a.length, nB: b.length };
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Unbiased sample variance around m. */
export function variance(x: ArrayLike<number>, m = mean(x)): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    s += d * d;
  }
  return s / (x.length - 1);
}

/** The value below which a fraction p of the sorted sample lies (nearest rank, as dudect). */
export function percentile(sorted: Float64Array, p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.floor(p * sorted.length)));
  return sorted[i]!;
}

/** dudect's crop points: 1 - 0.5^(10 (i + 1) / 100) for i = 0..99, from 6.7 % to 99.9 %. */
export const CROP_PERCENTILES: readonly number[] = Array.from({ length: 100 }, (_, i) => 1 - 0.5 ** ((10 * (i + 1)) / 100));

export interface PairResult {
  /** The largest |t| over the tests that had enough measurements. */
  maxAbsT: number;
  /** Which test gave it: "all", "crop p=0.93" or "2nd order". */
  test: string;
  /** Its signed t (positive: class A slower). */
  t: number;
  /** Number of tests that counted. */
  tests: number;
  /**
   * 4.5 standard errors of the most precise first-order test, in nanoseconds: a difference of
   * the mean timings larger than this, on the measurements that test keeps, would have been
   * flagged. The resolution of the verdict, not a measured difference.
   */
  resolutionNs: number;
  nA: number;
  nB: number;
  /** Medians of each class, in nanoseconds. */
  medianA: number;
  medianB: number;
}

/**
 * Compares two classes of timings (nanoseconds) as dudect does. A test counts only when each
 * class has at least `minCount` measurements in it (dudect: 10,000); small crops of a short run
 * would otherwise give noise.
 */
export function comparePair(a: Float64Array, b: Float64Array, minCount = 10_000): PairResult {
  const pooled = Float64Array.from([...a, ...b]).sort();
  const sortedA = Float64Array.from(a).sort();
  const sortedB = Float64Array.from(b).sort();
  let best = { abs: -1, t: 0, test: "none" };
  let tests = 0;
  let minSe = Number.POSITIVE_INFINITY;
  const consider = (x: ArrayLike<number>, y: ArrayLike<number>, test: string) => {
    if (x.length < Math.max(2, minCount) || y.length < Math.max(2, minCount)) return;
    tests++;
    const { t, se } = welch(x, y);
    if (test !== "2nd order") minSe = Math.min(minSe, se);
    if (Math.abs(t) > best.abs) best = { abs: Math.abs(t), t, test };
  };
  consider(a, b, "all");
  for (const p of CROP_PERCENTILES) {
    const cut = percentile(pooled, p);
    consider(below(sortedA, cut), below(sortedB, cut), `crop p=${p.toFixed(3)}`);
  }
  consider(squaredDeviations(a), squaredDeviations(b), "2nd order");
  return {
    maxAbsT: Math.max(0, best.abs),
    test: best.test,
    t: best.t,
    tests,
    resolutionNs: T_THRESHOLD * minSe,
    nA: a.length,
    nB: b.length,
    medianA: percentile(sortedA, 0.5),
    medianB: percentile(sortedB, 0.5),
  };
}

/** The prefix of a sorted sample that lies strictly below cut. */
function below(sorted: Float64Array, cut: number): Float64Array {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < cut) lo = mid + 1;
    else hi = mid;
  }
  return sorted.subarray(0, lo);
}

/** (x - mean)^2 for each x: the second-order test compares the classes' spreads. */
function squaredDeviations(x: Float64Array): Float64Array {
  const m = mean(x);
  return x.map((v) => (v - m) * (v - m));
}

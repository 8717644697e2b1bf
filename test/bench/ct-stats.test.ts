// The statistics of the timing harness (bench/ct/stats.ts) against published answers, and its
// crops on synthetic timings from a seeded generator (deterministic: no flaky verdicts).
import { describe, expect, it } from "vitest";
import { CROP_PERCENTILES, T_THRESHOLD, comparePair, welch } from "../../bench/ct/stats.js";

describe("Welch's t", () => {
  // The two worked examples of Wikipedia's "Welch's t-test" (t = -2.46 and -1.57), to full
  // precision from scipy 1.17.1: scipy.stats.ttest_ind(a, b, equal_var=False).statistic.
  it("matches scipy on Wikipedia's first example", () => {
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    expect(welch(a, b).t).toBeCloseTo(-2.455356398286006, 12);
  });

  it("matches scipy on Wikipedia's second example (unequal sizes)", () => {
    const a = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
    const b = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];
    expect(welch(a, b).t).toBeCloseTo(-1.5654335235985037, 12);
    expect(welch(b, a).t).toBeCloseTo(1.5654335235985037, 12);
  });
});

describe("dudect's crops", () => {
  it("are 1 - 0.5^(10 (i + 1) / 100) for i = 0..99 (dudect's prepare_percentiles)", () => {
    expect(CROP_PERCENTILES).toHaveLength(100);
    expect(CROP_PERCENTILES[0]).toBeCloseTo(1 - 2 ** -0.1, 15);
    expect(CROP_PERCENTILES[99]).toBeCloseTo(1 - 2 ** -10, 15);
  });
});

/** Timings of 1000 ns plus exponential noise (mean 50 ns), and rare preemptions of 1 ms. */
function timings(seed: number, n: number, shift = 0, preemptEvery = 0): Float64Array {
  let s = seed >>> 0;
  const next = () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 2 ** 32;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = 1000 + shift - 50 * Math.log(next());
    if (preemptEvery && next() < 1 / preemptEvery) out[i]! += 1_000_000;
  }
  return out;
}

describe("comparePair", () => {
  it("does not flag two samples of one distribution", () => {
    const r = comparePair(timings(1, 20_000), timings(2, 20_000), 1000);
    expect(r.tests).toBe(102);
    expect(r.maxAbsT).toBeLessThan(T_THRESHOLD);
  });

  it("flags a shift of 2 ns under 50 ns of noise", () => {
    const r = comparePair(timings(3, 100_000), timings(4, 100_000, 2), 10_000);
    expect(r.maxAbsT).toBeGreaterThan(T_THRESHOLD);
    expect(r.t).toBeLessThan(0); // the second class is the slower
  });

  it("finds, in a crop, a shift that preemptions hide from the test on every measurement", () => {
    const a = timings(5, 50_000, 0, 100);
    const b = timings(6, 50_000, 5, 100);
    const all = comparePair(a, b, 50_000); // only the tests on every measurement (first and second order) count
    expect(all.tests).toBe(2);
    expect(all.maxAbsT).toBeLessThan(T_THRESHOLD);
    const cropped = comparePair(a, b, 5000);
    expect(cropped.maxAbsT).toBeGreaterThan(T_THRESHOLD);
    expect(cropped.test).toMatch(/^crop /);
  });

  it("counts only the tests with enough measurements in each class", () => {
    const r = comparePair(timings(7, 1000), timings(8, 1000), 900);
    // "all" and "2nd order" have 1000 each; no crop keeps 900 of both below p = 0.9 or so.
    expect(r.tests).toBeGreaterThanOrEqual(2);
    expect(r.tests).toBeLessThan(102);
  });
});

describe("the resolution of comparePair", () => {
  it("is 4.5 standard errors of the most precise test: shifts above it are flagged, well below are not", () => {
    const a = timings(9, 50_000);
    const { resolutionNs } = comparePair(a, timings(10, 50_000), 5000);
    // Exponential noise of mean 50 ns: the SE of "all" is 50 sqrt(2 / 50,000) = 0.32 ns; a crop is tighter.
    expect(resolutionNs).toBeGreaterThan(0);
    expect(resolutionNs).toBeLessThan(4.5 * 50 * Math.sqrt(2 / 50_000) * 1.05);
    expect(comparePair(a, timings(10, 50_000, 3 * resolutionNs), 5000).maxAbsT).toBeGreaterThan(T_THRESHOLD);
    expect(comparePair(a, timings(10, 50_000, resolutionNs / 10), 5000).maxAbsT).toBeLessThan(T_THRESHOLD);
  });
});

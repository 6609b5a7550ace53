// Seeded percentile-bootstrap intervals of a mean, in time linear in the number of samples.
//
// Method. Resampling n scores with replacement and averaging is the same, in distribution, as
// drawing how many times each distinct score value is picked: for values v_1..v_d seen c_1..c_d
// times, the pick counts are Multinomial(n; c_1/n, …, c_d/n) and the resampled mean is
// Σ M_j·v_j / n. The multinomial is drawn as a chain of binomials, M_j ~ Binomial(n − M_1 − … −
// M_{j−1}, c_j / (c_j + … + c_d)), each in constant expected time (./binomial.ts). One pass tallies
// the values (O(n)); each resample then costs O(d). VQA accuracy takes about twenty distinct values
// and 0/1 metrics two, so 1,000 resamples of VQAv2's 214k questions take milliseconds, and 4× the
// questions only lengthen the tally. Scores with many distinct values (more than n/8, e.g. ANLS on a
// small set) are resampled by drawing indices instead, which costs O(n) per resample.
//
// Deterministic: the same scores (in any order) and seed give the same interval, on any machine.

import { binomial, type Uniform } from './binomial.ts';

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Two-sided level; 0.95 gives the 2.5th and 97.5th percentiles of the resampled means. */
  level?: number;
}

/** mulberry32: a small, fast seeded 32-bit generator; two outputs make one 53-bit uniform. */
export function seededUniform32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function uniform53(seed: number): Uniform {
  const next = seededUniform32(seed);
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}

/**
 * The distinct values of `values` in increasing order, with how often each occurs; null as soon as
 * there are more than `limit` (a hash tally: linear in n).
 */
function tally(values: ArrayLike<number>, limit: number): { distinct: Float64Array; counts: Float64Array } | null {
  const seen = new Map<number, number>(); // a Map key treats -0 as +0 and NaN as NaN, as wanted here
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const c = seen.get(v);
    if (c !== undefined) seen.set(v, c + 1);
    else if (seen.size === limit) return null;
    else seen.set(v, 1);
  }
  const distinct = Float64Array.from(seen.keys()).sort();
  const counts = Float64Array.from(distinct, (v) => seen.get(v)!);
  return { distinct, counts };
}

/**
 * `resamples` bootstrap means of `values` (n ≥ 1), seeded. The values are tallied first, so the
 * result does not depend on their order.
 */
export function resampledMeans(values: ArrayLike<number>, opts: { resamples: number; seed: number }): Float64Array {
  const n = values.length;
  const means = new Float64Array(opts.resamples);
  const uniform = uniform53(opts.seed);
  const tallied = tally(values, Math.max(16, Math.floor(n / 8)));
  if (tallied === null) {
    // Many distinct values: draw indices into the sorted values (sorted, so that the input order
    // does not matter).
    const data = Float64Array.from(values as ArrayLike<number>).sort();
    for (let b = 0; b < opts.resamples; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[Math.floor(uniform() * n)];
      means[b] = s / n;
    }
    return means;
  }
  const { distinct, counts } = tallied;
  const d = distinct.length;
  for (let b = 0; b < opts.resamples; b++) {
    let left = n; // draws not yet assigned
    let mass = n; // c_j + … + c_d
    let s = 0;
    for (let j = 0; j < d && left > 0; j++) {
      const picked = j === d - 1 ? left : binomial(left, counts[j] / mass, uniform);
      s += picked * distinct[j];
      left -= picked;
      mass -= counts[j];
    }
    means[b] = s / n;
  }
  return means;
}

/** `numpy.percentile(values, q)` with its default linear interpolation. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Percentile bootstrap interval of the mean of `values`; null for fewer than two values. */
export function bootstrapMeanCi(values: ArrayLike<number>, opts: BootstrapOptions = {}): [number, number] | null {
  if (values.length < 2) return null;
  const means = resampledMeans(values, { resamples: opts.resamples ?? 1000, seed: opts.seed ?? 1234 }).sort();
  const alpha = (1 - (opts.level ?? 0.95)) / 2;
  return [percentile(means, alpha * 100), percentile(means, (1 - alpha) * 100)];
}

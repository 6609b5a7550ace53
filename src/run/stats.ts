// Summary statistics used by reports and gates: means, numpy-style percentiles and a seeded
// bootstrap confidence interval. Deterministic for a given seed so reports are reproducible.

import { mean } from '../scorers/mean.ts';
import type { ScoredSet, Scorer } from '../scorers/types.ts';

export { mean };

export interface Percentiles {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

/** `numpy.percentile(values, q)` with its default linear interpolation, as vLLM's benchmark reports. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** mean/p50/p90/p99, or null when there is nothing to summarise. */
export function summarize(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return { mean: mean(sorted), p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

/**
 * A small, fast seeded generator (mulberry32) for resampling; quality is ample for bootstrap
 * indices and it keeps a 214k-sample, 1000-resample bootstrap well under a second.
 */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Two-sided level; 0.95 gives the 2.5th and 97.5th percentiles of the resampled means. */
  level?: number;
}

/** Percentile bootstrap interval of the mean of `values`; null for fewer than two values. */
export function bootstrapMeanCi(values: ArrayLike<number>, opts: BootstrapOptions = {}): [number, number] | null {
  const n = values.length;
  if (n < 2) return null;
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  const rand = seededUniform(opts.seed ?? 1234);
  const data = Float64Array.from(values as ArrayLike<number>);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += data[(rand() * n) | 0];
    means[b] = s / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  return [percentile(means, alpha * 100), percentile(means, (1 - alpha) * 100)];
}

/**
 * A scored set's aggregates, each with its 95% interval: the seeded bootstrap for the headline
 * metric when it is a plain mean of per-sample scores, null otherwise (corpus metrics such as
 * CIDEr, counts, secondary metrics).
 */
export function aggregateWithCi(
  scorer: Pick<Scorer, 'primaryMetric' | 'perSampleMean'>,
  set: ScoredSet,
): Record<string, { value: number; ci95: [number, number] | null }> {
  const out: Record<string, { value: number; ci95: [number, number] | null }> = {};
  for (const [name, value] of Object.entries(set.aggregate)) {
    const ci = name === scorer.primaryMetric && scorer.perSampleMean ? bootstrapMeanCi(set.samples.map((s) => s.score)) : null;
    out[name] = { value, ci95: ci };
  }
  return out;
}

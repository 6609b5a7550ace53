// Summary statistics used by reports and gates: means, numpy-style percentiles and a seeded
// bootstrap confidence interval. Deterministic for a given seed so reports are reproducible.

import { mean } from '../scorers/mean.ts';
import type { Scorer } from '../scorers/types.ts';
import { bootstrapMeanCi, percentile, seededUniform32 } from './bootstrap.ts';

export { mean };
export { bootstrapMeanCi, percentile, type BootstrapOptions } from './bootstrap.ts';

export interface Percentiles {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

/** mean/p50/p90/p99, or null when there is nothing to summarise. */
export function summarize(values: ArrayLike<number>): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return { mean: mean(sorted), p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

/** A small, fast seeded uniform generator in [0, 1) (mulberry32, 32-bit resolution). */
export function seededUniform(seed: number): () => number {
  const next = seededUniform32(seed);
  return () => next() / 4294967296;
}

/**
 * A scored set's aggregates, each with its 95% interval: the seeded bootstrap for the headline
 * metric when it is a plain mean of per-sample scores, null otherwise (corpus metrics such as
 * CIDEr, counts, secondary metrics).
 */
export function aggregateWithCi(
  scorer: Pick<Scorer, 'primaryMetric' | 'perSampleMean'>,
  aggregate: Record<string, number>,
  scores: ArrayLike<number>,
): Record<string, { value: number; ci95: [number, number] | null }> {
  const out: Record<string, { value: number; ci95: [number, number] | null }> = {};
  for (const [name, value] of Object.entries(aggregate)) {
    const ci = name === scorer.primaryMetric && scorer.perSampleMean ? bootstrapMeanCi(Float64Array.from(scores)) : null;
    out[name] = { value, ci95: ci };
  }
  return out;
}

// Paired significance tests for the CI gate: both runs scored the same samples, so the question
// is whether the per-sample differences show a real change.
// - 0/1 scores: exact McNemar test, i.e. a two-sided exact binomial test on the discordant pairs
//   (McNemar 1947; the exact form as statsmodels `mcnemar(table, exact=True)`:
//   p = min(1, 2 · P(X ≤ min(b, c))), X ~ Binomial(b + c, 1/2)).
// - Continuous per-sample scores (ANLS, VQA accuracy): paired bootstrap of the mean difference
//   (Efron & Tibshirani 1993, ch. 16): percentile interval of the resampled means, and a two-sided
//   p-value from the resampled means translated to the null of no difference (§16.4):
//   p = (1 + #{|mean* − d̄| ≥ |d̄|}) / (B + 1).
// - Corpus metrics (CIDEr): the same paired bootstrap over images, the metric recomputed on each
//   resampled corpus for both runs (Koehn 2004, "Statistical significance tests for machine
//   translation evaluation").
// Resampling uses the seeded generator of src/run/stats.ts, so a gate verdict is reproducible.

import { resampledMeans } from '../../run/bootstrap.ts';
import { mean, percentile, seededUniform } from '../../run/stats.ts';

export interface ResampleOptions {
  /** Bootstrap resamples (default 10,000). */
  resamples?: number;
  seed?: number;
  /** Interval level (default 0.95). */
  level?: number;
}

export type PairedMethod = 'mcnemar-exact' | 'paired-bootstrap' | 'paired-corpus-bootstrap';

export interface PairedTestResult {
  method: PairedMethod;
  /** Pairs compared. */
  n: number;
  baseline: number;
  candidate: number;
  /** candidate − baseline (negative: the candidate dropped). */
  delta: number;
  /** Interval of `delta` at the requested level; null with fewer than two pairs. */
  ci: [number, number] | null;
  pValue: number;
  /** McNemar only: pairs right in the baseline only, and in the candidate only. */
  discordant?: { baselineOnly: number; candidateOnly: number };
}

/** Two-sided exact McNemar p-value for `b` and `c` discordant pairs. */
export function exactMcNemarP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // log P(X = i) = log C(n, i) − n·ln 2, summed in log space so large n does not underflow.
  const logTerms: number[] = [];
  let logChoose = 0;
  for (let i = 0; i <= k; i++) {
    logTerms.push(logChoose - n * Math.LN2);
    logChoose += Math.log(n - i) - Math.log(i + 1);
  }
  const top = Math.max(...logTerms);
  let sum = 0;
  for (const t of logTerms) sum += Math.exp(t - top);
  return Math.min(1, 2 * Math.exp(top + Math.log(sum)));
}

function intervalOf(sorted: Float64Array, level: number): [number, number] {
  const tail = ((1 - level) / 2) * 100;
  return [percentile(sorted, tail), percentile(sorted, 100 - tail)];
}

/** Translated-null two-sided p-value: how often the resampled statistic strays from the observed one by |observed|. */
function nullShiftedP(stats: Float64Array, observed: number): number {
  if (observed === 0) return 1;
  const bound = Math.abs(observed) * (1 - 1e-12);
  let extreme = 0;
  for (const s of stats) if (Math.abs(s - observed) >= bound) extreme++;
  return (extreme + 1) / (stats.length + 1);
}

/** Paired bootstrap of the mean of per-pair differences (candidate − baseline). */
export function pairedBootstrap(diffs: ArrayLike<number>, opts: ResampleOptions = {}): { delta: number; ci: [number, number] | null; pValue: number } {
  const n = diffs.length;
  const data = Float64Array.from(diffs as ArrayLike<number>);
  const delta = n ? mean(data) : 0;
  if (n < 2) return { delta, ci: null, pValue: 1 };
  // Multinomial resampling of the tallied differences (../run/bootstrap.ts): linear in n.
  const means = resampledMeans(data, { resamples: opts.resamples ?? 10_000, seed: opts.seed ?? 1234 });
  const pValue = nullShiftedP(means, delta);
  means.sort();
  return { delta, ci: intervalOf(means, opts.level ?? 0.95), pValue };
}

/**
 * Paired bootstrap of a corpus statistic: `statistic(indices)` returns candidate − baseline on
 * the resampled corpus (the same indices for both runs). `observed` is its value on the full corpus.
 */
export function pairedCorpusBootstrap(params: {
  n: number;
  observed: number;
  statistic: (indices: Int32Array) => number;
} & ResampleOptions): { ci: [number, number] | null; pValue: number } {
  const { n, observed } = params;
  if (n < 2) return { ci: null, pValue: 1 };
  const resamples = params.resamples ?? 1000;
  const rand = seededUniform(params.seed ?? 1234);
  const values: number[] = [];
  const indices = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) indices[i] = (rand() * n) | 0;
    const v = params.statistic(indices);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length < 2) return { ci: null, pValue: 1 };
  const stats = Float64Array.from(values);
  const pValue = nullShiftedP(stats, observed);
  stats.sort();
  return { ci: intervalOf(stats, params.level ?? 0.95), pValue };
}

/** True when every score is exactly 0 or 1 (McNemar applies). */
export function isBinary(...scoreLists: ReadonlyArray<readonly number[]>): boolean {
  return scoreLists.every((list) => list.every((v) => v === 0 || v === 1));
}

/**
 * Paired test of per-sample scores (same order in both lists): exact McNemar for 0/1 scores,
 * paired bootstrap otherwise. The interval is always the paired-bootstrap interval of the delta.
 */
export function pairedScoreTest(params: { baseline: readonly number[]; candidate: readonly number[] } & ResampleOptions): PairedTestResult {
  const { baseline, candidate, ...opts } = params;
  if (baseline.length !== candidate.length) throw new Error('pairedScoreTest: the score lists must be paired');
  const n = baseline.length;
  const diffs = candidate.map((c, i) => c - baseline[i]);
  const boot = pairedBootstrap(diffs, opts);
  const base = {
    n,
    baseline: mean(baseline),
    candidate: mean(candidate),
    delta: boot.delta,
    ci: boot.ci,
  };
  if (isBinary(baseline, candidate)) {
    let baselineOnly = 0;
    let candidateOnly = 0;
    for (let i = 0; i < n; i++) {
      if (baseline[i] === 1 && candidate[i] === 0) baselineOnly++;
      else if (baseline[i] === 0 && candidate[i] === 1) candidateOnly++;
    }
    return { method: 'mcnemar-exact', ...base, pValue: exactMcNemarP(baselineOnly, candidateOnly), discordant: { baselineOnly, candidateOnly } };
  }
  return { method: 'paired-bootstrap', ...base, pValue: boot.pValue };
}

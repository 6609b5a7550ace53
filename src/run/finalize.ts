// Final scoring of a suite: the scorer sees every scored sample at once, in dataset order, as the
// reference scripts do (MMMU's seeded fallback draws follow processing order; CIDEr-D's document
// frequencies come from the whole evaluated corpus). Errored samples are counted, never scored.

import type { SampleResult, Suite } from '../types.ts';
import { journalKey } from './journal.ts';
import type { SampleStub } from './run-suite.ts';
import { aggregateWithCi } from './stats.ts';

export interface SuiteScores {
  /** One result per sample of the selection that has finished, in dataset order. */
  results: SampleResult[];
  metrics: Record<string, { value: number | null; ci95: [number, number] | null }>;
  counts: {
    total: number;
    scored: number;
    errored: number;
    erroredByKind: { backend: number; timeout: number; input: number };
  };
  /** Samples of the selection with no result yet (an interrupted run). */
  missing: number;
}

export function finalizeSuite(suite: Suite, stubs: readonly SampleStub[], journal: ReadonlyMap<string, SampleResult>): SuiteScores {
  const results: SampleResult[] = [];
  const scoredIdx: number[] = [];
  const erroredByKind = { backend: 0, timeout: 0, input: 0 };
  let missing = 0;
  for (const stub of stubs) {
    const r = journal.get(journalKey(suite.id, stub.id));
    if (!r) {
      missing++;
      continue;
    }
    if (r.state === 'errored') erroredByKind[r.error.kind]++;
    else scoredIdx.push(results.length);
    results.push(r);
  }
  const stubById = new Map(stubs.map((s) => [s.id, s]));
  const inputs = scoredIdx.map((i) => {
    const r = results[i] as Extract<SampleResult, { state: 'scored' }>;
    const stub = stubById.get(r.id)!;
    const sample = { ...stub, images: [] };
    return suite.scoreInput(sample, suite.extract(r.prediction, sample));
  });
  const metrics: SuiteScores['metrics'] = {};
  if (inputs.length > 0) {
    const set = suite.scorer.scoreSet(inputs);
    set.samples.forEach((s, k) => {
      const i = scoredIdx[k];
      const prev = results[i] as Extract<SampleResult, { state: 'scored' }>;
      results[i] = {
        ...prev,
        score: s.score,
        extracted: s.extracted,
        reason: s.reason,
        ...(s.scores ? { scores: s.scores } : {}),
        ...(s.fallback !== undefined ? { fallback: s.fallback } : {}),
      };
    });
    Object.assign(metrics, aggregateWithCi({ primaryMetric: suite.primaryMetric, perSampleMean: suite.scorer.perSampleMean }, set));
  } else {
    metrics[suite.primaryMetric] = { value: null, ci95: null };
  }
  const errored = erroredByKind.backend + erroredByKind.timeout + erroredByKind.input;
  return {
    results,
    metrics,
    counts: { total: stubs.length, scored: inputs.length, errored, erroredByKind },
    missing,
  };
}

// Final scoring of a suite: the scorer sees every scored sample at once, in dataset order, as the
// reference scripts do (MMMU's seeded fallback draws follow processing order; CIDEr-D's document
// frequencies come from the whole evaluated corpus). Errored samples are counted, never scored.
// With judge outcomes (src/judge/judge-suite.ts), the suite's judged scorer reads each extraction,
// and a failed grade errors the sample with kind `judge`.

import { judgeable, type JudgeOutcome } from '../judge/judge-suite.ts';
import type { ErrorKind, SampleResult, StyledSuite } from '../types.ts';
import type { SuiteResult } from '../report/schema.ts';
import { countErrorReasons } from './error-reasons.ts';
import { journalKey } from './journal.ts';
import type { SampleStub } from './run-suite.ts';
import { aggregateWithCi } from './stats.ts';

export interface SuiteScores {
  /** One result per sample of the selection that has finished, in dataset order. */
  results: SampleResult[];
  /** The headline metric: the judged one when judge outcomes were given. */
  primaryMetric: string;
  metrics: Record<string, { value: number | null; ci95: [number, number] | null }>;
  counts: SuiteResult['counts'];
  /** Samples of the selection with no result yet (an interrupted run). */
  missing: number;
}

type Scored = Extract<SampleResult, { state: 'scored' }>;

/** A result rebuilt from the model's part of it (what it generated, when) and the judge phase's outcome. */
function withOutcome(r: SampleResult & { prediction: string }, outcome: JudgeOutcome): SampleResult {
  const { suite, id, timing, promptTokens, outputTokens, tokenSource, images, attempts, prediction } = r;
  const base = { suite, id, timing, promptTokens, outputTokens, tokenSource, images, attempts, prediction };
  if ('error' in outcome) return { ...base, state: 'errored', extracted: null, score: null, error: { kind: 'judge', message: outcome.error } };
  const extraction = { by: outcome.by, text: outcome.extraction, ...(outcome.by === 'judge' ? { cached: outcome.cached } : {}) };
  // extracted and score are filled in by the scorer below
  return { ...base, state: 'scored', extracted: null, score: 0, extraction };
}

export function finalizeSuite(
  suite: StyledSuite,
  stubs: readonly SampleStub[],
  journal: ReadonlyMap<string, SampleResult>,
  options: { judged?: ReadonlyMap<string, JudgeOutcome> } = {},
): SuiteScores {
  const judged = options.judged && suite.judging ? options.judged : undefined;
  const scorer = judged ? suite.judging!.scorer : suite.scorer;
  const primaryMetric = judged ? suite.judging!.primaryMetric : suite.primaryMetric;
  const results: SampleResult[] = [];
  const scoredIdx: number[] = [];
  const extractions: string[] = [];
  const erroredByKind: Record<ErrorKind, number> = { backend: 0, timeout: 0, input: 0, judge: 0 };
  let missing = 0;
  const stubById = new Map(stubs.map((s) => [s.id, s]));
  // Styles that ask for a `FINAL ANSWER:` line say, per output, whether it had one.
  let markerChecked = false;
  let noFinalAnswer = 0;
  const markers: boolean[] = [];
  for (const stub of stubs) {
    let r = journal.get(journalKey(suite.id, stub.id));
    if (!r) {
      missing++;
      continue;
    }
    if (judged && judgeable(r)) {
      const outcome = judged.get(stub.id);
      if (!outcome) {
        missing++; // judging was interrupted before this sample
        continue;
      }
      r = withOutcome(r, outcome);
      if (r.state === 'scored') extractions[results.length] = r.extraction!.text;
    } else if (r.state === 'scored') {
      const extraction = suite.extract(r.prediction, { ...stub, images: [] });
      extractions[results.length] = extraction.answer;
      if (extraction.noFinalAnswer !== undefined) markerChecked = true;
      if (extraction.noFinalAnswer) {
        noFinalAnswer++;
        markers[results.length] = true;
      }
    }
    if (r.state === 'errored') erroredByKind[r.error.kind]++;
    else scoredIdx.push(results.length);
    results.push(r);
  }
  const inputs = scoredIdx.map((i) => {
    const stub = stubById.get(results[i].id)!;
    return suite.scoreInput({ ...stub, images: [] }, extractions[i]);
  });
  const metrics: SuiteScores['metrics'] = {};
  if (inputs.length > 0) {
    const set = scorer.scoreSet(inputs);
    set.samples.forEach((s, k) => {
      const i = scoredIdx[k];
      const { noFinalAnswer: _was, ...prev } = results[i] as Scored;
      results[i] = {
        ...prev,
        score: s.score,
        extracted: s.extracted,
        reason: s.reason,
        ...(s.scores ? { scores: s.scores } : {}),
        ...(s.fallback !== undefined ? { fallback: s.fallback } : {}),
        ...(markers[i] ? { noFinalAnswer: true as const } : {}),
      };
    });
    Object.assign(metrics, aggregateWithCi({ primaryMetric, perSampleMean: scorer.perSampleMean }, set));
    // a count, like MMMU's `fallbacks`: outputs read whole because they had no `FINAL ANSWER:`
    if (markerChecked) metrics.no_final_answer = { value: noFinalAnswer, ci95: null };
  } else {
    metrics[primaryMetric] = { value: null, ci95: null };
  }
  const errored = Object.values(erroredByKind).reduce((a, b) => a + b, 0);
  const reasons = countErrorReasons(results);
  const incomplete = results.filter((r) => r.state === 'scored' && r.incomplete).length;
  return {
    results,
    primaryMetric,
    metrics,
    counts: {
      total: stubs.length,
      scored: inputs.length,
      errored,
      erroredByKind,
      ...(errored ? { errorReasons: reasons.reasons } : {}),
      ...(reasons.other ? { otherErrorReasons: reasons.other } : {}),
      ...(incomplete ? { incomplete } : {}),
    },
    missing,
  };
}

// Exact match as lmms-eval scores AI2D: `exact_match_hf_evaluate` (lmms_eval/api/metrics.py, ported
// from huggingface/evaluate metrics/exact_match) with the task's `ignore_case: true` and
// `ignore_punctuation: true` (lmms-eval tasks/ai2d/ai2d.yaml): both sides lower-cased, every ASCII
// `string.punctuation` character removed, then string equality. Whitespace is not touched: the
// suites hand in the stripped output, as lmms-eval's models return it.

import { mean } from './mean.ts';
import type { SampleScore, ScoreInput, Scorer } from './types.ts';

// Python's string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** `ignore_case` then `ignore_punctuation`, in the reference's order. */
export function exactMatchNormalize(text: string): string {
  return text.toLowerCase().replace(PUNCTUATION, '');
}

function scoreSample(input: ScoreInput): SampleScore {
  if (input.references.length === 0) throw new Error(`sample '${input.id}' has no reference; exact match needs the gold label.`);
  const prediction = exactMatchNormalize(input.prediction);
  const hit = input.references.find((r) => exactMatchNormalize(r) === prediction);
  return {
    id: input.id,
    score: hit === undefined ? 0 : 1,
    extracted: prediction,
    reason: hit === undefined ? `${JSON.stringify(prediction)} is not ${JSON.stringify(input.references[0])}` : `matches ${JSON.stringify(hit)}`,
  };
}

export const exactMatchScorer: Scorer = {
  id: 'exact-match',
  primaryMetric: 'exact_match',
  perSampleMean: true,
  scoreSet(inputs: readonly ScoreInput[]) {
    const samples = inputs.map(scoreSample);
    return { aggregate: { exact_match: mean(samples.map((s) => s.score)) }, samples };
  },
};

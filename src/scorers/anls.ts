// DocVQA ANLS, the Robust Reading Competition's official definition, as vendored in
// QwenLM/Qwen-VL eval_mm/infographicsvqa_eval.py (`evaluate_method`) at
// aa00ed04091eea5fcdd32985e7915f1c53e7d599; EvolvingLMMs-Lab/lmms-eval lmms_eval/api/metrics.py
// (`anls`, `levenshtein_distance`) at 75571cfe0fa36ca5ec2e6aa2bb268f9d38295af3 is a faithful copy.
// Spec: ../shared/spec/scoring.md §4. Python 3 whitespace, lengths and case mappings via ./python.ts.

import { codePoints, levenshtein } from './levenshtein.ts';
import { mean } from './mean.ts';
import { pyLen, pySplit } from './python.ts';
import type { SampleScore, ScoreInput, Scorer } from './types.ts';

/** τ: a similarity below it scores 0; exactly 0.5 is kept (RRC: `if score < threshold`). */
const THRESHOLD = 0.5;

export interface AnlsResult {
  /** 1 − the smallest normalised distance, or 0 when that is below 0.5. */
  score: number;
  /** The answer with the smallest normalised distance (the first on ties). */
  bestAnswer: string;
  /** That smallest normalised Levenshtein distance. */
  nl: number;
}

/** `" ".join(s.strip().lower().split())`, as code points. */
function normalizedCodePoints(s: string): number[] {
  return codePoints(pySplit(s.toLowerCase()).join(' '));
}

/**
 * RRC ANLS of one prediction, scored as given (no trimming beyond the metric's own normalisation).
 * The distance is between the normalised strings, but the denominator is the larger `len(x.upper())`
 * of the RAW strings, so surrounding whitespace lowers the normalised distance.
 *
 * Throws on an empty answer list (the reference's `min()` of nothing raises).
 */
export function anls(prediction: string, answers: readonly string[]): AnlsResult {
  if (answers.length === 0) throw new Error('ANLS needs at least one reference answer; got none.');
  const pred = normalizedCodePoints(prediction);
  const predLength = pyLen(prediction.toUpperCase());
  let bestAnswer = answers[0];
  let nl = Infinity;
  for (const answer of answers) {
    const length = Math.max(pyLen(answer.toUpperCase()), predLength);
    const value = length === 0 ? 0 : levenshtein(normalizedCodePoints(answer), pred) / length;
    if (value < nl) {
      nl = value;
      bestAnswer = answer;
    }
  }
  const similarity = 1 - nl;
  return { score: similarity < THRESHOLD ? 0 : similarity, bestAnswer, nl };
}

/**
 * ANLS over a set, scoring each prediction as given (rrc_official). A suite's extraction trims model
 * output first, which is what lmms-eval's pipeline does.
 */
export const anlsScorer: Scorer = {
  id: 'anls',
  primaryMetric: 'anls',
  perSampleMean: true,
  scoreSet(inputs: readonly ScoreInput[]) {
    const samples: SampleScore[] = inputs.map((input) => {
      if (input.references.length === 0) {
        throw new Error(`ANLS sample '${input.id}' has no reference answers; ANLS needs the gold answers.`);
      }
      const r = anls(input.prediction, input.references);
      const distance = `normalised distance ${r.nl.toFixed(3)} to ${JSON.stringify(r.bestAnswer)}`;
      return {
        id: input.id,
        score: r.score,
        extracted: pySplit(input.prediction.toLowerCase()).join(' '),
        reason: r.score === 0 ? `${distance}, over 0.5: scores 0` : distance,
      };
    });
    return { aggregate: anlsAggregate(samples.map((s) => s.score)), samples };
  },
  aggregate: anlsAggregate,
};

function anlsAggregate(scores: ArrayLike<number>): Record<string, number> {
  return { anls: mean(scores) };
}

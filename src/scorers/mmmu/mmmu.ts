// MMMU accuracy as the official evaluation computes it: MMMU-Benchmark/MMMU mmmu/utils/eval_utils.py
// (`eval_multi_choice`, `eval_open`, `evaluate`, and the `random.seed(42)` fallback of
// `parse_multi_choice_response`), commit bb0b95a945998d91dfef37e969e07d49d1139438.
// Spec: ../shared/spec/scoring.md §2 and §0. Predictions are scored as given, untrimmed, because the
// official runner does not strip model output. lmms-eval's open-question bug (§2.4) is deliberately
// not reproduced.

import { createPyRandom } from './mt19937.ts';
import { mmmuGroupAccuracies } from './mmmu-groups.ts';
import { choicesFor, normalizeStr, parseMultiChoiceOptions, parseOpenResponse } from './mmmu-parse.ts';
import { parseListOrString } from './python-literal.ts';
import type { SampleScore, ScoreInput, ScoredSet, Scorer } from '../types.ts';

export {
  extractNumbers,
  multiChoiceInfo,
  normalizeStr,
  parseMultiChoiceResponse,
  parseOpenResponse,
} from './mmmu-parse.ts';
export type { MultiChoiceParse } from './mmmu-parse.ts';

/** The seed `eval_utils.py` gives Python's global `random` at import. */
export const MMMU_FALLBACK_SEED = 42;

export const FALLBACK_REASON = 'no option parsed: official random draw';

/** `eval_multi_choice`: exact letter equality, or membership when the gold is a list. */
export function evalMultiChoice(gold: string | readonly string[], pred: string): boolean {
  return typeof gold === 'string' ? gold === pred : gold.includes(pred);
}

/** The first prediction `eval_open` accepts, or undefined. */
function openMatch(
  gold: string | readonly string[],
  preds: ReadonlyArray<string | number>,
): string | number | undefined {
  const normAnswers = typeof gold === 'string' ? normalizeStr(gold) : gold.flatMap(normalizeStr);
  return preds.find((pred) =>
    typeof pred === 'string'
      ? // a string prediction is correct when it contains some string gold (substring, not equality)
        normAnswers.some((answer) => typeof answer === 'string' && pred.includes(answer))
      : // a number must equal a number gold after both were rounded to 2 dp; `===` keeps NaN unequal
        normAnswers.some((answer) => answer === pred),
  );
}

/** `eval_open`: gold (string or list) against the normalised predictions of `parseOpenResponse`. */
export function evalOpen(gold: string | readonly string[], preds: ReadonlyArray<string | number>): boolean {
  return openMatch(gold, preds) !== undefined;
}

/**
 * The gold as the official code sees it: one reference is a string, or a list when it is stored as a
 * list literal (`"['24/7', '3.429']"`, §2.1); several references are a list.
 */
function goldOf(input: ScoreInput): string | string[] {
  if (input.references.length === 0) {
    throw new Error(`MMMU sample '${input.id}' has no gold answer: references is empty`);
  }
  return input.references.length === 1 ? parseListOrString(input.references[0]) : [...input.references];
}

function scoreMultiChoice(input: ScoreInput, draw: (choices: readonly string[]) => string): SampleScore {
  if (!input.options || input.options.length === 0) {
    throw new Error(`MMMU sample '${input.id}' is multiple-choice but has no options; pass the option texts`);
  }
  const gold = goldOf(input);
  const parsed = parseMultiChoiceOptions(input.prediction, input.options);
  if (parsed.letter === null) {
    const drawn = draw(choicesFor(input.options.length));
    const score = evalMultiChoice(gold, drawn) ? 1 : 0;
    return { id: input.id, score, extracted: drawn, reason: FALLBACK_REASON, fallback: true };
  }
  const score = evalMultiChoice(gold, parsed.letter) ? 1 : 0;
  return { id: input.id, score, extracted: parsed.letter, reason: parsed.reason, fallback: false };
}

function scoreOpen(input: ScoreInput): SampleScore {
  const gold = goldOf(input);
  const preds = parseOpenResponse(input.prediction);
  const match = openMatch(gold, preds);
  const reason =
    match === undefined
      ? 'no parsed answer matches the gold'
      : typeof match === 'string'
        ? `${JSON.stringify(match)} contains a gold answer`
        : `${match} equals a gold number (2 dp)`;
  return { id: input.id, score: match === undefined ? 0 : 1, extracted: preds, reason, fallback: false };
}

/**
 * Scores a set in processing order with one fresh seed-42 stream, so the n-th fallback gets the n-th
 * draw, as in one run of the official script. Besides the official `accuracy` (draws included) it
 * reports `accuracy_strict` (a fallback counts as wrong), the fallback counts overall and per group,
 * and the accuracy of each subject (group) and discipline.
 */
function scoreSet(inputs: readonly ScoreInput[]): ScoredSet {
  const rng = createPyRandom(MMMU_FALLBACK_SEED);
  const draw = (choices: readonly string[]): string => rng.choice(choices);
  const samples = inputs.map((input) => {
    if (input.questionType === 'multiple-choice') return scoreMultiChoice(input, draw);
    if (input.questionType === 'open') return scoreOpen(input);
    throw new Error(`MMMU sample '${input.id}' has no questionType; set 'multiple-choice' or 'open'`);
  });

  const n = samples.length;
  const correct = samples.reduce((sum, s) => sum + s.score, 0);
  const strictCorrect = samples.reduce((sum, s) => sum + (s.fallback ? 0 : s.score), 0);
  const aggregate: Record<string, number> = {
    // the official `evaluate` returns acc 0 for an empty set
    accuracy: n === 0 ? 0 : correct / n,
    accuracy_strict: n === 0 ? 0 : strictCorrect / n,
    fallbacks: samples.filter((s) => s.fallback).length,
  };
  inputs.forEach((input, i) => {
    if (input.group === undefined) return;
    const key = `fallbacks_${input.group}`;
    aggregate[key] = (aggregate[key] ?? 0) + (samples[i].fallback ? 1 : 0);
  });
  // `accuracy_<Subject>` and `accuracy_<Discipline>` (mmmu-groups.ts)
  Object.assign(aggregate, mmmuGroupAccuracies(inputs, samples));
  return { aggregate, samples };
}

export const mmmuScorer: Scorer = {
  id: 'mmmu',
  primaryMetric: 'accuracy',
  perSampleMean: true,
  scoreSet,
};

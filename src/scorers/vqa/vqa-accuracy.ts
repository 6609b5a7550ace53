// VQA accuracy (VQAv2 and the other 10-annotator VQA sets), two variants of one algorithm:
//   'vqa' (official): GT-Vision-Lab/VQA PythonEvaluationTools/vqaEvaluation/vqaEval.py
//     (`VQAEval.evaluate`), commit a013f0043c1e2cdc995922dfe257f7149aa9af06, Python 2.7.
//   'vqa-lmms': EvolvingLMMs-Lab/lmms-eval lmms_eval/tasks/vqav2/utils.py (`vqav2_process_results`)
//     with tasks/_task_utils/vqa_eval_metric.py, commit 75571cfe0fa36ca5ec2e6aa2bb268f9d38295af3.
// Spec: ../shared/spec/scoring.md §1. Normalisation lives in ./vqa-normalize.ts.

import { mean } from '../mean.ts';
import type { ScoreInput, Scorer, SampleScore, MetricId } from '../types.ts';
import { normalizeVqaAnswer, trimVqaAnswer, type VqaVariant } from './vqa-normalize.ts';

export type { VqaVariant } from './vqa-normalize.ts';

export interface VqaAccuracyResult {
  /** Per-question accuracy, 0..1, unrounded (the official per-question report is round(100·acc, 2)). */
  acc: number;
  processedPrediction: string;
  /** The answers as compared, in input order. */
  processedAnswers: string[];
  /** False when the official shortcut compared raw trimmed strings (all answers identical). */
  normalizationApplied: boolean;
  /** How many processed answers equal the processed prediction. */
  matches: number;
}

/**
 * Accuracy of one prediction against its annotators' answers (10 in VQAv2):
 * `acc = mean over j of min(1, #{i ≠ j : answer_i == prediction} / 3)`.
 *
 * Throws on an empty answer list (the scripts divide by zero there).
 */
export function vqaAccuracy(
  prediction: string,
  answers: readonly string[],
  variant: VqaVariant = 'official',
): VqaAccuracyResult {
  const q = scoreQuestion(createQuestionState(), prediction, answers, variant);
  return {
    acc: q.acc,
    processedPrediction: q.processedPrediction,
    processedAnswers: q.processed.slice(0, answers.length),
    normalizationApplied: q.normalizationApplied,
    matches: q.matches,
  };
}

/**
 * One question's result, reused from question to question when a set is scored (a VQAv2 set has
 * 214k questions: per-question arrays and objects would make the garbage collector's work grow
 * faster than the set).
 */
interface QuestionState {
  acc: number;
  processedPrediction: string;
  normalizationApplied: boolean;
  matches: number;
  /** The trimmed answers and the answers as compared; only the first n entries count. */
  trimmed: string[];
  processed: string[];
}

function createQuestionState(): QuestionState {
  return { acc: 0, processedPrediction: '', normalizationApplied: false, matches: 0, trimmed: [], processed: [] };
}

function scoreQuestion(
  q: QuestionState,
  prediction: string,
  answers: readonly string[],
  variant: VqaVariant,
  memo?: Map<string, string>,
): QuestionState {
  const n = answers.length;
  if (n === 0) throw new Error('VQA accuracy needs at least one reference answer; got none.');
  const { trimmed, processed } = q;
  for (let i = 0; i < n; i++) trimmed[i] = processed[i] = trimVqaAnswer(answers[i], variant);
  let processedPrediction = trimVqaAnswer(prediction, variant);
  // Official shortcut: if the trimmed answers are all the same string, nothing is normalised, so
  // "Yes" scores 0 against ten "yes". lmms-eval (since commit 28ea9a1) always normalises.
  let normalizationApplied = variant !== 'official';
  for (let i = 1; i < n && !normalizationApplied; i++) normalizationApplied = trimmed[i] !== trimmed[0];
  if (normalizationApplied) {
    for (let i = 0; i < n; i++) {
      // Annotators often agree: reuse an earlier identical answer's result instead of normalising
      // (or looking it up) again.
      let j = 0;
      while (j < i && trimmed[j] !== trimmed[i]) j++;
      processed[i] = j < i ? processed[j] : normalizeVqaAnswer(trimmed[i], variant, memo);
    }
    processedPrediction = normalizeVqaAnswer(processedPrediction, variant, memo);
  }

  let matches = 0;
  for (let i = 0; i < n; i++) if (processed[i] === processedPrediction) matches++;
  // Leave-one-out over annotators. The scripts drop annotator j by comparing answer records, whose
  // unique answer_id makes that a removal by position.
  let acc: number;
  if (variant === 'official') {
    // `float(sum(gtAcc)) / len(gtAcc)`: a left-to-right double sum, so the last bit depends on where
    // the matching answers sit (two matches among ten give 0.6, 0.5999999999999999 or 0.6000000000000001).
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const others = processed[i] === processedPrediction ? matches - 1 : matches;
      sum += Math.min(1, others / 3);
    }
    acc = sum / n;
  } else {
    acc = statisticsMeanOfLeaveOneOut(n, matches);
  }
  q.acc = acc;
  q.processedPrediction = processedPrediction;
  q.normalizationApplied = normalizationApplied;
  q.matches = matches;
  return q;
}

/** Memo for `statisticsMeanOfLeaveOneOut`: the value depends only on (n, matches). */
const LMMS_MEAN_MEMO = new Map<number, number>();

/**
 * lmms-eval takes `statistics.mean(gtAcc)`, which sums the values as exact fractions and rounds once.
 * With k matches among n answers, gtAcc holds n-k copies of min(1, k/3) and k copies of
 * min(1, (k-1)/3), all multiples of 2^-54 (1/3 as a double is an odd integer over 2^54), so the exact
 * mean is an integer over n·2^54.
 */
function statisticsMeanOfLeaveOneOut(n: number, k: number): number {
  const key = n * 0x10000 + k;
  const memo = LMMS_MEAN_MEMO.get(key);
  if (memo !== undefined) return memo;
  const scale = 2 ** 54;
  // Exact integers. m = -1 (k = 0) only ever appears zero times; it maps to 0 like m = 0.
  const unit = (m: number) => (m <= 0 ? 0n : BigInt(Math.min(1, m / 3) * scale));
  const numerator = BigInt(n - k) * unit(k) + BigInt(k) * unit(k - 1);
  const value = divideToNearestDouble(numerator, BigInt(n) * BigInt(scale));
  LMMS_MEAN_MEMO.set(key, value);
  return value;
}

/** `num / den` for non-negative integers, correctly rounded (half to even) to a double in [0, 2^1023). */
function divideToNearestDouble(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const bits = (x: bigint) => x.toString(2).length;
  // Scale so the integer quotient carries 64-65 bits: 53 kept, the rest plus the remainder round.
  const shift = 64 - (bits(num) - bits(den));
  const a = shift >= 0 ? num << BigInt(shift) : num;
  const b = shift >= 0 ? den : den << BigInt(-shift);
  const q = a / b;
  const exact = a % b === 0n;
  const drop = bits(q) - 53;
  let kept = q >> BigInt(drop);
  const rest = q & ((1n << BigInt(drop)) - 1n);
  const half = 1n << BigInt(drop - 1);
  if (rest > half || (rest === half && (!exact || (kept & 1n) === 1n))) kept += 1n;
  return Number(kept) * 2 ** (drop - shift);
}

/** The reason strings a question can get, made once: a set of 214k questions shares a handful. */
const REASONS = new Map<number, string>();

function reasonFor(matches: number, n: number, normalized: boolean): string {
  const key = (matches * 1024 + n) * 2 + (normalized ? 1 : 0);
  let reason = REASONS.get(key);
  if (reason === undefined) {
    const shortcut = normalized ? '' : ' (answers identical: compared unnormalised)';
    reason = `${matches} of ${n} annotators matched${shortcut}`;
    REASONS.set(key, reason);
  }
  return reason;
}

/**
 * The mean accuracy of each answer type (the inputs' `group`: VQAv2's `answer_type`, i.e. `yes/no`,
 * `number`, `other`) as `accuracy_<type>`, in order of first appearance. vqaEval.py's `setAccuracy`
 * keeps one list per type in question order (`accAnsType`) and reports `float(sum(list))/len(list)`
 * (×100, rounded to 2 decimals); the same left-to-right sum gives the same double here.
 */
function accuracyByAnswerType(groups: ArrayLike<string | undefined>, scores: ArrayLike<number>): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (let i = 0; i < scores.length; i++) {
    const group = groups[i];
    if (group === undefined) continue;
    const entry = sums.get(group);
    if (entry) {
      entry.sum += scores[i];
      entry.n++;
    } else {
      sums.set(group, { sum: scores[i], n: 1 });
    }
  }
  const out: Record<string, number> = {};
  for (const [type, { sum, n }] of sums) out[`accuracy_${type}`] = sum / n;
  return out;
}

/** The set's aggregates from its per-sample scores and the inputs' groups (answer types). */
function vqaAggregate(scores: ArrayLike<number>, groups: ArrayLike<string | undefined>): Record<string, number> {
  return { accuracy: mean(scores), ...accuracyByAnswerType(groups, scores) };
}

function makeVqaScorer(id: MetricId, variant: VqaVariant): Scorer {
  return {
    id,
    primaryMetric: 'accuracy',
    perSampleMean: true,
    scoreSet(inputs: readonly ScoreInput[]) {
      // Answers that are not plain lower-case words ("Yes", "yes.", "hot-dog") repeat across VQAv2's
      // 2 M annotations; normalise each such string once per set.
      const memo = new Map<string, string>();
      const q = createQuestionState();
      const scores = new Float64Array(inputs.length);
      const samples: SampleScore[] = inputs.map((input, i) => {
        if (input.references.length === 0) {
          throw new Error(
            `VQA sample '${input.id}' has no reference answers; VQA accuracy needs the annotators' answers.`,
          );
        }
        const r = scoreQuestion(q, input.prediction, input.references, variant, memo);
        scores[i] = r.acc;
        return {
          id: input.id,
          score: r.acc,
          extracted: r.processedPrediction,
          reason: reasonFor(r.matches, input.references.length, r.normalizationApplied),
        };
      });
      return { aggregate: vqaAggregate(scores, inputs.map((input) => input.group)), samples };
    },
    aggregate: vqaAggregate,
  };
}

/** Official VQA accuracy (vqaEval.py, Python 2 semantics), the harness default for VQAv2. */
export const vqaScorer: Scorer = makeVqaScorer('vqa', 'official');

/** lmms-eval's VQAv2 `exact_match`: always normalises, Unicode digits, `statistics.mean`. */
export const vqaLmmsScorer: Scorer = makeVqaScorer('vqa-lmms', 'lmms-eval');

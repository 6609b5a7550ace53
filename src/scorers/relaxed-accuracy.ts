// ChartQA relaxed accuracy: `relaxed_correctness(prediction, target)` of EvolvingLMMs-Lab/lmms-eval
// lmms_eval/tasks/chartqa/utils.py, commit 75571cfe0fa36ca5ec2e6aa2bb268f9d38295af3 (the same body as
// QwenLM/Qwen-VL eval_mm/evaluate_vqa.py at aa00ed04091eea5fcdd32985e7915f1c53e7d599 and
// google-research/pix2struct pix2struct/metrics.py at 945f27e936c9464d9d7c133f1bd1f4f383be9e99).
// Spec: ../shared/spec/scoring.md §3. Python `float()` and `str.strip()` come from ./python.ts.

import { mean } from './mean.ts';
import { pyFloat, pyRstripChars, pyStrip } from './python.ts';
import type { SampleScore, ScoreInput, Scorer } from './types.ts';

/** The relative tolerance, compared with `<=` on doubles (1.05 vs 1 fails: 0.050000000000000044). */
const MAX_RELATIVE_CHANGE = 0.05;

/** `to_float`: a trailing run of `%` means a percentage (`"50 %"` → 0.5); null where float() raises. */
function toFloat(text: string): number | null {
  if (text.endsWith('%')) {
    const value = pyFloat(pyRstripChars(text, '%'));
    return value === null ? null : value / 100;
  }
  return pyFloat(text);
}

type Verdict = { correct: boolean; numeric: boolean };

function judge(prediction: string, target: string): Verdict {
  const p = toFloat(prediction);
  const t = toFloat(target);
  // `if prediction_float is not None and target_float:` — a zero target is falsy and falls through
  // to the string comparison; NaN is truthy (and then fails `<=`).
  if (p !== null && t !== null && t !== 0) {
    return { correct: Math.abs(p - t) / Math.abs(t) <= MAX_RELATIVE_CHANGE, numeric: true };
  }
  return { correct: prediction.toLowerCase() === target.toLowerCase(), numeric: false };
}

/**
 * lmms-eval's `relaxed_correctness(prediction, target)`, untrimmed: numbers (Python `float()`, `%`
 * divided by 100) within 5 % of a non-zero target, otherwise case-insensitive string equality.
 */
export function relaxedCorrectness(prediction: string, target: string): boolean {
  return judge(prediction, target).correct;
}

function scoreSample(input: ScoreInput): SampleScore {
  if (input.references.length === 0) {
    throw new Error(`ChartQA sample '${input.id}' has no target; relaxed accuracy needs the label.`);
  }
  // lmms-eval strips the model output (targets are used as they are).
  const prediction = pyStrip(input.prediction);
  // ChartQA has one label per question and lmms-eval uses it alone. Should a sample carry several
  // references, the best one counts, as in Qwen-VL and pix2struct (max over the annotation list).
  const judged = input.references.map((target) => ({ target, verdict: judge(prediction, target) }));
  const { target, verdict } = judged.find((j) => j.verdict.correct) ?? judged[0];
  const quoted = JSON.stringify(target);
  const reason = verdict.numeric
    ? `${verdict.correct ? 'within' : 'not within'} 5% of ${quoted}`
    : `${verdict.correct ? 'same text as' : 'text differs from'} ${quoted}`;
  return {
    id: input.id,
    score: verdict.correct ? 1 : 0,
    extracted: prediction,
    reason,
  };
}

/**
 * ChartQA relaxed accuracy on the stripped prediction (lmms-eval's `relaxed_overall`), plus the
 * `human_test` / `augmented_test` split means (`relaxed_human_split`, `relaxed_augmented_split`) when
 * inputs carry those groups.
 */
export const relaxedAccuracyScorer: Scorer = {
  id: 'relaxed-accuracy',
  primaryMetric: 'relaxed_accuracy',
  perSampleMean: true,
  scoreSet(inputs: readonly ScoreInput[]) {
    const samples = inputs.map(scoreSample);
    return { aggregate: relaxedAggregate(samples.map((s) => s.score), inputs.map((i) => i.group)), samples };
  },
  aggregate: relaxedAggregate,
};

function relaxedAggregate(scores: ArrayLike<number>, groups: ArrayLike<string | undefined>): Record<string, number> {
  const aggregate: Record<string, number> = { relaxed_accuracy: mean(scores) };
  const splits = [
    ['human_test', 'relaxed_accuracy_human'],
    ['augmented_test', 'relaxed_accuracy_augmented'],
  ] as const;
  for (const [group, key] of splits) {
    const inGroup: number[] = [];
    for (let i = 0; i < scores.length; i++) if (groups[i] === group) inGroup.push(scores[i]);
    if (inGroup.length > 0) aggregate[key] = mean(inGroup);
  }
  return aggregate;
}

// MathVista accuracy as the official evaluation/calculate_score.py computes it (lupantech/MathVista
// 53d5258): `normalize_extracted_answer` maps an extraction to the answer's form (a choice's text
// for multiple-choice, `str(int(float(x)))` for integers, `str(round(float(x), int(precision)))`
// for floats, the string itself for lists), then `safe_equal` compares it with the answer string.
// Accuracy is reported overall and per group (task, skill, question type, answer type), as the
// script's `get_acc_with_contion` does; a sample counts in every skill it lists. Checked against
// outputs of the official code in test/fixtures/mathvista/official-cases.json.
//
// The input's `prediction` is the extraction (src/scorers/mathvista/mathvista-extract.ts gives it by rule or
// by an LLM judge); what to call the headline number depends on which, so the scorer is made per name.

import { codePoints, levenshtein } from '../levenshtein.ts';
import type { MathVistaAnswerType } from './mathvista-extract.ts';
import { mean } from '../mean.ts';
import { pyFloat, pyFloatRepr, pyIntOfFloat, pyRound, pyStrip } from '../python.ts';
import type { SampleScore, ScoreInput, ScoredSet, Scorer } from '../types.ts';

export interface NormalizeParams {
  choices: readonly string[] | null;
  questionType: 'multi_choice' | 'free_form';
  answerType: MathVistaAnswerType;
  /** Decimals of a float answer; the parquet column is float64 (1.0, 2.0) or null. */
  precision: number | null;
}

/** get_most_similar(): the choice at the smallest edit distance, the first one on ties. */
function mostSimilar(prediction: string, choices: readonly string[]): string {
  const p = codePoints(prediction);
  let best = 0;
  let bestDistance = Infinity;
  choices.forEach((choice, i) => {
    const d = levenshtein(p, codePoints(choice));
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return choices[best];
}

/** normalize_extracted_answer(); null where the official code gets None (an unparsable number). */
export function normalizeExtractedAnswer(extraction: string, p: NormalizeParams): string | null {
  if (p.questionType === 'multi_choice') {
    const choices = p.choices ?? [];
    // the official code fails on a multiple-choice problem without choices; the suite refuses such rows
    if (choices.length === 0) throw new Error('a multi_choice problem needs its choices');
    let e = pyStrip(extraction);
    const letter = /\(([a-zA-Z])\)/.exec(e); // re.findall(...)[0]: the first match
    if (letter) e = letter[1].toUpperCase();
    const index = e.length === 1 ? e.charCodeAt(0) - 65 : -1;
    return index >= 0 && index < choices.length ? choices[index] : mostSimilar(e, choices);
  }
  switch (p.answerType) {
    case 'integer': {
      const x = pyFloat(extraction);
      const n = x === null ? null : pyIntOfFloat(x);
      return n === null ? null : n.toString();
    }
    case 'float': {
      // int(precision) inside the official try: a missing or NaN precision gives None, as does bad text
      const x = pyFloat(extraction);
      if (x === null || p.precision === null || !Number.isFinite(p.precision)) return null;
      return pyFloatRepr(pyRound(x, Math.trunc(p.precision)));
    }
    case 'list':
      return extraction;
    default:
      // the official code has no branch for a free-form text answer (it raises UnboundLocalError)
      throw new Error(`a free_form problem with answer_type '${p.answerType}' cannot be normalised`);
  }
}

/** safe_equal(): plain equality of the normalised extraction and the answer string. */
export function safeEqual(prediction: string | null, answer: string): boolean {
  return prediction === answer;
}

function normalizeParams(input: ScoreInput): NormalizeParams {
  if (!input.answerType) throw new Error(`MathVista sample '${input.id}' has no answerType`);
  return {
    choices: input.options ?? null,
    questionType: input.questionType === 'multiple-choice' ? 'multi_choice' : 'free_form',
    answerType: input.answerType,
    precision: input.precision ?? null,
  };
}

function scoreOne(input: ScoreInput): SampleScore {
  if (input.references.length !== 1) throw new Error(`MathVista sample '${input.id}' needs exactly one answer`);
  const answer = input.references[0];
  const normalized = normalizeExtractedAnswer(input.prediction, normalizeParams(input));
  const correct = safeEqual(normalized, answer);
  const reason =
    normalized === null
      ? `${JSON.stringify(input.prediction)} is not a ${input.answerType}`
      : `${JSON.stringify(input.prediction)} → ${JSON.stringify(normalized)} ${correct ? '=' : '≠'} ${JSON.stringify(answer)}`;
  return { id: input.id, score: correct ? 1 : 0, extracted: normalized, reason };
}

/**
 * A MathVista scorer whose headline key is `primary`: `accuracy` when an LLM judge extracted the
 * answers as the official pipeline does, `accuracy_rule_extract` when only the rules did. Group
 * accuracies are `<primary>/<dimension>/<value>`, e.g. `accuracy/skills/arithmetic reasoning`.
 */
export function createMathVistaScorer(primary: 'accuracy' | 'accuracy_rule_extract'): Scorer {
  return {
    id: 'mathvista',
    primaryMetric: primary,
    perSampleMean: true,
    scoreSet(inputs: readonly ScoreInput[]): ScoredSet {
      const samples = inputs.map(scoreOne);
      const aggregate: Record<string, number> = { [primary]: mean(samples.map((s) => s.score)) };
      const groups = new Map<string, number[]>();
      inputs.forEach((input, i) => {
        for (const [dimension, values] of Object.entries(input.groups ?? {})) {
          for (const value of new Set(values)) {
            const key = `${primary}/${dimension}/${value}`;
            let list = groups.get(key);
            if (!list) groups.set(key, (list = []));
            list.push(samples[i].score);
          }
        }
      });
      for (const key of [...groups.keys()].sort()) aggregate[key] = mean(groups.get(key)!);
      return { aggregate, samples };
    },
  };
}

/** The official metric: answers extracted by the judge (the registry's `mathvista`). */
export const mathVistaScorer = createMathVistaScorer('accuracy');

// `--preset llama-3.2-11b-card | llama-3.2-90b-card`: the Llama 3.2 Vision model card in one
// command. A preset names the suites, the prompt style and MMMU's subjects the card used, and the
// card's numbers, so a run can say how far it lands from them. Numbers: meta-llama/llama-models
// models/llama3_2/MODEL_CARD_VISION.md, "Instruction Tuned Models" (../shared/spec/model-card.md).
// MathVista's card number is the judged one (`accuracy`): a run without --judge-base-url reports
// `accuracy_rule_extract`, which gets no card comparison (cardTarget).

import { unknownName } from '../errors.ts';
import type { PromptStyle, SuiteId } from '../types.ts';

/** The card's number for one suite, in the metric's own scale (accuracy 0..1). */
export interface CardTarget {
  metric: string;
  value: number;
  /** The split the card reports on. */
  split: string;
  /** Samples in the full split this harness evaluates for it: a run of fewer is partial, and says so. */
  fullRun: number;
  /** What differs from the card, when something must (test answers that are not public). */
  note?: string;
}

export interface CardPreset {
  id: string;
  title: string;
  suites: SuiteId[];
  promptStyle: PromptStyle;
  /** MMMU subjects (`all`: the 30 validation subjects, the card's micro average). */
  subjects: string[];
  /**
   * Images per request: Llama 3.2 Vision takes one, so a question with several images gets them
   * tiled into one (Meta stitches MMMU-Pro's multi-image questions the same way, eval_details.md).
   */
  maxImages: number;
  targets: Partial<Record<SuiteId, CardTarget>>;
}

const TEST_NOT_PUBLIC = (split: string) => `the card reports ${split}, whose answers are not public; this harness evaluates validation`;

function targets(v: { mmmu: number; mathvista: number; chartqa: number; ai2d: number; docvqa: number; vqav2: number }): CardPreset['targets'] {
  return {
    mmmu: { metric: 'accuracy', value: v.mmmu, split: 'validation, 30 subjects', fullRun: 900 },
    mathvista: { metric: 'accuracy', value: v.mathvista, split: 'testmini', fullRun: 1000 },
    chartqa: { metric: 'relaxed_accuracy', value: v.chartqa, split: 'test', fullRun: 2500 },
    ai2d: { metric: 'exact_match', value: v.ai2d, split: 'test', fullRun: 3088 },
    docvqa: { metric: 'anls', value: v.docvqa, split: 'test', fullRun: 5349, note: TEST_NOT_PUBLIC('test') },
    vqav2: { metric: 'accuracy', value: v.vqav2, split: 'test-dev', fullRun: 214_354, note: TEST_NOT_PUBLIC('test-dev') },
  };
}

// in the card's order
const CARD_SUITES: SuiteId[] = ['mmmu', 'mathvista', 'chartqa', 'ai2d', 'docvqa', 'vqav2'];

export const CARD_PRESETS: Readonly<Record<string, CardPreset>> = {
  'llama-3.2-11b-card': {
    id: 'llama-3.2-11b-card',
    title: 'Llama 3.2 11B Vision Instruct model card',
    suites: CARD_SUITES,
    promptStyle: 'llama-3.2',
    subjects: ['all'],
    maxImages: 1,
    targets: targets({ mmmu: 0.507, mathvista: 0.515, chartqa: 0.834, ai2d: 0.911, docvqa: 0.884, vqav2: 0.752 }),
  },
  'llama-3.2-90b-card': {
    id: 'llama-3.2-90b-card',
    title: 'Llama 3.2 90B Vision Instruct model card',
    suites: CARD_SUITES,
    promptStyle: 'llama-3.2-90b',
    subjects: ['all'],
    maxImages: 1,
    targets: targets({ mmmu: 0.603, mathvista: 0.573, chartqa: 0.855, ai2d: 0.923, docvqa: 0.901, vqav2: 0.781 }),
  },
};

export const PRESET_IDS = Object.keys(CARD_PRESETS);

export function getPreset(id: string): CardPreset {
  const preset = CARD_PRESETS[id];
  if (!preset) throw unknownName('preset', id, PRESET_IDS);
  return preset;
}

/** Where a run lands against the card: the difference in the metric's scale, and whether the card is inside our 95% CI. */
export interface CardComparison {
  delta: number | null;
  cardInCi: boolean | null;
}

export function compareWithCard(p: { value: number | null; ci95: readonly [number, number] | null; card: number }): CardComparison {
  return { delta: p.value === null ? null : p.value - p.card, cardInCi: p.ci95 === null ? null : p.card >= p.ci95[0] && p.card <= p.ci95[1] };
}

/**
 * The card's number for a suite run under a preset; null when the card has none for it, or when the
 * run's headline metric is not the card's (a rule-only MathVista number is not the judged one).
 */
export function cardTarget(preset: CardPreset, suite: string, primaryMetric: string): CardTarget | null {
  const target = preset.targets[suite as SuiteId];
  return target && target.metric === primaryMetric ? target : null;
}

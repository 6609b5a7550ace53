// The Scorer vocabulary shared by every metric in src/scorers/ (see ../shared/design.md).

export type MetricId = 'vqa' | 'vqa-lmms' | 'mmmu' | 'relaxed-accuracy' | 'anls' | 'coco' | 'mathvista' | 'exact-match';

export const METRIC_IDS: readonly MetricId[] = ['vqa', 'vqa-lmms', 'mmmu', 'relaxed-accuracy', 'anls', 'coco', 'mathvista', 'exact-match'];

/** One prediction to score, with what the metric needs to know about its sample. */
export interface ScoreInput {
  id: string;
  prediction: string;
  /** Gold answers: 10 VQA answers, the MMMU gold letter or open answers, ChartQA targets, DocVQA answers, COCO references, the AI2D option label. */
  references: string[];
  /** MMMU and MathVista: option texts, lettered A, B, … in order. */
  options?: string[];
  /** MMMU; MathVista's `multi_choice` / `free_form`. */
  questionType?: 'multiple-choice' | 'open';
  /** MathVista only: how a free-form answer is written. */
  answerType?: 'text' | 'integer' | 'float' | 'list';
  /** MathVista only: decimals of a float answer (float64 in the data, null when not a float). */
  precision?: number | null;
  /** A sub-population the aggregate also reports on (ChartQA `human_test`/`augmented_test`, MMMU subject, VQA answer type). */
  group?: string;
  /**
   * Sub-populations by dimension, each aggregated separately (MathVista: task, skills, question and
   * answer type). A sample may hold several values of one dimension (a MathVista problem's skills).
   */
  groups?: Record<string, readonly string[]>;
}

export type Extracted = string | number | null | Array<string | number>;

export interface SampleScore {
  id: string;
  /** The official per-sample score (0..1 for accuracy-type metrics; CIDEr-D for COCO). */
  score: number;
  /** What the scorer read out of the prediction (normalised answer, parsed letter, tokens…). */
  extracted: Extracted;
  /** Why the score is what it is, in a few words. */
  reason: string;
  /** MMMU: no option could be parsed and the official random draw decided. */
  fallback?: boolean;
  /** Per-sample values of every metric the scorer reports (COCO: Bleu_1..4, ROUGE_L, CIDEr). */
  scores?: Record<string, number>;
}

export interface ScoredSet {
  /** Aggregate values keyed by metric name, in the metric's own scale (accuracy 0..1). */
  aggregate: Record<string, number>;
  samples: SampleScore[];
}

export interface Scorer {
  id: MetricId;
  /** The aggregate key that is the metric's headline number. */
  primaryMetric: string;
  /**
   * True when the primary aggregate is the plain mean of the per-sample scores, so a bootstrap
   * over samples gives its confidence interval. False for corpus metrics (COCO).
   */
  perSampleMean: boolean;
  /**
   * Scores a whole set, in processing order. Order matters only where the reference does
   * (MMMU's seeded fallback draws; COCO's corpus document frequencies).
   */
  scoreSet(inputs: readonly ScoreInput[]): ScoredSet;
  /**
   * Present when a sample's score depends on that sample alone (not on order, not on the rest of
   * the set): the set's aggregates from its per-sample scores and the inputs' groups, exactly as
   * scoreSet computes them. A long run is then scored in chunks and keeps only these numbers.
   */
  aggregate?(scores: ArrayLike<number>, groups: ArrayLike<string | undefined>): Record<string, number>;
}

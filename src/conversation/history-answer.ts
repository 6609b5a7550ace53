// What an earlier turn leaves in a conversation's history (`--history model|gold`): the model's own
// answer, as the seed's chat does, or a reference answer, which isolates each turn from the model's
// earlier mistakes.

import type { Sample, SampleResult } from '../types.ts';

export const HISTORY_MODES = ['model', 'gold'] as const;
export type HistoryMode = (typeof HISTORY_MODES)[number];

export const DEFAULT_MAX_TURNS = 5;

/** `--conversation` as a run asked for it. */
export interface ConversationSettings {
  /** `--max-turns`: questions asked in one conversation at most. */
  maxTurns: number;
  /** `--history`: whose answers the later turns see. */
  history: HistoryMode;
}

/**
 * The reference fed back under `--history gold`: the most frequent of the sample's references, the
 * first of equally frequent ones. That is how VQAv2 defines its `multiple_choice_answer` (the most
 * common of the ten annotators' answers); DocVQA's answers are distinct, so its first one is used.
 */
export function goldAnswer(references: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const r of references) counts.set(r, (counts.get(r) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  // a Map iterates in first-occurrence order, so a tie keeps the earlier reference
  for (const [r, n] of counts) {
    if (n > bestCount) {
      best = r;
      bestCount = n;
    }
  }
  return best;
}

/**
 * The assistant message a finished turn puts in the history: under `model`, the text exactly as the
 * backend returned it (not the extracted answer); under `gold`, the sample's gold answer whatever
 * the model said. Null when there is none: the turn errored without an answer (under `model`), or
 * the sample has no reference (under `gold`).
 */
export function historyAnswer(mode: HistoryMode, sample: Pick<Sample, 'references'>, result: SampleResult | undefined): string | null {
  if (mode === 'gold') return goldAnswer(sample.references);
  return result?.prediction ?? null;
}

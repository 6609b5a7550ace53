// Accuracy by turn (`<metric>_turn_<k>`): how the suite's official metric holds up as a conversation
// goes on. Each turn's scored samples are scored as a set of their own, as if that turn were the whole
// evaluation, with the same 95% interval as the headline: a scorer whose per-sample scores stand
// alone aggregates that turn's scores; a whole-set scorer (MMMU's ordered fallback draws, COCO's
// corpus statistics, MathVista) scores that turn's inputs again.

import type { ConversationResult } from '../report/schema.ts';
import { aggregateWithCi } from '../run/stats.ts';
import type { SampleResult, ScoreInput, Scorer } from '../types.ts';

export type MetricValues = Record<string, { value: number | null; ci95: [number, number] | null }>;

/** The metric's name for turn k: `anls_turn_2`. Other tools read these names. */
export function turnMetricName(metric: string, turn: number): string {
  return `${metric}_turn_${turn}`;
}

export interface TurnMetricsParams {
  scorer: Pick<Scorer, 'scoreSet' | 'aggregate' | 'perSampleMean'>;
  primaryMetric: string;
  /** Every turn some finished sample was asked as (errored ones included): a turn with nothing scored gets null. */
  turns: Iterable<number>;
  /** Per scored sample, in scoring order: the turn it was asked as (0: not in a conversation), its score and group. */
  scoredTurns: ArrayLike<number>;
  scores: ArrayLike<number>;
  /** The groups the scorer's `aggregate` reads (empty for a whole-set scorer). */
  groups: ArrayLike<string | undefined>;
  /** The scored samples' inputs, in scoring order, for a scorer without `aggregate`. */
  inputs: readonly ScoreInput[] | null;
}

export function turnMetrics(p: TurnMetricsParams): MetricValues {
  const out: MetricValues = {};
  for (const t of [...new Set(p.turns)].sort((a, b) => a - b)) {
    const name = turnMetricName(p.primaryMetric, t);
    const picked: number[] = [];
    for (let i = 0; i < p.scoredTurns.length; i++) if (p.scoredTurns[i] === t) picked.push(i);
    if (picked.length === 0) {
      out[name] = { value: null, ci95: null };
      continue;
    }
    let aggregate: Record<string, number>;
    let scores: ArrayLike<number>;
    if (p.scorer.aggregate) {
      scores = Float64Array.from(picked, (i) => p.scores[i]);
      aggregate = p.scorer.aggregate(scores, picked.map((i) => p.groups[i]));
    } else {
      if (!p.inputs) throw new Error('turnMetrics: a whole-set scorer needs the scored inputs');
      const set = p.scorer.scoreSet(picked.map((i) => p.inputs![i]));
      aggregate = set.aggregate;
      scores = Float64Array.from(set.samples, (s) => s.score);
    }
    out[name] = aggregateWithCi({ primaryMetric: p.primaryMetric, perSampleMean: p.scorer.perSampleMean }, aggregate, scores)[p.primaryMetric] ?? { value: null, ci95: null };
  }
  return out;
}

/** Samples by turn, counted one finished result at a time (numbers only, whatever the run's size). */
export interface TurnCounts {
  add(result: SampleResult): void;
  /** Null when no result was asked in a conversation. */
  finish(): Pick<ConversationResult, 'conversations' | 'turns'> | null;
}

export function createTurnCounts(): TurnCounts {
  const counts = new Map<number, { samples: number; scored: number; errored: number }>();
  return {
    add(r) {
      if (r.turn === undefined) return;
      let c = counts.get(r.turn);
      if (!c) {
        c = { samples: 0, scored: 0, errored: 0 };
        counts.set(r.turn, c);
      }
      c.samples++;
      if (r.state === 'scored') c.scored++;
      else c.errored++;
    },
    finish() {
      if (counts.size === 0) return null;
      const turns = [...counts.entries()].sort(([a], [b]) => a - b).map(([turn, c]) => ({ turn, ...c }));
      // every conversation has one first turn
      return { conversations: counts.get(1)?.samples ?? 0, turns };
    },
  };
}

// `perf.byTurn[]`: latency by turn index. Later turns carry the whole history, so their prompts grow
// and their TTFT shows whether the server reuses the shared prefix (prefix caching). Definitions are
// the run's own (serving-metrics.ts, vLLM's): TTFT = first token − start, E2EL = end − start, over
// the timed requests that succeeded; percentiles with numpy's linear interpolation.

import type { TurnPerf } from '../report/schema.ts';
import { createServingAccumulator, type ServingAccumulator } from '../run/serving-metrics.ts';
import type { SampleResult } from '../types.ts';

export type { TurnPerf };

export interface TurnPerfAccumulator {
  /** One current result of the suite (any state); results without a turn are ignored. */
  add(result: SampleResult): void;
  /** One entry per turn index seen, in turn order; empty when no result had a turn. */
  finish(): TurnPerf[];
}

export function createTurnPerf(): TurnPerfAccumulator {
  const turns = new Map<number, { acc: ServingAccumulator; promptTokens: number; prompted: number }>();
  return {
    add(r) {
      if (r.turn === undefined) return;
      let t = turns.get(r.turn);
      if (!t) {
        t = { acc: createServingAccumulator(), promptTokens: 0, prompted: 0 };
        turns.set(r.turn, t);
      }
      if (r.state !== 'scored' || !r.timing) return;
      t.acc.add({ timing: r.timing, outputTokens: r.outputTokens ?? 0, images: r.images ?? 0 });
      if (r.promptTokens !== undefined) {
        t.promptTokens += r.promptTokens;
        t.prompted++;
      }
    },
    finish() {
      return [...turns.entries()]
        .sort(([a], [b]) => a - b)
        .map(([turn, t]) => {
          const m = t.acc.finish(0);
          const pick = (p: { p50: number; p99: number } | null) => (p ? { p50: p.p50, p99: p.p99 } : null);
          return { turn, requests: m.completed, ttftMs: pick(m.ttftMs), e2eLatencyMs: pick(m.e2elMs), promptTokensMean: t.prompted > 0 ? t.promptTokens / t.prompted : null };
        });
    },
  };
}

// Run-level serving metrics with vLLM's definitions (spec/serving-metrics.md §1.1, `calculate_metrics`
// in vllm/benchmarks/serve.py), computed from the raw per-request timings the backends record:
// - TTFT = firstTokenMs − startMs; E2EL = endMs − startMs;
// - TPOT = (E2EL − TTFT) / (outputTokens − 1), only for requests with more than one output token;
// - ITL = the pooled gaps between successive choice-carrying chunks of every request (per chunk, so
//   mean ITL > TPOT when a server sends several tokens per chunk; report both);
// - throughputs divide totals by the run duration (dispatch of the first request to the end of the
//   last, as vLLM's `duration`); total tokens = prompt + output, where prompt tokens are summed over
//   the requests that reported them (for Llama 3.2 Vision they understate image cost, spec §0.4).
// Statistics are mean/p50/p90/p99 with numpy's linear interpolation (stats.ts). All times in ms.
// Callers pass only successful requests: failed ones are excluded, as in vLLM.

import type { GenerationTiming } from '../types.ts';
import { summarize, type Percentiles } from './stats.ts';

export interface RequestRecord {
  timing: GenerationTiming;
  outputTokens: number;
  promptTokens?: number;
  /** Images sent with the request. */
  images: number;
}

export interface ServingMetrics {
  completed: number;
  durationSec: number;
  ttftMs: Percentiles | null;
  tpotMs: Percentiles | null;
  itlMs: Percentiles | null;
  e2elMs: Percentiles | null;
  /** Requests per second; null for a non-positive duration. */
  requestThroughput: number | null;
  outputTokenThroughput: number | null;
  /** (Σ prompt + Σ output tokens) / duration; null when no request reported prompt tokens. */
  totalTokenThroughput: number | null;
  imagesPerSec: number | null;
  totalInputTokens: number;
  totalOutputTokens: number;
  totalImages: number;
}

/** Values appended one at a time into a growing Float64Array (8 bytes each, no boxed numbers). */
export function createSeries() {
  let data = new Float64Array(1024);
  let n = 0;
  return {
    push(v: number) {
      if (n === data.length) {
        const next = new Float64Array(data.length * 2);
        next.set(data);
        data = next;
      }
      data[n++] = v;
    },
    values: () => data.subarray(0, n),
  };
}

/**
 * The metrics built one request at a time: only the numbers the statistics need are kept (TTFT,
 * TPOT, E2EL per request, the ITL gaps, totals), so a long run holds ~100 bytes per request here.
 */
export interface ServingAccumulator {
  add(record: RequestRecord): void;
  finish(durationSec: number): ServingMetrics;
}

export function createServingAccumulator(): ServingAccumulator {
  const ttft = createSeries();
  const tpot = createSeries();
  const itl = createSeries();
  const e2el = createSeries();
  let completed = 0;
  let inputTokens = 0;
  let promptKnown = 0;
  let outputTokens = 0;
  let images = 0;
  return {
    add(r) {
      const t = r.timing;
      const latency = t.endMs - t.startMs;
      completed++;
      e2el.push(latency);
      if (t.firstTokenMs !== undefined) {
        const first = t.firstTokenMs - t.startMs;
        ttft.push(first);
        if (r.outputTokens > 1) tpot.push((latency - first) / (r.outputTokens - 1));
      }
      for (let i = 1; i < t.chunkMs.length; i++) itl.push(t.chunkMs[i] - t.chunkMs[i - 1]);
      outputTokens += r.outputTokens;
      images += r.images;
      if (r.promptTokens !== undefined) {
        inputTokens += r.promptTokens;
        promptKnown++;
      }
    },
    finish(durationSec) {
      const rate = (n: number): number | null => (durationSec > 0 ? n / durationSec : null);
      return {
        completed,
        durationSec,
        ttftMs: summarize(ttft.values()),
        tpotMs: summarize(tpot.values()),
        itlMs: summarize(itl.values()),
        e2elMs: summarize(e2el.values()),
        requestThroughput: rate(completed),
        outputTokenThroughput: rate(outputTokens),
        totalTokenThroughput: promptKnown > 0 ? rate(inputTokens + outputTokens) : null,
        imagesPerSec: rate(images),
        totalInputTokens: inputTokens,
        totalOutputTokens: outputTokens,
        totalImages: images,
      };
    },
  };
}

export function servingMetrics(records: readonly RequestRecord[], durationSec: number): ServingMetrics {
  const acc = createServingAccumulator();
  for (const r of records) acc.add(r);
  return acc.finish(durationSec);
}

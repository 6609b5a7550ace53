// The perf block of a suite's results: vLLM-style serving metrics over the samples this
// invocation generated and timed (resumed samples keep their raw timings in samples.jsonl).

import type { Perf } from '../report/schema.ts';
import type { SampleResult } from '../types.ts';
import { servingMetrics, type RequestRecord } from './serving-metrics.ts';

export function buildPerf(produced: readonly SampleResult[], durationSec: number): Perf {
  const records: RequestRecord[] = [];
  const sources = new Set<string>();
  for (const r of produced) {
    if (r.state !== 'scored' || !r.timing) continue;
    records.push({
      timing: r.timing,
      outputTokens: r.outputTokens ?? 0,
      ...(r.promptTokens !== undefined ? { promptTokens: r.promptTokens } : {}),
      images: r.images ?? 0,
    });
    sources.add(r.tokenSource ?? 'none');
  }
  const m = servingMetrics(records, durationSec);
  const timed = records.length > 0;
  return {
    durationSec,
    timedSamples: records.length,
    requestsPerSec: timed ? m.requestThroughput : null,
    outputTokensPerSec: timed ? m.outputTokenThroughput : null,
    totalTokensPerSec: timed ? m.totalTokenThroughput : null,
    imagesPerSec: timed ? m.imagesPerSec : null,
    totalOutputTokens: m.totalOutputTokens,
    totalPromptTokens: m.totalInputTokens > 0 ? m.totalInputTokens : null,
    tokenSource: sources.size === 0 ? 'none' : sources.size === 1 ? ([...sources][0] as Perf['tokenSource']) : 'mixed',
    ttftMs: m.ttftMs,
    tpotMs: m.tpotMs,
    itlMs: m.itlMs,
    e2eLatencyMs: m.e2elMs,
  };
}

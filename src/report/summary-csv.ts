// summary.csv: one row per suite with the headline metric and the perf columns.

import { stringify } from 'csv-stringify/sync';
import type { Results } from './schema.ts';

export function summaryCsv(results: Results): string {
  const header = [
    'run_id', 'model', 'backend', 'dtype', 'gpu', 'gpu_count', 'hardware_label', 'suite', 'suite_version',
    'primary_metric', 'value', 'ci95_low', 'ci95_high', 'total', 'scored', 'errored', 'dataset_source',
    'dataset_revision', 'dataset_fingerprint', 'duration_sec', 'requests_per_sec', 'output_tokens_per_sec',
    'ttft_p50_ms', 'ttft_p99_ms', 'tpot_p50_ms', 'e2e_p50_ms', 'e2e_p99_ms', 'peak_rss_mib', 'peak_vram_mib', 'prompt_style',
  ];
  const gpu = results.hardware.gpus[0]?.model ?? results.hardware.gpus[0]?.name ?? '';
  const rows = results.suites.map((s) => {
    const m = s.metrics[s.primaryMetric];
    const p = s.perf;
    return [
      results.runId, results.model.id, results.model.backend, results.model.dtype ?? '', gpu, results.hardware.gpuCount,
      results.hardware.label ?? '', s.id, s.version, s.primaryMetric, m?.value ?? '', m?.ci95?.[0] ?? '', m?.ci95?.[1] ?? '',
      s.counts.total, s.counts.scored, s.counts.errored, s.dataset.source, s.dataset.revision ?? '', s.dataset.fingerprint,
      p.durationSec, p.requestsPerSec ?? '', p.outputTokensPerSec ?? '', p.ttftMs?.p50 ?? '', p.ttftMs?.p99 ?? '',
      p.tpotMs?.p50 ?? '', p.e2eLatencyMs?.p50 ?? '', p.e2eLatencyMs?.p99 ?? '', results.memory.peakRssMiB ?? '',
      results.memory.peakVramMiB ?? '', s.promptStyle ?? 'lmms-eval',
    ];
  });
  return stringify([header, ...rows]);
}

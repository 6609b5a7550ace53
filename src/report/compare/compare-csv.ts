// comparison.csv: one line per (row, suite), every identity column repeated, so the file loads
// straight into a dataframe. Missing figures are `n/a` (pandas reads it as NaN by default); an
// unthrottled request rate is `inf`, as vLLM's benchmark writes it.

import { stringify } from 'csv-stringify/sync';
import type { Comparison } from './compare-model.ts';

const HEADER = [
  'row', 'is_reference', 'model', 'backend', 'gpu', 'gpu_count', 'dtype', 'hardware_label', 'run_id', 'suite', 'suite_version',
  'dataset_fingerprint', 'same_data_as_reference', 'primary_metric', 'value', 'ci95_low', 'ci95_high', 'output_tokens_per_sec',
  'requests_per_sec', 'ttft_p50_ms', 'ttft_p99_ms', 'tpot_p50_ms', 'peak_vram_mib', 'gpu_memory_total_mib',
  'throughput_ratio', 'ttft_p50_ratio', 'peak_vram_ratio', 'prompt_style', 'card_value', 'card_delta', 'card_in_ci95',
  'concurrency', 'request_rate', 'client_workers', 'max_tokens', 'mixed_load', 'same_load_as_reference',
  'avg_power_w', 'output_tokens_per_joule', 'client_saturated',
];

const na = (v: number | string | null | undefined): number | string => (v === null || v === undefined ? 'n/a' : v);

export function compareCsv(c: Comparison): string {
  const lines: Array<Array<string | number>> = [HEADER];
  for (const col of c.suites) {
    c.rows.forEach((r, i) => {
      const cell = col.cells[i];
      lines.push([
        r.label, String(i === c.referenceIndex), r.model, r.backend, r.gpu, r.gpuCount, na(r.dtype), na(r.hardwareLabel),
        cell ? cell.run.results.runId : 'n/a', col.id, na(cell?.result.version), na(cell?.result.dataset.fingerprint),
        cell ? String(cell.sameData) : 'n/a', col.primaryMetric, na(cell?.value), na(cell?.ci?.[0]), na(cell?.ci?.[1]),
        na(cell?.outputTokensPerSec), na(cell?.requestsPerSec), na(cell?.ttftP50Ms), na(cell?.ttftP99Ms), na(cell?.tpotP50Ms),
        na(cell?.peakVramMiB), na(r.vramTotalMiB), na(cell?.throughputRatio), na(cell?.ttftP50Ratio), na(cell?.vramRatio),
        cell ? (cell.result.promptStyle ?? 'lmms-eval') : 'n/a', na(cell?.result.card?.value), na(cell?.result.card?.delta),
        cell?.result.card && cell.result.card.inCi95 !== null ? String(cell.result.card.inCi95) : 'n/a',
        na(cell?.load?.concurrency), cell?.load ? (cell.load.requestRate ?? 'inf') : 'n/a', cell?.load ? na(cell.load.clientWorkers) : 'n/a',
        na(cell?.load?.maxTokens), cell ? String(Boolean(cell.result.perf.mixedLoad)) : 'n/a', cell ? String(cell.sameLoad) : 'n/a',
        na(r.avgPowerW), na(r.outputTokensPerJoule), cell ? String(cell.clientSaturated) : 'n/a',
      ]);
    });
  }
  return stringify(lines);
}

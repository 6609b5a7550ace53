// sweep.csv: one line per point, every figure of sweep.json flattened, so the file loads straight
// into a dataframe. Missing figures are `n/a` (pandas reads it as NaN by default).

import { stringify } from 'csv-stringify/sync';
import { isAt } from './build-sweep.ts';
import type { Sweep } from './sweep-schema.ts';

export const SWEEP_CSV_HEADER = [
  'suite', 'model', 'backend', 'dtype', 'hardware_label', 'gpu', 'gpu_count', 'concurrency', 'request_rate', 'run_dir', 'phase', 'completed',
  'requests', 'errored', 'duration_sec', 'requests_per_sec', 'output_tokens_per_sec', 'output_tokens_per_sec_per_gpu', 'output_tokens_per_sec_per_user',
  'ttft_p50_ms', 'ttft_p99_ms', 'tpot_p50_ms', 'tpot_p99_ms', 'e2el_p50_ms', 'e2el_p99_ms', 'goodput', 'slo_attainment', 'slo_pass',
  'accuracy_metric', 'accuracy', 'accuracy_ci95_low', 'accuracy_ci95_high', 'accuracy_differs_from_lightest', 'avg_power_w',
  'joules_per_output_token', 'output_tokens_per_joule', 'cost_usd_per_million_output_tokens', 'client_saturated', 'valid', 'pareto',
  'is_knee', 'is_max_goodput',
];

const na = (v: number | string | boolean | null | undefined): number | string => (v === null || v === undefined ? 'n/a' : typeof v === 'boolean' ? String(v) : v);

/** One row per point, in SWEEP_CSV_HEADER's order. */
export function sweepCsvRows(s: Sweep): Array<Array<string | number>> {
  return s.points.map((p) => [
    s.suite, s.model.id, s.model.backend, na(s.model.dtype), na(s.hardware.label), na(s.hardware.gpu), s.hardware.gpuCount, na(p.concurrency),
    na(p.requestRate), p.runDir, p.phase, String(p.completed), p.requests, p.errored, p.durationSec, na(p.requestsPerSec), na(p.outputTokensPerSec),
    na(p.outputTokensPerSecPerGpu), na(p.outputTokensPerSecPerUser), na(p.ttftMs.p50), na(p.ttftMs.p99), na(p.tpotMs.p50), na(p.tpotMs.p99),
    na(p.e2elMs.p50), na(p.e2elMs.p99), na(p.goodput), na(p.sloAttainment), na(p.sloPass), p.accuracy.metric, na(p.accuracy.value),
    na(p.accuracy.ci95?.[0]), na(p.accuracy.ci95?.[1]), na(p.accuracy.differsFromLightest), na(p.energy?.avgPowerW),
    na(p.energy?.joulesPerOutputToken), na(p.energy?.outputTokensPerJoule), na(p.costUsdPerMillionOutputTokens), na(p.clientSaturated),
    String(p.valid), String(p.pareto), String(isAt(s.knee, p, s.load)), String(isAt(s.maxGoodput, p, s.load)),
  ]);
}

export function sweepCsv(s: Sweep): string {
  return stringify([SWEEP_CSV_HEADER, ...sweepCsvRows(s)]);
}

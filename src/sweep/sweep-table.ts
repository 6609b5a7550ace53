// The sweep's table and summary lines as strings, shared by the terminal, sweep.md and sweep.html so
// the three agree (writers escape for their format). Missing figures read `n/a`.

import type { StringTable } from '../report/compare/compare-table.ts';
import { formatMetric } from '../report/text-table.ts';
import { isAt, pointAt } from './build-sweep.ts';
import type { Sweep, SweepPoint } from './sweep-schema.ts';

export function num(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(digits);
}

export function loadText(p: Pick<SweepPoint, 'concurrency' | 'requestRate'>, load: Sweep['load']): string {
  return load === 'concurrency' ? `c=${p.concurrency}` : `${p.requestRate} req/s`;
}

export function accuracyText(p: SweepPoint): string {
  const a = p.accuracy;
  const ci = a.ci95 ? ` [${formatMetric(a.metric, a.ci95[0])}–${formatMetric(a.metric, a.ci95[1])}]` : '';
  return `${formatMetric(a.metric, a.value)}${ci}${a.differsFromLightest ? ' ⚠' : ''}`;
}

function marks(s: Sweep, p: SweepPoint): string {
  const out: string[] = [];
  if (isAt(s.knee, p, s.load)) out.push('knee');
  if (isAt(s.maxGoodput, p, s.load)) out.push('max goodput');
  if (p.pareto) out.push('Pareto');
  if (p.accuracy.differsFromLightest) out.push('accuracy differs');
  if (p.clientSaturated) out.push('client saturated');
  if (!p.completed) out.push('incomplete');
  return out.join(', ');
}

export function pointsTable(s: Sweep): StringTable {
  const metric = s.points[0]?.accuracy.metric ?? 'accuracy';
  const withCost = s.gpuHourCostUsd !== null;
  return {
    title: 'Points',
    header: [
      'load', 'req/s', 'out tok/s', 'tok/s/GPU', 'tok/s/user', 'TTFT p50 ms', 'TTFT p99 ms', 'TPOT p50 ms', 'TPOT p99 ms', 'E2E p50 ms',
      'goodput req/s', 'SLO attainment', `${metric} [95% CI]`, 'tok/J', ...(withCost ? ['$/M out tok'] : []), 'errored', 'run', 'marks',
    ],
    rows: s.points.map((p) => [
      loadText(p, s.load),
      num(p.requestsPerSec, 2),
      num(p.outputTokensPerSec, 1),
      num(p.outputTokensPerSecPerGpu, 1),
      num(p.outputTokensPerSecPerUser, 1),
      num(p.ttftMs.p50, 1),
      num(p.ttftMs.p99, 1),
      num(p.tpotMs.p50, 1),
      num(p.tpotMs.p99, 1),
      num(p.e2elMs.p50, 1),
      num(p.goodput, 2),
      p.sloAttainment === null ? 'n/a' : `${(100 * p.sloAttainment).toFixed(1)}%`,
      accuracyText(p),
      num(p.energy?.outputTokensPerJoule, 3),
      ...(withCost ? [num(p.costUsdPerMillionOutputTokens, 2)] : []),
      String(p.errored),
      p.runDir,
      marks(s, p),
    ]),
    align: ['left', ...new Array<'right'>(11).fill('right'), 'right', 'right', ...(withCost ? (['right'] as const) : []), 'right', 'left', 'left'],
    warning: null,
  };
}

/** The findings, one sentence each. */
export function summaryLines(s: Sweep): string[] {
  const lines: string[] = [];
  const gpu = s.hardware.gpu ? `${s.hardware.gpuCount}x ${s.hardware.gpu}` : 'no GPU recorded';
  lines.push(`${s.suite} on ${s.model.id} (${s.model.backend}${s.model.dtype ? `, ${s.model.dtype}` : ''}), ${s.hardware.label ?? gpu}; ${s.points.length} point(s) by ${s.load}, profile ${s.profile}${s.repeats > 1 ? `, ${s.repeats} repeats each (medians)` : ''}.`);
  if (s.slo) lines.push(`SLO: ${s.slo.map((o) => `${o.key} ≤ ${o.thresholdMs} ms`).join(', ')} (goodput counts requests meeting every threshold, as vLLM's --goodput).`);
  if (s.knee) {
    const k = pointAt(s, s.knee);
    lines.push(`Knee: ${loadText(s.knee, s.load)} (${num(k?.outputTokensPerSec ?? null, 1)} output tokens/s): doubling the load from here gains under 10% throughput while latency grows.`);
  } else {
    lines.push('Knee: none found; throughput still grows by 10% or more per doubling at the heaviest point.');
  }
  if (s.maxGoodput) lines.push(`Max goodput: ${num(s.maxGoodput.goodput, 2)} requests/s at ${loadText(s.maxGoodput, s.load)}.`);
  else if (s.slo) lines.push('Max goodput: no point served a request within the SLO.');
  const flagged = s.points.filter((p) => p.accuracy.differsFromLightest);
  if (flagged.length) lines.push(`Accuracy differs from the lightest point beyond the 95% intervals at ${flagged.map((p) => loadText(p, s.load)).join(', ')}.`);
  return [...lines, ...s.notes];
}

// The charts of one sweep, as SVG (inlined in sweep.html, rendered to PNG for sweep.md): throughput
// against load with the knee and max-goodput marks; TTFT and TPOT p50/p99 against throughput; the
// Pareto front of output tokens/s per GPU against output tokens/s per user; goodput against load
// beside the plain request throughput; accuracy against load with its 95% intervals.

import { lineChartSvg, type LineSeries } from '../report/charts/line-chart-svg.ts';
import { formatMetric } from '../report/text-table.ts';
import { loadOf } from './build-sweep.ts';
import type { Sweep, SweepPoint } from './sweep-schema.ts';

export const SWEEP_CHARTS = ['throughput', 'ttft', 'tpot', 'pareto', 'goodput', 'accuracy'] as const;
export type SweepChartName = (typeof SWEEP_CHARTS)[number];
export type SweepCharts = Record<SweepChartName, string>;

export function loadLabel(load: Sweep['load']): string {
  return load === 'concurrency' ? 'concurrency (requests in flight)' : 'request rate (requests/s)';
}

/** x for a point on a load axis. */
export function loadAxis(s: Pick<Sweep, 'load'>): { label: string; log: boolean } {
  return { label: loadLabel(s.load), log: s.load === 'concurrency' };
}

function series(name: string, points: readonly SweepPoint[], x: (p: SweepPoint) => number | null, y: (p: SweepPoint) => number | null, extra: Partial<LineSeries> = {}): LineSeries {
  return {
    name,
    ...extra,
    points: points.flatMap((p) => {
      const xv = x(p);
      const yv = y(p);
      return xv === null || yv === null ? [] : [{ x: xv, y: yv }];
    }),
  };
}

/** The knee and max-goodput marks on a load axis. */
export function loadMarks(s: Sweep): Array<{ x: number; label: string }> {
  const marks: Array<{ x: number; label: string }> = [];
  if (s.knee) marks.push({ x: loadOf(s.knee, s.load), label: 'knee' });
  if (s.maxGoodput) marks.push({ x: loadOf(s.maxGoodput, s.load), label: 'max goodput' });
  return marks;
}

export function sweepChartsSvg(s: Sweep): SweepCharts {
  const pts = s.points;
  const axis = loadAxis(s);
  const load = (p: SweepPoint) => loadOf(p, s.load);
  const tokps = (p: SweepPoint) => p.outputTokensPerSec;
  const metric = pts[0]?.accuracy.metric ?? 'accuracy';
  const scale = formatMetric(metric, 0.5) === '50.00' ? 100 : 1;
  const front = pts.filter((p) => p.pareto);
  return {
    throughput: lineChartSvg({
      title: 'Throughput against load',
      xLabel: axis.label,
      yLabel: 'output tokens/s',
      xLog: axis.log,
      series: [series('output tokens/s', pts, load, tokps)],
      marks: loadMarks(s),
    }),
    ttft: lineChartSvg({
      title: 'Time to first token against throughput',
      xLabel: 'output tokens/s',
      yLabel: 'TTFT ms',
      series: [series('TTFT p50', pts, tokps, (p) => p.ttftMs.p50), series('TTFT p99', pts, tokps, (p) => p.ttftMs.p99, { dashed: true })],
    }),
    tpot: lineChartSvg({
      title: 'Time per output token against throughput',
      xLabel: 'output tokens/s',
      yLabel: 'TPOT ms',
      series: [series('TPOT p50', pts, tokps, (p) => p.tpotMs.p50), series('TPOT p99', pts, tokps, (p) => p.tpotMs.p99, { dashed: true })],
    }),
    pareto: lineChartSvg({
      title: 'Tokens/s per GPU against tokens/s per user',
      xLabel: 'output tokens/s per GPU',
      yLabel: 'output tokens/s per user (1/TPOT)',
      series: [
        series('Pareto front', front, (p) => p.outputTokensPerSecPerGpu, (p) => p.outputTokensPerSecPerUser),
        series('all points', pts, (p) => p.outputTokensPerSecPerGpu, (p) => p.outputTokensPerSecPerUser, { scatter: true }),
      ],
    }),
    goodput: lineChartSvg({
      title: s.slo ? `Goodput against load (SLO ${s.slo.map((o) => `${o.key}=${o.thresholdMs}`).join(', ')})` : 'Request throughput against load (no --slo: no goodput)',
      xLabel: axis.label,
      yLabel: 'requests/s',
      xLog: axis.log,
      series: [...(s.slo ? [series('goodput', pts, load, (p) => p.goodput)] : []), series('requests/s', pts, load, (p) => p.requestsPerSec, { dashed: Boolean(s.slo) })],
      marks: loadMarks(s),
    }),
    accuracy: lineChartSvg({
      title: `Accuracy against load (${metric}, 95% CI)`,
      xLabel: axis.label,
      yLabel: scale === 100 ? `${metric} (%)` : metric,
      xLog: axis.log,
      series: [
        {
          name: metric,
          points: pts.flatMap((p) =>
            p.accuracy.value === null
              ? []
              : [{ x: load(p), y: p.accuracy.value * scale, ...(p.accuracy.ci95 ? { low: p.accuracy.ci95[0] * scale, high: p.accuracy.ci95[1] * scale } : {}) }],
          ),
        },
      ],
    }),
  };
}

// `compare` over sweep directories: the curves of several GPUs or serving configurations on one
// chart (MI210 against MI250 against MI300X): throughput against load, TTFT p99 and TPOT p50 against
// throughput, and the Pareto of tokens/s per GPU against tokens/s per user. Its table gives, per
// sweep, the max goodput, the knee, the peak throughput, and the energy (and, with
// --gpu-hour-cost, the cost) per token at the knee.
// Sweeps of different suites, SLOs or per-point sizes are flagged: their numbers do not line up.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { svgToPng } from '../report/compare/compare-charts.ts';
import { mdTable } from '../report/compare/compare-md.ts';
import type { StringTable } from '../report/compare/compare-table.ts';
import { escapeHtml as e } from '../report/html-escape.ts';
import { htmlPage, htmlTable } from '../report/html-page.ts';
import { lineChartSvg, type LineSeries } from '../report/charts/line-chart-svg.ts';
import { mdCell } from '../report/report-md.ts';
import { formatMetric, textTable } from '../report/text-table.ts';
import { loadOf, pointAt } from './build-sweep.ts';
import { loadAxis } from './sweep-charts.ts';
import { SWEEP_CSV_HEADER, sweepCsvRows } from './sweep-csv.ts';
import { loadSweep, type LoadedSweep } from './load-sweep.ts';
import type { Sweep, SweepPoint } from './sweep-schema.ts';
import { loadText, num } from './sweep-table.ts';

export interface SweepComparison {
  labels: string[];
  sweeps: Sweep[];
  warnings: string[];
}

const CHARTS = ['throughput', 'ttft', 'tpot', 'pareto'] as const;
type ChartName = (typeof CHARTS)[number];
const CHART_FILES: Record<ChartName, string> = {
  throughput: 'comparison-sweep-throughput.png',
  ttft: 'comparison-sweep-ttft.png',
  tpot: 'comparison-sweep-tpot.png',
  pareto: 'comparison-sweep-pareto.png',
};

function labelsOf(sweeps: readonly Sweep[]): string[] {
  const base = (s: Sweep) => s.hardware.label ?? (s.hardware.gpu ? `${s.hardware.gpuCount}x ${s.hardware.gpu}` : s.sweepId);
  const steps = [base, (s: Sweep) => `${base(s)} ${s.model.dtype ?? ''}`.trim(), (s: Sweep) => `${base(s)} ${s.sweepId}`];
  for (const step of steps) {
    const labels = sweeps.map(step);
    if (new Set(labels).size === labels.length) return labels;
  }
  return sweeps.map((s, i) => `${steps[2](s)} #${i + 1}`);
}

export function buildSweepComparison(loaded: readonly LoadedSweep[]): SweepComparison {
  const sweeps = loaded.map((l) => l.sweep);
  const warnings: string[] = [];
  const distinct = (f: (s: Sweep) => string) => new Set(sweeps.map(f)).size > 1;
  if (distinct((s) => s.suite)) warnings.push(`The sweeps measured different suites (${[...new Set(sweeps.map((s) => s.suite))].join(', ')}): throughput and accuracy do not line up.`);
  if (distinct((s) => JSON.stringify(s.slo))) warnings.push('The sweeps used different SLOs (or none): their goodput figures are not comparable.');
  if (distinct((s) => s.load)) warnings.push('Some sweeps vary concurrency and others the request rate: the load axes differ.');
  if (distinct((s) => `${s.limit}/${s.durationSec}`)) warnings.push('The sweeps ran different amounts per point (--limit / --duration).');
  for (const s of sweeps) if (!s.completed) warnings.push(`Sweep ${s.sweepId} is incomplete; its curve covers the points it finished.`);
  return { labels: labelsOf(sweeps), sweeps, warnings };
}

/** The point energy per token is quoted at: the knee, else the highest-throughput point. */
function energyPoint(s: Sweep): SweepPoint | null {
  const knee = pointAt(s, s.knee);
  if (knee) return knee;
  return s.points.reduce<SweepPoint | null>((best, p) => ((p.outputTokensPerSec ?? -1) > (best?.outputTokensPerSec ?? -1) ? p : best), null);
}

export function sweepSummaryTable(c: SweepComparison): StringTable {
  const withCost = c.sweeps.some((s) => s.gpuHourCostUsd !== null);
  return {
    title: 'Sweeps',
    header: [
      'row', 'model', 'GPU', 'suite', 'points', 'max goodput req/s', 'at', 'knee', 'out tok/s at knee', 'peak out tok/s', 'out tok/J', 'J/out tok', 'tok/J at',
      ...(withCost ? ['$/M out tok at knee'] : []), 'accuracy (lightest)', 'sweep',
    ],
    rows: c.sweeps.map((s, i) => {
      const knee = pointAt(s, s.knee);
      const ep = energyPoint(s);
      const peak = Math.max(...s.points.map((p) => p.outputTokensPerSec ?? -Infinity));
      const light = s.points[0];
      return [
        c.labels[i],
        s.model.id,
        s.hardware.gpu ? `${s.hardware.gpuCount}x ${s.hardware.gpu}` : 'no GPU',
        s.suite,
        String(s.points.length),
        num(s.maxGoodput?.goodput ?? null, 2),
        s.maxGoodput ? loadText(s.maxGoodput, s.load) : 'n/a',
        s.knee ? loadText(s.knee, s.load) : 'none',
        num(knee?.outputTokensPerSec ?? null, 1),
        Number.isFinite(peak) ? peak.toFixed(1) : 'n/a',
        num(ep?.energy?.outputTokensPerJoule ?? null, 3),
        num(ep?.energy?.joulesPerOutputToken ?? null, 4),
        ep ? `${loadText(ep, s.load)}${knee ? ' (knee)' : ''}` : 'n/a',
        ...(withCost ? [num(ep?.costUsdPerMillionOutputTokens ?? null, 2)] : []),
        light ? formatMetric(light.accuracy.metric, light.accuracy.value) : 'n/a',
        s.sweepId,
      ];
    }),
    align: ['left', 'left', 'left', 'left', 'right', 'right', 'left', 'left', 'right', 'right', 'right', 'right', 'left', ...(withCost ? (['right'] as const) : []), 'right', 'left'],
    warning: null,
  };
}

export function sweepComparisonCharts(c: SweepComparison): Record<ChartName, string> {
  const per = (x: (p: SweepPoint) => number | null, y: (p: SweepPoint) => number | null, pick: (s: Sweep) => readonly SweepPoint[] = (s) => s.points): LineSeries[] =>
    c.sweeps.map((s, i) => ({
      name: c.labels[i],
      points: pick(s).flatMap((p) => {
        const xv = x(p);
        const yv = y(p);
        return xv === null || yv === null ? [] : [{ x: xv, y: yv, title: `${c.labels[i]} ${loadText(p, s.load)}: ${num(yv, 1)} at ${num(xv, 1)}` }];
      }),
    }));
  const axis = loadAxis(c.sweeps[0]);
  const tokps = (p: SweepPoint) => p.outputTokensPerSec;
  return {
    throughput: lineChartSvg({
      title: 'Throughput against load',
      xLabel: axis.label,
      yLabel: 'output tokens/s',
      xLog: axis.log && c.sweeps.every((s) => s.load === 'concurrency'),
      series: c.sweeps.map((s, i) => ({ name: c.labels[i], points: s.points.flatMap((p) => (p.outputTokensPerSec === null ? [] : [{ x: loadOf(p, s.load), y: p.outputTokensPerSec }])) })),
    }),
    ttft: lineChartSvg({ title: 'TTFT p99 against throughput', xLabel: 'output tokens/s', yLabel: 'TTFT p99 ms', series: per(tokps, (p) => p.ttftMs.p99) }),
    tpot: lineChartSvg({ title: 'TPOT p50 against throughput', xLabel: 'output tokens/s', yLabel: 'TPOT p50 ms', series: per(tokps, (p) => p.tpotMs.p50) }),
    pareto: lineChartSvg({
      title: 'Pareto: tokens/s per GPU against tokens/s per user',
      xLabel: 'output tokens/s per GPU',
      yLabel: 'output tokens/s per user (1/TPOT)',
      series: per((p) => p.outputTokensPerSecPerGpu, (p) => p.outputTokensPerSecPerUser, (s) => s.points.filter((p) => p.pareto)),
    }),
  };
}

export interface SweepCompareOutcome {
  files: string[];
  table: string;
  warnings: string[];
}

export async function compareSweeps(p: { inputs: readonly string[]; out: string }): Promise<SweepCompareOutcome> {
  const c = buildSweepComparison(p.inputs.map(loadSweep));
  const summary = sweepSummaryTable(c);
  const charts = sweepComparisonCharts(c);
  const md = ['# vlm-harness sweep comparison', ''];
  for (const w of c.warnings) md.push(`> ⚠️ **Warning:** ${mdCell(w)}`, '');
  md.push(`## ${summary.title}`, '', ...mdTable(summary), '', 'Energy per token is quoted at the knee (else at the highest-throughput point).', '', '## Charts', '');
  for (const name of CHARTS) md.push(`![${name}](${CHART_FILES[name]})`, '');
  const html = htmlPage('vlm-harness sweep comparison', [
    ...c.warnings.map((w) => `<div class="warning" role="alert"><strong>Warning:</strong> ${e(w)}</div>`),
    `<h2>${e(summary.title)}</h2>`,
    htmlTable(summary, -1),
    '<p class="note">Energy per token is quoted at the knee (else at the highest-throughput point). Each sweep\'s points are run directories that compare and gate accept.</p>',
    '<h2>Charts</h2>',
    `<div class="charts">${CHARTS.map((name) => `<figure id="chart-${name}">${charts[name]}</figure>`).join('\n')}</div>`,
  ]);
  const points = c.sweeps.flatMap((s, i) => sweepCsvRows(s).map((r) => [c.labels[i], ...r]));
  mkdirSync(p.out, { recursive: true });
  const files: Array<[string, string | Buffer]> = [
    ['comparison.md', md.join('\n')],
    ['comparison.csv', stringify([['row', ...SWEEP_CSV_HEADER], ...points])],
    ['comparison.html', html],
  ];
  for (const name of CHARTS) files.push([CHART_FILES[name], await svgToPng(charts[name])]);
  const written = files.map(([name, content]) => {
    const path = join(p.out, name);
    writeFileSync(path, content);
    return path;
  });
  return { files: written, table: `${summary.title}\n${textTable(summary.header, summary.rows)}`, warnings: c.warnings };
}

// One line of the gate verdict (a GateCheck) and how it reads in tables: the terminal table,
// gate.md and gate.junit.xml all show the same cells.

import { formatMetric } from '../text-table.ts';

export type CheckVerdict = 'pass' | 'fail' | 'skip' | 'not-comparable';
export type CheckKind = 'comparability' | 'accuracy' | 'errored' | 'perf';

/** How the values read: a metric in its own scale, a rate, a perf figure, or plain text. */
export type CheckUnit =
  | { kind: 'metric'; metric: string }
  | { kind: 'rate' }
  | { kind: 'perf'; suffix: 'tok/s' | 'ms' | 'MiB' }
  | { kind: 'text'; baseline: string; candidate: string };

export interface GateCheck {
  /** Null for run-level checks (peak VRAM). */
  suite: string | null;
  kind: CheckKind;
  name: string;
  unit: CheckUnit;
  baseline: number | null;
  candidate: number | null;
  /** Accuracy and errored rate: candidate − baseline; perf: relative change in percent. */
  delta: number | null;
  /** 95% interval of `delta` (accuracy only). */
  ci: [number, number] | null;
  pValue: number | null;
  /** The test or comparison used, e.g. `mcnemar-exact, n=200`. */
  method: string | null;
  verdict: CheckVerdict;
  /** Why the verdict is what it is, in one sentence. */
  note: string;
}

export const CHECK_HEADER = ['suite', 'check', 'baseline', 'candidate', 'delta', '95% CI', 'p', 'verdict'] as const;

const VERDICT_TEXT: Record<CheckVerdict, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP', 'not-comparable': 'NOT COMPARABLE' };

export function verdictText(v: CheckVerdict): string {
  return VERDICT_TEXT[v];
}

function signed(text: string, v: number): string {
  return v > 0 ? `+${text}` : v < 0 ? `-${text}` : text;
}

/** Accuracy-like metrics print as percentages (formatMetric), so their deltas are percentage points. */
function isPercentMetric(metric: string): boolean {
  return formatMetric(metric, 1) === '100.00';
}

export function formatDelta(unit: CheckUnit, d: number | null): string {
  if (unit.kind === 'text') return '';
  if (d === null || Number.isNaN(d)) return 'n/a';
  switch (unit.kind) {
    case 'metric':
      return isPercentMetric(unit.metric) ? signed(`${(100 * Math.abs(d)).toFixed(2)} pp`, d) : signed(Math.abs(d).toFixed(4), d);
    case 'rate':
      return signed(`${(100 * Math.abs(d)).toFixed(2)} pp`, d);
    case 'perf':
      return signed(`${Math.abs(d).toFixed(1)}%`, d);
  }
}

function valueText(unit: CheckUnit, v: number | null, side: 'baseline' | 'candidate'): string {
  if (unit.kind === 'text') return unit[side];
  if (v === null || Number.isNaN(v)) return 'n/a';
  switch (unit.kind) {
    case 'metric':
      return formatMetric(unit.metric, v);
    case 'rate':
      return `${(100 * v).toFixed(2)}%`;
    case 'perf':
      return `${v.toFixed(unit.suffix === 'MiB' ? 0 : 1)} ${unit.suffix}`;
  }
}

export function formatP(p: number | null): string {
  if (p === null) return '';
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

/** The cells of CHECK_HEADER for one check. */
export function checkCells(c: GateCheck): string[] {
  const ci = c.ci ? `[${formatDelta(c.unit, c.ci[0])}, ${formatDelta(c.unit, c.ci[1])}]` : '';
  return [
    c.suite ?? '(run)',
    c.name,
    valueText(c.unit, c.baseline, 'baseline'),
    valueText(c.unit, c.candidate, 'candidate'),
    formatDelta(c.unit, c.delta),
    ci,
    formatP(c.pValue),
    verdictText(c.verdict),
  ];
}

/** The run's exit code: 2 when anything was not comparable, 1 on a regression, else 0. */
export function exitCodeOf(checks: readonly GateCheck[]): 0 | 1 | 2 {
  if (checks.some((c) => c.verdict === 'not-comparable')) return 2;
  return checks.some((c) => c.verdict === 'fail') ? 1 : 0;
}

// The comparison's tables as strings, shared by the terminal table, comparison.md and
// comparison.html so the three always agree. Writers escape the strings for their format.
// Missing figures read `n/a`; ratios read `×1.85` (row ÷ reference row); a load that differs from
// the reference row's is marked `≠` (its ratios are then n/a).

import { cardCaveats, formatDelta, inCiText } from '../card-text.ts';
import type { Comparison, CompareRow, SuiteCell } from './compare-model.ts';
import { formatMetric } from '../text-table.ts';

export interface StringTable {
  title: string;
  header: string[];
  rows: string[][];
  /** Per column: text reads left-aligned, figures right-aligned. */
  align: Array<'left' | 'right'>;
  /** Shown above the table (data mismatch), or null. */
  warning: string | null;
}

function num(v: number | null, digits: number): string {
  return v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(digits);
}

export function ratioText(v: number | null): string {
  return v === null ? 'n/a' : `×${v.toFixed(2)}`;
}

export function gpuText(row: CompareRow): string {
  return row.gpuCount ? `${row.gpuCount}x ${row.gpu}` : row.gpu;
}

/** The load in a few words: `conc 16, 4 req/s, max 512` (`mixed` when the figures pool several loads). */
function loadText(cell: SuiteCell): string {
  if (cell.result.perf.mixedLoad) return 'mixed';
  const l = cell.load;
  if (!l) return 'n/a';
  const parts = [`conc ${l.concurrency}`, l.requestRate !== null ? `${l.requestRate} req/s` : '', l.clientWorkers !== null ? `${l.clientWorkers} workers` : '', `max ${l.maxTokens}`];
  return `${parts.filter(Boolean).join(', ')}${cell.sameLoad ? '' : ' ≠'}`;
}

function metricText(metric: string, cell: SuiteCell): string {
  const value = formatMetric(metric, cell.value);
  const ci = cell.ci ? ` [${formatMetric(metric, cell.ci[0])}–${formatMetric(metric, cell.ci[1])}]` : '';
  return `${value}${ci}${cell.sameData ? '' : ' ⚠'}`;
}

/** A serving figure of a run whose client was saturated (its warning says why). */
function flag(text: string, cell: SuiteCell): string {
  return cell.clientSaturated ? `${text} ⚠` : text;
}

/** Who ran where: one line per row. */
export function runsTable(c: Comparison): StringTable {
  return {
    title: 'Runs',
    header: ['row', 'model', 'backend', 'GPU', 'dtype', 'GPU memory MiB', 'peak VRAM MiB', 'VRAM vs ref', 'avg power W', 'out tok/J', 'runs'],
    rows: c.rows.map((r, i) => [
      i === c.referenceIndex ? `${r.label} (ref)` : r.label,
      r.model,
      r.backend,
      gpuText(r),
      r.dtype ?? 'n/a',
      num(r.vramTotalMiB, 0),
      num(r.peakVramMiB, 0),
      ratioText(r.peakVramMiB === null || c.rows[c.referenceIndex].peakVramMiB === null ? null : r.peakVramMiB / c.rows[c.referenceIndex].peakVramMiB!),
      num(r.avgPowerW, 1),
      num(r.outputTokensPerJoule, 3),
      r.runs.map((run) => run.results.runId).join(', '),
    ]),
    align: ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
    warning: null,
  };
}

/** Model-card columns, shown for a suite when some run of it was made with `--preset`. */
const CARD_HEADER = ['card', 'ours − card', 'card in CI', 'card notes'];

function cardCells(metric: string, cell: SuiteCell): string[] {
  const card = cell.result.card;
  if (!card) return ['n/a', 'n/a', 'n/a', ''];
  return [formatMetric(metric, card.value), formatDelta(metric, card.delta), inCiText(card.inCi95), cardCaveats(cell.result).join('; ')];
}

/** One table per suite: accuracy with its interval, throughput, latency and memory, with ratios. */
export function suiteTables(c: Comparison): StringTable[] {
  return c.suites.map((col) => {
    const withCard = col.cells.some((cell) => cell?.result.card);
    const width = 11 + (withCard ? CARD_HEADER.length : 0);
    return {
      title: `${col.id} (${col.primaryMetric})`,
      header: [
        'row', 'dtype', `${col.primaryMetric} [95% CI]`, ...(withCard ? CARD_HEADER : []), 'out tok/s', 'tok/s vs ref', 'req/s', 'TTFT p50 ms', 'TTFT vs ref', 'TTFT p99 ms', 'TPOT p50 ms', 'peak VRAM MiB', 'VRAM vs ref', 'load',
      ],
      rows: c.rows.map((r, i) => {
        const cell = col.cells[i];
        const label = i === c.referenceIndex ? `${r.label} (ref)` : r.label;
        if (!cell) return [label, r.dtype ?? 'n/a', ...new Array<string>(width).fill('n/a')];
        return [
          label,
          r.dtype ?? 'n/a',
          metricText(col.primaryMetric, cell),
          ...(withCard ? cardCells(col.primaryMetric, cell) : []),
          flag(num(cell.outputTokensPerSec, 1), cell),
          ratioText(cell.throughputRatio),
          flag(num(cell.requestsPerSec, 2), cell),
          flag(num(cell.ttftP50Ms, 1), cell),
          ratioText(cell.ttftP50Ratio),
          flag(num(cell.ttftP99Ms, 1), cell),
          flag(num(cell.tpotP50Ms, 1), cell),
          num(cell.peakVramMiB, 0),
          ratioText(cell.vramRatio),
          loadText(cell),
        ];
      }),
      align: ['left', 'left', 'right', ...(withCard ? (['right', 'right', 'left', 'left'] as const) : []), ...new Array<'right'>(9).fill('right'), 'left'],
      warning: col.dataWarning,
    };
  });
}

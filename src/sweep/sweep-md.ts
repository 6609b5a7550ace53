// sweep.md: the sweep for people and PRs: the findings (knee, max goodput, accuracy flags), the
// points table and the charts as PNG files beside it. Cells go through mdCell, so labels with
// pipes or HTML stay inert.

import { mdTable } from '../report/compare/compare-md.ts';
import { mdCell } from '../report/report-md.ts';
import type { SweepChartName } from './sweep-charts.ts';
import type { Sweep } from './sweep-schema.ts';
import { pointsTable, summaryLines } from './sweep-table.ts';

export const SWEEP_CHART_FILES: Record<SweepChartName, string> = {
  throughput: 'sweep-throughput.png',
  ttft: 'sweep-ttft.png',
  tpot: 'sweep-tpot.png',
  pareto: 'sweep-pareto.png',
  goodput: 'sweep-goodput.png',
  accuracy: 'sweep-accuracy.png',
};

const CHART_TITLES: Record<SweepChartName, string> = {
  throughput: 'Throughput against load',
  ttft: 'TTFT against throughput',
  tpot: 'TPOT against throughput',
  pareto: 'Tokens/s per GPU against tokens/s per user',
  goodput: 'Goodput against load',
  accuracy: 'Accuracy against load',
};

export function sweepMarkdown(s: Sweep): string {
  const lines = [`# vlm-harness sweep ${mdCell(s.sweepId)}`, ''];
  for (const l of summaryLines(s)) lines.push(`- ${mdCell(l)}`);
  if (!s.completed) lines.push('', '> ⚠️ **Incomplete:** the sweep was interrupted or a point did not finish.');
  lines.push('', '## Points', '', ...mdTable(pointsTable(s)), '', '## Charts', '');
  for (const [name, file] of Object.entries(SWEEP_CHART_FILES)) lines.push(`![${CHART_TITLES[name as SweepChartName]}](${file})`, '');
  lines.push('Each point is a run directory: `vlm-harness compare` and `vlm-harness gate` work on it.', '');
  return lines.join('\n');
}

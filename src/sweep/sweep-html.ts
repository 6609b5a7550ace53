// sweep.html: one self-contained page (report/html-page.ts) with the findings, the points table and
// the six charts inline as SVG. Every string from the runs is escaped.

import { escapeHtml as e } from '../report/html-escape.ts';
import { htmlPage, htmlTable } from '../report/html-page.ts';
import { isAt } from './build-sweep.ts';
import { SWEEP_CHARTS, type SweepCharts } from './sweep-charts.ts';
import type { Sweep } from './sweep-schema.ts';
import { pointsTable, summaryLines } from './sweep-table.ts';

export function sweepHtml(s: Sweep, charts: SweepCharts): string {
  const table = pointsTable(s);
  const knee = s.points.findIndex((p) => isAt(s.knee, p, s.load));
  const body = [
    `<ul>${summaryLines(s).map((l) => `<li>${e(l)}</li>`).join('')}</ul>`,
    ...(s.completed ? [] : ['<div class="warning" role="alert"><strong>Incomplete:</strong> the sweep was interrupted or a point did not finish.</div>']),
    '<h2>Points</h2>',
    `<p class="note">The knee's row is highlighted. Each point is a run directory (the run column) that compare and gate accept.</p>`,
    htmlTable(table, knee),
    '<h2>Charts</h2>',
    `<div class="charts">${SWEEP_CHARTS.map((name) => `<figure id="chart-${name}">${charts[name]}</figure>`).join('\n')}</div>`,
  ];
  return htmlPage(`vlm-harness sweep ${s.sweepId}`, body);
}

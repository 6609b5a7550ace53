// comparison.html: one self-contained page (html-page.ts: inline CSS and SVG, no scripts, nothing
// loaded) with the tables, the charts, the warnings and
// examples of samples whose outputs differ between rows. Every string from a run (model ids,
// labels, predictions) is escaped, so model output containing markup stays text.

import type { ComparisonCharts } from './compare-charts.ts';
import { referenceNote } from './compare-md.ts';
import type { Comparison, Disagreements } from './compare-model.ts';
import { runsTable, suiteTables } from './compare-table.ts';
import { escapeHtml as e } from '../html-escape.ts';
import { htmlPage, htmlTable } from '../html-page.ts';

function clip(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function disagreementSection(c: Comparison, d: Disagreements): string {
  const summary = `${e(d.suite)}: predictions differ on ${d.differing} of ${d.compared} samples scored in two or more rows`;
  if (!d.examples.length) return `<p>${summary}.</p>`;
  const head = `<tr><th scope="col">sample</th>${c.rows.map((r) => `<th scope="col">${e(r.label)}</th>`).join('')}</tr>`;
  const rows = d.examples
    .map((x) => {
      const cells = x.predictions.map((p, i) => {
        const score = x.scores[i];
        return p === null ? '<td class="text">n/a</td>' : `<td class="text"><pre>${e(clip(p))}</pre><span class="note">score ${score === null ? 'n/a' : e(String(Number(score.toFixed(4))))}</span></td>`;
      });
      return `<tr><td class="text">${e(x.id)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<details><summary>${summary} (${d.examples.length} shown)</summary>\n<div class="scroll"><table>\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody>\n</table></div>\n</details>`;
}

export function compareHtml(params: { comparison: Comparison; charts: ComparisonCharts; disagreements: readonly Disagreements[] }): string {
  const { comparison: c, charts, disagreements } = params;
  const parts = [
    `<p class="note">${e(referenceNote(c))}</p>`,
    ...c.warnings.map((w) => `<div class="warning" role="alert"><strong>Warning:</strong> ${e(w)}</div>`),
  ];
  const runs = runsTable(c);
  parts.push(`<h2>${e(runs.title)}</h2>`, htmlTable(runs, c.referenceIndex));
  for (const t of suiteTables(c)) {
    parts.push(`<h2>${e(t.title)}</h2>`);
    if (t.warning) parts.push(`<div class="warning" role="alert"><strong>Not comparable:</strong> ${e(t.warning)}</div>`);
    parts.push(htmlTable(t, c.referenceIndex));
  }
  parts.push('<h2>Charts</h2>', `<figure>${charts.throughput}</figure>`, `<figure>${charts.memory}</figure>`);
  const known = disagreements.filter((d) => d.compared > 0);
  if (known.length) parts.push('<h2>Where the outputs differ</h2>', ...known.map((d) => disagreementSection(c, d)));
  return htmlPage('vlm-harness hardware comparison', parts);
}

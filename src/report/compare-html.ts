// comparison.html: one self-contained page (inline CSS and SVG, no scripts, no external URL; a
// Content-Security-Policy forbids loading anything) with the tables, the charts, the warnings and
// examples of samples whose outputs differ between rows. Every string from a run (model ids,
// labels, predictions) is escaped, so model output containing markup stays text.

import type { ComparisonCharts } from './compare-charts.ts';
import { referenceNote } from './compare-md.ts';
import type { Comparison, Disagreements } from './compare-model.ts';
import { runsTable, suiteTables, type StringTable } from './compare-table.ts';
import { escapeHtml as e } from './html-escape.ts';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d1d1f;margin:24px auto;max-width:1400px;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0 16px;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d6d6d6;padding:4px 8px;text-align:right;vertical-align:top;white-space:nowrap}
th{background:#f3f4f6}.text{text-align:left}
.scroll{overflow-x:auto}
tr.ref td{background:#eef5ff}
.warning{border-left:4px solid #d97706;background:#fff7e6;padding:8px 12px;margin:8px 0}
.note{color:#555}
figure{margin:12px 0}svg{max-width:100%;height:auto}
pre{white-space:pre-wrap;word-break:break-word;margin:0;font:12px/1.35 ui-monospace,"DejaVu Sans Mono",monospace;max-width:360px}
details{margin:6px 0}
`;

function table(t: StringTable, referenceIndex: number): string {
  const cls = (j: number) => (t.align[j] === 'left' ? ' class="text"' : '');
  const head = `<tr>${t.header.map((h, j) => `<th scope="col"${cls(j)}>${e(h)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map((r, i) => `<tr${i === referenceIndex ? ' class="ref"' : ''}>${r.map((c, j) => `<td${cls(j)}>${e(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="scroll"><table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

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
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>vlm-harness hardware comparison</title>',
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<h1>vlm-harness hardware comparison</h1>',
    `<p class="note">${e(referenceNote(c))}</p>`,
    ...c.warnings.map((w) => `<div class="warning" role="alert"><strong>Warning:</strong> ${e(w)}</div>`),
  ];
  const runs = runsTable(c);
  parts.push(`<h2>${e(runs.title)}</h2>`, table(runs, c.referenceIndex));
  for (const t of suiteTables(c)) {
    parts.push(`<h2>${e(t.title)}</h2>`);
    if (t.warning) parts.push(`<div class="warning" role="alert"><strong>Not comparable:</strong> ${e(t.warning)}</div>`);
    parts.push(table(t, c.referenceIndex));
  }
  parts.push('<h2>Charts</h2>', `<figure>${charts.throughput}</figure>`, `<figure>${charts.memory}</figure>`);
  const known = disagreements.filter((d) => d.compared > 0);
  if (known.length) parts.push('<h2>Where the outputs differ</h2>', ...known.map((d) => disagreementSection(c, d)));
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}

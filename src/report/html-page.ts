// The frame of the self-contained HTML reports (comparison.html, sweep.html, the sweep comparison):
// inline CSS and SVG, no scripts, no external URL, and a Content-Security-Policy that forbids loading
// anything. Callers escape every string they put in the body; htmlTable escapes its cells.

import type { StringTable } from './compare/compare-table.ts';
import { escapeHtml as e } from './html-escape.ts';

export const REPORT_CSS = `
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
.charts{display:flex;flex-wrap:wrap;gap:8px}.charts figure{flex:1 1 640px;max-width:700px}
pre{white-space:pre-wrap;word-break:break-word;margin:0;font:12px/1.35 ui-monospace,"DejaVu Sans Mono",monospace;max-width:360px}
details{margin:6px 0}
`;

/** A StringTable as an HTML table; the row at `highlight` is marked (-1: none). */
export function htmlTable(t: StringTable, highlight: number): string {
  const cls = (j: number) => (t.align[j] === 'left' ? ' class="text"' : '');
  const head = `<tr>${t.header.map((h, j) => `<th scope="col"${cls(j)}>${e(h)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map((r, i) => `<tr${i === highlight ? ' class="ref"' : ''}>${r.map((c, j) => `<td${cls(j)}>${e(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="scroll"><table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/** A whole document around `body` (already escaped HTML) with `title` as its title and heading. */
export function htmlPage(title: string, body: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${e(title)}</h1>`,
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

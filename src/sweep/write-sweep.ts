// Writes a sweep's files into its directory: sweep.json (validated against the schema), sweep.csv,
// sweep.md with its PNG charts, and the self-contained sweep.html. Returns the paths written.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { svgToPng } from '../report/compare/compare-charts.ts';
import { SWEEP_CHARTS, sweepChartsSvg } from './sweep-charts.ts';
import { sweepCsv } from './sweep-csv.ts';
import { sweepHtml } from './sweep-html.ts';
import { SWEEP_CHART_FILES, sweepMarkdown } from './sweep-md.ts';
import { sweepSchema, type Sweep } from './sweep-schema.ts';

export async function writeSweepReports(dir: string, sweep: Sweep): Promise<string[]> {
  const checked = sweepSchema.parse(sweep);
  const charts = sweepChartsSvg(checked);
  const files: Array<[string, string | Buffer]> = [
    ['sweep.json', `${JSON.stringify(checked, null, 2)}\n`],
    ['sweep.csv', sweepCsv(checked)],
    ['sweep.md', sweepMarkdown(checked)],
    ['sweep.html', sweepHtml(checked, charts)],
  ];
  for (const name of SWEEP_CHARTS) files.push([SWEEP_CHART_FILES[name], await svgToPng(charts[name])]);
  return files.map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  });
}

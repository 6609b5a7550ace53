// Writes a run's report files next to its samples.jsonl: results.json, summary.csv, report.md.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportMarkdown } from './report-md.ts';
import type { Results } from './schema.ts';
import { summaryCsv } from './summary-csv.ts';

export function writeReport(runDir: string, results: Results): void {
  writeFileSync(join(runDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(runDir, 'summary.csv'), summaryCsv(results));
  writeFileSync(join(runDir, 'report.md'), reportMarkdown(results));
}

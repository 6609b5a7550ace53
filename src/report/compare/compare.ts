// `npm run compare`: a hardware comparison over finished runs (e.g. the same model on MI210,
// MI250 and MI300X). Writes comparison.md (with PNG charts), comparison.csv and a self-contained
// comparison.html into `out`, and returns the terminal table and the warnings; prints nothing.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { journalKey } from '../../run/journal.ts';
import type { SampleResult } from '../../types.ts';
import { comparisonChartsSvg, svgToPng } from './compare-charts.ts';
import { compareCsv } from './compare-csv.ts';
import { compareHtml } from './compare-html.ts';
import { CHART_FILES, compareMarkdown, compareText } from './compare-md.ts';
import { buildComparison, findDisagreements } from './compare-model.ts';
import { loadRun, loadSamples } from '../load-run.ts';

export interface CompareParams {
  /** Run directories or results.json paths. */
  inputs: string[];
  /** Output directory (created). */
  out: string;
  /** The row ratios are taken against: a row label, hardware label, run id or GPU model (default: the first row). */
  reference?: string;
}

export interface CompareOutcome {
  files: string[];
  /** Plain-text tables for the terminal. */
  table: string;
  warnings: string[];
}

export async function compareRuns(params: CompareParams): Promise<CompareOutcome> {
  if (params.inputs.length === 0) throw new UserError('compare: give at least one run directory (or results.json).');
  // sweep directories compare as curves (src/sweep/compare-sweeps.ts)
  const { sweepJsonPath } = await import('../../sweep/load-sweep.ts');
  const sweeps = params.inputs.filter((i) => sweepJsonPath(i) !== null);
  if (sweeps.length) {
    if (sweeps.length !== params.inputs.length) {
      throw new UserError(`compare: give either run directories or sweep directories, not both (sweeps: ${sweeps.join(', ')}). A sweep's points are run directories too: compare those with other runs.`);
    }
    if (params.reference !== undefined) throw new UserError('compare: --reference applies to runs; sweeps are compared side by side.');
    const { compareSweeps } = await import('../../sweep/compare-sweeps.ts');
    return compareSweeps({ inputs: params.inputs, out: params.out });
  }
  const runs = params.inputs.map(loadRun);
  const comparison = buildComparison(runs, params.reference !== undefined ? { reference: params.reference } : {});
  const samples = comparison.rows.map((row) => {
    const merged = new Map<string, SampleResult>();
    let any = false;
    for (const run of row.runs) {
      const list = loadSamples(run);
      if (!list) continue;
      any = true;
      for (const s of list) if (!merged.has(journalKey(s.suite, s.id))) merged.set(journalKey(s.suite, s.id), s);
    }
    return any ? merged : null;
  });
  const disagreements = findDisagreements(comparison, samples);
  const charts = comparisonChartsSvg(comparison);

  mkdirSync(params.out, { recursive: true });
  const files: Array<[string, string | Buffer]> = [
    ['comparison.md', compareMarkdown(comparison, disagreements)],
    ['comparison.csv', compareCsv(comparison)],
    ['comparison.html', compareHtml({ comparison, charts, disagreements })],
    [CHART_FILES.throughput, await svgToPng(charts.throughput)],
    [CHART_FILES.memory, await svgToPng(charts.memory)],
  ];
  const written = files.map(([name, content]) => {
    const path = join(params.out, name);
    writeFileSync(path, content);
    return path;
  });
  return { files: written, table: compareText(comparison), warnings: comparison.warnings };
}

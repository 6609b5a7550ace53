// `vlm-harness meta-evals`: resolves the suite's data as `eval` would, maps Meta's rows onto its
// samples (map-meta-evals.ts) and writes the replay file. Returns what to print; prints nothing.

import { existsSync } from 'node:fs';
import { getSuite } from '../../suites/index.ts';
import { UserError } from '../errors.ts';
import { resolveDatasets } from '../run/eval/resolve-datasets.ts';
import { buildPlan } from '../run/plan.ts';
import { mapMetaEvals, readMetaRows, writePredictions } from './map-meta-evals.ts';

export interface MetaEvalsOptions {
  suite: string;
  input: string;
  out: string;
  data?: string;
  subject?: string;
  split?: string;
  lmmsOrg?: string;
  revision?: string;
  questionColumn?: string;
  predictionColumn?: string;
  idColumn?: string;
}

export async function metaEvalsCommand(o: MetaEvalsOptions, onInfo: (message: string) => void): Promise<{ lines: string[]; warnings: string[] }> {
  if (!existsSync(o.input)) throw new UserError(`--input ${o.input}: no such file.`);
  const plan = buildPlan({
    flags: {
      suite: o.suite,
      ...(o.data ? { data: o.data } : {}),
      ...(o.subject ? { subject: o.subject } : {}),
      ...(o.split ? { split: o.split } : {}),
      ...(o.lmmsOrg ? { lmmsOrg: o.lmmsOrg } : {}),
      ...(o.revision ? { revision: o.revision } : {}),
    },
    defaults: { backend: 'replay', data: 'hub' },
  });
  const suite = getSuite(o.suite);
  const datasets = await resolveDatasets(plan, suite.id, (e) => (e.type === 'info' ? onInfo(e.message) : undefined));
  const m = await mapMetaEvals({
    suite,
    datasets,
    rows: readMetaRows(o.input),
    file: o.input,
    columns: {
      ...(o.questionColumn ? { question: o.questionColumn } : {}),
      ...(o.predictionColumn ? { prediction: o.predictionColumn } : {}),
      ...(o.idColumn ? { id: o.idColumn } : {}),
    },
  });
  await writePredictions(o.out, m.predictions);
  const warnings = [
    ...m.examples.unmatched.map((q) => `  unmatched: ${q}`),
    ...m.examples.ambiguous.map((q) => `  ambiguous: ${q}`),
    ...(m.samplesWithout ? [`${m.samplesWithout} ${suite.id} sample(s) got no prediction; the replay marks them errored (input), not wrong.`] : []),
  ];
  const lines = [
    `${o.input}: ${m.rows} rows, ${m.predictions.length} mapped to ${suite.id} samples, ${m.ambiguous} ambiguous (question shared by several samples), ${m.unmatched} unmatched`,
    `wrote ${o.out}`,
  ];
  return { lines, warnings };
}

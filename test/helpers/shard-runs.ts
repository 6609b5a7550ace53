// Sharded runs for the merge tests: predictions for the replay backend over bundled samples (MMMU
// with unparseable answers that get the official random draws, and errored samples; COCO captions
// for CIDEr-D's corpus statistics; ChartQA, whose ids come from row positions), shards run as
// separate CLI processes with the scheduler's variables set, and readers for what they wrote.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { resultsSchema, type Results } from '../../src/report/schema.ts';
import { runCli, type CliResult } from './run-cli.ts';

export const SUITES = 'mmmu,coco-captions,chartqa';

/** MMMU answers: letters, letters in prose, unparseable text (random draw), a missing and a null (errored). */
const MMMU = ['The answer is (A).', 'I cannot tell from the picture.', 'B', 'no idea', '(C)', '42', 'D', 'hmm, hard to say', 'The answer is 7', 'A', 'unclear', 'B', '(D)', undefined, null];
const CAPTIONS = [
  'a dog sitting on a couch',
  'a red car parked on the street',
  'two people walking on a beach',
  'a cat sleeping on a bed',
  'a plate of food with vegetables',
  'a man riding a bike down the road',
  'a bowl of fruit on a table',
  'a train at the station',
  'a bird on a branch',
  'a group of people in a park',
  'a kitchen with a stove',
  'a clock on a tower',
];
const CHARTQA = ['12', 'Yes', '2019', 'No', '45', 'blue', '3.5', 'Yes', '17', '2', 'No', '100', 'red', '8', 'Yes', '60'];
const CHARTQA_IDS = ['human_test-0', 'augmented_test-1', 'augmented_test-2', 'human_test-3', 'human_test-4', 'augmented_test-5', 'augmented_test-6', 'human_test-7', 'human_test-8', 'augmented_test-9', 'augmented_test-10', 'human_test-11', 'human_test-12', 'augmented_test-13', 'augmented_test-14', 'human_test-15'];

/** Writes the replay predictions; returns the file. */
export function writePredictions(dir: string, name = 'preds.jsonl', mmmu = MMMU): string {
  const lines: string[] = [];
  mmmu.forEach((prediction, i) => {
    if (prediction !== undefined) lines.push(JSON.stringify({ id: `validation_Math_${i + 1}`, prediction }));
  });
  CAPTIONS.forEach((prediction, i) => lines.push(JSON.stringify({ id: `000000${900101 + i}.jpg`, prediction })));
  CHARTQA.forEach((prediction, i) => lines.push(JSON.stringify({ id: CHARTQA_IDS[i], prediction })));
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export function evalArgs(preds: string, out: string, extra: string[] = []): string[] {
  return ['eval', '--suite', SUITES, '--data', 'sample', '--backend', 'replay', '--predictions', preds, '--out', out, ...extra];
}

/** The variables a Slurm array task gets for `--array=<min>-<min+count-1>`. */
export function slurmEnv(task: number, count: number, min = 0): NodeJS.ProcessEnv {
  return { SLURM_ARRAY_TASK_ID: String(min + task), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_MAX: String(min + count - 1), SLURM_ARRAY_TASK_COUNT: String(count), SLURM_ARRAY_JOB_ID: '4242' };
}

/** Runs shards 0..count-1 at once, each `--shard auto` with its scheduler's variables; returns their directories. */
export async function runShards(p: { root: string; count: number; preds: string; env: (i: number) => NodeJS.ProcessEnv; extra?: string[]; prefix?: string }): Promise<string[]> {
  const dirs = Array.from({ length: p.count }, (_, i) => join(p.root, `${p.prefix ?? 'shard'}-${i}`));
  const runs: CliResult[] = await Promise.all(dirs.map((dir, i) => runCli(evalArgs(p.preds, dir, ['--shard', 'auto', ...(p.extra ?? [])]), { env: p.env(i) })));
  runs.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`shard ${i} exited ${r.code}: ${r.stderr}`);
  });
  return dirs;
}

export function readResults(dir: string): Results {
  return resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
}

/** samples.jsonl lines without the invocation stamp (which names the process that generated them). */
export function sampleLines(dir: string): Array<Record<string, unknown>> {
  return readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const { invocation: _i, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    });
}

/** A merged run equals a single run of the whole selection: every score, interval, count and per-sample line. */
export function expectSameRun(merged: { dir: string; results: Results }, single: { dir: string; results: Results }): void {
  expect(merged.results.completed).toBe(true);
  expect(merged.results.suites.map((s) => s.id)).toEqual(single.results.suites.map((s) => s.id));
  for (const [i, s] of single.results.suites.entries()) {
    const m = merged.results.suites[i];
    expect(m.metrics, s.id).toEqual(s.metrics); // exact: toEqual compares numbers with Object.is
    expect(m.counts, s.id).toEqual(s.counts);
    expect(m.dataset, s.id).toEqual(s.dataset);
    expect([m.primaryMetric, m.version, m.promptStyle]).toEqual([s.primaryMetric, s.version, s.promptStyle]);
  }
  expect(sampleLines(merged.dir)).toEqual(sampleLines(single.dir));
}

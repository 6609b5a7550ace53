// Reads a finished run back for `compare` and `gate`: results.json (validated with the report
// schema) and, when asked, samples.jsonl. A path that is not a run is the user's mistake, so it
// is a UserError naming the path and what is wrong with it.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { fromJournalLine, journalKey } from '../run/journal.ts';
import type { SampleResult } from '../types.ts';
import { resultsSchema, type Results } from './schema.ts';

export interface LoadedRun {
  /** The path as the user gave it. */
  input: string;
  /** The run directory (where samples.jsonl lives). */
  dir: string;
  resultsPath: string;
  results: Results;
}

/** Loads a run from its directory or its results.json path. */
export function loadRun(input: string): LoadedRun {
  let isDir: boolean;
  try {
    isDir = statSync(input).isDirectory();
  } catch {
    throw new UserError(`${input}: no such file or folder. Give a run directory (with results.json) or a results.json path.`);
  }
  const resultsPath = isDir ? join(input, 'results.json') : input;
  if (isDir && !existsSync(resultsPath)) {
    throw new UserError(`${input} is not a run directory: it has no results.json (\`vlm-harness eval\` writes results.json and samples.jsonl there).`);
  }
  const results = readJsonFile(resultsPath, resultsSchema, 'results.json');
  return { input, dir: isDir ? input : dirname(resultsPath), resultsPath, results };
}

/** A JSON file validated against `schema`; a UserError naming the file, the field and the problem otherwise. */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, name: string): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path}: not a ${name}: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `'${issue.path.join('.')}'` : '(top level)';
    throw new UserError(`${path}: not a valid vlm-harness ${name}: ${where}: ${issue.message}.`);
  }
  return parsed.data;
}

// Only the fields compare and gate read are checked; the rest of a line passes through.
const sampleLineSchema = z.looseObject({
  suite: z.string(),
  id: z.string(),
  state: z.enum(['scored', 'errored']),
  prediction: z.string().nullable(),
  score: z.number().nullable(),
});

/**
 * The run's samples.jsonl, later lines winning over earlier ones with the same suite and id (as
 * the journal does on resume). Null when the file is absent and not `required`.
 */
export function loadSamples(run: LoadedRun, opts: { required?: boolean } = {}): SampleResult[] | null {
  const path = join(run.dir, 'samples.jsonl');
  if (!existsSync(path)) {
    if (!opts.required) return null;
    throw new UserError(`${run.dir}: has no samples.jsonl; the per-sample results are needed here (${basename(run.resultsPath)} alone is not enough).`);
  }
  const byKey = new Map<string, SampleResult>();
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new UserError(`${path}:${i + 1}: not valid JSON (${(e as Error).message}).`);
    }
    const parsed = sampleLineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(`${path}:${i + 1}: not a sample result: field '${issue.path.join('.') || '(line)'}': ${issue.message}.`);
    }
    const line = parsed.data;
    if (line.state === 'scored' && (line.score === null || line.prediction === null)) {
      throw new UserError(`${path}:${i + 1}: a scored sample needs a numeric score and a prediction.`);
    }
    byKey.set(journalKey(line.suite, line.id), fromJournalLine(line) as unknown as SampleResult);
  }
  return [...byKey.values()];
}

/** Samples of one suite by id. */
export function samplesOf(samples: readonly SampleResult[], suite: string): Map<string, SampleResult> {
  return new Map(samples.filter((s) => s.suite === suite).map((s) => [s.id, s]));
}

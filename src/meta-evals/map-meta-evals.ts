// `vlm-harness meta-evals`: turns Meta's published per-sample outputs for Llama 3.2 Vision (the
// `llama-32-evals` collection on the Hub, e.g. meta-llama/Llama-3.2-11B-Vision-Instruct-evals, one
// `<model>-evals__<task>__details` config per benchmark, split `latest`) into the `{id, prediction}`
// JSONL that `--backend replay` reads, so Meta's own outputs go through this harness's extraction
// and scoring.
//
// The columns follow Meta's evals datasets (checked on the Llama 3.1/3.2/3.3 text evals, whose cards
// and loaders name them; the vision configs are assumed to share them): `input_question`,
// `output_prediction_text` (a one-element list), `output_parsed_answer`, `is_correct`,
// `subtask_name`. They carry no dataset row id, so a row is matched to a sample by its question
// text (whitespace collapsed, case ignored). A question that several samples share (ChartQA asks the
// same thing of many charts) cannot be placed and is left out and counted, never guessed; the
// samples left without a prediction are then errored (`input`) by the replay, not scored as wrong.

import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { streamSamples, type ResolvedDataset } from '../data/dataset.ts';
import { readParquetRows } from '../data/parquet-rows.ts';
import { UserError } from '../errors.ts';
import type { Sample, Suite } from '../types.ts';

export interface MetaColumns {
  /** Meta's question text, matched against each sample's question. */
  question: string;
  /** Meta's generated output: a string, or a list whose first item is the output. */
  prediction: string;
  /** A column holding this harness's sample id, when the file was mapped already (skips matching by question). */
  id?: string;
}

export const DEFAULT_META_COLUMNS: MetaColumns = { question: 'input_question', prediction: 'output_prediction_text' };

export interface MetaPrediction {
  id: string;
  prediction: string;
  /** Meta's own verdict and parsed answer, kept beside ours for a per-sample comparison. */
  meta_is_correct?: boolean;
  meta_parsed_answer?: string;
}

export interface MetaMapping {
  predictions: MetaPrediction[];
  rows: number;
  /** Meta rows whose question no sample has. */
  unmatched: number;
  /** Meta rows whose question several samples share. */
  ambiguous: number;
  /** Samples that got no prediction. */
  samplesWithout: number;
  examples: { unmatched: string[]; ambiguous: string[] };
}

export function normalizeQuestion(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Meta's files: parquet as the Hub stores them, or JSONL (`Dataset.to_json`). */
export async function* readMetaRows(file: string): AsyncGenerator<Record<string, unknown>> {
  if (file.endsWith('.parquet')) {
    yield* readParquetRows(file);
    return;
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new UserError(`${file}:${n}: not valid JSON. Give Meta's details as parquet, or as JSONL with one row per line.`);
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new UserError(`${file}:${n}: a row should be a JSON object.`);
      yield row as Record<string, unknown>;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`--input ${file}: no such file.`);
    throw e;
  }
}

function textField(row: Record<string, unknown>, column: string, where: string): string {
  const v = row[column];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  const found = v === undefined ? 'no such column' : `found ${v === null ? 'null' : Array.isArray(v) ? 'an empty or non-text list' : typeof v}`;
  throw new UserError(`${where}: column '${column}' should hold text (or a list whose first item is text), ${found}. Choose the column with --question-column / --prediction-column.`);
}

/** Maps Meta's rows onto the suite's samples (streamed from `datasets`) by question text, or by an id column. */
export async function mapMetaEvals(params: {
  suite: Pick<Suite, 'id' | 'toSample'>;
  datasets: readonly ResolvedDataset[];
  rows: AsyncIterable<Record<string, unknown>>;
  file: string;
  columns?: Partial<MetaColumns>;
}): Promise<MetaMapping> {
  const columns = { ...DEFAULT_META_COLUMNS, ...params.columns };
  const byQuestion = new Map<string, string[]>();
  const ids = new Set<string>();
  for await (const { sample } of streamSamples({ suite: params.suite, datasets: params.datasets })) {
    ids.add(sample.id);
    const key = normalizeQuestion((sample as Sample).question);
    byQuestion.set(key, [...(byQuestion.get(key) ?? []), sample.id]);
  }
  const predictions: MetaPrediction[] = [];
  const seen = new Set<string>();
  const out: MetaMapping = { predictions, rows: 0, unmatched: 0, ambiguous: 0, samplesWithout: 0, examples: { unmatched: [], ambiguous: [] } };
  for await (const row of params.rows) {
    out.rows++;
    const where = `${params.file} row ${out.rows - 1}`;
    const prediction = textField(row, columns.prediction, where);
    let id: string | undefined;
    if (columns.id) {
      id = String(row[columns.id] ?? '');
      if (!ids.has(id)) {
        out.unmatched++;
        if (out.examples.unmatched.length < 5) out.examples.unmatched.push(id);
        continue;
      }
    } else {
      const question = textField(row, columns.question, where);
      const hits = byQuestion.get(normalizeQuestion(question)) ?? [];
      if (hits.length !== 1) {
        const kind = hits.length ? 'ambiguous' : 'unmatched';
        out[kind]++;
        if (out.examples[kind].length < 5) out.examples[kind].push(question.slice(0, 120));
        continue;
      }
      id = hits[0];
    }
    if (seen.has(id)) throw new UserError(`${where}: a second prediction for sample '${id}'. Give one task's details at a time.`);
    seen.add(id);
    predictions.push({
      id,
      prediction,
      ...(typeof row.is_correct === 'boolean' ? { meta_is_correct: row.is_correct } : {}),
      ...(typeof row.output_parsed_answer === 'string' ? { meta_parsed_answer: row.output_parsed_answer } : {}),
    });
  }
  out.samplesWithout = ids.size - seen.size;
  return out;
}

export async function writePredictions(file: string, predictions: readonly MetaPrediction[]): Promise<void> {
  await writeFile(file, predictions.map((p) => `${JSON.stringify(p)}\n`).join(''));
}

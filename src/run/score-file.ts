// `npm run score`: re-scores a JSONL file of predictions with one metric, without a model.
// Input lines: {"id", "prediction", "references": string[]} plus, for mmmu, "options" and
// "question_type"; for mathvista, "question_type" (multi_choice | free_form), "answer_type",
// "precision" and "options", with the already extracted answer as "prediction" (what the official
// calculate_score.py reads); optional "group" (ChartQA split, MMMU subject), and for vqa/vqa-lmms
// "answer_type" (yes/no, number, other). A malformed line is a UserError naming the line number
// and the field: so are empty references, a multiple-choice item without options, and an id that
// appears twice (it would be counted twice).

import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import { getScorer } from '../scorers/registry.ts';
import type { MetricId, SampleScore, ScoreInput } from '../scorers/types.ts';
import { aggregateWithCi } from './stats.ts';

export interface ScoreFileResult {
  metric: MetricId;
  n: number;
  aggregate: Record<string, number>;
  /** 95% bootstrap intervals of the per-sample-mean aggregates (seeded, 1000 resamples). */
  ci95: Record<string, [number, number] | null>;
  samples: Array<Pick<SampleScore, 'id' | 'score' | 'extracted' | 'fallback' | 'scores'>>;
}

/** A field's problem, thrown while checking one line and reported with its line number. */
class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function stringField(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (typeof v !== 'string') throw new FieldError(field, `expected a string, got ${v === undefined ? 'nothing' : typeName(v)}`);
  return v;
}

function optionalString(o: Record<string, unknown>, field: string): string | undefined {
  return o[field] === undefined ? undefined : stringField(o, field);
}

function stringList(o: Record<string, unknown>, field: string): string[] {
  const v = o[field];
  if (!Array.isArray(v)) throw new FieldError(field, `expected a list of strings, got ${v === undefined ? 'nothing' : typeName(v)}`);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string') throw new FieldError(`${field}.${i}`, `expected a string, got ${typeName(v[i])}`);
  }
  return v as string[];
}

function oneOf<T extends string>(o: Record<string, unknown>, field: string, allowed: readonly T[]): T {
  const v = o[field];
  if (!allowed.includes(v as T)) {
    throw new FieldError(field, `expected ${allowed.map((q) => `'${q}'`).join(' or ')}, got ${JSON.stringify(v) ?? 'nothing'}`);
  }
  return v as T;
}

const QUESTION_TYPES = ['multiple-choice', 'open'] as const;
const MATHVISTA_QUESTION_TYPES = ['multi_choice', 'free_form'] as const;
const MATHVISTA_ANSWER_TYPES = ['text', 'integer', 'float', 'list'] as const;

/** MathVista's fields: its own question types, the answer's type and precision, one answer. */
function mathVistaFields(o: Record<string, unknown>, input: ScoreInput): void {
  const questionType = oneOf(o, 'question_type', MATHVISTA_QUESTION_TYPES);
  input.questionType = questionType === 'multi_choice' ? 'multiple-choice' : 'open';
  input.answerType = oneOf(o, 'answer_type', MATHVISTA_ANSWER_TYPES);
  const precision = o.precision;
  if (precision !== undefined) {
    if (precision !== null && typeof precision !== 'number') throw new FieldError('precision', `expected a number or null, got ${typeName(precision)}`);
    input.precision = precision;
  }
  if (questionType === 'multi_choice' && (input.options?.length ?? 0) === 0) throw new FieldError('options', 'a multi_choice line needs its options');
  if (questionType === 'free_form' && input.answerType === 'text') {
    throw new FieldError('answer_type', "a free_form line needs answer_type 'integer', 'float' or 'list'");
  }
  if (input.references.length !== 1) throw new FieldError('references', 'MathVista has exactly one answer per problem');
}

/**
 * One line's object as a ScoreInput. Written out by hand rather than with a schema library: a VQAv2
 * file has 214k lines, and this check is a small part of reading them.
 */
function toInput(json: unknown, metric: string): ScoreInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new FieldError('(line)', `expected a JSON object, got ${typeName(json)}`);
  }
  const o = json as Record<string, unknown>;
  const id = o.id;
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new FieldError('id', `expected a string or a number, got ${id === undefined ? 'nothing' : typeName(id)}`);
  }
  const input: ScoreInput = { id: String(id), prediction: stringField(o, 'prediction'), references: stringList(o, 'references') };
  // every metric needs the gold answers (the scorers would otherwise fail without a line number)
  if (input.references.length === 0) throw new FieldError('references', 'list at least one reference answer');
  const mmmu = metric === 'mmmu';
  if (mmmu || o.options !== undefined) input.options = stringList(o, 'options');
  if (metric === 'mathvista') {
    mathVistaFields(o, input);
  } else if (mmmu || o.question_type !== undefined) {
    input.questionType = oneOf(o, 'question_type', QUESTION_TYPES);
    if (input.questionType === 'multiple-choice' && (input.options?.length ?? 0) === 0) {
      throw new FieldError('options', 'a multiple-choice item needs its option texts (at least one)');
    }
  }
  // VQA's answer_type (yes/no, number, other) is the group its per-type accuracies are reported by.
  const vqa = metric === 'vqa' || metric === 'vqa-lmms';
  const group = optionalString(o, 'group') ?? (vqa ? optionalString(o, 'answer_type') : undefined);
  if (group) input.group = group;
  return input;
}

export function parseScoreLines(text: string, file: string, metric: string): ScoreInput[] {
  const inputs: ScoreInput[] = [];
  const firstLine = new Map<string, number>();
  let lineNo = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.trim() === '') continue;
    const where = `${file}:${lineNo}`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new UserError(`${where}: not valid JSON (${(e as Error).message}). Each line must be one JSON object.`);
    }
    let input: ScoreInput;
    try {
      input = toInput(json, metric);
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      throw new UserError(`${where}: field '${e.field}': ${e.message}.`);
    }
    const seen = firstLine.get(input.id);
    if (seen !== undefined) throw new UserError(`${where}: id '${input.id}' already appeared on line ${seen}; each sample must appear once.`);
    firstLine.set(input.id, lineNo);
    inputs.push(input);
  }
  return inputs;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** `input` is a file, or `-` for `stdin` (process.stdin unless given). */
export async function scoreFile(params: { metric: string; input: string; stdin?: NodeJS.ReadableStream }): Promise<ScoreFileResult> {
  const scorer = getScorer(params.metric);
  const fromStdin = params.input === '-';
  const label = fromStdin ? 'stdin' : params.input;
  let text: string;
  try {
    text = fromStdin ? await readAll(params.stdin ?? process.stdin) : await readFile(params.input, 'utf8');
  } catch (e) {
    throw new UserError(`Cannot read ${label}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  const inputs = parseScoreLines(text, label, scorer.id);
  if (inputs.length === 0) throw new UserError(`${label} holds no predictions.`);
  const set = scorer.scoreSet(inputs);
  const withCi = aggregateWithCi(scorer, set.aggregate, Float64Array.from(set.samples, (s) => s.score));
  const ci95 = scorer.perSampleMean ? { [scorer.primaryMetric]: withCi[scorer.primaryMetric]?.ci95 ?? null } : {};
  return {
    metric: scorer.id,
    n: inputs.length,
    aggregate: set.aggregate,
    ci95,
    samples: set.samples.map((s) => ({
      id: s.id,
      score: s.score,
      extracted: s.extracted,
      ...(s.fallback !== undefined ? { fallback: s.fallback } : {}),
      ...(s.scores ? { scores: s.scores } : {}),
    })),
  };
}

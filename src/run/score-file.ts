// `npm run score`: re-scores a JSONL file of predictions with one metric, without a model.
// Input lines: {"id", "prediction", "references": string[]} plus, for mmmu, "options" and
// "question_type"; for mathvista, "question_type" (multi_choice | free_form), "answer_type",
// "precision" and "options", with the already extracted answer as "prediction" (what the official
// calculate_score.py reads). A malformed line is a UserError naming the line number and the field.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { getScorer } from '../scorers/registry.ts';
import type { MetricId, SampleScore, ScoreInput } from '../scorers/types.ts';
import { aggregateWithCi } from './stats.ts';

const lineSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  prediction: z.string(),
  references: z.array(z.string()),
  options: z.array(z.string()).optional(),
  question_type: z.enum(['multiple-choice', 'open']).optional(),
  group: z.string().optional(),
});

const mmmuLineSchema = lineSchema.extend({
  options: z.array(z.string()),
  question_type: z.enum(['multiple-choice', 'open']),
});

const mathVistaLineSchema = lineSchema
  .extend({
    question_type: z.enum(['multi_choice', 'free_form']),
    answer_type: z.enum(['text', 'integer', 'float', 'list']),
    precision: z.number().nullable().optional(),
  })
  .refine((d) => d.question_type !== 'multi_choice' || (d.options?.length ?? 0) > 0, { message: 'a multi_choice line needs its options', path: ['options'] })
  .refine((d) => d.question_type !== 'free_form' || d.answer_type !== 'text', { message: "a free_form line needs answer_type 'integer', 'float' or 'list'", path: ['answer_type'] })
  .refine((d) => d.references.length === 1, { message: 'MathVista has exactly one answer per problem', path: ['references'] });

export interface ScoreFileResult {
  metric: MetricId;
  n: number;
  aggregate: Record<string, number>;
  /** 95% bootstrap intervals of the per-sample-mean aggregates (seeded, 1000 resamples). */
  ci95: Record<string, [number, number] | null>;
  samples: Array<Pick<SampleScore, 'id' | 'score' | 'extracted' | 'fallback' | 'scores'>>;
}

export function parseScoreLines(text: string, file: string, metric: string): ScoreInput[] {
  const schema = metric === 'mmmu' ? mmmuLineSchema : metric === 'mathvista' ? mathVistaLineSchema : lineSchema;
  const inputs: ScoreInput[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const where = `${file}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new UserError(`${where}: not valid JSON (${(e as Error).message}). Each line must be one JSON object.`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length ? issue.path.join('.') : '(line)';
      throw new UserError(`${where}: field '${field}': ${issue.message}.`);
    }
    const d = parsed.data as Omit<z.infer<typeof lineSchema>, 'question_type'> & {
      question_type?: 'multiple-choice' | 'open' | 'multi_choice' | 'free_form';
      answer_type?: ScoreInput['answerType'];
      precision?: number | null;
    };
    const questionType = d.question_type === 'multi_choice' ? 'multiple-choice' : d.question_type === 'free_form' ? 'open' : d.question_type;
    inputs.push({
      id: d.id,
      prediction: d.prediction,
      references: d.references,
      ...(d.options ? { options: d.options } : {}),
      ...(questionType ? { questionType } : {}),
      ...(d.answer_type ? { answerType: d.answer_type } : {}),
      ...(d.precision !== undefined ? { precision: d.precision } : {}),
      ...(d.group ? { group: d.group } : {}),
    });
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
  const withCi = aggregateWithCi(scorer, set);
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

// MathVista testmini from the official `AI4Math/MathVista` repo, prompted with the dataset's `query`
// column (hint, question, unit and choices, as the official build_query.py wrote it; lmms-eval's
// default) and scored as the official evaluation/calculate_score.py (src/scorers/mathvista/mathvista.ts).
//
// The official pipeline reads each response with an LLM (evaluation/extract_answer.py). With
// `--judge-base-url` the harness does the same (`judging`: the official rules first, then the judge,
// quick_extract off as in the official default): the headline metric is `accuracy`. Without a judge
// only the rules run, with quick_extract on, and a response that no rule reads is normalised whole:
// the metric is then `accuracy_rule_extract`, which is not comparable with official numbers.
//
// The `llama-3.2` style (both sizes: Meta's 90B text is the same) is Meta's model-card setting
// (meta-llama/llama-models models/llama3_2/eval_details.md): `<|image|>{question}`, 2,048 new
// tokens, answers read by an LLM as the MathVista paper recommends (the judge path above). Meta does
// not say what fills `{question}`; here it is the `query` column, because the bare `question` column
// has no choices, so a multi_choice problem could not be answered from it (VLMEvalKit's Llama preset
// sends its own MathVista `question` field, which its judge prompt treats as hint, question and
// choices). Not verified against Meta's published per-sample prompts (the `llama-32-evals` datasets).

import { RowError, num, optStr, str, strList, image } from '../src/data/row-fields.ts';
import {
  extractionFromReply,
  extractionPrompt,
  ruleExtraction,
  type MathVistaAnswerType,
  type MathVistaProblem,
  type MathVistaQuestionType,
} from '../src/scorers/mathvista/mathvista-extract.ts';
import { createMathVistaScorer } from '../src/scorers/mathvista/mathvista.ts';
import { pyStrip } from '../src/scorers/python.ts';
import type { Extraction, Sample, Suite } from '../src/types.ts';
import { META_MAX_TOKENS, META_PROMPTS, metaPrompt } from './llama-3.2-prompts.ts';
import { imagesThenText } from './prompts.ts';

const QUESTION_TYPES: readonly MathVistaQuestionType[] = ['multi_choice', 'free_form'];
const ANSWER_TYPES: readonly MathVistaAnswerType[] = ['text', 'integer', 'float', 'list'];

/** The official GPT_Model's default `max_tokens` for extraction (models/gpt.py). */
const JUDGE_MAX_TOKENS = 1024;

function oneOf<T extends string>(row: Record<string, unknown>, column: string, allowed: readonly T[]): T {
  const v = str(row, column);
  if (!(allowed as readonly string[]).includes(v)) throw new RowError(`column '${column}' should be one of ${allowed.join(', ')}, found '${v}'`);
  return v as T;
}

function metadata(row: Record<string, unknown>): Record<string, unknown> {
  const m = row.metadata;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new RowError("column 'metadata' should be a struct {task, skills, …}");
  return m as Record<string, unknown>;
}

function problemOf(s: Sample): MathVistaProblem {
  return {
    questionType: s.meta.question_type as MathVistaQuestionType,
    answerType: s.meta.answer_type as MathVistaAnswerType,
    choices: s.choices ?? null,
    query: String(s.meta.query),
  };
}

/** Without a judge: the response stripped (as lmms-eval does), the official rules with quick_extract, else the whole response. */
function ruleExtract(text: string, s: Sample): Extraction {
  const response = pyStrip(text);
  return { answer: ruleExtraction(response, problemOf(s), { quickExtract: true }) ?? response };
}

export const mathvista: Suite = {
  id: 'mathvista',
  title: 'MathVista (testmini)',
  datasets: (o) => [
    { repo: 'AI4Math/MathVista', config: 'default', split: o.split ?? 'testmini', dataFiles: [`data/${o.split ?? 'testmini'}-*`] },
  ],
  toSample: (row) => {
    const questionType = oneOf(row, 'question_type', QUESTION_TYPES);
    const answerType = oneOf(row, 'answer_type', ANSWER_TYPES);
    const choices = row.choices === null || row.choices === undefined ? null : strList(row, 'choices');
    if (questionType === 'multi_choice' && !choices?.length) throw new RowError("a multi_choice row needs a non-empty 'choices' list");
    if (questionType === 'free_form' && answerType === 'text') throw new RowError("a free_form row needs answer_type integer, float or list, found 'text'");
    const precision = row.precision === null || row.precision === undefined ? null : num(row, 'precision');
    if (answerType === 'float' && (precision === null || !Number.isFinite(precision))) throw new RowError("a float answer needs column 'precision'");
    const meta = metadata(row);
    return {
      id: str(row, 'pid'),
      images: [image(row, 'decoded_image')],
      question: str(row, 'question'),
      references: [str(row, 'answer')],
      ...(choices ? { choices } : {}),
      meta: {
        query: str(row, 'query'),
        question_type: questionType,
        answer_type: answerType,
        precision,
        unit: optStr(row, 'unit'),
        task: str(meta, 'task'),
        // a list in the data; kept as JSON text because sample metadata holds scalars
        skills: JSON.stringify(strList(meta, 'skills')),
        language: optStr(meta, 'language'),
      },
    };
  },
  scorer: createMathVistaScorer('accuracy_rule_extract'),
  primaryMetric: 'accuracy_rule_extract',
  scoreInput: (s, extracted) => ({
    id: s.id,
    prediction: extracted,
    references: s.references,
    ...(s.choices ? { options: s.choices } : {}),
    questionType: s.meta.question_type === 'multi_choice' ? 'multiple-choice' : 'open',
    answerType: s.meta.answer_type as MathVistaAnswerType,
    precision: typeof s.meta.precision === 'number' ? s.meta.precision : null,
    groups: {
      task: [String(s.meta.task)],
      skills: JSON.parse(String(s.meta.skills)) as string[],
      question_type: [String(s.meta.question_type)],
      answer_type: [String(s.meta.answer_type)],
    },
  }),
  styles: {
    'lmms-eval': {
      version: 1,
      prompt: (s) => imagesThenText(s.images.length, String(s.meta.query)),
      generation: { maxTokens: 1024 },
      extract: ruleExtract,
    },
    'llama-3.2': {
      version: 1,
      prompt: (s) => metaPrompt(META_PROMPTS.mathvista, s.images.length, { question: String(s.meta.query) }),
      generation: { maxTokens: META_MAX_TOKENS.mathvista },
      extract: ruleExtract,
    },
  },
  judging: {
    primaryMetric: 'accuracy',
    scorer: createMathVistaScorer('accuracy'),
    plan: (text, s) => {
      const response = pyStrip(text);
      const p = problemOf(s);
      const extraction = ruleExtraction(response, p, { quickExtract: false });
      return extraction !== null ? { extraction } : { request: { prompt: extractionPrompt(p.query, response), maxTokens: JUDGE_MAX_TOKENS } };
    },
    read: (reply) => extractionFromReply(reply),
  },
};

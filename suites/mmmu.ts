// MMMU from the official `MMMU/MMMU` repo (one config per subject), prompted as lmms-eval's
// `mmmu_val` (lmms-eval tasks/mmmu/utils.py, 75571cf) and scored with the official MMMU
// eval_utils.py parsing (src/scorers/mmmu/mmmu.ts). The output is not stripped: the official runner
// parses the raw response. `--subject all` runs the 30 validation subjects (900 questions, the
// model card's set); the scorer then reports each subject and MMMU's six disciplines as well.
//
// The `llama-3.2` style is Meta's chain-of-thought prompt with 2,048 tokens. Meta scores "over the
// possible options"; here the official parser reads the whole response, and when the reasoning
// mentions several options it takes the LAST one mentioned (`parse_multi_choice_response`'s
// argmax of positions), which is the answer the prompt asks for "at the end".

import { imageOrNull, RowError, str } from '../src/data/row-fields.ts';
import { closest, UserError } from '../src/errors.ts';
import { mmmuScorer } from '../src/scorers/mmmu/mmmu.ts';
import { parseListOrString, parsePythonStringList } from '../src/scorers/mmmu/python-literal.ts';
import type { ImageRef, Sample, Suite } from '../src/types.ts';
import { META_MAX_TOKENS, META_PROMPTS, metaPrompt } from './llama-3.2-prompts.ts';
import { imagesThenText, letteredOptions, rawOutput, SHORT_ANSWER } from './prompts.ts';

export const MMMU_SUBJECTS = [
  'Accounting', 'Agriculture', 'Architecture_and_Engineering', 'Art', 'Art_Theory', 'Basic_Medical_Science',
  'Biology', 'Chemistry', 'Clinical_Medicine', 'Computer_Science', 'Design', 'Diagnostics_and_Laboratory_Medicine',
  'Economics', 'Electronics', 'Energy_and_Power', 'Finance', 'Geography', 'History', 'Literature', 'Manage',
  'Marketing', 'Materials', 'Math', 'Mechanical_Engineering', 'Music', 'Pharmacy', 'Physics', 'Psychology',
  'Public_Health', 'Sociology',
] as const;

/**
 * `--subject` names (any case; `all` is every subject), in MMMU's own subject order, without
 * repeats. Math when none is given.
 */
export function mmmuSubjects(requested: readonly string[] | undefined): string[] {
  if (!requested?.length) return ['Math'];
  const out = new Set<string>();
  for (const name of requested) {
    if (name.toLowerCase() === 'all') {
      MMMU_SUBJECTS.forEach((s) => out.add(s));
      continue;
    }
    const subject = MMMU_SUBJECTS.find((s) => s.toLowerCase() === name.toLowerCase());
    if (!subject) {
      const hint = closest(name, MMMU_SUBJECTS);
      throw new UserError(`Unknown MMMU subject '${name}'.${hint ? ` Did you mean '${hint}'?` : ''} Use 'all' or any of: ${MMMU_SUBJECTS.join(', ')}.`);
    }
    out.add(subject);
  }
  return MMMU_SUBJECTS.filter((s) => out.has(s));
}

// Meta's text leaves `{options}` undefined for open questions (no options); they get the prompt
// without the ` Options: {options}` part rather than an empty list.
const META_OPEN = META_PROMPTS.mmmu.replace(' Options: {options}', '');

function metaMmmuPrompt(s: Sample) {
  return s.meta.question_type === 'multiple-choice'
    ? metaPrompt(META_PROMPTS.mmmu, s.images.length, { question: s.question, options: letteredOptions(s.choices ?? []) })
    : metaPrompt(META_OPEN, s.images.length, { question: s.question });
}

/** `<image N>` references in the question and options, deduplicated and sorted (lmms-eval). */
export function referencedImages(text: string): number[] {
  const found = new Set<number>();
  for (const m of text.matchAll(/<image (\d+)>/g)) found.add(Number(m[1]));
  return [...found].sort((a, b) => a - b);
}

function options(row: Record<string, unknown>): string[] {
  try {
    return parsePythonStringList(str(row, 'options'));
  } catch (e) {
    throw new RowError(`column 'options' is not a Python list literal: ${(e as Error).message}`);
  }
}

export const mmmu: Suite = {
  id: 'mmmu',
  title: 'MMMU (validation)',
  datasets: (o) =>
    mmmuSubjects(o.subjects).map((subject) => ({
      repo: 'MMMU/MMMU',
      config: subject,
      split: o.split ?? 'validation',
      dataFiles: [`${subject}/${o.split ?? 'validation'}-*`],
    })),
  toSample: (row, dataset) => {
    const choices = options(row);
    const question = str(row, 'question');
    const images: ImageRef[] = [];
    for (const n of referencedImages([question, ...choices].join('\n'))) {
      const img = imageOrNull(row, `image_${n}`);
      if (!img) throw new RowError(`the question refers to <image ${n}> but column 'image_${n}' is empty`);
      images.push(img);
    }
    const answer = parseListOrString(str(row, 'answer'));
    const questionType = str(row, 'question_type');
    if (questionType !== 'multiple-choice' && questionType !== 'open') {
      throw new RowError(`column 'question_type' should be 'multiple-choice' or 'open', found '${questionType}'`);
    }
    return {
      id: str(row, 'id'),
      images,
      question,
      references: Array.isArray(answer) ? answer : [answer],
      choices,
      meta: { subject: dataset.config, question_type: questionType, subfield: row.subfield == null ? null : str(row, 'subfield') },
    };
  },
  scorer: mmmuScorer,
  primaryMetric: 'accuracy',
  scoreInput: (s, extracted) => ({
    id: s.id,
    prediction: extracted,
    references: s.references,
    options: s.choices ?? [],
    questionType: s.meta.question_type === 'open' ? 'open' : 'multiple-choice',
    group: String(s.meta.subject),
  }),
  styles: {
    'lmms-eval': {
      version: 1,
      prompt: (s) =>
        imagesThenText(
          s.images.length,
          s.meta.question_type === 'multiple-choice'
            ? `${s.question}\n${letteredOptions(s.choices ?? [])}\n\nAnswer with the option's letter from the given choices directly.`
            : `${s.question}\n${SHORT_ANSWER}`,
        ),
      generation: { maxTokens: 128 },
      extract: rawOutput,
    },
    'llama-3.2': {
      version: 1,
      prompt: metaMmmuPrompt,
      generation: { maxTokens: META_MAX_TOKENS.mmmu },
      extract: rawOutput,
    },
  },
};

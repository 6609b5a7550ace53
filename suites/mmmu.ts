// MMMU from the official `MMMU/MMMU` repo (one config per subject), prompted as lmms-eval's
// `mmmu_val` (lmms-eval tasks/mmmu/utils.py, 75571cf) and scored with the official MMMU
// eval_utils.py parsing (src/scorers/mmmu.ts). The output is not stripped: the official runner
// parses the raw response.

import { imageOrNull, RowError, str } from '../src/data/row-fields.ts';
import { mmmuScorer } from '../src/scorers/mmmu.ts';
import { parseListOrString, parsePythonStringList } from '../src/scorers/python-literal.ts';
import type { ImageRef, Suite } from '../src/types.ts';
import { imagesThenText, SHORT_ANSWER } from './prompts.ts';

export const MMMU_SUBJECTS = [
  'Accounting', 'Agriculture', 'Architecture_and_Engineering', 'Art', 'Art_Theory', 'Basic_Medical_Science',
  'Biology', 'Chemistry', 'Clinical_Medicine', 'Computer_Science', 'Design', 'Diagnostics_and_Laboratory_Medicine',
  'Economics', 'Electronics', 'Energy_and_Power', 'Finance', 'Geography', 'History', 'Literature', 'Manage',
  'Marketing', 'Materials', 'Math', 'Mechanical_Engineering', 'Music', 'Pharmacy', 'Physics', 'Psychology',
  'Public_Health', 'Sociology',
] as const;

const LETTERS = 'ABCDEFGHI';

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
  version: 1,
  datasets: (o) =>
    (o.subjects?.length ? o.subjects : ['Math']).map((subject) => ({
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
  prompt: (s) => {
    const choices = s.choices ?? [];
    const text =
      s.meta.question_type === 'multiple-choice'
        ? `${s.question}\n${choices.map((c, i) => `${LETTERS[i]}. ${c}`).join('\n')}\n\nAnswer with the option's letter from the given choices directly.`
        : `${s.question}\n${SHORT_ANSWER}`;
    return imagesThenText(s.images.length, text);
  },
  generation: { maxTokens: 128 },
  extract: (text) => text,
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
};

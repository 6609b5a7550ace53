// VQAv2 validation as lmms-eval's `vqav2_val` (lmms-eval tasks/vqav2, 75571cf), scored with the
// official GT-Vision-Lab vqaEval.py accuracy (src/scorers/vqa/vqa-accuracy.ts). The `llama-3.2` style is
// Meta's model-card prompt; Meta reports test-dev, whose answers are not public, so it runs on
// validation here too.

import { image, num, str } from '../src/data/row-fields.ts';
import { RowError } from '../src/data/row-fields.ts';
import { vqaScorer } from '../src/scorers/vqa/vqa-accuracy.ts';
import type { Suite } from '../src/types.ts';
import { META_MAX_TOKENS, META_PROMPTS, metaPrompt } from './llama-3.2-prompts.ts';
import { imagesThenText, SHORT_ANSWER, stripOutput } from './prompts.ts';

function answersInIdOrder(v: unknown): string[] {
  if (!Array.isArray(v)) throw new RowError(`column 'answers' should be a list of {answer, answer_id}, found ${typeof v}`);
  const items = v.map((a: unknown, i) => {
    const o = a as { answer?: unknown; answer_id?: unknown };
    if (typeof o?.answer !== 'string') throw new RowError(`column 'answers' item ${i} has no string 'answer'`);
    return { answer: o.answer, id: Number(o.answer_id ?? i) };
  });
  // The official evaluator's leave-one-out removes answers by answer_id; keep that order.
  return items.sort((a, b) => a.id - b.id).map((a) => a.answer);
}

export const vqav2: Suite = {
  id: 'vqav2',
  title: 'VQAv2 (validation)',
  datasets: (o) => [
    { repo: `${o.lmmsOrg}/VQAv2`, config: 'default', split: o.split ?? 'validation', dataFiles: [`data/${o.split ?? 'validation'}-*`] },
  ],
  toSample: (row) => ({
    id: str(row, 'question_id'),
    images: [image(row, 'image')],
    question: str(row, 'question'),
    references: answersInIdOrder(row.answers),
    meta: { question_type: str(row, 'question_type'), answer_type: str(row, 'answer_type'), image_id: num(row, 'image_id') },
  }),
  // VQAv2 asks about 5 questions per image: one conversation each (--conversation)
  conversationBy: 'image_id',
  scorer: vqaScorer,
  primaryMetric: 'accuracy',
  // answer_type (yes/no, number, other) groups the per-answer-type accuracies vqaEval.py reports
  scoreInput: (s, extracted) => ({ id: s.id, prediction: extracted, references: s.references, group: String(s.meta.answer_type) }),
  styles: {
    'lmms-eval': {
      version: 1,
      prompt: (s) => imagesThenText(s.images.length, `${s.question}${SHORT_ANSWER}`),
      generation: { maxTokens: 16 },
      extract: stripOutput,
    },
    'llama-3.2': {
      version: 1,
      prompt: (s) => metaPrompt(META_PROMPTS.vqav2, s.images.length, { question: s.question }),
      generation: { maxTokens: META_MAX_TOKENS.vqav2 },
      extract: stripOutput,
    },
  },
};

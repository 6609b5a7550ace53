// DocVQA validation as lmms-eval's `docvqa_val` (lmms-eval tasks/docvqa, 75571cf), scored with the
// RRC official ANLS on the stripped output (src/scorers/anls.ts). The `llama-3.2` style is Meta's
// model-card prompt; Meta reports test, whose answers are not public, so it runs on validation here.

import { image, num, str, strList } from '../src/data/row-fields.ts';
import { anlsScorer } from '../src/scorers/anls.ts';
import type { Suite } from '../src/types.ts';
import { META_MAX_TOKENS, META_PROMPTS, metaPrompt } from './llama-3.2-prompts.ts';
import { imagesThenText, SHORT_ANSWER, stripOutput } from './prompts.ts';

export const docvqa: Suite = {
  id: 'docvqa',
  title: 'DocVQA (validation)',
  datasets: (o) => [
    { repo: `${o.lmmsOrg}/DocVQA`, config: 'DocVQA', split: o.split ?? 'validation', dataFiles: [`DocVQA/${o.split ?? 'validation'}-*`] },
  ],
  toSample: (row) => ({
    id: str(row, 'questionId'),
    images: [image(row, 'image')],
    question: str(row, 'question'),
    references: strList(row, 'answers'),
    meta: { docId: num(row, 'docId'), question_types: strList(row, 'question_types').join(',') },
  }),
  // DocVQA val asks about 4 questions per page (5,349 on 1,286 documents): one conversation each (--conversation)
  conversationBy: 'docId',
  scorer: anlsScorer,
  primaryMetric: 'anls',
  scoreInput: (s, extracted) => ({ id: s.id, prediction: extracted, references: s.references }),
  styles: {
    'lmms-eval': {
      version: 1,
      prompt: (s) => imagesThenText(s.images.length, `${s.question}${SHORT_ANSWER}`),
      generation: { maxTokens: 32 },
      extract: stripOutput,
    },
    'llama-3.2': {
      version: 1,
      prompt: (s) => metaPrompt(META_PROMPTS.docvqa, s.images.length, { question: s.question }),
      generation: { maxTokens: META_MAX_TOKENS.docvqa },
      extract: stripOutput,
    },
  },
};

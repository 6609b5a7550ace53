// ChartQA test as lmms-eval's `chartqa` (lmms-eval tasks/chartqa, 75571cf): relaxed accuracy on
// the stripped output, reported overall and for the human and augmented halves. The `llama-3.2`
// styles are Meta's chain-of-thought prompts (11B, and the 90B six-step text), read with the
// `FINAL ANSWER:` rule (src/prompt-style/final-answer.ts) and scored with the same relaxed accuracy.

import { image, str } from '../src/data/row-fields.ts';
import { finalAnswer } from '../src/prompt-style/final-answer.ts';
import { relaxedAccuracyScorer } from '../src/scorers/relaxed-accuracy.ts';
import type { Suite } from '../src/types.ts';
import { META_MAX_TOKENS, META_PROMPTS, metaPrompt } from './llama-3.2-prompts.ts';
import { imagesThenText, stripOutput } from './prompts.ts';

export const chartqa: Suite = {
  id: 'chartqa',
  title: 'ChartQA (test)',
  datasets: (o) => [
    { repo: `${o.lmmsOrg}/ChartQA`, config: 'default', split: o.split ?? 'test', dataFiles: [`data/${o.split ?? 'test'}-*`] },
  ],
  // ChartQA rows have no id column; lmms-eval identifies them by position in the pinned file.
  toSample: (row, _dataset, index) => ({
    id: `${str(row, 'type')}-${index}`,
    images: [image(row, 'image')],
    question: str(row, 'question'),
    references: [str(row, 'answer')],
    meta: { type: str(row, 'type') },
  }),
  scorer: relaxedAccuracyScorer,
  primaryMetric: 'relaxed_accuracy',
  scoreInput: (s, extracted) => ({ id: s.id, prediction: extracted, references: s.references, group: String(s.meta.type) }),
  styles: {
    'lmms-eval': {
      version: 1,
      prompt: (s) => imagesThenText(s.images.length, `${s.question}\nAnswer the question with a single word.`),
      generation: { maxTokens: 16 },
      extract: stripOutput,
    },
    'llama-3.2': {
      version: 1,
      prompt: (s) => metaPrompt(META_PROMPTS.chartqa11b, s.images.length, { question: s.question }),
      generation: { maxTokens: META_MAX_TOKENS.chartqa },
      extract: finalAnswer,
    },
    'llama-3.2-90b': {
      version: 1,
      prompt: (s) => metaPrompt(META_PROMPTS.chartqa90b, s.images.length, { question: s.question }),
      generation: { maxTokens: META_MAX_TOKENS.chartqa },
      extract: finalAnswer,
    },
  },
};

// ChartQA test as lmms-eval's `chartqa` (lmms-eval tasks/chartqa, 75571cf): relaxed accuracy on
// the stripped output, reported overall and for the human and augmented halves.

import { image, str } from '../src/data/row-fields.ts';
import { relaxedAccuracyScorer } from '../src/scorers/relaxed-accuracy.ts';
import type { Suite } from '../src/types.ts';
import { imagesThenText, stripOutput } from './prompts.ts';

export const chartqa: Suite = {
  id: 'chartqa',
  title: 'ChartQA (test)',
  version: 1,
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
  prompt: (s) => imagesThenText(s.images.length, `${s.question}\nAnswer the question with a single word.`),
  generation: { maxTokens: 16 },
  extract: stripOutput,
  scorer: relaxedAccuracyScorer,
  primaryMetric: 'relaxed_accuracy',
  scoreInput: (s, extracted) => ({ id: s.id, prediction: extracted, references: s.references, group: String(s.meta.type) }),
};

// COCO captions (val2017) as lmms-eval's `coco2017_cap_val` (lmms-eval tasks/coco_cap, 75571cf),
// scored with pycocoevalcap's BLEU, ROUGE-L and CIDEr-D over the evaluated corpus. The Llama 3.2
// model card has no captioning benchmark, so there is only the lmms-eval style.

import { image, num, str, strList } from '../src/data/row-fields.ts';
import { cocoScorer } from '../src/scorers/caption/coco.ts';
import type { Suite } from '../src/types.ts';
import { imagesThenText, stripOutput } from './prompts.ts';

export const cocoCaptions: Suite = {
  id: 'coco-captions',
  title: 'COCO captions (val2017)',
  datasets: (o) => [
    { repo: `${o.lmmsOrg}/COCO-Caption2017`, config: 'default', split: o.split ?? 'val', dataFiles: [`data/${o.split ?? 'val'}-*`] },
  ],
  toSample: (row) => ({
    id: str(row, 'question_id'),
    images: [image(row, 'image')],
    question: 'Provide a one-sentence caption for the provided image.',
    references: strList(row, 'answer'),
    meta: { image_id: num(row, 'id') },
  }),
  scorer: cocoScorer,
  primaryMetric: 'CIDEr',
  scoreInput: (s, extracted) => ({ id: s.id, prediction: extracted, references: s.references }),
  styles: {
    'lmms-eval': {
      version: 1,
      // lmms-eval ignores the dataset's `question` column and always asks for one sentence.
      prompt: (s) => imagesThenText(s.images.length, s.question),
      generation: { maxTokens: 64 },
      extract: stripOutput,
    },
  },
};

// Last-bit conformance of the caption metrics on corpora scored by pycocoevalcap itself
// (test/fixtures/reference/coco-lastbit.json, scripts/reference/gen-coco-lastbit.py): many short
// captions, where BLEU's pow/exp and CIDEr-D's logs and length penalties decide the last bits.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COCO_METRICS, scoreTokenizedCorpus, type CocoScores } from '../../../src/scorers/caption/coco.ts';

interface Subset {
  images: Array<{ image_id: number; candidate: string; references: string[] }>;
  per_image: Array<CocoScores & { image_id: number }>;
  corpus: CocoScores;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/reference/coco-lastbit.json', import.meta.url), 'utf8')) as {
  subsets: Record<string, Subset>;
};

describe('coco-lastbit.json: every per-image and corpus value equals pycocoevalcap bit for bit', () => {
  it.each(Object.entries(fixture.subsets))('%s', (_, subset) => {
    const result = scoreTokenizedCorpus(
      subset.images.map((im) => ({ id: String(im.image_id), candidate: im.candidate, references: im.references })),
    );
    const wrong: string[] = [];
    subset.per_image.forEach((expected, i) => {
      for (const metric of COCO_METRICS) {
        const actual = result.images[i].scores[metric];
        if (actual !== expected[metric]) wrong.push(`image ${expected.image_id} ${metric}: ${actual} != ${expected[metric]}`);
      }
    });
    for (const metric of COCO_METRICS) {
      if (result.scores[metric] !== subset.corpus[metric]) wrong.push(`corpus ${metric}: ${result.scores[metric]} != ${subset.corpus[metric]}`);
    }
    expect(wrong).toEqual([]);
  });
});

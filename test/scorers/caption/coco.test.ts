import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bleuFromStats } from '../../../src/scorers/caption/bleu.ts';
import {
  COCO_METRICS,
  cocoScorer,
  scoreTokenizedCorpus,
  tokenizeCocoInputs,
  type TokenizedImage,
} from '../../../src/scorers/caption/coco.ts';
import { npMean } from '../../../src/scorers/caption/np-mean.ts';
import { rougeL } from '../../../src/scorers/caption/rouge.ts';
import type { ScoreInput } from '../../../src/scorers/types.ts';

type Metrics = Record<(typeof COCO_METRICS)[number], number>;
interface Subset {
  images: { image_id: number; candidate: string; references: string[] }[];
  per_image: (Metrics & {
    image_id: number;
    bleu_debug: { testlen: number; closest_reflen: number; guess: number[]; correct: number[] };
  })[];
  corpus: Metrics & { bleu_debug: { testlen: number; reflen: number; guess: number[]; correct: number[] } };
}

const conformance = JSON.parse(
  readFileSync(new URL('../../fixtures/conformance/coco.json', import.meta.url), 'utf8'),
) as { subsets: Record<string, Subset> };

/**
 * Conformance floats. The spec allows a relative 1e-12 (§8), but with glibc's pow/exp and numpy's log
 * reproduced (src/libm) every value is the reference's double, bit for bit.
 */
function expectClose(actual: number, expected: number): void {
  expect(actual).toBe(expected);
}

function images(subset: Subset): TokenizedImage[] {
  return subset.images.map((im) => ({ id: String(im.image_id), candidate: im.candidate, references: im.references }));
}

describe('coco.json conformance (pycocoevalcap Bleu(4), Rouge, Cider; each subset its own corpus)', () => {
  const subsets = Object.entries(conformance.subsets);

  it('has the three subsets', () => {
    expect(subsets.map(([name]) => name).sort()).toEqual(['first_10_images', 'first_2_images', 'single_image']);
  });

  const rows = subsets.flatMap(([name, subset]) =>
    subset.per_image.map((expected, index) => [`${name} image ${expected.image_id}`, name, index] as const),
  );
  it.each(rows)('%s', (_, name, index) => {
    const subset = conformance.subsets[name];
    const expected = subset.per_image[index];
    const actual = scoreTokenizedCorpus(images(subset)).images[index];
    expect(actual.id).toBe(String(expected.image_id));
    for (const metric of COCO_METRICS) expectClose(actual.scores[metric], expected[metric]);
    expect(actual.bleu).toEqual({
      testlen: expected.bleu_debug.testlen,
      reflen: expected.bleu_debug.closest_reflen,
      guess: expected.bleu_debug.guess,
      correct: expected.bleu_debug.correct,
    });
  });

  it.each(subsets.map(([name]) => name))('%s corpus', (name) => {
    const subset = conformance.subsets[name];
    const actual = scoreTokenizedCorpus(images(subset));
    for (const metric of COCO_METRICS) expectClose(actual.scores[metric], subset.corpus[metric]);
    expect(actual.bleu).toEqual(subset.corpus.bleu_debug);
  });

  it('scores image 1 differently in different corpora (CIDEr document frequencies)', () => {
    const cider = (name: string) => scoreTokenizedCorpus(images(conformance.subsets[name])).images[0].scores.CIDEr;
    expectClose(cider('first_2_images'), 3.3190710059678814);
    expectClose(cider('first_10_images'), 3.313433853994715);
    expect(cider('single_image')).toBe(0);
  });
});

describe('metric details', () => {
  it('BLEU: a perfect 10-word match is 0.9999999998, not 1 (small > tiny, also in the brevity ratio)', () => {
    const words = 'a b c d e f g h i j';
    const r = scoreTokenizedCorpus([{ id: 'a', candidate: words, references: [words, 'x y'] }]);
    expect(r.images[0].scores.Bleu_1).toBeCloseTo(0.9999999998, 14);
    expect(r.images[0].scores.Bleu_1).toBeLessThan(1);
  });

  it('BLEU: the closest reference length, the shorter one on ties', () => {
    const r = scoreTokenizedCorpus([{ id: 'a', candidate: 'a b c d', references: ['a b c', 'a b c d e', 'z'] }]);
    expect(r.images[0].bleu.reflen).toBe(3);
  });

  it('BLEU: clips each n-gram by its largest count in a single reference, not the sum', () => {
    const r = scoreTokenizedCorpus([{ id: 'a', candidate: 'the the the', references: ['the cat', 'the dog'] }]);
    expect(r.images[0].bleu.correct[0]).toBe(1);
  });

  it('BLEU: a zero 4-gram count gives a tiny positive value, and corpus BLEU uses summed counts', () => {
    expect(bleuFromStats({ testlen: 6, reflen: 6, guess: [6, 5, 4, 3], correct: [6, 5, 4, 0] })[3]).toBeGreaterThan(1e-5);
    const r = scoreTokenizedCorpus([
      { id: 'a', candidate: 'a b c d e', references: ['a b c d e'] },
      { id: 'b', candidate: 'x y', references: ['p q r s'] },
    ]);
    const meanOfImages = (r.images[0].scores.Bleu_1 + r.images[1].scores.Bleu_1) / 2;
    expect(r.scores.Bleu_1).not.toBeCloseTo(meanOfImages, 5);
    expect(r.bleu).toEqual({ testlen: 7, reflen: 9, guess: [7, 5, 3, 2], correct: [5, 4, 3, 2] });
  });

  it('ROUGE-L: split(" ") keeps empty tokens and U+00A0-joined tokens; P and R maximised separately', () => {
    expect(rougeL('', ['a b'])).toBe(0);
    expect(rougeL('1\u00A01/2 cup', ['1 1/2 cup'])).toBeCloseTo((2.44 * 0.5 * (1 / 3)) / (1 / 3 + 1.44 * 0.5), 15);
    // P = 1 from the first reference, R = 1 from the second.
    expect(rougeL('a b', ['a b c d', 'a'])).toBe(1);
  });

  it('CIDEr: a single image scores 0, and words in every image’s references weigh nothing', () => {
    const one = scoreTokenizedCorpus([{ id: 'a', candidate: 'a dog', references: ['a dog', 'a cat'] }]);
    expect(one.scores.CIDEr).toBe(0);
    const two = scoreTokenizedCorpus([
      { id: 'a', candidate: 'a', references: ['a dog'] },
      { id: 'b', candidate: 'a', references: ['a cat'] },
    ]);
    expect(two.images.map((i) => i.scores.CIDEr)).toEqual([0, 0]);
  });

  it('CIDEr: an empty candidate scores 0 everywhere', () => {
    const r = scoreTokenizedCorpus([
      { id: 'a', candidate: '', references: ['a dog runs'] },
      { id: 'b', candidate: 'a cat', references: ['a cat sits'] },
    ]);
    expect(r.images[0].scores).toMatchObject({ CIDEr: 0, ROUGE_L: 0, Bleu_1: 0 });
    expect(r.images[0].bleu).toEqual({ testlen: 0, reflen: 3, guess: [0, 0, 0, 0], correct: [0, 0, 0, 0] });
  });

  it('rejects an image without references (the reference asserts len(refs) > 0)', () => {
    expect(() => scoreTokenizedCorpus([{ id: '7', candidate: 'a', references: [] }])).toThrow(/'7' has no reference/);
  });

  it('npMean reproduces numpy pairwise summation', () => {
    // Values checked against numpy 2.4: np.mean differs from sum(values) / n for these.
    expect(npMean([1e16, 1, 1, 1, 1, 1, 1, 1, 1, -1e16])).toBe(0.8);
    expect(npMean([1e16, ...Array<number>(200).fill(1), -1e16])).toBe(0.9306930693069307);
    expect(npMean(Array<number>(9).fill(0.1))).toBe(0.1);
    expect(npMean(Array<number>(300).fill(0.1))).toBe(0.09999999999999999);
    expect(npMean([])).toBeNaN();
  });
});

describe('cocoScorer', () => {
  const inputs: ScoreInput[] = [
    {
      id: '1',
      prediction: 'A man riding a wave on top of a surfboard.',
      references: [
        'A man riding a wave on top of a surfboard.',
        'A surfer rides a large wave in the ocean.',
        'A person on a surfboard, riding a wave.',
        'A man is surfing on a big blue wave',
        'Surfer in black wetsuit riding a breaking wave.',
      ],
    },
    {
      id: '2',
      prediction: 'A cat sitting on a couch!',
      references: [
        'A gray cat laying on top of a couch.',
        'A cat is sleeping on the sofa cushion.',
        'A kitten curled up on a brown couch.',
        'The cat is resting on the living room sofa.',
        'A fluffy cat lying on a couch next to a pillow.',
      ],
    },
  ];

  it('declares a corpus metric with CIDEr as headline', () => {
    expect(cocoScorer).toMatchObject({ id: 'coco', primaryMetric: 'CIDEr', perSampleMean: false });
  });

  it('PTB-tokenizes candidates and references, then matches the tokenized conformance values', () => {
    const result = cocoScorer.scoreSet(inputs);
    const expected = conformance.subsets.first_2_images;
    for (const metric of COCO_METRICS) expectClose(result.aggregate[metric], expected.corpus[metric]);
    expect(Object.keys(result.aggregate)).toEqual([...COCO_METRICS]);
    result.samples.forEach((sample, i) => {
      expect(sample.id).toBe(inputs[i].id);
      expect(sample.score).toBe(sample.scores!.CIDEr);
      for (const metric of COCO_METRICS) expectClose(sample.scores![metric], expected.per_image[i][metric]);
      expect(sample.extracted).toBe(expected.images[i].candidate);
      expect(sample.reason).toMatch(/^CIDEr-D \d+\.\d{3}.*5 references.*2 images/);
    });
  });

  it('regroups references by image after one tokenizer call, shifting lines after a \\r as pycocoevalcap does', () => {
    const shifted = tokenizeCocoInputs([
      { id: 'a', prediction: 'One.\rTwo.', references: ['x.'] },
      { id: 'b', prediction: 'Three.', references: ['y.', 'z.'] },
    ]);
    expect(shifted).toEqual([
      { id: 'a', candidate: 'one', references: ['x'] },
      { id: 'b', candidate: 'two', references: ['y', 'z'] },
    ]);
  });

  it('returns empty aggregates (NaN means, BLEU 0) for no samples', () => {
    const result = cocoScorer.scoreSet([]);
    expect(result.samples).toEqual([]);
    expect(result.aggregate.Bleu_4).toBe(0);
    expect(result.aggregate.CIDEr).toBeNaN();
  });

  it('scores a COCO-val-sized corpus (5,000 images x 5 references); speed is measured in npm run bench', () => {
    const vocab = Array.from({ length: 8000 }, (_, i) => `w${i.toString(36)}`);
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const caption = () => Array.from({ length: 8 + Math.floor(next() * 8) }, () => vocab[Math.floor(next() ** 4 * vocab.length)]).join(' ');
    const corpus = Array.from({ length: 5000 }, (_, i) => ({
      id: String(i),
      candidate: caption(),
      references: Array.from({ length: 5 }, caption),
    }));
    const result = scoreTokenizedCorpus(corpus);
    expect(result.images).toHaveLength(5000);
    expect(result.scores.CIDEr).toBeGreaterThan(0);
  });
});

describe('vocabularies past 65,536 words', () => {
  it('keep every word id distinct (the word store widens from 16 to 32 bits)', () => {
    const words = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');
    // the candidate's 65,536 words take ids 0…65535; the reference's new words come after. With
    // 16-bit ids they would wrap onto 0…9 and match the candidate's first ten words.
    const r = scoreTokenizedCorpus([{ id: 'big', candidate: words('w', 65_536), references: [words('y', 10)] }]);
    expect(r.images[0].bleu.correct).toEqual([0, 0, 0, 0]);
    const same = scoreTokenizedCorpus([{ id: 'big', candidate: words('w', 65_546), references: [words('w', 65_546)] }]);
    expect(same.images[0].bleu.correct).toEqual(same.images[0].bleu.guess);
  });
});

// COCO caption metrics as lmms-eval reports them: salaniz/pycocoevalcap at
// ad63453cfab57a81a02b2949b17a91fab1c3df77 (tokenizer/ptbtokenizer.py, bleu/, rouge/, cider/, the
// flow of eval.py `COCOEvalCap.evaluate` minus METEOR and SPICE), as called unchanged by
// EvolvingLMMs-Lab/lmms-eval at 75571cfe0fa36ca5ec2e6aa2bb268f9d38295af3. Spec:
// ../shared/spec/scoring.md §5. Corpus metrics: every value depends on the whole scored set.

import type { SampleScore, ScoreInput, Scorer } from '../types.ts';
import { bleuFromStats, bleuStats, sumBleuStats, type BleuStats } from './bleu.ts';
import { ciderD } from './cider.ts';
import { cook, createNgramTable } from './ngrams.ts';
import { npMean } from './np-mean.ts';
import { ptbTokenizeCorpus } from './ptb-tokenize.ts';
import { rougeL } from './rouge.ts';

export const COCO_METRICS = ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr'] as const;
export type CocoMetric = (typeof COCO_METRICS)[number];
export type CocoScores = Record<CocoMetric, number>;

/** One image with its captions already tokenised (lower case, tokens separated by spaces). */
export interface TokenizedImage {
  id: string;
  candidate: string;
  references: readonly string[];
}

export interface CocoImageResult {
  id: string;
  scores: CocoScores;
  /** bleu_scorer.py's statistics; `reflen` is the closest reference length. */
  bleu: BleuStats;
}

export interface CocoCorpusResult {
  /** BLEU from the summed statistics, ROUGE_L and CIDEr the numpy means over images. */
  scores: CocoScores;
  /** Summed statistics; `reflen` is the sum of the per-image closest lengths. */
  bleu: BleuStats;
  images: CocoImageResult[];
}

/** Scores images whose captions are already tokenised; the images are the whole corpus. */
export function scoreTokenizedCorpus(images: readonly TokenizedImage[]): CocoCorpusResult {
  for (const image of images) {
    if (image.references.length === 0) {
      throw new Error(`COCO image '${image.id}' has no reference captions; every image needs at least one.`);
    }
  }
  const table = createNgramTable();
  const cooked = images.map((image) => ({
    candidate: cook(image.candidate, table),
    references: image.references.map((r) => cook(r, table)),
  }));
  const stats = cooked.map((c) => bleuStats(c.candidate, c.references, table));
  const rouge = images.map((image) => rougeL(image.candidate, image.references));
  const cider = ciderD(cooked, table);
  const results = images.map((image, i): CocoImageResult => {
    const [b1, b2, b3, b4] = bleuFromStats(stats[i]);
    return {
      id: image.id,
      scores: { Bleu_1: b1, Bleu_2: b2, Bleu_3: b3, Bleu_4: b4, ROUGE_L: rouge[i], CIDEr: cider.perImage[i] },
      bleu: stats[i],
    };
  });
  const total = sumBleuStats(stats);
  const [b1, b2, b3, b4] = bleuFromStats(total);
  return {
    scores: { Bleu_1: b1, Bleu_2: b2, Bleu_3: b3, Bleu_4: b4, ROUGE_L: npMean(rouge), CIDEr: cider.score },
    bleu: total,
    images: results,
  };
}

/**
 * PTB-tokenises predictions and references as pycocoevalcap does (one wrapper call for all
 * references, in image order, one for all candidates) and regroups them by image. A line break
 * inside a caption shifts the later captions of its call, as in the reference (see
 * `ptbTokenizeCorpus`).
 */
export function tokenizeCocoInputs(inputs: readonly ScoreInput[]): TokenizedImage[] {
  const candidates = ptbTokenizeCorpus(inputs.map((s) => s.prediction));
  const references = ptbTokenizeCorpus(inputs.flatMap((s) => s.references));
  let offset = 0;
  return inputs.map((s, i) => {
    const refs = references.slice(offset, offset + s.references.length);
    offset += s.references.length;
    return { id: s.id, candidate: candidates[i] ?? '', references: refs };
  });
}

function reason(result: CocoImageResult, references: number, corpus: number): string {
  const s = result.scores;
  return (
    `CIDEr-D ${s.CIDEr.toFixed(3)}, BLEU-4 ${s.Bleu_4.toFixed(3)}, ROUGE-L ${s.ROUGE_L.toFixed(3)} ` +
    `against ${references} references (document frequencies over ${corpus} images)`
  );
}

export const cocoScorer: Scorer = {
  id: 'coco',
  primaryMetric: 'CIDEr',
  perSampleMean: false,
  scoreSet(inputs: readonly ScoreInput[]) {
    const images = tokenizeCocoInputs(inputs);
    const result = scoreTokenizedCorpus(images);
    const samples = result.images.map(
      (r, i): SampleScore => ({
        id: r.id,
        score: r.scores.CIDEr,
        extracted: images[i].candidate,
        reason: reason(r, images[i].references.length, images.length),
        scores: { ...r.scores },
      }),
    );
    return { aggregate: { ...result.scores }, samples };
  },
};

// COCO caption metrics as lmms-eval reports them: salaniz/pycocoevalcap at
// ad63453cfab57a81a02b2949b17a91fab1c3df77 (tokenizer/ptbtokenizer.py, bleu/, rouge/, cider/, the
// flow of eval.py `COCOEvalCap.evaluate` minus METEOR and SPICE), as called unchanged by
// EvolvingLMMs-Lab/lmms-eval at 75571cfe0fa36ca5ec2e6aa2bb268f9d38295af3. Spec:
// ../shared/spec/scoring.md §5. Corpus metrics: every value depends on the whole scored set.

import type { SampleScore, ScoreInput, Scorer } from '../types.ts';
import { bleuFromStats, bleuStats, sumBleuStats, type BleuStats } from './bleu.ts';
import { ciderD, countDocument, createDocumentFrequencies, type DocumentFrequencies } from './cider.ts';
import { addCaption, cookCaption, createNgramTable, createWordStore, type NgramTable, type WordStore } from './ngrams.ts';
import { npMean } from './np-mean.ts';
import { ptbTokenizeCorpus, ptbTokenizeEach } from './ptb-tokenize.ts';
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
  /** How many references the image was scored against. */
  references: number;
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
  return scoreCountedCaptions(
    countCaptions({
      ids: images.map((image) => image.id),
      candidates: images.map((image) => image.candidate),
      referenceCounts: images.map((image) => image.references.length),
      references: (onLine) => images.forEach((image) => image.references.forEach((r) => onLine(r))),
    }),
  );
}

/** What the first pass keeps: word ids, BLEU statistics, ROUGE-L and document frequencies. */
interface CountedCaptions {
  ids: readonly string[];
  table: NgramTable;
  words: WordStore;
  df: DocumentFrequencies;
  /** Caption index of image i's candidate; its references follow it. */
  firstCaption: Int32Array;
  referenceCounts: Int32Array;
  stats: BleuStats[];
  rouge: number[];
}

/**
 * First pass over tokenised captions. `references` hands over every image's references, in image
 * order (`referenceCounts[i]` of them for image i); each image is counted as soon as its references
 * have arrived and its reference strings are dropped, so a corpus's tokenised references are never
 * all held. If fewer arrive (a line break inside a caption shifts the tokeniser's lines, and the
 * wrapper zips them), the last images get fewer. `scoreCountedCaptions` is the second pass: it
 * recounts each image's n-grams for CIDEr-D from the stored word ids.
 */
function countCaptions(params: {
  ids: readonly string[];
  candidates: readonly string[];
  referenceCounts: readonly number[];
  references: (onLine: (line: string) => void) => void;
}): CountedCaptions {
  const { ids, candidates } = params;
  const n = candidates.length;
  const table = createNgramTable();
  const words = createWordStore();
  const df = createDocumentFrequencies();
  const stats: BleuStats[] = [];
  const rouge: number[] = [];
  const firstCaption = new Int32Array(n);
  const referenceCounts = new Int32Array(n);
  let image = 0; // the image whose references are arriving
  let refs: string[] = [];
  const finish = (): void => {
    const i = image++;
    referenceCounts[i] = refs.length;
    if (refs.length === 0) throw new Error(`COCO image '${ids[i]}' has no reference captions; every image needs at least one.`);
    firstCaption[i] = addCaption(words, candidates[i], table);
    for (const ref of refs) addCaption(words, ref, table);
    const candidate = cookCaption(words, firstCaption[i], table);
    const cooked = refs.map((_, j) => cookCaption(words, firstCaption[i] + 1 + j, table));
    stats.push(bleuStats(candidate, cooked, table));
    rouge.push(rougeL(candidates[i], refs));
    countDocument(df, cooked, table);
    refs = [];
  };
  params.references((line) => {
    while (image < n && refs.length === params.referenceCounts[image]) finish();
    refs.push(line);
  });
  while (image < n) finish();
  // Every n-gram has its id now; the second pass needs no word strings.
  table.words.clear();
  return { ids, table, words, df, firstCaption, referenceCounts, stats, rouge };
}

/** Second pass: CIDEr-D per image, then every image's and the corpus's scores. */
function scoreCountedCaptions(counted: CountedCaptions): CocoCorpusResult {
  const { ids, table, words, df, firstCaption, referenceCounts, stats, rouge } = counted;
  const cook = (c: number) => cookCaption(words, c, table);
  const cider = ciderD({
    images: ids.length,
    df,
    table,
    image: (i) => ({
      candidate: cook(firstCaption[i]),
      references: Array.from({ length: referenceCounts[i] }, (_, j) => cook(firstCaption[i] + 1 + j)),
    }),
  });
  const results = ids.map((id, i): CocoImageResult => {
    const [b1, b2, b3, b4] = bleuFromStats(stats[i]);
    return {
      id,
      scores: { Bleu_1: b1, Bleu_2: b2, Bleu_3: b3, Bleu_4: b4, ROUGE_L: rouge[i], CIDEr: cider.perImage[i] },
      bleu: stats[i],
      references: referenceCounts[i],
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
  const candidates = tokenizeCandidates(inputs);
  const references = ptbTokenizeCorpus(inputs.flatMap((s) => s.references));
  let offset = 0;
  return inputs.map((s, i) => {
    const refs = references.slice(offset, offset + s.references.length);
    offset += s.references.length;
    return { id: s.id, candidate: candidates[i], references: refs };
  });
}

/** The candidates' wrapper call; an image whose line was lost to a shifted break gets ''. */
function tokenizeCandidates(inputs: readonly ScoreInput[]): string[] {
  const lines = ptbTokenizeCorpus(inputs.map((s) => s.prediction));
  return inputs.map((_, i) => lines[i] ?? '');
}

function reason(result: CocoImageResult, corpus: number): string {
  const s = result.scores;
  // join() makes one flat string; a template literal would keep a tree of pieces per sample.
  return [
    'CIDEr-D ', s.CIDEr.toFixed(3), ', BLEU-4 ', s.Bleu_4.toFixed(3), ', ROUGE-L ', s.ROUGE_L.toFixed(3),
    ' against ', result.references, ' references (document frequencies over ', corpus, ' images)',
  ].join('');
}

export const cocoScorer: Scorer = {
  id: 'coco',
  primaryMetric: 'CIDEr',
  perSampleMean: false,
  scoreSet(inputs: readonly ScoreInput[]) {
    // Two wrapper calls, as pycocoevalcap makes: all candidates, then all references in image order.
    // The tokenised references are handed over without a name, so they can go once counted.
    const candidates = tokenizeCandidates(inputs);
    const counted = countCaptions({
      ids: inputs.map((s) => s.id),
      candidates,
      referenceCounts: inputs.map((s) => s.references.length),
      references: (onLine) => ptbTokenizeEach(inputs.flatMap((s) => s.references), onLine),
    });
    const result = scoreCountedCaptions(counted);
    const samples = result.images.map(
      (r, i): SampleScore => ({
        id: r.id,
        score: r.scores.CIDEr,
        extracted: candidates[i],
        reason: reason(r, inputs.length),
        scores: r.scores,
      }),
    );
    return { aggregate: { ...result.scores }, samples };
  },
};

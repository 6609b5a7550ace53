// BLEU-1..4 as pycocoevalcap computes it: salaniz/pycocoevalcap bleu/bleu.py and
// bleu/bleu_scorer.py (`BleuScorer.compute_score(option='closest')`) at
// ad63453cfab57a81a02b2949b17a91fab1c3df77. Spec: ../shared/spec/scoring.md §5.2.

import { glibcExp } from '../../libm/glibc-exp.ts';
import { glibcPow } from '../../libm/glibc-pow.ts';
import { MAX_N, scratch, type Cooked, type NgramTable } from './ngrams.ts';

/** Added to the clipped match count, so a zero count still gives a (tiny) non-zero precision. */
const TINY = 1e-15;
/** Added to the guess count; larger than TINY, so even a perfect match scores 0.9999999998. */
const SMALL = 1e-9;

/** The statistics bleu_scorer.py keeps per image (`cook_test`) and sums for the corpus. */
export interface BleuStats {
  testlen: number;
  /** Per image: the closest reference length; for the corpus: the sum of those. */
  reflen: number;
  /** Candidate n-gram counts, n = 1..4: `max(0, testlen - n + 1)`. */
  guess: number[];
  /** Candidate n-grams matched, each clipped to its largest count in any single reference. */
  correct: number[];
}

/** `cook_refs` + `cook_test` + `_single_reflen(option='closest')` for one image. */
export function bleuStats(candidate: Cooked, references: readonly Cooked[], table: NgramTable): BleuStats {
  const testlen = candidate.length;
  // min over (|len - testlen|, len): the closest length, the shorter one on ties.
  let reflen = Infinity;
  let bestDiff = Infinity;
  for (const ref of references) {
    const diff = Math.abs(ref.length - testlen);
    if (diff < bestDiff || (diff === bestDiff && ref.length < reflen)) {
      bestDiff = diff;
      reflen = ref.length;
    }
  }
  const guess: number[] = [];
  const correct: number[] = [];
  for (let k = 0; k < MAX_N; k++) {
    guess.push(Math.max(0, testlen - k));
    // Each n-gram's largest count in any single reference, clipping the candidate's count.
    const maxRef = scratch(table, k);
    for (const ref of references) {
      for (let j = ref.start[k]; j < ref.start[k + 1]; j++) maxRef[ref.ids[j]] = Math.max(maxRef[ref.ids[j]], ref.counts[j]);
    }
    let matched = 0;
    for (let j = candidate.start[k]; j < candidate.start[k + 1]; j++) {
      matched += Math.min(maxRef[candidate.ids[j]], candidate.counts[j]);
    }
    for (const ref of references) for (let j = ref.start[k]; j < ref.start[k + 1]; j++) maxRef[ref.ids[j]] = 0;
    correct.push(matched);
  }
  return { testlen, reflen, guess, correct };
}

/**
 * BLEU-1..4 from statistics: the same formula per image and for the summed corpus statistics.
 * `bleu ** (1/n)` and `math.exp` are Python's, i.e. glibc's pow and exp, whose last bits V8's
 * `**` and `Math.exp` do not reproduce (../../libm).
 */
export function bleuFromStats(stats: BleuStats): number[] {
  const scores: number[] = [];
  let product = 1;
  for (let k = 0; k < MAX_N; k++) {
    product *= (stats.correct[k] + TINY) / (stats.guess[k] + SMALL);
    scores.push(glibcPow(product, 1 / (k + 1)));
  }
  // Brevity penalty; both lengths are nudged so that it never divides by zero.
  const ratio = (stats.testlen + TINY) / (stats.reflen + SMALL);
  if (ratio < 1) {
    const penalty = glibcExp(1 - 1 / ratio);
    for (let k = 0; k < MAX_N; k++) scores[k] *= penalty;
  }
  return scores;
}

/** Sum of per-image statistics (`totalcomps`), in image order. */
export function sumBleuStats(perImage: readonly BleuStats[]): BleuStats {
  const total: BleuStats = { testlen: 0, reflen: 0, guess: [0, 0, 0, 0], correct: [0, 0, 0, 0] };
  for (const s of perImage) {
    total.testlen += s.testlen;
    total.reflen += s.reflen;
    for (let k = 0; k < MAX_N; k++) {
      total.guess[k] += s.guess[k];
      total.correct[k] += s.correct[k];
    }
  }
  return total;
}

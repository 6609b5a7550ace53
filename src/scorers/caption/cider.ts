// CIDEr-D as pycocoevalcap computes it: salaniz/pycocoevalcap cider/cider.py and
// cider/cider_scorer.py (`Cider(n=4, sigma=6.0)`) at ad63453cfab57a81a02b2949b17a91fab1c3df77.
// Spec: ../shared/spec/scoring.md §5.4. Sums run in the reference's order (dict insertion order
// of the n-grams, references in list order), and logs and powers are numpy's and glibc's
// (../../libm), so per-image values match the reference to the last bit.

import { glibcPow } from '../../libm/glibc-pow.ts';
import { numpyLogOfCount } from '../../libm/numpy-log.ts';
import { npMean } from './np-mean.ts';
import { MAX_N, scratch, type Cooked, type NgramTable } from './ngrams.ts';

const SIGMA = 6.0;

export interface CiderImage {
  candidate: Cooked;
  references: readonly Cooked[];
}

/** TF-IDF values of one caption (parallel to `Cooked.ids`), their norms per n, and "length". */
interface CaptionVector {
  cooked: Cooked;
  values: Float64Array;
  norm: number[];
  /** The number of 2-grams (the code tests `len(ngram) - 1 == 1`), i.e. words − 1, or 0. */
  length: number;
}

/** `counts2vec`; `weight[k][id]` is `ref_len − ln(max(1, df))` (full ln N for unseen n-grams). */
function counts2vec(c: Cooked, weight: Float64Array[]): CaptionVector {
  const values = new Float64Array(c.ids.length);
  const norm: number[] = [];
  for (let k = 0; k < MAX_N; k++) {
    const w = weight[k];
    let sq = 0;
    for (let j = c.start[k]; j < c.start[k + 1]; j++) {
      const x = c.counts[j] * w[c.ids[j]];
      values[j] = x;
      sq += x * x;
    }
    norm.push(Math.sqrt(sq));
  }
  let length = 0;
  for (let j = c.start[1]; j < c.start[2]; j++) length += c.counts[j];
  return { cooked: c, values, norm, length };
}

/** Penalties by |δ|: `np.e ** (-(δ**2) / (2·σ²))`, a Python float power (glibc pow, not exp). */
const lengthPenalties: number[] = [];

function lengthPenalty(delta: number): number {
  const d = Math.abs(delta);
  let p = lengthPenalties[d];
  if (p === undefined) {
    p = glibcPow(Math.E, -(d * d) / (2 * SIGMA * SIGMA));
    lengthPenalties[d] = p;
  }
  return p;
}

/** Adds `sim(hyp, ref)`: clipped cosine similarity per n with the Gaussian length penalty. */
function addSim(score: number[], hyp: CaptionVector, ref: CaptionVector, table: NgramTable): void {
  const penalty = lengthPenalty(hyp.length - ref.length);
  const h = hyp.cooked;
  const r = ref.cooked;
  for (let k = 0; k < MAX_N; k++) {
    const refValue = scratch(table, k);
    for (let j = r.start[k]; j < r.start[k + 1]; j++) refValue[r.ids[j]] = ref.values[j];
    let val = 0;
    for (let j = h.start[k]; j < h.start[k + 1]; j++) {
      const rv = refValue[h.ids[j]];
      val += Math.min(hyp.values[j], rv) * rv;
    }
    for (let j = r.start[k]; j < r.start[k + 1]; j++) refValue[r.ids[j]] = 0;
    if (hyp.norm[k] !== 0 && ref.norm[k] !== 0) val /= hyp.norm[k] * ref.norm[k];
    score[k] += val * penalty;
  }
}

/**
 * CIDEr-D of every image, with document frequencies taken over exactly these images (a subset
 * scores differently from the full split) and `ref_len = ln(N)`. Returns the per-image scores and
 * their numpy mean. One image gives 0: every n-gram then has weight ln 1 − ln 1 = 0.
 */
export function ciderD(images: readonly CiderImage[], table: NgramTable): { score: number; perImage: number[] } {
  // np.log of counts (numpy's last bits, ../../libm/numpy-log.ts), once per distinct count
  const logs = new Float64Array(images.length + 1).fill(NaN);
  const logOf = (n: number): number => (Number.isNaN(logs[n]) ? (logs[n] = numpyLogOfCount(n)) : logs[n]);
  const refLen = logOf(images.length);
  const weight: Float64Array[] = [];
  for (let k = 0; k < MAX_N; k++) {
    // df: the number of images whose references (any of them) contain the n-gram.
    const df = new Int32Array(table.sizes[k]);
    const lastImage = new Int32Array(table.sizes[k]);
    images.forEach((image, index) => {
      for (const ref of image.references) {
        for (let j = ref.start[k]; j < ref.start[k + 1]; j++) {
          const id = ref.ids[j];
          if (lastImage[id] !== index + 1) {
            lastImage[id] = index + 1;
            df[id]++;
          }
        }
      }
    });
    const w = new Float64Array(table.sizes[k]);
    for (let id = 0; id < w.length; id++) w[id] = refLen - logOf(Math.max(1, df[id]));
    weight.push(w);
  }
  const perImage = images.map((image) => {
    const hyp = counts2vec(image.candidate, weight);
    const score = [0, 0, 0, 0];
    for (const ref of image.references) addSim(score, hyp, counts2vec(ref, weight), table);
    // np.mean of the 4 values (a plain sum under 8 values), / K refs, x 10.
    return (npMean(score) / image.references.length) * 10.0;
  });
  return { score: npMean(perImage), perImage };
}

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

/** `document_frequency` per order: in how many images' reference sets (union of the refs) an n-gram occurs. */
export interface DocumentFrequencies {
  counts: Int32Array[];
  images: number;
}

export function createDocumentFrequencies(): DocumentFrequencies {
  return { counts: [0, 1, 2, 3].map(() => new Int32Array(1024)), images: 0 };
}

/** `compute_doc_freq` for one more image: each n-gram of its references counts once. */
export function countDocument(df: DocumentFrequencies, references: readonly Cooked[], table: NgramTable): void {
  df.images++;
  for (let k = 0; k < MAX_N; k++) {
    let counts = df.counts[k];
    if (counts.length < table.sizes[k]) {
      const grown = new Int32Array(Math.ceil(table.sizes[k] * 1.25));
      grown.set(counts);
      counts = df.counts[k] = grown;
    }
    const seen = scratch(table, k);
    for (const ref of references) {
      for (let j = ref.start[k]; j < ref.start[k + 1]; j++) {
        const id = ref.ids[j];
        if (seen[id] === 0) {
          seen[id] = 1;
          counts[id]++;
        }
      }
    }
    for (const ref of references) for (let j = ref.start[k]; j < ref.start[k + 1]; j++) seen[ref.ids[j]] = 0;
  }
}

/** TF-IDF values of one caption (parallel to `Cooked.ids`), their norms per n, and "length". */
interface CaptionVector {
  cooked: Cooked;
  values: Float64Array;
  norm: number[];
  /** The number of 2-grams (the code tests `len(ngram) - 1 == 1`), i.e. words − 1, or 0. */
  length: number;
}

/** `counts2vec`: tf · (ref_len − ln(max(1, df))), full ln N for n-grams in no reference. */
function counts2vec(c: Cooked, df: DocumentFrequencies, weight: (df: number) => number): CaptionVector {
  const values = new Float64Array(c.ids.length);
  const norm: number[] = [];
  for (let k = 0; k < MAX_N; k++) {
    const counts = df.counts[k];
    let sq = 0;
    for (let j = c.start[k]; j < c.start[k + 1]; j++) {
      const id = c.ids[j];
      const x = c.counts[j] * weight(id < counts.length ? counts[id] : 0);
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
    // where[id] = 1 + the n-gram's position in the reference's vector, 0 if it has none
    const where = scratch(table, k);
    for (let j = r.start[k]; j < r.start[k + 1]; j++) where[r.ids[j]] = j + 1;
    let val = 0;
    for (let j = h.start[k]; j < h.start[k + 1]; j++) {
      const at = where[h.ids[j]];
      const rv = at === 0 ? 0 : ref.values[at - 1];
      val += Math.min(hyp.values[j], rv) * rv;
    }
    for (let j = r.start[k]; j < r.start[k + 1]; j++) where[r.ids[j]] = 0;
    if (hyp.norm[k] !== 0 && ref.norm[k] !== 0) val /= hyp.norm[k] * ref.norm[k];
    score[k] += val * penalty;
  }
}

/**
 * CIDEr-D of every image, with document frequencies taken over exactly these images (a subset
 * scores differently from the full split) and `ref_len = ln(N)`. `image(i)` gives image i's n-gram
 * counts, made on demand so that the corpus's counts need not all be held at once. Returns the
 * per-image scores and their numpy mean. One image gives 0: every n-gram then has weight ln 1 − ln 1 = 0.
 */
export function ciderD(params: {
  images: number;
  image: (i: number) => CiderImage;
  df: DocumentFrequencies;
  table: NgramTable;
}): { score: number; perImage: number[] } {
  const { images, df, table } = params;
  // np.log of counts (numpy's last bits, ../../libm/numpy-log.ts), once per distinct count
  const logs = new Float64Array(images + 1).fill(NaN);
  const logOf = (n: number): number => (Number.isNaN(logs[n]) ? (logs[n] = numpyLogOfCount(n)) : logs[n]);
  const refLen = logOf(images);
  const weight = (count: number): number => refLen - logOf(Math.max(1, count));
  const perImage: number[] = [];
  for (let i = 0; i < images; i++) {
    const { candidate, references } = params.image(i);
    const hyp = counts2vec(candidate, df, weight);
    const score = [0, 0, 0, 0];
    for (const ref of references) addSim(score, hyp, counts2vec(ref, df, weight), table);
    // np.mean of the 4 values (a plain sum under 8 values), / K refs, x 10.
    perImage.push((npMean(score) / references.length) * 10.0);
  }
  return { score: npMean(perImage), perImage };
}

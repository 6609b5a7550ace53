// n-gram counting shared by BLEU and CIDEr-D: `precook` in salaniz/pycocoevalcap
// bleu/bleu_scorer.py and cider/cider_scorer.py at ad63453cfab57a81a02b2949b17a91fab1c3df77.
// Spec: ../shared/spec/scoring.md §5.2, §5.4. n-grams get dense integer ids (per order) from a
// table shared by one scoring run, so counts, document frequencies and weights live in typed
// arrays instead of string-keyed maps: COCO val (5,000 images x 6 captions) in well under a second.

import { pySplit } from '../python.ts';

/** Longest n-gram both metrics count. */
export const MAX_N = 4;

/**
 * Open-addressing hash map from (prefix id, word id) to the id of the longer n-gram: the hot loop
 * of a COCO-sized run. A Map keyed by numbers or strings allocates per lookup; here each slot is
 * three adjacent ints (prefix, word, id; id −1 when empty), so a probe touches one cache line.
 */
interface PairMap {
  slots: Int32Array;
  used: number;
}

function pairMap(capacity: number): PairMap {
  return { slots: new Int32Array(capacity * 3).fill(-1), used: 0 };
}

/** Index (into `slots`) of the slot holding (prefix, word), or of the empty slot where it goes. */
function slotOf(slots: Int32Array, prefix: number, word: number): number {
  const mask = slots.length / 3 - 1;
  let h = Math.imul(prefix, 0x9e3779b1) ^ Math.imul(word + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  let at = (h & mask) * 3;
  while (slots[at + 2] !== -1 && (slots[at] !== prefix || slots[at + 1] !== word)) {
    at += 3;
    if (at === slots.length) at = 0;
  }
  return at;
}

/** The id of (prefix, word), given the next free id if new. */
function pairId(table: NgramTable, k: number, prefix: number, word: number): number {
  const m = table.extend[k];
  let at = slotOf(m.slots, prefix, word);
  if (m.slots[at + 2] !== -1) return m.slots[at + 2];
  if (2 * (m.used + 1) > m.slots.length / 3) {
    const old = m.slots;
    m.slots = new Int32Array(old.length * 2).fill(-1);
    for (let s = 0; s < old.length; s += 3) {
      if (old[s + 2] === -1) continue;
      const t = slotOf(m.slots, old[s], old[s + 1]);
      m.slots[t] = old[s];
      m.slots[t + 1] = old[s + 1];
      m.slots[t + 2] = old[s + 2];
    }
    at = slotOf(m.slots, prefix, word);
  }
  m.slots[at] = prefix;
  m.slots[at + 1] = word;
  m.slots[at + 2] = table.sizes[k]++;
  m.used++;
  return m.slots[at + 2];
}

/** The ids of one scoring run. */
export interface NgramTable {
  words: Map<string, number>;
  /** Order k + 1 (k ≥ 1): (k-gram id, word id) → id. */
  extend: PairMap[];
  /** Number of ids given out per order. */
  sizes: number[];
  /** Per order, zero-filled work arrays indexed by id (see `scratch`). */
  scratch: Float64Array[];
}

export function createNgramTable(): NgramTable {
  return { words: new Map(), extend: [0, 1, 2, 3].map(() => pairMap(1024)), sizes: [0, 0, 0, 0], scratch: [] };
}

/**
 * One caption's n-grams, all orders packed together: order k (the (k+1)-grams) occupies
 * `ids[start[k]]` to `ids[start[k + 1] - 1]`, distinct ids in order of first occurrence (the order
 * Python's dict iterates `precook`'s counts in; CIDEr sums in that order), `counts` alongside.
 */
export interface Cooked {
  /** Number of words (`len(s.split())`). */
  length: number;
  ids: Int32Array;
  counts: Int32Array;
  start: readonly number[];
}

/** `str.split()`, with a quick path for the usual single-space-separated tokens. */
const OTHER_PY_SPACE = /[\t\n\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
function splitWords(s: string): string[] {
  if (OTHER_PY_SPACE.test(s)) return pySplit(s);
  return s.split(' ').filter((w) => w !== '');
}

/** A zero-filled array covering every id of order k; callers put back the zeros they overwrite. */
export function scratch(table: NgramTable, k: number): Float64Array {
  let a = table.scratch[k];
  if (a === undefined || a.length < table.sizes[k]) {
    a = new Float64Array(Math.max(1024, table.sizes[k] * 2));
    table.scratch[k] = a;
  }
  return a;
}

export function cook(caption: string, table: NgramTable): Cooked {
  const words = splitWords(caption);
  const n = words.length;
  let positions = 0;
  for (let k = 0; k < MAX_N; k++) positions += Math.max(0, n - k);
  const ids = new Int32Array(positions);
  const counts = new Int32Array(positions);
  const start = [0];
  // gram[i]: id of the current-order n-gram starting at word i (updated in place per order).
  const gram = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let id = table.words.get(words[i]);
    if (id === undefined) {
      id = table.sizes[0]++;
      table.words.set(words[i], id);
    }
    gram[i] = id;
  }
  const wordIds = gram.slice();
  let end = 0;
  for (let k = 0; k < MAX_N; k++) {
    const count = Math.max(0, n - k);
    if (k > 0) for (let i = 0; i < count; i++) gram[i] = pairId(table, k, gram[i], wordIds[i + k]);
    // Count, keeping first-occurrence order. Short captions search the few ids seen so far (in
    // cache); long ones use slot[id] = 1 + position in `ids`.
    const first = end;
    if (count <= 48) {
      for (let i = 0; i < count; i++) {
        const id = gram[i];
        let j = first;
        while (j < end && ids[j] !== id) j++;
        if (j === end) {
          ids[end] = id;
          counts[end++] = 1;
        } else counts[j]++;
      }
    } else {
      const slot = scratch(table, k);
      for (let i = 0; i < count; i++) {
        const id = gram[i];
        const at = slot[id];
        if (at === 0) {
          ids[end] = id;
          counts[end] = 1;
          slot[id] = ++end;
        } else counts[at - 1]++;
      }
      for (let j = first; j < end; j++) slot[ids[j]] = 0;
    }
    start.push(end);
  }
  return { length: n, ids, counts, start };
}

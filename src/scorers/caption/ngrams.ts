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
 * of a COCO-sized run, where a Map keyed by numbers or strings allocates per lookup.
 */
interface PairMap {
  prefix: Int32Array;
  word: Int32Array;
  /** −1 marks an empty slot. */
  id: Int32Array;
  used: number;
}

function pairMap(capacity: number): PairMap {
  return { prefix: new Int32Array(capacity), word: new Int32Array(capacity), id: new Int32Array(capacity).fill(-1), used: 0 };
}

function slotOf(m: PairMap, prefix: number, word: number): number {
  const mask = m.id.length - 1;
  let h = Math.imul(prefix, 0x9e3779b1) ^ Math.imul(word + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  let slot = h & mask;
  while (m.id[slot] !== -1 && (m.prefix[slot] !== prefix || m.word[slot] !== word)) slot = (slot + 1) & mask;
  return slot;
}

/** The id of (prefix, word), given the next free id if new. */
function pairId(table: NgramTable, k: number, prefix: number, word: number): number {
  let m = table.extend[k];
  let slot = slotOf(m, prefix, word);
  if (m.id[slot] !== -1) return m.id[slot];
  if (2 * (m.used + 1) > m.id.length) {
    const bigger = pairMap(m.id.length * 2);
    for (let s = 0; s < m.id.length; s++) {
      if (m.id[s] === -1) continue;
      const t = slotOf(bigger, m.prefix[s], m.word[s]);
      bigger.prefix[t] = m.prefix[s];
      bigger.word[t] = m.word[s];
      bigger.id[t] = m.id[s];
    }
    bigger.used = m.used;
    table.extend[k] = m = bigger;
    slot = slotOf(m, prefix, word);
  }
  m.prefix[slot] = prefix;
  m.word[slot] = word;
  m.id[slot] = table.sizes[k]++;
  m.used++;
  return m.id[slot];
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
 * One caption's n-grams per order (index k for (k+1)-grams): distinct ids in order of first
 * occurrence, which is the order Python's dict iterates `precook`'s counts in (CIDEr sums in that
 * order), with their counts.
 */
export interface Cooked {
  /** Number of words (`len(s.split())`). */
  length: number;
  ids: number[][];
  counts: number[][];
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
  let prev: number[] = [];
  for (const w of words) {
    let id = table.words.get(w);
    if (id === undefined) {
      id = table.sizes[0]++;
      table.words.set(w, id);
    }
    prev.push(id);
  }
  const wordIds = prev;
  const ids: number[][] = [];
  const counts: number[][] = [];
  for (let k = 0; k < MAX_N; k++) {
    const cur: number[] = [];
    if (k === 0) cur.push(...wordIds);
    else {
      for (let i = 0; i + k < wordIds.length; i++) cur.push(pairId(table, k, prev[i], wordIds[i + k]));
    }
    // Count, keeping first-occurrence order; slot[id] = 1 + index in `distinct`.
    const slot = scratch(table, k);
    const distinct: number[] = [];
    const c: number[] = [];
    for (const id of cur) {
      const s = slot[id];
      if (s === 0) {
        distinct.push(id);
        c.push(1);
        slot[id] = distinct.length;
      } else c[s - 1]++;
    }
    for (const id of distinct) slot[id] = 0;
    ids.push(distinct);
    counts.push(c);
    prev = cur;
  }
  return { length: words.length, ids, counts };
}

// n-gram counting shared by BLEU and CIDEr-D: `precook` in salaniz/pycocoevalcap
// bleu/bleu_scorer.py and cider/cider_scorer.py at ad63453cfab57a81a02b2949b17a91fab1c3df77.
// Spec: ../shared/spec/scoring.md §5.2, §5.4. n-grams get dense integer ids (per order) from a
// table shared by one scoring run, so counts, document frequencies and weights live in typed
// arrays instead of string-keyed maps: COCO val (5,000 images x 6 captions) in well under a second.
// A corpus keeps only its captions' word ids (2 bytes a word below 65,536 distinct words, else 4:
// `WordStore`); an image's n-gram
// counts are made when it is scored and dropped after, so memory stays small at 80,000 images.

import { pySplit } from '../python.ts';

/** Longest n-gram both metrics count. */
export const MAX_N = 4;

/**
 * Open-addressing hash map from (prefix id, word id) to the id of the longer n-gram: the hot loop
 * of a COCO-sized run. A Map keyed by numbers or strings allocates per lookup. Here a slot holds
 * the n-gram's id (−1 when empty) and the keys live in arrays indexed by id, so growing the table
 * rebuilds the slots from the keys without holding two tables at once (memory at 80,000 images).
 * It is kept at most three quarters full, which keeps linear probing short.
 */
interface PairMap {
  slots: Int32Array;
  /** prefix and word of n-gram id i */
  prefixes: Int32Array;
  words: Int32Array;
}

function pairMap(capacity: number): PairMap {
  return { slots: new Int32Array(capacity).fill(-1), prefixes: new Int32Array(capacity), words: new Int32Array(capacity) };
}

function hashPair(prefix: number, word: number): number {
  const h = Math.imul(prefix, 0x9e3779b1) ^ Math.imul(word + 0x7f4a7c15, 0x85ebca6b);
  return h ^ (h >>> 15);
}

/** The id of (prefix, word), given the next free id if new. */
function pairId(table: NgramTable, k: number, prefix: number, word: number): number {
  const m = table.extend[k];
  let slots = m.slots;
  const mask = slots.length - 1;
  let at = hashPair(prefix, word) & mask;
  for (let id = slots[at]; id !== -1; id = slots[at]) {
    if (m.prefixes[id] === prefix && m.words[id] === word) return id;
    at = (at + 1) & mask;
  }
  const id = table.sizes[k]++;
  if (id === m.prefixes.length) {
    m.prefixes = growTo(m.prefixes, Math.ceil(id * 1.25));
    m.words = growTo(m.words, m.prefixes.length);
  }
  m.prefixes[id] = prefix;
  m.words[id] = word;
  if (4 * (id + 1) > 3 * slots.length) {
    // rebuild from the keys: the old slots can go before the new ones are made
    const capacity = slots.length * 2;
    m.slots = slots = new Int32Array(0);
    slots = new Int32Array(capacity).fill(-1);
    for (let j = 0; j <= id; j++) {
      let t = hashPair(m.prefixes[j], m.words[j]) & (capacity - 1);
      while (slots[t] !== -1) t = (t + 1) & (capacity - 1);
      slots[t] = j;
    }
    m.slots = slots;
  } else {
    slots[at] = id;
  }
  return id;
}

function growTo(a: Int32Array, length: number): Int32Array {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}

/** The ids of one scoring run. */
export interface NgramTable {
  words: Map<string, number>;
  /** Order k + 1 (k ≥ 1): (k-gram id, word id) → id. */
  extend: PairMap[];
  /** Number of ids given out per order. */
  sizes: number[];
  /** A zero-filled work array indexed by the ids of any one order (see `scratch`). */
  scratch: Int32Array;
}

export function createNgramTable(): NgramTable {
  return { words: new Map(), extend: [0, 1, 2, 3].map(() => pairMap(1024)), sizes: [0, 0, 0, 0], scratch: new Int32Array(1024) };
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

/**
 * A zero-filled integer array covering every id of order k; callers put back the zeros they
 * overwrite. One array serves all orders (they are used one at a time), grown when ids outgrow it.
 */
export function scratch(table: NgramTable, k: number): Int32Array {
  const size = table.sizes[k];
  if (table.scratch.length < size) table.scratch = new Int32Array(Math.ceil(size * 1.25));
  return table.scratch;
}

/** The word ids of many captions in one growing array (a corpus's captions, kept between passes). */
export interface WordStore {
  /** 16-bit until a word id needs more. */
  ids: Uint16Array | Int32Array;
  used: number;
  /** Caption c occupies ids[starts[c]] to ids[starts[c + 1] - 1]. */
  starts: Int32Array;
  count: number;
}

export function createWordStore(): WordStore {
  return { ids: new Uint16Array(1024), used: 0, starts: new Int32Array(256), count: 0 };
}

function grow<T extends Uint16Array | Int32Array>(a: T, need: number): T {
  if (a.length >= need) return a;
  const b = new (a.constructor as new (length: number) => T)(Math.max(need, Math.ceil(a.length * 1.25)));
  b.set(a);
  return b;
}

/** Adds a caption's words (`s.split()`) to the store and returns its index. */
export function addCaption(store: WordStore, caption: string, table: NgramTable): number {
  const words = pySplit(caption);
  store.ids = grow(store.ids, store.used + words.length);
  for (const w of words) {
    let id = table.words.get(w);
    if (id === undefined) {
      id = table.sizes[0]++;
      table.words.set(w, id);
      if (id === 0x10000 && store.ids instanceof Uint16Array) store.ids = Int32Array.from(store.ids);
    }
    store.ids[store.used++] = id;
  }
  store.starts = grow(store.starts, store.count + 2);
  store.starts[store.count + 1] = store.used;
  return store.count++;
}

/** `precook` of stored caption c: its n-gram counts, orders 1 to 4 (new n-grams get ids). */
export function cookCaption(store: WordStore, c: number, table: NgramTable): Cooked {
  const from = store.starts[c];
  const n = store.starts[c + 1] - from;
  let positions = 0;
  for (let k = 0; k < MAX_N; k++) positions += Math.max(0, n - k);
  const ids = new Int32Array(positions);
  const counts = new Int32Array(positions);
  const start = [0];
  // gram[i]: id of the current-order n-gram starting at word i (updated in place per order).
  const gram = new Int32Array(n);
  gram.set(store.ids.subarray(from, from + n));
  let end = 0;
  for (let k = 0; k < MAX_N; k++) {
    const count = Math.max(0, n - k);
    if (k > 0) for (let i = 0; i < count; i++) gram[i] = pairId(table, k, gram[i], store.ids[from + i + k]);
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

/** `precook` of one caption outside any store. */
export function cook(caption: string, table: NgramTable): Cooked {
  const store = createWordStore();
  return cookCaption(store, addCaption(store, caption, table), table);
}

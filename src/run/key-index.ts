// A string-keyed index of file records (byte offset, length, a small tag) that lives in typed
// arrays, so it costs ~40 bytes per key outside the JS heap instead of ~130 bytes of heap objects
// per key (a key string, an entry object, a Map slot). The journal (every finished sample) and
// the replay backend (every saved prediction) index their files with it; over a 214k-sample run
// that is what keeps the heap, and with it V8's garbage headroom, from growing with the run.
//
// Keys are not stored: each is identified by two independent 32-bit hashes (FNV-1a and a
// multiply-xorshift hash), so two keys collide with probability ~n²/2^65 (~1e-9 at 214k keys).
// Callers that read a record back check that it is the one they asked for.

const EMPTY = -1;

export interface KeyIndex {
  readonly size: number;
  /** The record number of `key`, or -1. Record numbers follow first insertion. */
  find(key: string): number;
  /** Sets `key`'s record (a new key gets the next record number); returns the record number. */
  set(key: string, offset: number, length: number, tag: number): number;
  offset(record: number): number;
  length(record: number): number;
  tag(record: number): number;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(s: string): number {
  let h = 0x9e3779b9 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x85ebca6b);
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 15)) >>> 0;
}

export function createKeyIndex(): KeyIndex {
  let capacity = 1024; // slots, a power of two, at most half full
  let slots = new Int32Array(capacity).fill(EMPTY);
  let h1 = new Uint32Array(1024);
  let h2 = new Uint32Array(1024);
  let offsets = new Float64Array(1024);
  let lengths = new Uint32Array(1024);
  let tags = new Uint8Array(1024);
  let size = 0;

  function probe(a: number, b: number): number {
    for (let i = a & (capacity - 1); ; i = (i + 1) & (capacity - 1)) {
      const r = slots[i];
      if (r === EMPTY || (h1[r] === a && h2[r] === b)) return i;
    }
  }

  function grow<T extends Float64Array | Uint32Array | Uint8Array>(a: T): T {
    const next = new (a.constructor as new (n: number) => T)(a.length * 2);
    next.set(a);
    return next;
  }

  function rehash(): void {
    capacity *= 2;
    slots = new Int32Array(capacity).fill(EMPTY);
    for (let r = 0; r < size; r++) slots[probe(h1[r], h2[r])] = r;
  }

  return {
    get size() {
      return size;
    },
    find(key) {
      const r = slots[probe(fnv1a(key), mix(key))];
      return r;
    },
    set(key, offset, length, tag) {
      const a = fnv1a(key);
      const b = mix(key);
      const slot = probe(a, b);
      let r = slots[slot];
      if (r === EMPTY) {
        r = size++;
        if (r === h1.length) {
          h1 = grow(h1);
          h2 = grow(h2);
          offsets = grow(offsets);
          lengths = grow(lengths);
          tags = grow(tags);
        }
        h1[r] = a;
        h2[r] = b;
        slots[slot] = r;
        if (size * 2 > capacity) rehash();
      }
      offsets[r] = offset;
      lengths[r] = length;
      tags[r] = tag;
      return r;
    },
    offset: (r) => offsets[r],
    length: (r) => lengths[r],
    tag: (r) => tags[r],
  };
}

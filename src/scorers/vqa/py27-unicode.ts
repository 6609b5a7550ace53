// Python 2.7 `unicode` semantics for the official VQA evaluator (GT-Vision-Lab vqaEval.py runs on
// Python 2.7): its `lower()` uses Unicode 5.2's simple case mappings and its `strip()`/`split()`
// Unicode 5.2's whitespace, which includes U+180E (Mongolian vowel separator). JavaScript's
// `toLowerCase()` follows current Unicode, which lower-cases scripts that had no case in 5.2
// (Georgian Mtavruli U+1C90…, Cherokee U+13A0…, Osage U+104B0…, Adlam U+1E900…), and applies the
// full mappings (İ → i + U+0307, final sigma). The tables come from running Python 2.7.18
// (./py27-unicode-table.ts, scripts/unicode/gen-py27-unicode-table.py).

import { isPyWhitespace } from '../python.ts';
import { PY27_LOWER_RUNS, PY27_WHITESPACE } from './py27-unicode-table.ts';

const PY27_EXTRA_SPACE = PY27_WHITESPACE.filter((cp) => !isPyWhitespace(cp));

/** `unicode.isspace()` in Python 2.7: Python 3's whitespace plus what Unicode 5.2 still counted (U+180E). */
export function isPy27Whitespace(codePoint: number): boolean {
  return isPyWhitespace(codePoint) || (codePoint >= 0x180e && PY27_EXTRA_SPACE.includes(codePoint));
}

let lowerMap: Map<number, number> | null = null;

function py27LowerMap(): Map<number, number> {
  if (lowerMap) return lowerMap;
  const m = new Map<number, number>();
  for (const [first, last, delta, step] of PY27_LOWER_RUNS) {
    for (let cp = first; cp <= last; cp += step) m.set(cp, cp + delta);
  }
  lowerMap = m;
  return m;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** `unicode.lower()` in Python 2.7: each code point by its Unicode 5.2 simple lower-case mapping. */
export function py27Lower(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  const map = py27LowerMap();
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const lower = map.get(cp);
    out += lower === undefined ? ch : String.fromCodePoint(lower);
  }
  return out;
}

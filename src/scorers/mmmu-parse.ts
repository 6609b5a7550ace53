// Response parsing of the official MMMU evaluation: MMMU-Benchmark/MMMU mmmu/utils/eval_utils.py
// (`parse_multi_choice_response`, `parse_open_response`, `extract_numbers`, `normalize_str`) and
// mmmu/utils/data_utils.py (`get_multi_choice_info`), commit bb0b95a945998d91dfef37e969e07d49d1139438.
// Spec: ../shared/spec/scoring.md §2.2-2.3. Python 3 semantics (whitespace, float(), round(x, 2),
// Unicode \d and \b) go through ./python.ts and the regexes below, per §0.1.

import { pyFloat, pyLen, pyRound2, pySplit, pyStrip, pyStripChars } from './python.ts';

/** `index2ans` and `all_choices` (data_utils.get_multi_choice_info): letters from A, in option order. */
export function multiChoiceInfo(options: readonly string[]): {
  allChoices: string[];
  index2ans: Record<string, string>;
} {
  const allChoices: string[] = [];
  const index2ans: Record<string, string> = {};
  options.forEach((option, i) => {
    const letter = String.fromCharCode(65 + i);
    allChoices.push(letter);
    index2ans[letter] = option;
  });
  return { allChoices, index2ans };
}

export interface MultiChoiceParse {
  /** The parsed letter, or null when no candidate was found and the official random draw decides. */
  letter: string | null;
  reason: string;
}

/** Position of the largest value, the first one on ties (`np.argmax`). */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * `parse_multi_choice_response` without its random fallback (the caller draws, so the stream is
 * explicit). The response is used as given: the official runner does not strip model output, so
 * `"A\n"` finds no candidate (§2.2).
 */
export function parseMultiChoiceResponse(
  response: string,
  allChoices: readonly string[],
  index2ans: Readonly<Record<string, string>>,
): MultiChoiceParse {
  // one character at a time, in this order: "B.:" loses ':' but keeps '.', since '.' went first
  let r = response;
  for (const ch of [',', '.', '!', '?', ';', ':', "'"]) r = pyStripChars(r, ch);
  r = ` ${r} `; // so that " A " also matches at either end
  const lower = r.toLowerCase();

  let pass: 'bracketed letter' | 'letter between spaces' | 'option text' = 'bracketed letter';
  let candidates = allChoices.filter((c) => r.includes(`(${c})`));
  if (candidates.length === 0) {
    pass = 'letter between spaces';
    candidates = allChoices.filter((c) => r.includes(` ${c} `));
  }
  // the content pass only runs for responses of more than five whitespace-separated tokens
  if (candidates.length === 0 && pySplit(r).length > 5) {
    pass = 'option text';
    candidates = Object.keys(index2ans).filter((c) => lower.includes(index2ans[c].toLowerCase()));
  }
  if (candidates.length === 0) return { letter: null, reason: 'no option parsed' };
  if (candidates.length === 1) return { letter: candidates[0], reason: `${pass} ${candidates[0]}` };

  // several: the last-mentioned wins. lastIndexOf counts UTF-16 units where Python's rfind counts
  // code points, but both orders agree, which is all argmax needs.
  const positions = candidates.map((c) =>
    pass === 'bracketed letter'
      ? r.lastIndexOf(`(${c})`)
      : pass === 'letter between spaces'
        ? r.lastIndexOf(` ${c} `)
        : lower.lastIndexOf(index2ans[c].toLowerCase()),
  );
  const letter = candidates[argmax(positions)];
  return { letter, reason: `${pass}: last mentioned of ${candidates.join(', ')} is ${letter}` };
}

// Python 3 `re` on str: \d is any Nd digit and \w is a letter, a number or '_' (checked against
// CPython 3.11 over every code point assigned in its Unicode 14). JS has no Unicode \b, so it is
// written as "word on exactly one side".
const WORD = String.raw`[\p{L}\p{N}_]`;
const B = String.raw`(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const D = String.raw`\p{Nd}`;
const NUMBER_PATTERNS = [
  // numbers with thousands commas
  new RegExp(String.raw`-?${B}${D}{1,3}(?:,${D}{3})+${B}`, 'gu'),
  // scientific notation
  new RegExp(String.raw`-?${D}+(?:\.${D}+)?[eE][+-]?${D}+`, 'gu'),
  // simple numbers
  new RegExp(String.raw`-?(?:${D}+\.${D}+|\.${D}+|${D}+${B})(?![eE][+-]?${D}+)(?![,${D}])`, 'gu'),
];

/**
 * `extract_numbers`: the matches of the three patterns, concatenated pattern by pattern, so one
 * number can appear several times (`1.5e3` gives `1.5e3`, `1`, `3`; §2.3).
 */
export function extractNumbers(s: string): string[] {
  return NUMBER_PATTERNS.flatMap((re) => Array.from(s.matchAll(re), (m) => m[0]));
}

/**
 * `normalize_str`: a number (Python `float()` after removing commas) becomes itself rounded to two
 * decimals; other text is lower-cased, and a single character is padded both ways so that it can only
 * match as a separate word.
 */
export function normalizeStr(s: string): Array<string | number> {
  const stripped = pyStrip(s);
  const value = pyFloat(stripped.replaceAll(',', ''));
  if (value !== null) return [pyRound2(value)];
  const lower = stripped.toLowerCase();
  return pyLen(lower) === 1 ? [` ${lower}`, `${lower} `] : [lower];
}

const INDICATORS = ['could be ', 'so ', 'is ', 'thus ', 'therefore ', 'final ', 'answer ', 'result '];
const TRIVIAL_TAILS = new Set([':', ',', '.', '!', '?', ';', "'"]);

/** `get_key_subresponses`: per line, the shortest tail after an indicator phrase (§2.3 step 1). */
function keySubresponses(response: string): string[] {
  const r = pyStripChars(pyStrip(response), '.').toLowerCase();
  // The official split is `\.\s(?=[A-Z])|\n`, applied after lower-casing, so only newlines split.
  const pieces = r.split('\n');
  const keys: string[] = [];
  pieces.forEach((piece, index) => {
    // '=' counts only in the last piece (an equation is accepted as the answer there)
    const indicators = index === pieces.length - 1 ? [...INDICATORS, '='] : INDICATORS;
    let shortest: string | null = null;
    for (const indicator of indicators) {
      if (!piece.includes(indicator)) continue;
      // plain substring test: 'is ' also fires inside 'this '
      const tail = pyStrip(piece.split(indicator).at(-1)!);
      // an empty tail is falsy in Python, so it counts as "none yet" and the next one replaces it
      if (!shortest || pyLen(tail) < pyLen(shortest)) shortest = tail;
    }
    if (shortest && !TRIVIAL_TAILS.has(pyStrip(shortest))) keys.push(shortest);
  });
  return keys.length > 0 ? keys : [r];
}

/** Python set membership for str and float: NaN never equals itself, 0.0 equals -0.0. */
function dedupe(items: ReadonlyArray<string | number>): Array<string | number> {
  const out: Array<string | number> = [];
  for (const item of items) if (!out.some((seen) => seen === item)) out.push(item);
  return out;
}

/**
 * `parse_open_response`: key sub-responses plus every number in them, each normalised, without
 * duplicates. Python returns `list(set(...))` in hash order; this keeps first occurrences instead,
 * and the official verdict does not depend on the order.
 */
export function parseOpenResponse(response: string): Array<string | number> {
  const keys = keySubresponses(response);
  const predList = [...keys, ...keys.flatMap(extractNumbers)];
  return dedupe(predList.flatMap(normalizeStr));
}

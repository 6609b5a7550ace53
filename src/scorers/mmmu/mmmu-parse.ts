// Response parsing of the official MMMU evaluation: MMMU-Benchmark/MMMU mmmu/utils/eval_utils.py
// (`parse_multi_choice_response`, `parse_open_response`, `extract_numbers`, `normalize_str`) and
// mmmu/utils/data_utils.py (`get_multi_choice_info`), commit bb0b95a945998d91dfef37e969e07d49d1139438.
// Spec: ../shared/spec/scoring.md §2.2-2.3. Python 3 semantics (whitespace, float(), round(x, 2),
// Unicode \d and \b) go through ../python.ts and the regexes below, per §0.1.

import { pyFloat, pyLen, pyRound2, pySplitCount, pyStrip, pyStripChars } from '../python.ts';

/** The letters A, B, … for `k` options (`all_choices`), shared: callers must not modify them. */
const CHOICES: string[][] = [];
export function choicesFor(k: number): readonly string[] {
  return (CHOICES[k] ??= Array.from({ length: k }, (_, i) => String.fromCharCode(65 + i)));
}

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

/** parse_multi_choice_response strips these from both ends, one after the other. */
const STRIPPED_ONE_BY_ONE = [',', '.', '!', '?', ';', ':', "'"];

export interface MultiChoiceParse {
  /** The parsed letter, or null when no candidate was found and the official random draw decides. */
  letter: string | null;
  reason: string;
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
  const letters = Object.keys(index2ans);
  return parseChoice(response, allChoices, letters, letters.map((c) => index2ans[c]));
}

/**
 * `parse_multi_choice_response` for options lettered A, B, … in order (MMMU's case), without
 * building `index2ans`.
 */
export function parseMultiChoiceOptions(response: string, options: readonly string[]): MultiChoiceParse {
  const letters = choicesFor(options.length);
  return parseChoice(response, letters, letters, options);
}

/** Whether parse_multi_choice_response's strip(',') … strip("'") could change anything. */
function endsInStripped(s: string): boolean {
  return s.length > 0 && (isStripped(s.charCodeAt(0)) || isStripped(s.charCodeAt(s.length - 1)));
}

/** , . ! ? ; : ' */
function isStripped(code: number): boolean {
  return code === 44 || code === 46 || code === 33 || code === 63 || code === 59 || code === 58 || code === 39;
}

/** `f'({choice})'` and `f' {choice} '`, made once per choice. */
const BRACKETED = new Map<string, string>();
const SPACED = new Map<string, string>();
function bracketed(c: string): string {
  let s = BRACKETED.get(c);
  if (s === undefined) BRACKETED.set(c, (s = `(${c})`));
  return s;
}
function spaced(c: string): string {
  let s = SPACED.get(c);
  if (s === undefined) SPACED.set(c, (s = ` ${c} `));
  return s;
}

/**
 * The three passes. `contentLetters[i]` / `contentTexts[i]` are `index2ans.items()` in order (the
 * content pass iterates those; the letter passes iterate `allChoices`).
 */
function parseChoice(
  response: string,
  allChoices: readonly string[],
  contentLetters: readonly string[],
  contentTexts: readonly string[],
): MultiChoiceParse {
  // one character at a time, in this order: "B.:" loses ':' but keeps '.', since '.' went first
  let r = response;
  if (endsInStripped(r)) for (let i = 0; i < STRIPPED_ONE_BY_ONE.length; i++) r = pyStripChars(r, STRIPPED_ONE_BY_ONE[i]);
  // The official code pads: `response = " " + response + " "`. The letter passes test the unpadded
  // text instead (no copy of a long response): "(A)" cannot involve the padding, and " A " is in the
  // padded text iff it is in r, or r starts with "A ", ends with " A", or is "A" (`spacedAt`).

  let pass: Pass = 'bracketed letter';
  let candidates: string[] | null = null;
  if (r.includes('(')) {
    for (let i = 0; i < allChoices.length; i++) {
      if (r.includes(bracketed(allChoices[i]))) (candidates ??= []).push(allChoices[i]);
    }
  }
  if (candidates === null) {
    pass = 'letter between spaces';
    for (let i = 0; i < allChoices.length; i++) {
      if (spacedAt(r, allChoices[i]) !== ABSENT) (candidates ??= []).push(allChoices[i]);
    }
  }
  // the content pass only runs for responses of more than five whitespace-separated tokens
  let lower = '';
  let texts: string[] | null = null; // lower-cased option text of each candidate (content pass)
  if (candidates === null && pySplitCount(r) > 5) {
    pass = 'option text';
    lower = ` ${r} `.toLowerCase(); // padded: an option text may match across the padding
    for (let i = 0; i < contentLetters.length; i++) {
      const text = contentTexts[i].toLowerCase();
      if (lower.includes(text)) {
        (candidates ??= []).push(contentLetters[i]);
        (texts ??= []).push(text);
      }
    }
  }
  if (candidates === null) return NOT_PARSED;
  if (candidates.length === 1) return singleCandidate(pass, candidates[0]);

  // several: the last-mentioned wins (np.argmax: the first of equal positions). Positions in r are
  // the padded ones minus one, and lastIndexOf counts UTF-16 units where Python's rfind counts code
  // points; neither changes which is last.
  let best = 0;
  let bestAt = -Infinity;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    const at =
      pass === 'bracketed letter' ? r.lastIndexOf(bracketed(c)) : pass === 'letter between spaces' ? spacedAt(r, c) : lower.lastIndexOf(texts![i]);
    if (at > bestAt) {
      best = i;
      bestAt = at;
    }
  }
  const letter = candidates[best];
  return { letter, reason: `${pass}: last mentioned of ${candidates.join(', ')} is ${letter}` };
}

const ABSENT = -2;

/**
 * `(" " + r + " ").rfind(" " + c + " ") - 1` without building the padded string: ABSENT when there is
 * no match; -1 for a match at the very start, which comes before every other.
 */
function spacedAt(r: string, c: string): number {
  if (r.endsWith(` ${c}`)) return r.length - c.length - 1; // the last possible match: it ends in the padding
  const inside = r.lastIndexOf(spaced(c));
  if (inside >= 0) return inside;
  return r === c || r.startsWith(`${c} `) ? -1 : ABSENT;
}

type Pass = 'bracketed letter' | 'letter between spaces' | 'option text';
// Shared between samples (never modified): every parse object has the same shape, so the code
// reading them stays monomorphic.
const NOT_PARSED: MultiChoiceParse = { letter: null, reason: 'no option parsed' };
const SINGLE: Record<Pass, Map<string, MultiChoiceParse>> = {
  'bracketed letter': new Map(),
  'letter between spaces': new Map(),
  'option text': new Map(),
};

/** The parse of a response with one candidate, made once per pass and letter (they repeat). */
function singleCandidate(pass: Pass, letter: string): MultiChoiceParse {
  const byLetter = SINGLE[pass];
  let parse = byLetter.get(letter);
  if (parse === undefined) byLetter.set(letter, (parse = { letter, reason: `${pass} ${letter}` }));
  return parse;
}

// Python 3 `re` on str: \d is any Nd digit and \w is a letter, a number or '_' (checked against
// CPython 3.11 over every code point assigned in its Unicode 14). JS has no Unicode \b, so it is
// written as "word on exactly one side". On ASCII text these are [0-9] and [A-Za-z0-9_], and
// patterns written with those (and JS's own \b) match exactly the same, much faster; nearly all
// responses are ASCII.
function numberPatterns(boundary: string, digit: string, flags: string): RegExp[] {
  const B = boundary;
  const D = digit;
  return [
    // numbers with thousands commas
    new RegExp(String.raw`-?${B}${D}{1,3}(?:,${D}{3})+${B}`, flags),
    // scientific notation
    new RegExp(String.raw`-?${D}+(?:\.${D}+)?[eE][+-]?${D}+`, flags),
    // simple numbers
    new RegExp(String.raw`-?(?:${D}+\.${D}+|\.${D}+|${D}+${B})(?![eE][+-]?${D}+)(?![,${D}])`, flags),
  ];
}

const UNICODE_WORD = String.raw`[\p{L}\p{N}_]`;
let unicodePatterns: RegExp[] | null = null;
let asciiPatterns: RegExp[] | null = null;
const ASCII = /^[\x00-\x7f]*$/;
const ANY_DIGIT = /\p{Nd}/u;

/**
 * `extract_numbers`: the matches of the three patterns, concatenated pattern by pattern, so one
 * number can appear several times (`1.5e3` gives `1.5e3`, `1`, `3`; §2.3).
 */
export function extractNumbers(s: string): string[] {
  if (!ANY_DIGIT.test(s)) return []; // every pattern needs a digit
  let patterns: RegExp[];
  if (ASCII.test(s)) {
    patterns = asciiPatterns ??= numberPatterns(String.raw`\b`, String.raw`\d`, 'g'); // JS \b and \d are ASCII
  } else {
    const B = String.raw`(?:(?<=${UNICODE_WORD})(?!${UNICODE_WORD})|(?<!${UNICODE_WORD})(?=${UNICODE_WORD}))`;
    patterns = unicodePatterns ??= numberPatterns(B, String.raw`\p{Nd}`, 'gu');
  }
  const out: string[] = [];
  for (const re of patterns) for (const m of s.matchAll(re)) out.push(m[0]);
  return out;
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
const INDICATORS_LAST = [...INDICATORS, '='];
const TRIVIAL_TAILS = new Set([':', ',', '.', '!', '?', ';', "'"]);

/** `get_key_subresponses`: per line, the shortest tail after an indicator phrase (§2.3 step 1). */
function keySubresponses(response: string): string[] {
  const r = pyStripChars(pyStrip(response), '.').toLowerCase();
  // The official split is `\.\s(?=[A-Z])|\n`, applied after lower-casing, so only newlines split.
  const pieces = r.split('\n');
  const keys: string[] = [];
  pieces.forEach((piece, index) => {
    // '=' counts only in the last piece (an equation is accepted as the answer there)
    const indicators = index === pieces.length - 1 ? INDICATORS_LAST : INDICATORS;
    let shortest: string | null = null;
    for (const indicator of indicators) {
      // plain substring test: 'is ' also fires inside 'this '
      const at = piece.lastIndexOf(indicator);
      if (at < 0) continue;
      // `piece.split(indicator)[-1]`: no indicator can overlap itself, so that is what follows the last one
      const tail = pyStrip(piece.slice(at + indicator.length));
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
  for (let i = 0; i < items.length; i++) {
    let j = 0;
    while (j < out.length && out[j] !== items[i]) j++;
    if (j === out.length) out.push(items[i]);
  }
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

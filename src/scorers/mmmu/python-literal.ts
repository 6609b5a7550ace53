// A parser for the one kind of Python literal MMMU stores in strings: a list of str.
// Spec: ../shared/spec/scoring.md §2.1. MMMU's `options` column holds `str(list_of_options)`, which
// MMMU-Benchmark/MMMU (bb0b95a945998d91dfef37e969e07d49d1139438) mmmu/utils/data_utils.py turns back
// into a list with `eval()` and lmms-eval with `ast.literal_eval`; a few open golds are stored the same
// way (shared/spec/datasets.md §1.2). `repr()` picks either quote style and escapes with \\ \' \n \t
// \xNN \uNNNN \UNNNNNNNN, so all of those must round-trip; the rest of Python's string-literal grammar
// (other escapes, u/r prefixes, implicit concatenation of adjacent literals) is accepted as
// ast.literal_eval accepts it. Anything else (numbers, nesting, bytes) is rejected.

/** Whitespace Python's tokenizer skips between tokens inside brackets. */
const TOKEN_SPACE = new Set([' ', '\t', '\n', '\r', '\f']);

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

const HEX_WIDTH: Record<string, number> = { x: 2, u: 4, U: 8 };

function fail(text: string, pos: number, problem: string): never {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  throw new Error(`Not a Python list of strings (${problem} at offset ${pos}): ${JSON.stringify(shown)}`);
}

/** Parses one string literal (optional u/r prefix) starting at `start`; returns its value and end. */
function readString(text: string, start: number): { value: string; end: number } {
  let pos = start;
  let raw = false;
  // Python allows one of u/U or r/R before the quote (rb/br would be bytes, which are not str)
  const prefix = text[pos];
  if (prefix === 'u' || prefix === 'U') pos++;
  else if (prefix === 'r' || prefix === 'R') {
    raw = true;
    pos++;
  }
  const quote = text[pos];
  if (quote !== "'" && quote !== '"') fail(text, start, 'expected a string literal');
  const triple = text.startsWith(quote.repeat(3), pos);
  const closing = triple ? quote.repeat(3) : quote;
  pos += closing.length;
  let value = '';
  for (;;) {
    if (pos >= text.length) fail(text, start, 'unterminated string literal');
    if (text.startsWith(closing, pos)) return { value, end: pos + closing.length };
    const ch = text[pos];
    if ((ch === '\n' || ch === '\r') && !triple) fail(text, pos, 'line break inside a string literal');
    if (ch !== '\\') {
      value += ch;
      pos++;
      continue;
    }
    const next = text[pos + 1];
    if (next === undefined) fail(text, pos, 'unterminated string literal');
    if (raw) {
      // a raw string keeps the backslash; it only stops the next character from closing the string
      value += ch + next;
      pos += 2;
      continue;
    }
    pos = readEscape(text, pos, (s) => (value += s));
  }
}

/** Decodes the escape sequence whose backslash is at `pos`; returns the position after it. */
function readEscape(text: string, pos: number, emit: (s: string) => void): number {
  const next = text[pos + 1];
  if (next === '\n') return pos + 2; // backslash-newline continues the line
  if (next === '\r') return text[pos + 2] === '\n' ? pos + 3 : pos + 2;
  if (next in SIMPLE_ESCAPES) {
    emit(SIMPLE_ESCAPES[next]);
    return pos + 2;
  }
  if (next in HEX_WIDTH) {
    const width = HEX_WIDTH[next];
    const digits = text.slice(pos + 2, pos + 2 + width);
    if (digits.length !== width || !/^[0-9a-fA-F]+$/.test(digits)) {
      fail(text, pos, `truncated \\${next} escape (needs ${width} hex digits)`);
    }
    const cp = parseInt(digits, 16);
    if (cp > 0x10ffff) fail(text, pos, `\\${next}${digits} is beyond U+10FFFF`);
    emit(String.fromCodePoint(cp));
    return pos + 2 + width;
  }
  const octal = /^[0-7]{1,3}/.exec(text.slice(pos + 1, pos + 4));
  if (octal) {
    emit(String.fromCodePoint(parseInt(octal[0], 8)));
    return pos + 1 + octal[0].length;
  }
  if (next === 'N') fail(text, pos, 'named \\N{...} escapes are not supported');
  // Python keeps an unrecognised escape as written (with a DeprecationWarning)
  emit(`\\${next}`);
  return pos + 2;
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && TOKEN_SPACE.has(text[pos])) pos++;
  return pos;
}

/**
 * Parses a Python list-of-str literal such as `"['12', \"it's\", '3']"` the way `ast.literal_eval`
 * would. Throws an Error that names the problem and its offset for anything else.
 */
export function parsePythonStringList(text: string): string[] {
  let pos = skipSpace(text, 0);
  if (text[pos] !== '[') fail(text, pos, "expected '['");
  pos = skipSpace(text, pos + 1);
  const items: string[] = [];
  while (text[pos] !== ']') {
    if (pos >= text.length) fail(text, pos, "missing ']'");
    let { value, end } = readString(text, pos);
    pos = skipSpace(text, end);
    // adjacent literals concatenate: ['ab' 'cd'] is ['abcd']
    while (/^[uUrR]?['"]/.test(text.slice(pos, pos + 2))) {
      const more = readString(text, pos);
      value += more.value;
      pos = skipSpace(text, more.end);
    }
    items.push(value);
    if (text[pos] === ',') pos = skipSpace(text, pos + 1);
    else if (pos >= text.length) fail(text, pos, "missing ']'");
    else if (text[pos] !== ']') fail(text, pos, "expected ',' or ']'");
  }
  pos = skipSpace(text, pos + 1);
  if (pos !== text.length) fail(text, pos, "unexpected text after ']'");
  return items;
}

/**
 * A gold answer as stored: a string starting with `[` is a list literal (MMMU open golds such as
 * `"['24/7', '3.429']"`); if it does not parse it is kept as the raw string (spec §2.1).
 */
export function parseListOrString(text: string): string | string[] {
  if (!text.startsWith('[')) return text;
  try {
    return parsePythonStringList(text);
  } catch {
    return text;
  }
}

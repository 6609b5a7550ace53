// Python 3 string and number semantics that the official scoring scripts depend on.
// Spec: ../shared/spec/scoring.md §0.1. JavaScript's `trim()`, `\s`, `Number()` and
// `toFixed()` each differ from CPython in ways that change scores, so every scorer
// goes through these helpers instead of the JS built-ins.

/** Code points CPython 3's `str.isspace()` accepts (what `split()`/`strip()` without arguments remove). */
const PY_WHITESPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** A whitespace predicate over code points. Every Python whitespace character is in the BMP and is
 * not a surrogate, so the helpers below can scan UTF-16 code units with it. */
export type IsSpace = (codePoint: number) => boolean;

export function isPyWhitespace(codePoint: number): boolean {
  return codePoint === 0x20 || ((codePoint <= 0x1f || codePoint >= 0x85) && PY_WHITESPACE.has(codePoint));
}

/** `s.strip()` with no argument (`isSpace`: Python 3 unless told otherwise). */
export function pyStrip(s: string, isSpace: IsSpace = isPyWhitespace): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Whether every character of `chars` is one UTF-16 unit (so units can be compared directly). */
const BMP_ONLY = /^[^\ud800-\udfff]*$/;

/** `s.strip(chars)`: removes any of `chars` from both ends. */
export function pyStripChars(s: string, chars: string): string {
  if (!BMP_ONLY.test(chars)) {
    const set = new Set(Array.from(chars));
    const cps = Array.from(s);
    let start = 0;
    let end = cps.length;
    while (start < end && set.has(cps[start])) start++;
    while (end > start && set.has(cps[end - 1])) end--;
    return cps.slice(start, end).join('');
  }
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s[start])) start++;
  while (end > start && chars.includes(s[end - 1])) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** `s.rstrip(chars)`. */
export function pyRstripChars(s: string, chars: string): string {
  if (!BMP_ONLY.test(chars)) {
    const set = new Set(Array.from(chars));
    const cps = Array.from(s);
    let end = cps.length;
    while (end > 0 && set.has(cps[end - 1])) end--;
    return cps.slice(0, end).join('');
  }
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1])) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Printable ASCII and the space: the only whitespace such text can hold is ' ' (Python 2.7 and 3 alike). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * `s.split()` with no argument: runs of whitespace separate, no empty fields. Nearly every answer
 * and caption is printable ASCII, where splitting on ' ' and dropping empty pieces is the same
 * thing and much faster (`isSpace` must then see only ' ' as space, as both Pythons do).
 */
export function pySplit(s: string, isSpace: IsSpace = isPyWhitespace): string[] {
  if (PRINTABLE_ASCII.test(s)) {
    if (!s.includes(' ')) return s === '' ? [] : [s];
    const words = s.split(' ');
    return words.includes('') ? words.filter((w) => w !== '') : words;
  }
  const out: string[] = [];
  let start = -1; // start of the current word, or -1 between words
  for (let i = 0; i < s.length; i++) {
    if (isSpace(s.charCodeAt(i))) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** `len(s.split())`, without building the list. */
export function pySplitCount(s: string, isSpace: IsSpace = isPyWhitespace): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    if (isSpace(s.charCodeAt(i))) inWord = false;
    else if (!inWord) {
      inWord = true;
      n++;
    }
  }
  return n;
}

/** `len(s)`: code points, not UTF-16 units. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const ND = /\p{Nd}/u;

/**
 * Value of a Unicode decimal digit (general category Nd). Unicode guarantees Nd characters come in
 * contiguous runs of ten, zero first, so the value is the offset from the start of the run modulo 10.
 */
function decimalValue(cp: number): number {
  let start = cp;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

const FLOAT_GRAMMAR =
  /^[+-]?(?:(?:inf|infinity|nan)|(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)$/i;
const ASCII_SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const MAY_BE_NUMBER = /[0-9nN]|[^\x00-\x7f]/;

/**
 * CPython's first step for `int(s)` and `float(s)` on a str: non-ASCII whitespace becomes ' ', Nd
 * digits become ASCII digits, any other non-ASCII character makes the text invalid (null); then
 * ASCII whitespace is stripped from both ends.
 */
function asciiNumberText(s: string): string | null {
  let t = s;
  if (!ASCII_ONLY.test(s)) {
    t = '';
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (cp < 128) t += ch;
      else if (PY_WHITESPACE.has(cp)) t += ' ';
      else if (ND.test(ch)) t += String(decimalValue(cp));
      else return null;
    }
  }
  let a = 0;
  let b = t.length;
  while (a < b && ASCII_SPACE.has(t.charCodeAt(a))) a++;
  while (b > a && ASCII_SPACE.has(t.charCodeAt(b - 1))) b--;
  return t.slice(a, b);
}

/**
 * Python's `float(s)`, or null where it raises ValueError: after asciiNumberText, `[+-]`
 * inf/infinity/nan or a decimal literal with single underscores between digits.
 */
export function pyFloat(s: string): number | null {
  // cheap rejection: the grammar needs a digit, or inf/nan (both have an 'n'), possibly non-ASCII
  if (!MAY_BE_NUMBER.test(s)) return null;
  const t = asciiNumberText(s);
  if (t === null || !FLOAT_GRAMMAR.test(t)) return null;
  const signed = t.charCodeAt(0) === 43 || t.charCodeAt(0) === 45; // + or -
  const body = (signed ? t.slice(1) : t).toLowerCase();
  if (body === 'inf' || body === 'infinity') return t.charCodeAt(0) === 45 ? -Infinity : Infinity;
  if (body === 'nan') return NaN;
  return Number(t.includes('_') ? t.replace(/_/g, '') : t);
}

const INT_GRAMMAR = /^[+-]?\d(?:_?\d)*$/;

/** Python's `int(s)` for a str in base 10 (leading zeros allowed, as `int('007')` is 7), or null where it raises. */
export function pyInt(s: string): bigint | null {
  const t = asciiNumberText(s);
  if (t === null || !INT_GRAMMAR.test(t)) return null;
  return BigInt(t.replace(/_/g, ''));
}

/** Python's `int(x)` for a float: truncation toward zero, exact for any magnitude; null where it raises (inf, nan). */
export function pyIntOfFloat(x: number): bigint | null {
  return Number.isFinite(x) ? BigInt(Math.trunc(x)) : null;
}

/** The exact value of a finite double as an integer over a power of ten: |x| = digits / 10^scale. */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mantissa = bits & 0xfffffffffffffn;
  let exp: number;
  if (biased === 0) exp = -1074; // subnormal
  else {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) return { digits: mantissa << BigInt(exp), scale: 0 };
  // m / 2^k = m·5^k / 10^k
  return { digits: mantissa * 5n ** BigInt(-exp), scale: -exp };
}

/**
 * Python's `round(x, ndigits)` on a float (CPython `float.__round__`): the exact binary value
 * rounded to `ndigits` decimals with ties to even, then the double nearest to that decimal; inf
 * and nan round to themselves and the sign of a zero result is kept. `toFixed` differs on exact
 * ties (it rounds them away from zero), so the rounding here is done on the exact decimal.
 */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const { digits, scale } = exactDecimal(x);
  const drop = scale - ndigits;
  if (drop <= 0) return x; // already exact at that many decimals
  const unit = 10n ** BigInt(drop);
  let q = digits / unit;
  const r = digits % unit;
  const half = unit / 2n; // unit is even: drop >= 1
  if (r > half || (r === half && q % 2n === 1n)) q++;
  const value = Number(`${q}e${-ndigits}`);
  return x < 0 ? -value : value;
}

/** Python's `round(x, 2)` (see pyRound). */
export function pyRound2(x: number): number {
  // toFixed(2) rounds the exact binary value too, and differs from Python only on exact ties (it
  // rounds them away from zero): a tie at two decimals needs 8·x to be an odd integer. Those, and
  // magnitudes toFixed writes in exponent form, go the exact way; MMMU rounds every number it parses.
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 1e21) return pyRound(x, 2);
  const eight = x * 8; // exact: a power of two
  if (Number.isInteger(eight) && Math.abs(eight) % 2 === 1) return pyRound(x, 2);
  const r = Number(x.toFixed(2));
  return r === 0 && x < 0 ? -0 : r;
}

/**
 * Python's `repr(x)` / `str(x)` of a float: the shortest digits that round-trip (the same digits JS
 * prints), in fixed notation when the decimal point position is in (-4, 16], else as `d.ddde±XX`
 * (CPython `float_repr_style` 'short', format code 'r'): `1.0`, `1e+16`, `0.0001`, `1e-05`.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const [mantissa, expText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const point = exp + 1; // value = 0.<digits> × 10^point
  if (point > -4 && point <= 16) {
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${head}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

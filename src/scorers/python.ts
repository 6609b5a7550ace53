// Python 3 string and number semantics that the official scoring scripts depend on.
// Spec: ../shared/spec/scoring.md §0.1. JavaScript's `trim()`, `\s`, `Number()` and
// `toFixed()` each differ from CPython in ways that change scores, so every scorer
// goes through these helpers instead of the JS built-ins.

/** Code points CPython's `str.isspace()` accepts (what `split()`/`strip()` without arguments remove). */
const PY_WHITESPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export function isPyWhitespace(codePoint: number): boolean {
  return PY_WHITESPACE.has(codePoint);
}

/** `s.strip()` with no argument. */
export function pyStrip(s: string): string {
  const cps = Array.from(s);
  let start = 0;
  let end = cps.length;
  while (start < end && PY_WHITESPACE.has(cps[start].codePointAt(0)!)) start++;
  while (end > start && PY_WHITESPACE.has(cps[end - 1].codePointAt(0)!)) end--;
  return cps.slice(start, end).join('');
}

/** `s.strip(chars)`: removes any of `chars` from both ends. */
export function pyStripChars(s: string, chars: string): string {
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let start = 0;
  let end = cps.length;
  while (start < end && set.has(cps[start])) start++;
  while (end > start && set.has(cps[end - 1])) end--;
  return cps.slice(start, end).join('');
}

/** `s.rstrip(chars)`. */
export function pyRstripChars(s: string, chars: string): string {
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let end = cps.length;
  while (end > 0 && set.has(cps[end - 1])) end--;
  return cps.slice(0, end).join('');
}

/** `s.split()` with no argument: runs of Python whitespace separate, no empty fields. */
export function pySplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (PY_WHITESPACE.has(ch.codePointAt(0)!)) {
      if (cur) out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
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

/**
 * Python's `float(s)`, or null where it raises ValueError.
 * CPython first maps non-ASCII whitespace to ' ' and Nd digits to ASCII (any other non-ASCII
 * character is invalid), strips ASCII whitespace, then parses `[+-]` inf/infinity/nan or a decimal
 * literal with single underscores between digits.
 */
export function pyFloat(s: string): number | null {
  let t = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 128) t += ch;
    else if (PY_WHITESPACE.has(cp)) t += ' ';
    else if (ND.test(ch)) t += String(decimalValue(cp));
    else return null;
  }
  let a = 0;
  let b = t.length;
  while (a < b && ASCII_SPACE.has(t.charCodeAt(a))) a++;
  while (b > a && ASCII_SPACE.has(t.charCodeAt(b - 1))) b--;
  t = t.slice(a, b);
  if (!FLOAT_GRAMMAR.test(t)) return null;
  const lower = t.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  const body = lower.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return NaN;
  return Number(t.replace(/_/g, ''));
}

/**
 * Python's `round(x, 2)`: the exact binary value rounded to two decimals, ties to even.
 * `toFixed(2)` also rounds the exact binary value but breaks exact ties away from zero; an exact
 * tie needs 100·x to end in .5 exactly, i.e. 8·x an odd integer.
 */
export function pyRound2(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
  const eight = x * 8; // exact: multiplying by a power of two
  if (Number.isInteger(eight) && Math.abs(eight) % 2 === 1) {
    // x = k/8 with k odd (so |x| < 2**50 and k is a safe integer), and 100·x = 25k/2 = m + 0.5
    // exactly. Work in integers: x * 100 in floating point is not exact once |x| passes ~2**46
    // (e.g. 724300072430002.625), and Python rounds the exact value.
    const twice = 25n * BigInt(eight); // 2m + 1
    const m = (twice - 1n) / 2n; // exact: twice - 1 is even
    const even = m % 2n === 0n ? m : m + 1n;
    const r = Number(`${even}e-2`); // the double nearest to even/100, as Python's round returns
    return r === 0 && x < 0 ? -0 : r;
  }
  const r = Number(x.toFixed(2));
  return r === 0 && x < 0 ? -0 : r;
}

/**
 * The shortest repr of a float as Python prints it (`repr(1.0)` is `'1.0'`, `str(1e16)` is `'1e+16'`).
 * Used where Python code stringifies a number and the string is then compared.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return (Object.is(x, -0) ? '-' : '') + Math.abs(x).toFixed(1);
  const s = String(x);
  if (/e/.test(s)) {
    // JS writes 1e+21 / 1.5e-7; Python writes 1e+21 / 1.5e-07
    return s.replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return s;
}

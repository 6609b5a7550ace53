// The caption tokenisation of pycocoevalcap's PTBTokenizer wrapper: salaniz/pycocoevalcap
// tokenizer/ptbtokenizer.py at ad63453cfab57a81a02b2949b17a91fab1c3df77 (tylin/coco-caption
// pycocoevalcap/tokenizer/ptbtokenizer.py at 3a9afb2682141a03e1cdc02b0df6770d2c884f6f is the
// Python 2 original). The wrapper joins all captions with "\n" (after turning each caption's own
// "\n" into a space), runs `java edu.stanford.nlp.process.PTBTokenizer -preserveLines -lowerCase`
// from CoreNLP 3.4.1 on the file, splits the output on "\n", and drops punctuation tokens.
// Spec: ../shared/spec/scoring.md §5.1. The lexer itself is reimplemented in ./ptb-rules.ts.

import { isPyWhitespace } from '../python.ts';
import { fastToken } from './ptb-fast-token.ts';
import { PTB_NEWLINE, ptbRules, type PtbRule } from './ptb-rules.ts';

/** Tokens the wrapper removes (exact match, after lower-casing, so `-lrb-` and friends stay). */
export const PTB_PUNCTUATIONS: readonly string[] = [
  "''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-', '.', '?', '!', ',', ':', '-', '--', '...', ';',
];
const PUNCTUATION_SET = new Set(PTB_PUNCTUATIONS);

/** Java reads the file as UTF-16 and the 3.4.1 lexer only knows BMP characters: each half of a
 * surrogate pair is untokenizable and deleted. One stand-in (also untokenizable) keeps the
 * boundary between the characters around it. */
const ASTRAL = /[\u{10000}-\u{10FFFF}]/gu;
const UNTOKENIZABLE = '\uFFFF';

let candidatesByChar: Map<string, PtbRule[]> | null = null;

function candidates(ch: string): PtbRule[] {
  candidatesByChar ??= new Map();
  let list = candidatesByChar.get(ch);
  if (list === undefined) {
    list = ptbRules().filter((r) => r.first.test(ch));
    candidatesByChar.set(ch, list);
  }
  return list;
}

/**
 * PTBLexer with `tokenizeNLs` as `-preserveLines` sets it, then `-lowerCase` (Java's
 * `toLowerCase(Locale.ENGLISH)`): the output lines, each a list of tokens. A line break inside the
 * text (`\r`, `\r\n`, U+2028, U+2029, `\v`, `\f`) starts a new line, as it does in the Java output.
 */
export function ptbLexLines(text: string): string[][] {
  const lines: string[][] = [];
  ptbLex(text, (tokens) => lines.push(tokens));
  return lines;
}

/** `ptbLexLines` one line at a time: `onLine` gets each output line's tokens, in order. */
function ptbLex(text: string, onLine: (tokens: string[]) => void): void {
  const src = text.replace(ASTRAL, UNTOKENIZABLE);
  let line: string[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const fast = fastToken(src, i);
    if (fast !== null) {
      line.push(fast.token.toLowerCase());
      i = fast.end;
      continue;
    }
    let best: PtbRule | null = null;
    let bestPattern: RegExp | null = null;
    let bestTotal = 0;
    for (const rule of candidates(src[i])) {
      if (rule.guard !== null) {
        rule.guard.lastIndex = i;
        if (!rule.guard.test(src)) continue;
      }
      for (const re of rule.patterns) {
        re.lastIndex = i;
        // test() + lastIndex: no match array per attempt (this loop dominates the run time).
        if (re.test(src) && re.lastIndex - i > bestTotal) {
          best = rule;
          bestPattern = re;
          bestTotal = re.lastIndex - i;
        }
      }
    }
    if (best === null || bestPattern === null) {
      i++; // untokenizable: deleted (CoreNLP's default `untokenizable=firstDelete`)
      continue;
    }
    let bestToken = bestTotal;
    if (best.context) {
      bestPattern.lastIndex = i;
      bestToken = bestPattern.exec(src)![1].length; // r1 of r1/r2
    }
    const emit = best.act(src.slice(i, i + bestToken));
    if (emit === PTB_NEWLINE) {
      onLine(line);
      line = [];
    } else if (typeof emit === 'string') {
      line.push(emit.toLowerCase());
    } else if (emit !== null) {
      line.push(emit.token.toLowerCase());
      i += emit.consume;
      continue;
    }
    i += bestToken;
  }
  onLine(line);
}

/** Python `s.rstrip()`. */
function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPyWhitespace(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

/** The wrapper's filter: `' '.join(w for w in line.rstrip().split(' ') if w not in PUNCTUATIONS)`.
 * Tokens never contain a space, so splitting the joined line gives the tokens back, unless the
 * last one ends in (Python) whitespace, which `rstrip` removes. */
function filterLine(tokens: string[]): string {
  const last = tokens.length === 0 ? '' : tokens[tokens.length - 1];
  const words = last === '' || !isPyWhitespace(last.charCodeAt(last.length - 1)) ? tokens : pyRstrip(tokens.join(' ')).split(' ');
  // join() builds one flat string; `out + ' ' + w` would keep a tree of pieces per caption (about
  // 1 KB each), which dominated the memory of a COCO-sized run.
  return words.filter((w) => !PUNCTUATION_SET.has(w)).join(' ');
}

/**
 * Tokenises captions exactly as one wrapper call does. The captions share one Java run, so a line
 * break inside a caption (`\r`, U+2028, …; `\n` was made a space) gives it an extra output line and
 * every later caption receives its predecessor's line, as in the reference. A caption ending in
 * `\r` shifts nothing: with the joining `\n` it forms `\r\n`, one break. Returns
 * `zip(captions, lines)`, one entry per caption.
 */
export function ptbTokenizeCorpus(captions: readonly string[]): string[] {
  const out: string[] = [];
  ptbTokenizeEach(captions, (line) => out.push(line));
  return out;
}

/**
 * `ptbTokenizeCorpus` handing each caption's line to `onLine` as soon as it is lexed (caption
 * order; at most one line per caption), so that a large corpus's tokenised text need not be held.
 */
export function ptbTokenizeEach(captions: readonly string[], onLine: (line: string) => void): void {
  const text = captions.map((c) => c.replace(/\n/g, ' ')).join('\n');
  let lines = 0;
  ptbLex(text, (tokens) => {
    if (lines++ < captions.length) onLine(filterLine(tokens));
  });
}

/** One caption as the scorers see it (the `tokenized` field of coco_ptb.jsonl). */
export function ptbTokenize(caption: string): string {
  return ptbTokenizeCorpus([caption])[0] ?? '';
}

/**
 * The Java tokens of one caption before the punctuation filter (`java_tokens_line`), line breaks
 * inside the caption ignored.
 */
export function ptbTokens(caption: string): string[] {
  return ptbLexLines(caption.replace(/\n/g, ' ')).flat();
}

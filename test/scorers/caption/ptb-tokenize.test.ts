import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { caseless, latexQuotes } from '../../../src/scorers/caption/ptb-rules.ts';
import {
  PTB_PUNCTUATIONS,
  ptbLexLines,
  ptbTokenize,
  ptbTokenizeCorpus,
  ptbTokens,
} from '../../../src/scorers/caption/ptb-tokenize.ts';
import { pySplit } from '../../../src/scorers/python.ts';

interface PtbCase {
  raw: string;
  java_tokens_line: string;
  tokenized: string;
}

const cases: PtbCase[] = readFileSync(new URL('../../fixtures/conformance/coco_ptb.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as PtbCase);

const NBSP = '\u00A0';

describe('coco_ptb.jsonl conformance (CoreNLP 3.4.1 PTBTokenizer + pycocoevalcap filter)', () => {
  it('has the 38 cases', () => {
    expect(cases).toHaveLength(38);
  });

  it.each(cases.map((c) => [JSON.stringify(c.raw), c] as const))('%s', (_, c) => {
    expect(ptbTokens(c.raw).join(' ')).toBe(c.java_tokens_line);
    expect(ptbTokenize(c.raw)).toBe(c.tokenized);
  });

  it('gives the same lines when all cases share one Java run, as the wrapper does', () => {
    expect(ptbTokenizeCorpus(cases.map((c) => c.raw))).toEqual(cases.map((c) => c.tokenized));
  });
});

/** [caption, Java tokens (space-joined), tokenized] */
type Example = [string, string, string];

function check(examples: Example[]): void {
  it.each(examples)('%j', (raw, java, tokenized) => {
    expect(ptbTokens(raw).join(' ')).toBe(java);
    expect(ptbTokenize(raw)).toBe(tokenized);
  });
}

describe('clitics and assimilations', () => {
  check([
    ["It isn't, can't, won't.", "it is n't , ca n't , wo n't .", "it is n't ca n't wo n't"],
    ['I cannot; we CANNOT', 'i can not ; we can not', 'i can not we can not'],
    ["It's we're I'm they'd I'll you've.", "it 's we 're i 'm they 'd i 'll you 've .", "it 's we 're i 'm they 'd i 'll you 've"],
    ['gonna gotta wanna lemme gimme gonna.', 'gon na got ta wan na lem me gim me gon na .', 'gon na got ta wan na lem me gim me gon na'],
    ["y'all DON'T", "y' all do n't", "y' all do n't"],
    ["The dogs' bones and a cat's toy.", "the dogs ' bones and a cat 's toy .", "the dogs bones and a cat 's toy"],
    ['it\u2019s don\u2019t', "it 's do n't", "it 's do n't"],
    ["O'Neil's ma'am", "o'neil 's ma'am", "o'neil 's ma'am"],
  ]);
});

describe('quotes', () => {
  check([
    ['a "quoted" word', "a `` quoted '' word", 'a quoted word'],
    ['\u201Ccurly\u201D and \u2018single\u2019', "`` curly '' and ` single '", 'curly and single'],
    ['a \u00ABfr\u00BB word', "a `` fr '' word", 'a fr word'],
    ["rock 'n' roll in the '80s at 5 o'clock", "rock 'n' roll in the '80s at 5 o'clock", "rock 'n' roll in the '80s at 5 o'clock"],
    ['\u201Elow quote', '\u201E low quote', '\u201E low quote'],
    ['5\'11" tall', "5 ' 11 '' tall", '5 11 tall'],
  ]);
});

describe('hyphens, dashes, ellipses, repeated punctuation', () => {
  check([
    ['an ice-cream cone, a 4-year-old', 'an ice-cream cone , a 4-year-old', 'an ice-cream cone a 4-year-old'],
    ['a - b -- c --- d \u2014 e \u2013 f', 'a - b -- c -- d -- e -- f', 'a b c d e f'],
    ['wait... what\u2026 no. . . yes', 'wait ... what ... no ... yes', 'wait what no yes'],
    ['Wait.... Then', 'wait ... . then', 'wait then'],
    ['wow!!! what?! really??', 'wow !!! what ?! really ??', 'wow !!! what ?! really ??'],
  ]);
});

describe('currency, percent, entities, fractions', () => {
  check([
    ['$3.50 \u00A35 \u20AC5 5\u00A2 50% \u00A55', '$ 3.50 # 5 $ 5 5 cents 50 % \u00A5 5', '$ 3.50 # 5 $ 5 5 cents 50 % \u00A5 5'],
    ['salt &amp; pepper &lt;3', 'salt & pepper < 3', 'salt & pepper < 3'],
    ['\u00BD \u00BC \u00BE cup', '1/2 1/4 3/4 cup', '1/2 1/4 3/4 cup'],
    [`1 1/2 cups`, `1${NBSP}1/2 cups`, `1${NBSP}1/2 cups`],
    ['call (555) 555-1234 now', `call -lrb-555-rrb-${NBSP}555-1234 now`, `call -lrb-555-rrb-${NBSP}555-1234 now`],
  ]);

  it('keeps the U+00A0 inside a token, so str.split() splits it and split(" ") does not', () => {
    const t = ptbTokenize('a 2 1/2 inch nail');
    expect(t.split(' ')).toEqual(['a', `2${NBSP}1/2`, 'inch', 'nail']);
    expect(pySplit(t)).toEqual(['a', '2', '1/2', 'inch', 'nail']);
  });
});

describe('abbreviations, numbers, URLs', () => {
  check([
    ['Mr. Smith of Acme Corp. in the U.S. at 10 a.m., etc.', 'mr. smith of acme corp. in the u.s. at 10 a.m. , etc. .', 'mr. smith of acme corp. in the u.s. at 10 a.m. etc.'],
    // An abbreviation before a capitalised word also ends the sentence: the period is repeated.
    ['Acme Corp. The end.', 'acme corp. . the end .', 'acme corp. the end'],
    ['Grade A. Next', 'grade a . next', 'grade a next'],
    ['No. 5 bus, e.g. a tree', 'no. 5 bus , e.g. a tree', 'no. 5 bus e.g. a tree'],
    ['1,000,000 3.5 10:30 3/4 2x4 .5 -5 12/25/2014', '1,000,000 3.5 10:30 3/4 2x4 .5 -5 12/25/2014', '1,000,000 3.5 10:30 3/4 2x4 .5 -5 12/25/2014'],
    ['see https://x.com/a?b=c, www.google.com. or me@x.com,', 'see https://x.com/a?b=c , www.google.com . or me@x.com ,', 'see https://x.com/a?b=c www.google.com or me@x.com'],
    ['an AT&T store, black/white cat', 'an at&t store , black/white cat', 'an at&t store black/white cat'],
  ]);
});

describe('brackets, symbols, scripts', () => {
  check([
    ['(x) [y] {z} <b>bold</b> 1 < 2', '-lrb- x -rrb- -lsb- y -rsb- -lcb- z -rcb- <b> bold </b> 1 < 2', '-lrb- x -rrb- -lsb- y -rsb- -lcb- z -rcb- <b> bold </b> 1 < 2'],
    ['she smiled :) ;( ok', 'she smiled :-rrb- ;-lrb- ok', 'she smiled :-rrb- ;-lrb- ok'],
    ['#tag @user under_score', '#tag @user under_score', '#tag @user under_score'],
    ['\u00BFqu\u00E9? \u00A1hola! \u65E5\u672C\u3001\u30C6\u30B9\u30C8\u3002', '\u00BF qu\u00E9 ? \u00A1 hola ! \u65E5\u672C \u3001 \u30C6\u30B9\u30C8 \u3002', '\u00BF qu\u00E9 \u00A1 hola \u65E5\u672C \u3001 \u30C6\u30B9\u30C8 \u3002'],
    ['cafe\u0301 \u039F\u0394\u039F\u03A3', 'cafe\u0301 \u03BF\u03B4\u03BF\u03C2', 'cafe\u0301 \u03BF\u03B4\u03BF\u03C2'],
  ]);
});

describe('deleted characters and whitespace', () => {
  check([
    // Non-BMP characters (emoji) are untokenizable in 3.4.1 and vanish, leaving a token boundary.
    ['a \u{1F600} b x\u{1F436}y', 'a b x y', 'a b x y'],
    // BMP symbols stay; the emoji variation selector U+FE0F does not.
    ['a \u263A face \u2764\uFE0F', 'a \u263A face \u2764', 'a \u263A face \u2764'],
    ['x\u200By \u0000z\tw\u3000v&nbsp;u', 'x y z w v u', 'x y z w v u'],
    ['', '', ''],
    ['   ', '', ''],
  ]);
});

describe('the wrapper (one Java run for all captions)', () => {
  it('turns a newline inside a caption into a space', () => {
    expect(ptbTokenizeCorpus(['a dog\non grass.', 'Two cats.'])).toEqual(['a dog on grass', 'two cats']);
    expect(ptbTokenize('a dog\non grass.')).toBe('a dog on grass');
  });

  it('shifts later captions after a bare \\r, as the reference does', () => {
    expect(ptbTokenizeCorpus(['one\rtwo', 'three', 'four'])).toEqual(['one', 'two', 'three']);
    expect(ptbTokenizeCorpus(['one\u2028two', 'three'])).toEqual(['one', 'two']);
    expect(ptbTokenize('one\rtwo')).toBe('one');
  });

  it('does not shift after a caption ending in \\r (\\r plus the joining \\n is one break)', () => {
    expect(ptbTokenizeCorpus(['one\r', 'two', 'three'])).toEqual(['one', 'two', 'three']);
  });

  it('lets context cross caption boundaries like Java does (only filtered periods change)', () => {
    expect(ptbLexLines('Made in the U.S.\nA dog.')).toEqual([['made', 'in', 'the', 'u.s.', '.'], ['a', 'dog', '.']]);
    expect(ptbTokenizeCorpus(['Made in the U.S.', 'A dog.'])).toEqual(['made in the u.s.', 'a dog']);
  });

  it("reads a clitic at the very end of the text as an opening quote (the rules' EOF quirk)", () => {
    // "'ve" + a following character is REDAUX; at the end only the quote rule's context fits.
    expect(ptbLexLines("you've")).toEqual([['you', '`', 've']]);
    expect(ptbTokenizeCorpus(["you've", 'ok'])).toEqual(["you 've", 'ok']);
    expect(ptbTokenize("it's")).toBe("it 's");
  });

  it('returns nothing for no captions', () => {
    expect(ptbTokenizeCorpus([])).toEqual([]);
  });

  it('drops exactly the upper-case punctuation list, so lower-cased brackets survive', () => {
    expect(PTB_PUNCTUATIONS).toEqual(["''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-', '.', '?', '!', ',', ':', '-', '--', '...', ';']);
  });

  it('takes the same tokens through the fast path and the rules', () => {
    // Words followed by a comma or period take the shortcut; a trailing digit forces the rules.
    const plain = 'A man, a plan, a canal. Panama etc. Mr. Co.';
    expect(ptbTokens(plain).join(' ')).toBe('a man , a plan , a canal . panama etc. . mr. co. .');
    expect(ptbTokens('man1, plan2.').join(' ')).toBe('man1 , plan2 .');
  });

  it('tokenizes 30,000 captions in one call, one line each (speed: npm run bench)', () => {
    const words = ['A', 'man', 'riding', 'a', 'wave', 'on', 'top', 'of', 'surfboard,', "dog's", 'ice-cream', '2', 'cat.'];
    const captions = Array.from({ length: 30_000 }, (_, i) =>
      Array.from({ length: 11 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' '),
    );
    const lines = ptbTokenizeCorpus(captions);
    expect(lines).toHaveLength(30_000);
    expect(lines[0]).toBe(ptbTokenizeCorpus([captions[0]])[0]);
  });
});

describe('helpers', () => {
  it('caseless() makes letters outside classes match both cases, classes unchanged', () => {
    expect(caseless('ab[M]c\\p{L}\\u00AD')).toBe('[aA][bB][M][cC]\\p{L}\\u00AD');
    expect(new RegExp(`^${caseless('[M]iss')}$`, 'u').test('MISS')).toBe(true);
    expect(new RegExp(`^${caseless('[M]iss')}$`, 'u').test('miss')).toBe(false);
  });

  it('latexQuotes() maps by guessed side for ASCII and by shape for curly quotes', () => {
    expect(latexQuotes('"', true)).toBe('``');
    expect(latexQuotes('"', false)).toBe("''");
    expect(latexQuotes("'", true)).toBe('`');
    expect(latexQuotes('\u2019s', true)).toBe("'s");
    expect(latexQuotes('\u201C\u201D\u2018', false)).toBe("``''`");
  });
});

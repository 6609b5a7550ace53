import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  evalMultiChoice,
  evalOpen,
  extractNumbers,
  FALLBACK_REASON,
  mmmuScorer,
  multiChoiceInfo,
  normalizeStr,
  parseMultiChoiceResponse,
  parseOpenResponse,
} from '../../../src/scorers/mmmu/mmmu.ts';
import type { ScoreInput } from '../../../src/scorers/types.ts';

interface Verdict {
  random_fallback: boolean;
  parsed_pred: string | Array<string | number> | null;
  correct: boolean | null;
  first_draw_after_seed_42?: string;
  correct_if_first_draw_after_seed_42?: boolean;
}

interface Case {
  id: string;
  tag: string;
  question_type: 'multiple-choice' | 'open';
  options: string[];
  answer: string | string[];
  response: string;
  official: Verdict;
}

const cases: Case[] = readFileSync(new URL('../../fixtures/conformance/mmmu.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Case);

function inputOf(c: Case): ScoreInput {
  return {
    id: c.id,
    prediction: c.response,
    references: Array.isArray(c.answer) ? c.answer : [c.answer],
    options: c.options,
    questionType: c.question_type,
  };
}

/** Numbers and strings as one comparable key each: JSON keeps 42.0 as 42, and so does JS. */
const asSet = (items: ReadonlyArray<string | number>): string[] =>
  items.map((x) => (typeof x === 'number' ? `n:${x}` : `s:${x}`)).sort();

describe('mmmu conformance (official eval_utils.py)', () => {
  it('has the 39 cases the spec lists, 14 multiple-choice', () => {
    expect(cases).toHaveLength(39);
    expect(cases.filter((c) => c.question_type === 'multiple-choice')).toHaveLength(14);
    expect(cases.filter((c) => c.official.random_fallback)).toHaveLength(6);
  });

  it.for(cases.filter((c) => c.question_type === 'multiple-choice'))('MC $id ($tag)', (c) => {
    const { allChoices, index2ans } = multiChoiceInfo(c.options);
    const parsed = parseMultiChoiceResponse(c.response, allChoices, index2ans);
    // each case scored alone gets a fresh seed-42 stream, so a fallback takes the first draw
    const [sample] = mmmuScorer.scoreSet([inputOf(c)]).samples;
    expect(sample.fallback).toBe(c.official.random_fallback);
    if (c.official.random_fallback) {
      expect(parsed.letter).toBeNull();
      expect(sample.extracted).toBe(c.official.first_draw_after_seed_42);
      expect(sample.score).toBe(c.official.correct_if_first_draw_after_seed_42 ? 1 : 0);
      expect(sample.reason).toBe(FALLBACK_REASON);
    } else {
      expect(parsed.letter).toBe(c.official.parsed_pred);
      expect(sample.extracted).toBe(c.official.parsed_pred);
      expect(sample.score).toBe(c.official.correct ? 1 : 0);
    }
  });

  it.for(cases.filter((c) => c.question_type === 'open'))('open $id ($tag)', (c) => {
    const preds = parseOpenResponse(c.response);
    expect(asSet(preds)).toEqual(asSet(c.official.parsed_pred as Array<string | number>));
    expect(evalOpen(c.answer, preds)).toBe(c.official.correct);
    const [sample] = mmmuScorer.scoreSet([inputOf(c)]).samples;
    expect(sample.score).toBe(c.official.correct ? 1 : 0);
    expect(sample.fallback).toBe(false);
    expect(asSet(sample.extracted as Array<string | number>)).toEqual(asSet(preds));
  });
});

// Expected values below were checked against the official functions run under CPython 3.11.
const FOUR = ['12', '24', '36', '48'];
const mcInput = (id: string, prediction: string, gold: string | string[], options = FOUR, group?: string): ScoreInput => ({
  id,
  prediction,
  references: Array.isArray(gold) ? gold : [gold],
  options,
  questionType: 'multiple-choice',
  ...(group === undefined ? {} : { group }),
});
const openInput = (id: string, prediction: string, references: string[]): ScoreInput => ({
  id,
  prediction,
  references,
  questionType: 'open',
});
const letterOf = (response: string, options: string[] = FOUR): string | null => {
  const { allChoices, index2ans } = multiChoiceInfo(options);
  return parseMultiChoiceResponse(response, allChoices, index2ans).letter;
};

describe('parseMultiChoiceResponse (scoring.md §2.2)', () => {
  it.each<[string, string | null]>([
    ['B.:', null], // ':' goes, then nothing more: "B." is not " B "
    ['.B,', 'B'],
    ['B because A is wrong', 'A'], // the last-mentioned letter wins
    ['(A) or (B)', 'B'],
    ['(A) then B then (C) and D', 'C'], // bracketed letters outrank plain ones
    ['A or B or A', 'A'],
    ['(b)', null], // case-sensitive
    ['B. 24', null], // lmms-eval would say B
    ['答案是B', null],
  ])('%j -> %s', (response, letter) => {
    expect(letterOf(response)).toBe(letter);
  });

  it('letters run past D', () => {
    expect(letterOf('(I)', ['0', '1', '2', '3', '4', '5', '6', '7', '8'])).toBe('I');
  });

  it('reads option text only past five tokens', () => {
    const options = ['mitochondria', 'golgi apparatus'];
    expect(letterOf('golgi apparatus', options)).toBeNull();
    expect(letterOf('one two three golgi apparatus', options)).toBeNull(); // exactly five
    expect(letterOf('one two three four golgi apparatus', options)).toBe('B');
  });

  it('ranks option texts by last occurrence, the first candidate winning ties', () => {
    expect(letterOf('it is one of these abc ok', ['ab', 'abc'])).toBe('A'); // both at the same index
    expect(letterOf('it is one of these abc or ab ok', ['abc', 'ab'])).toBe('B');
    expect(letterOf('the answer is NADH not DNA here', ['DNA', 'RNA', 'ATP', 'NADH'])).toBe('A');
  });

  it('says which pass decided', () => {
    const { allChoices, index2ans } = multiChoiceInfo(FOUR);
    expect(parseMultiChoiceResponse('(B)', allChoices, index2ans).reason).toMatch(/bracketed letter/);
    expect(parseMultiChoiceResponse('B because A', allChoices, index2ans).reason).toMatch(/letter between spaces.*A/);
  });
});

describe('parseOpenResponse pieces (scoring.md §2.3)', () => {
  it.each<[string, string[]]>([
    ['1.5e3', ['1.5e3', '1', '3']],
    ['1,249,000x', ['1,249']],
    ['7,243,000 dollars', ['7,243,000', '000']],
    ['١٢ apples', ['١٢']], // Unicode \d
    ['x١٢', ['١٢']],
    ['①2', ['2']], // ① is a word character for Python's \b
    ['-3.5 and .5 and 12,34', ['-3.5', '.5', '34']],
    ['1e5 2E-3', ['1e5', '2E-3', '5', '-3']],
  ])('extractNumbers(%j)', (s, expected) => {
    expect(extractNumbers(s)).toEqual(expected);
  });

  it.each<[string, Array<string | number>]>([
    ['0.125', [0.12]],
    ['2.675', [2.67]],
    [' C ', [' c', 'c ']],
    ['1,000', [1000]],
    ['İ', ['i̇']], // lower-cases to two code points, so no padding
    ['50%', ['50%']],
    ['1_000', [1000]],
    ['inf', [Infinity]],
    ['１２', [12]],
  ])('normalizeStr(%j)', (s, expected) => {
    expect(normalizeStr(s)).toEqual(expected);
  });

  it.each<[string, Array<string | number>]>([
    ['is so \nx', ['so']], // an empty first tail is replaced by a later one
    ['so 5 is \nfinal', ['so 5 is \nfinal', 5]], // an empty tail is shortest and then dropped
    ['the answer is :', ['the answer is :']], // a trivial tail is dropped
    ['a = 5\nb', ['a = 5\nb', 5]], // '=' only counts in the last piece
    ['a = 5', [5]],
    ['Thus. So the result is 7. Done.', ['7. done', 7]],
    ['x\n\ny is 3', [3]],
  ])('parseOpenResponse(%j)', (s, expected) => {
    expect(asSet(parseOpenResponse(s))).toEqual(asSet(expected));
  });
});

describe('evalOpen and evalMultiChoice', () => {
  it('numbers match numbers, strings match by substring', () => {
    expect(evalOpen('50%', parseOpenResponse('50'))).toBe(false);
    expect(evalOpen('50%', parseOpenResponse('it is 50%'))).toBe(true);
    expect(evalOpen('inf', parseOpenResponse('inf'))).toBe(true);
    expect(evalOpen('nan', parseOpenResponse('nan'))).toBe(false); // NaN never equals NaN
  });
  it('a list gold matches any element', () => {
    expect(evalMultiChoice(['A', 'C'], 'C')).toBe(true);
    expect(evalMultiChoice('A', 'C')).toBe(false);
  });
});

describe('mmmuScorer.scoreSet', () => {
  it('draws fallbacks from one seed-42 stream in processing order', () => {
    // CPython: seed(42); choice of 4, 9, 2, 4 letters -> A, A, B, B
    const nine = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const result = mmmuScorer.scoreSet([
      mcInput('f1', '**B**', 'B'),
      mcInput('parsed', '(C)', 'C'), // no draw
      mcInput('f2', 'b', 'A', nine),
      mcInput('f3', '', 'B', ['x', 'y']),
      mcInput('f4', '?', 'C'),
    ]);
    expect(result.samples.map((s) => s.extracted)).toEqual(['A', 'C', 'A', 'B', 'B']);
    expect(result.samples.map((s) => s.fallback)).toEqual([true, false, true, true, true]);
    expect(result.samples.map((s) => s.score)).toEqual([0, 1, 1, 1, 0]);
    expect(result.aggregate).toEqual({ accuracy: 3 / 5, accuracy_strict: 1 / 5, fallbacks: 4 });
  });

  it('starts a fresh stream on every call', () => {
    const input = [mcInput('x', 'no idea', 'A'), mcInput('y', 'no idea', 'A')];
    const first = mmmuScorer.scoreSet(input).samples.map((s) => s.extracted);
    expect(mmmuScorer.scoreSet(input).samples.map((s) => s.extracted)).toEqual(first);
    expect(first).toEqual(['A', 'A']);
  });

  it('counts fallbacks, and reports accuracy, per group (subject) and discipline when groups are given', () => {
    const result = mmmuScorer.scoreSet([
      mcInput('m1', '(A)', 'A', FOUR, 'Math'),
      mcInput('m2', 'b', 'A', FOUR, 'Math'),
      mcInput('p1', '(B)', 'A', FOUR, 'Physics'),
      openInput('o1', '42', ['42']),
    ]);
    expect(result.aggregate).toEqual({
      accuracy: 3 / 4,
      accuracy_strict: 2 / 4,
      fallbacks: 1,
      fallbacks_Math: 1,
      fallbacks_Physics: 0,
      accuracy_Math: 1,
      accuracy_Physics: 0,
      // Science, instance-weighted over Math (2) and Physics (1)
      accuracy_Science: 2 / 3,
    });
  });

  it('reads a gold stored as a list literal, and keeps one that does not parse', () => {
    const [listGold, rawGold] = mmmuScorer.scoreSet([
      openInput('l', 'so the answer is 3.429', ["['24/7', '3.429']"]),
      openInput('r', 'the interval [0, 1)', ['[0, 1)']),
    ]).samples;
    expect(listGold.score).toBe(1);
    expect(rawGold.score).toBe(1);
  });

  it('does not trim the prediction', () => {
    const [sample] = mmmuScorer.scoreSet([mcInput('n', 'A\n', 'A')]).samples;
    expect(sample.fallback).toBe(true);
    expect(sample.reason).toBe(FALLBACK_REASON);
  });

  it('gives accuracy 0 for an empty set, as the official evaluate does', () => {
    expect(mmmuScorer.scoreSet([]).aggregate).toEqual({ accuracy: 0, accuracy_strict: 0, fallbacks: 0 });
  });

  it.each<[ScoreInput, RegExp]>([
    [{ id: 'q', prediction: 'A', references: ['A'], options: FOUR }, /'q' has no questionType/],
    [{ ...mcInput('o', 'A', 'A'), options: [] }, /'o' is multiple-choice but has no options/],
    [{ ...mcInput('g', 'A', 'A'), references: [] }, /'g' has no gold answer/],
  ])('rejects an unusable sample (%#)', (input, message) => {
    expect(() => mmmuScorer.scoreSet([input])).toThrow(message);
  });

  it('declares the official headline metric', () => {
    expect(mmmuScorer).toMatchObject({ id: 'mmmu', primaryMetric: 'accuracy', perSampleMean: true });
  });
});

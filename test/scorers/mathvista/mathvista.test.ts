// MathVista extraction rules, the extraction prompt, normalisation and equality reproduce the
// official code: every case in test/fixtures/mathvista/official-cases.json was computed by running
// lupantech/MathVista's evaluation/extract_answer.py and calculate_score.py (see the fixtures README).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXTRACTION_DEMO_PROMPT, extractionFromReply, extractionPrompt, ruleExtraction, type MathVistaAnswerType } from '../../../src/scorers/mathvista/mathvista-extract.ts';
import { createMathVistaScorer, normalizeExtractedAnswer, safeEqual } from '../../../src/scorers/mathvista/mathvista.ts';
import { pyFloatRepr, pyInt, pyRound } from '../../../src/scorers/python.ts';

interface ExtractCase {
  question_type: 'multi_choice' | 'free_form';
  answer_type: MathVistaAnswerType;
  choices: string[] | null;
  query: string;
  response: string;
  quick_extract: boolean;
  /** null: the official code asks the LLM, with `prompt`. */
  extraction: string | null;
  prompt?: string;
}

interface NormalizeCase {
  extraction: string;
  choices: string[] | null;
  question_type: 'multi_choice' | 'free_form';
  answer_type: MathVistaAnswerType;
  precision: number | null;
  answer: string;
  normalized: string | null;
  true_false: boolean;
}

const cases = JSON.parse(readFileSync(new URL('../../fixtures/mathvista/official-cases.json', import.meta.url), 'utf8')) as {
  demo_prompt: string;
  extract: ExtractCase[];
  normalize: NormalizeCase[];
};

describe('MathVista extraction (extract_answer.py)', () => {
  it('the few-shot demonstration is the official one, byte for byte', () => {
    expect(EXTRACTION_DEMO_PROMPT).toBe(cases.demo_prompt);
  });

  it.each(cases.extract.map((c, i) => [i, c] as const))('case %i: rules and prompt match the official output', (_i, c) => {
    const problem = { questionType: c.question_type, answerType: c.answer_type, choices: c.choices, query: c.query };
    const rule = ruleExtraction(c.response, problem, { quickExtract: c.quick_extract });
    expect(rule).toBe(c.extraction);
    if (c.extraction === null) expect(extractionPrompt(c.query, c.response)).toBe(c.prompt);
  });

  it('covers every rule and both quick_extract settings', () => {
    expect(cases.extract.filter((c) => c.extraction === null).length).toBeGreaterThan(10);
    expect(cases.extract.some((c) => c.quick_extract && c.extraction !== null && /The answer is/.test(c.response))).toBe(true);
  });

  it("strips the judge's reply as the official client does", () => {
    expect(extractionFromReply('  B\n')).toBe('B');
  });
});

describe('MathVista normalisation and equality (calculate_score.py)', () => {
  it.each(cases.normalize.map((c, i) => [i, c.answer_type, JSON.stringify(c.extraction), c] as const))(
    'case %i (%s %s): normalize_extracted_answer and safe_equal match',
    (_i, _t, _e, c) => {
      const normalized = normalizeExtractedAnswer(c.extraction, {
        choices: c.choices,
        questionType: c.question_type,
        answerType: c.answer_type,
        precision: c.precision,
      });
      expect(normalized).toBe(c.normalized);
      expect(safeEqual(normalized, c.answer)).toBe(c.true_false);
    },
  );

  it('the cases cover letters, texts, precision 1 and 2, integers written as floats, lists and units', () => {
    const n = cases.normalize;
    expect(n.some((c) => c.question_type === 'multi_choice' && /^[A-Z]$/.test(c.extraction) && c.true_false)).toBe(true);
    expect(n.some((c) => c.question_type === 'multi_choice' && c.extraction === c.answer)).toBe(true);
    expect(n.some((c) => c.answer_type === 'float' && c.precision === 1)).toBe(true);
    expect(n.some((c) => c.answer_type === 'float' && c.precision === 2)).toBe(true);
    expect(n.some((c) => c.answer_type === 'integer' && c.extraction === '1000.0' && c.true_false)).toBe(true);
    expect(n.some((c) => c.answer_type === 'list' && c.true_false)).toBe(true);
    expect(n.some((c) => /cm|°| g$/.test(c.extraction))).toBe(true);
  });
});

describe('the scorer', () => {
  it('reports accuracy overall and per group under the name it was made with', () => {
    const scorer = createMathVistaScorer('accuracy_rule_extract');
    const base = { references: ['8/11'], options: ['3/11', '8/11'], questionType: 'multiple-choice' as const, answerType: 'text' as const };
    const set = scorer.scoreSet([
      { ...base, id: '1', prediction: 'B', groups: { task: ['figure question answering'], skills: ['arithmetic reasoning', 'statistical reasoning'] } },
      { ...base, id: '2', prediction: 'A', groups: { task: ['figure question answering'], skills: ['arithmetic reasoning'] } },
      { id: '3', prediction: '14.0', references: ['14'], questionType: 'open', answerType: 'integer', groups: { task: ['math word problem'], skills: ['arithmetic reasoning'] } },
    ]);
    expect(set.samples.map((s) => s.score)).toEqual([1, 0, 1]);
    expect(set.aggregate).toEqual({
      accuracy_rule_extract: 2 / 3,
      'accuracy_rule_extract/skills/arithmetic reasoning': 2 / 3,
      'accuracy_rule_extract/skills/statistical reasoning': 1,
      'accuracy_rule_extract/task/figure question answering': 0.5,
      'accuracy_rule_extract/task/math word problem': 1,
    });
    expect(set.samples[2]).toMatchObject({ extracted: '14', reason: '"14.0" → "14" = "14"' });
  });
});

describe('Python number helpers behind it', () => {
  // Values printed by CPython 3.11.
  it.each<[number, number, number]>([
    [2.675, 2, 2.67],
    [0.125, 2, 0.12],
    [-0.125, 2, -0.12],
    [0.25, 1, 0.2],
    [2.5, 0, 2],
    [1.5, 0, 2],
    [1234.5, -1, 1230],
    [1250, -2, 1200],
    [5e-324, 2, 0],
    [1e300, 2, 1e300],
  ])('round(%s, %s) = %s', (x, n, expected) => {
    expect(pyRound(x, n)).toBe(expected);
  });

  it.each<[number, string]>([
    [1, '1.0'],
    [-0, '-0.0'],
    [1e16, '1e+16'],
    [9999999999999998, '9999999999999998.0'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e21, '1e+21'],
    [123456789012345.67, '123456789012345.67'],
    [-2.5e-300, '-2.5e-300'],
  ])('repr(%s) = %s', (x, expected) => {
    expect(pyFloatRepr(x)).toBe(expected);
  });

  it.each<[string, bigint | null]>([
    ['007', 7n],
    ['-0', 0n],
    [' +1_000 ', 1000n],
    ['1__0', null],
    ['_1', null],
    ['1.0', null],
    ['\u0661\u0664', 14n],
    ['', null],
  ])('int(%j) = %s', (s, expected) => {
    expect(pyInt(s)).toBe(expected);
  });
});

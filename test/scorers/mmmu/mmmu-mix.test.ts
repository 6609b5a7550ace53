// The realistic MMMU response mix (bench/mmmu-mix.ts: letters, long reasoning naming several options,
// unparseable answers, open answers with separators, decimals, scientific notation and lists) scored
// by the official eval_utils.py (test/fixtures/reference/mmmu-mix.json,
// scripts/reference/gen-mmmu-mix-cases.py): every parse, every verdict, the random fallback draws and
// the accuracy must agree.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mmmuScorer } from '../../../src/scorers/mmmu/mmmu.ts';

interface Case {
  id: string;
  prediction: string;
  references: string[];
  options: string[];
  question_type: 'multiple-choice' | 'open';
  official: { parsed_pred: string | Array<string | number>; correct: boolean };
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/reference/mmmu-mix.json', import.meta.url), 'utf8')) as {
  accuracy: number;
  cases: Case[];
};

describe('mmmu-mix.json: the official MMMU scoring of a realistic response mix', () => {
  const set = mmmuScorer.scoreSet(
    fixture.cases.map((c) => ({ id: c.id, prediction: c.prediction, references: c.references, options: c.options, questionType: c.question_type })),
  );

  it('has every kind of response', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(500);
    expect(fixture.cases.some((c) => c.question_type === 'open')).toBe(true);
    expect(set.samples.some((s) => s.fallback)).toBe(true);
    expect(fixture.cases.some((c) => c.prediction.length > 600)).toBe(true);
  });

  it('parses each response as the official code does (fallback draws included)', () => {
    const wrong: string[] = [];
    fixture.cases.forEach((c, i) => {
      const s = set.samples[i];
      const official = c.official.parsed_pred;
      const same = Array.isArray(official)
        ? Array.isArray(s.extracted) && new Set(s.extracted).size === new Set(official).size && official.every((p) => (s.extracted as Array<string | number>).includes(p))
        : s.extracted === official;
      if (!same || s.score !== (c.official.correct ? 1 : 0)) wrong.push(`${c.id}: ${JSON.stringify(s.extracted)} ${s.score} vs ${JSON.stringify(official)} ${c.official.correct}`);
    });
    expect(wrong).toEqual([]);
  });

  it('gives the official accuracy', () => {
    expect(set.aggregate.accuracy).toBe(fixture.accuracy);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anls, anlsScorer } from '../../src/scorers/anls.ts';
import { pyStrip } from '../../src/scorers/python.ts';

interface Case {
  id: string;
  prediction: string;
  answers: string[];
  rrc_official: number;
  lmms_eval: number;
  lmms_eval_pipeline: number;
}

const cases: Case[] = readFileSync(new URL('../fixtures/conformance/anls.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Case);

/** Conformance floats: relative 1e-12, with a tiny absolute floor for zeros (spec §8). */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(expected), 1e-300));
}

const byId = (c: Case) => [c.id, c] as const;

describe('anls.jsonl conformance', () => {
  it('has the 19 documented cases', () => expect(cases).toHaveLength(19));

  it.each(cases.map(byId))('rrc_official and lmms_eval anls(): %s', (_, c) => {
    expectClose(anls(c.prediction, c.answers).score, c.rrc_official);
    expectClose(anls(c.prediction, c.answers).score, c.lmms_eval);
  });

  it.each(cases.map(byId))('lmms_eval_pipeline (stripped first): %s', (_, c) => {
    expectClose(anls(pyStrip(c.prediction), c.answers).score, c.lmms_eval_pipeline);
  });

  it.each(cases.map(byId))('anlsScorer scores the prediction as given: %s', (_, c) => {
    const set = anlsScorer.scoreSet([{ id: c.id, prediction: c.prediction, references: c.answers }]);
    expectClose(set.samples[0].score, c.rrc_official);
  });

  it('averages the whole file', () => {
    const inputs = cases.map((c) => ({ id: c.id, prediction: c.prediction, references: c.answers }));
    const set = anlsScorer.scoreSet(inputs);
    expectClose(set.aggregate.anls, cases.reduce((s, c) => s + c.rrc_official, 0) / cases.length);
    expect(set.samples.map((s) => s.id)).toEqual(cases.map((c) => c.id));
  });
});

describe('anls beyond conformance', () => {
  it('uses the raw, upper-cased lengths as denominator (spec §4 example)', () => {
    expect(anls('  parix  ', ['paris']).score).toBe(1 - 1 / 9);
    expect(anls(pyStrip('  parix  '), ['paris']).score).toBe(1 - 1 / 5);
    // ß upper-cases to SS: the gold counts 7, not 6.
    expect(anls('strasse', ['straße']).nl).toBe(2 / 7);
  });

  it('keeps a similarity of exactly 0.5 and zeroes anything below', () => {
    expect(anls('abxy', ['abcd'])).toEqual({ score: 0.5, bestAnswer: 'abcd', nl: 0.5 });
    expect(anls('axyz', ['abcd']).score).toBe(0);
    expect(anls('axyz', ['abcd']).nl).toBe(0.75);
  });

  it('counts code points, not UTF-16 units', () => {
    // One emoji substituted for another: one edit over 2 code points (4 UTF-16 units).
    expect(anls('a😀', ['a😁']).nl).toBe(1 / 2);
    expect(anls('😀😀', ['😀']).score).toBe(0.5);
  });

  it('does not unify NFC and NFD', () => {
    // "é" precomposed (1 code point) vs e + U+0301 (2): one substitution + one insertion over 2.
    expect(anls('\u00e9', ['e\u0301']).nl).toBe(1);
  });

  it('picks the closest answer, the first on ties', () => {
    expect(anls('abc', ['xyz', 'abd', 'abe']).bestAnswer).toBe('abd');
    expect(anls('ABC', ['abc', 'ABC']).bestAnswer).toBe('abc');
  });

  it('treats both-empty as a perfect match', () => {
    expect(anls('', ['']).score).toBe(1);
    expect(anls('\u3000', ['']).score).toBe(1);
  });

  it('rejects an empty answer list', () => {
    expect(() => anls('x', [])).toThrow(/at least one/);
    expect(() => anlsScorer.scoreSet([{ id: 'd3', prediction: 'x', references: [] }])).toThrow(/d3/);
  });
});

describe('anlsScorer', () => {
  it('describes itself', () => {
    expect(anlsScorer.id).toBe('anls');
    expect(anlsScorer.primaryMetric).toBe('anls');
    expect(anlsScorer.perSampleMean).toBe(true);
  });

  it('reports the normalised prediction and the closest answer', () => {
    const [near, far] = anlsScorer.scoreSet([
      { id: 'a', prediction: ' New\tYork ', references: ['new york', 'NYC'] },
      { id: 'b', prediction: 'Boston', references: ['new york'] },
    ]).samples;
    expect(near.extracted).toBe('new york');
    expect(near.reason).toBe('normalised distance 0.000 to "new york"');
    expect(far.score).toBe(0);
    expect(far.reason).toBe('normalised distance 0.875 to "new york", over 0.5: scores 0');
  });
});

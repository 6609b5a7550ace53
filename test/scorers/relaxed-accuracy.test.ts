import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relaxedAccuracyScorer, relaxedCorrectness } from '../../src/scorers/relaxed-accuracy.ts';
import type { ScoreInput } from '../../src/scorers/types.ts';

interface Case {
  id: string;
  prediction: string;
  target: string;
  lmms_eval_relaxed_correctness: boolean;
  lmms_eval_pipeline_relaxed_overall: number;
}

const conformance = new URL('../fixtures/conformance/chartqa.jsonl', import.meta.url);
const cases: Case[] = readFileSync(conformance, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Case);

const byId = (c: Case) => [c.id, c] as const;

describe('chartqa.jsonl conformance', () => {
  it('has the 38 documented cases', () => expect(cases).toHaveLength(38));

  it.each(cases.map(byId))('relaxed_correctness, untrimmed: %s', (_, c) => {
    expect(relaxedCorrectness(c.prediction, c.target)).toBe(c.lmms_eval_relaxed_correctness);
  });

  it.each(cases.map(byId))('pipeline relaxed_overall (scorer, stripped): %s', (_, c) => {
    const input = { id: c.id, prediction: c.prediction, references: [c.target] };
    const set = relaxedAccuracyScorer.scoreSet([input]);
    expect(set.samples[0].score).toBe(c.lmms_eval_pipeline_relaxed_overall);
    expect(set.aggregate.relaxed_accuracy).toBe(c.lmms_eval_pipeline_relaxed_overall);
  });

  it('averages the whole file', () => {
    const set = relaxedAccuracyScorer.scoreSet(
      cases.map((c) => ({ id: c.id, prediction: c.prediction, references: [c.target] })),
    );
    const expected = cases.reduce((s, c) => s + c.lmms_eval_pipeline_relaxed_overall, 0) / cases.length;
    expect(set.aggregate.relaxed_accuracy).toBe(expected);
    expect(set.samples.map((s) => s.id)).toEqual(cases.map((c) => c.id));
    expect(Object.keys(set.aggregate)).toEqual(['relaxed_accuracy']);
  });
});

describe('relaxedCorrectness beyond conformance', () => {
  it.each([
    ['+12', '12', true],
    ['1e3', '1000', true],
    ['1_000', '1000', true],
    ['.5', '0.5', true],
    ['nan', 'nan', false], // NaN target is truthy, and NaN <= 0.05 is false
    ['0.5', '50%', true], // percent and plain compare by value
    ['50', '50%', false],
    ['0', '0.0', false], // zero target: string comparison
    ['0%', '0%', true],
    ['abc%', 'ABC%', true], // float('abc') fails: string comparison, case-insensitive
    ['STRASSE', 'strasse', true],
    ['ǅ', 'ǆ', true], // title-case digraph lower-cases to its small form
    ['12', '', false],
    ['', '', true],
    ['\u200b12', '12', false], // U+200B is not whitespace for float()
    ['\u00a012', '12', true], // U+00A0 is
  ] as const)('%j vs %j → %s', (prediction, target, expected) => {
    expect(relaxedCorrectness(prediction, target)).toBe(expected);
  });
});

describe('relaxedAccuracyScorer', () => {
  const input = (id: string, prediction: string, references: string[], group?: string): ScoreInput => ({
    id,
    prediction,
    references,
    group,
  });

  it('describes itself', () => {
    expect(relaxedAccuracyScorer.id).toBe('relaxed-accuracy');
    expect(relaxedAccuracyScorer.primaryMetric).toBe('relaxed_accuracy');
    expect(relaxedAccuracyScorer.perSampleMean).toBe(true);
  });

  it('reports the human and augmented splits when groups are present', () => {
    const set = relaxedAccuracyScorer.scoreSet([
      input('h1', '12', ['12'], 'human_test'),
      input('h2', '13', ['12'], 'human_test'),
      input('a1', 'Yes ', ['yes'], 'augmented_test'),
      input('a2', '50%', ['0.5'], 'augmented_test'),
      input('a3', '7', ['7'], 'augmented_test'),
    ]);
    expect(set.aggregate).toEqual({
      relaxed_accuracy: 4 / 5,
      relaxed_accuracy_human: 1 / 2,
      relaxed_accuracy_augmented: 1,
    });
  });

  it('omits a split no input belongs to', () => {
    const set = relaxedAccuracyScorer.scoreSet([input('h1', '12', ['12'], 'human_test')]);
    expect(Object.keys(set.aggregate)).toEqual(['relaxed_accuracy', 'relaxed_accuracy_human']);
  });

  it('strips the prediction and reports what it compared', () => {
    const [s] = relaxedAccuracyScorer.scoreSet([input('x', '  12.4\n', ['12'])]).samples;
    expect(s.score).toBe(1);
    expect(s.extracted).toBe('12.4');
    expect(s.reason).toBe('within 5% of "12"');
    const [t] = relaxedAccuracyScorer.scoreSet([input('y', 'no', ['yes'])]).samples;
    expect(t.score).toBe(0);
    expect(t.reason).toBe('text differs from "yes"');
  });

  it('takes the best of several references', () => {
    const [s] = relaxedAccuracyScorer.scoreSet([input('x', '20', ['12', '19.5'])]).samples;
    expect(s.score).toBe(1);
    expect(s.reason).toBe('within 5% of "19.5"');
    const [t] = relaxedAccuracyScorer.scoreSet([input('y', '30', ['12', '19.5'])]).samples;
    expect(t.score).toBe(0);
    expect(t.reason).toBe('not within 5% of "12"');
  });

  it('rejects a sample without a target, naming it', () => {
    expect(() => relaxedAccuracyScorer.scoreSet([input('q9', '12', [])])).toThrow(/q9/);
  });
});

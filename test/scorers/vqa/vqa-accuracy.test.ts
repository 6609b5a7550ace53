import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evalAiAnswerProcessor } from '../../../src/scorers/vqa/eval-ai-answer-processor.ts';
import { pyRound2 } from '../../../src/scorers/python.ts';
import type { ScoreInput } from '../../../src/scorers/types.ts';
import { vqaAccuracy, vqaLmmsScorer, vqaScorer } from '../../../src/scorers/vqa/vqa-accuracy.ts';
import {
  CONTRACTIONS,
  normalizeVqaAnswer,
  processDigitArticle,
  processPunctuation,
  trimVqaAnswer,
  type VqaVariant,
} from '../../../src/scorers/vqa/vqa-normalize.ts';

interface Case {
  id: string;
  question_id: number;
  pred: string;
  gts: string[];
  official: {
    acc: number;
    evalQA_rounded_pct: number;
    normalization_applied: boolean;
    processed_pred: string;
    processed_gts: string[];
  };
  lmms_eval: { exact_match: number; processed_pred: string; processed_gts: string[] };
  evalai_processor_call: string;
  differs: boolean;
}

const cases: Case[] = readFileSync(new URL('../../fixtures/conformance/vqa.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Case);

/** Conformance floats: relative 1e-12, with a tiny absolute floor for zeros (spec §8). */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(expected), 1e-300));
}

const inputs: ScoreInput[] = cases.map((c) => ({ id: c.id, prediction: c.pred, references: c.gts }));

describe('vqa.jsonl conformance', () => {
  it('has the 48 documented cases', () => {
    expect(cases).toHaveLength(48);
    expect(cases.filter((c) => c.differs)).toHaveLength(2);
  });

  it.each(cases.map((c) => [c.id, c] as const))('official %s', (_, c) => {
    const r = vqaAccuracy(c.pred, c.gts, 'official');
    expectClose(r.acc, c.official.acc);
    expect(pyRound2(100 * r.acc)).toBe(c.official.evalQA_rounded_pct);
    expect(r.normalizationApplied).toBe(c.official.normalization_applied);
    expect(r.processedPrediction).toBe(c.official.processed_pred);
    expect(r.processedAnswers).toEqual(c.official.processed_gts);
  });

  it.each(cases.map((c) => [c.id, c] as const))('lmms-eval %s', (_, c) => {
    // The conformance inputs are the raw model outputs; the lmms-eval pipeline strips them, which
    // the algorithm's own trim already covers, so the raw `pred` goes in.
    const r = vqaAccuracy(c.pred, c.gts, 'lmms-eval');
    expectClose(r.acc, c.lmms_eval.exact_match);
    expect(r.normalizationApplied).toBe(true);
    expect(r.processedPrediction).toBe(c.lmms_eval.processed_pred);
    expect(r.processedAnswers).toEqual(c.lmms_eval.processed_gts);
  });

  it.each(cases.map((c) => [c.id, c] as const))('EvalAI processor %s', (_, c) => {
    expect(evalAiAnswerProcessor(c.pred)).toBe(c.evalai_processor_call);
  });

  it('vqaScorer reproduces every official per-question accuracy and their mean', () => {
    const set = vqaScorer.scoreSet(inputs);
    expect(set.samples.map((s) => s.id)).toEqual(cases.map((c) => c.id));
    set.samples.forEach((s, i) => {
      expectClose(s.score, cases[i].official.acc);
      expect(s.extracted).toBe(cases[i].official.processed_pred);
    });
    const expected = cases.reduce((sum, c) => sum + c.official.acc, 0) / cases.length;
    expectClose(set.aggregate.accuracy, expected);
  });

  it('vqaLmmsScorer reproduces every lmms-eval exact_match and their mean', () => {
    const set = vqaLmmsScorer.scoreSet(inputs);
    set.samples.forEach((s, i) => {
      expectClose(s.score, cases[i].lmms_eval.exact_match);
      expect(s.extracted).toBe(cases[i].lmms_eval.processed_pred);
    });
    const expected = cases.reduce((sum, c) => sum + c.lmms_eval.exact_match, 0) / cases.length;
    expectClose(set.aggregate.accuracy, expected);
  });
});

describe('scorers', () => {
  it('describe themselves', () => {
    for (const [scorer, id] of [
      [vqaScorer, 'vqa'],
      [vqaLmmsScorer, 'vqa-lmms'],
    ] as const) {
      expect(scorer.id).toBe(id);
      expect(scorer.primaryMetric).toBe('accuracy');
      expect(scorer.perSampleMean).toBe(true);
    }
  });

  it('explain the score', () => {
    const tenYes = Array(10).fill('yes');
    const [shortcut, normalised] = vqaScorer.scoreSet([
      { id: 'a', prediction: 'Yes', references: tenYes },
      { id: 'b', prediction: 'red', references: ['red', 'red', 'red', ...Array(7).fill('blue')] },
    ]).samples;
    expect(shortcut.reason).toBe('0 of 10 annotators matched (answers identical: compared unnormalised)');
    expect(normalised.reason).toBe('3 of 10 annotators matched');
    expect(normalised.score).toBe(0.9);
  });

  it('reject a sample without answers, naming it', () => {
    expect(() => vqaScorer.scoreSet([{ id: 'q7', prediction: 'yes', references: [] }])).toThrow(/q7/);
    expect(() => vqaAccuracy('yes', [])).toThrow(/at least one/);
  });

  it('give NaN for an empty set (Python divides by zero there)', () => {
    expect(vqaScorer.scoreSet([]).aggregate.accuracy).toBeNaN();
  });

  it('match the uncached function on repeated answers', () => {
    const repeated: ScoreInput[] = [...inputs, ...inputs].map((x, i) => ({ ...x, id: String(i) }));
    const set = vqaScorer.scoreSet(repeated);
    set.samples.forEach((s, i) => {
      expect(s.score).toBe(vqaAccuracy(repeated[i].prediction, repeated[i].references).acc);
    });
  });
});

// Expected values below come from the reference algorithms run in CPython 3.11 (official emulated with
// re.ASCII and per-code-point lower()).
describe('what conformance does not cover', () => {
  it('deletes at most 32 periods (re.UNICODE passed as count)', () => {
    const pred = 'yes' + '.'.repeat(33);
    expect(vqaAccuracy(pred, ['yes', 'no']).processedPrediction).toBe('yes.');
    expect(vqaAccuracy(pred, ['yes', 'no'], 'lmms-eval').processedPrediction).toBe('yes.');
  });

  it('only lmms-eval treats 1,,000 as a number', () => {
    expect(vqaAccuracy('1,,000', ['1000', 'x']).processedPrediction).toBe('1 000');
    const lmms = vqaAccuracy('1,,000', ['1000', 'x'], 'lmms-eval');
    expect(lmms.processedPrediction).toBe('1000');
    expect(lmms.acc).toBe(0.16666666666666666);
  });

  it('decides on the original input, not the partly edited one', () => {
    // ' -' occurs in the input, so every '-' is deleted, including the one inside b-c.
    expect(processPunctuation('a - b-c', 'official')).toBe('a  bc');
    expect(vqaAccuracy('a - b-c', ['x', 'y']).processedPrediction).toBe('bc');
  });

  it('uses ASCII digits officially, Unicode digits in lmms-eval', () => {
    expect(vqaAccuracy('１,０００', ['x', 'y']).processedPrediction).toBe('１ ０００');
    expect(vqaAccuracy('１,０００', ['x', 'y'], 'lmms-eval').processedPrediction).toBe('１０００');
    // A non-BMP digit (U+1D7D1) after the period.
    expect(vqaAccuracy('𝟑.𝟓', ['x', 'y']).processedPrediction).toBe('𝟑𝟓');
    expect(vqaAccuracy('𝟑.𝟓', ['x', 'y'], 'lmms-eval').processedPrediction).toBe('𝟑.𝟓');
  });

  it('lower-cases like Python 2 officially and like Python 3 in lmms-eval', () => {
    expect(vqaAccuracy('İSTANBUL ΟΔΟΣ', ['x', 'y']).processedPrediction).toBe('istanbul οδοσ');
    const lmms = vqaAccuracy('İSTANBUL ΟΔΟΣ', ['x', 'y'], 'lmms-eval');
    expect(lmms.processedPrediction).toBe('i\u0307stanbul οδος');
    expect(vqaAccuracy('ΑΣ Σ', ['x', 'y'], 'lmms-eval').processedPrediction).toBe('ας σ');
  });

  it('maps number words up to ten only, and words that are Object properties safely', () => {
    expect(processDigitArticle('eleven ten Ten', 'official')).toBe('eleven 10 10');
    const words = 'constructor toString __proto__';
    expect(processDigitArticle(words, 'official')).toBe('constructor tostring __proto__');
    expect(vqaAccuracy('constructor toString __proto__', ['x', 'y']).processedPrediction).toBe(
      'constructor tostring proto',
    );
  });

  it('keeps the 120 contractions with their dead and wrong-way entries', () => {
    expect(CONTRACTIONS.size).toBe(120);
    expect(CONTRACTIONS.get("somebody'd")).toBe('somebodyd');
    expect(CONTRACTIONS.get('Im')).toBe("I'm");
    expect(processDigitArticle('Ive Im', 'official')).toBe('ive im');
    expect(processDigitArticle('yall twas', 'lmms-eval')).toBe("y'all 'twas");
  });

  it('replaces newlines and tabs before the punctuation conditions', () => {
    // "yes!\n?" becomes "yes! ?": ' ?' is present, so '?' is deleted rather than spaced.
    expect(trimVqaAnswer(' yes!\n?\t', 'official')).toBe('yes! ?');
    expect(vqaAccuracy('yes!\n?', ['x', 'y']).processedPrediction).toBe('yes');
    expect(trimVqaAnswer('\u3000yes\u00a0', 'official')).toBe('yes');
    expect(trimVqaAnswer('\u200byes', 'official')).toBe('\u200byes');
    // U+180E was whitespace in Unicode 5.2 (Python 2.7), not since 6.3 (Python 3)
    expect(trimVqaAnswer('\u180eyes\u180e', 'official')).toBe('yes');
    expect(trimVqaAnswer('\u180eyes\u180e', 'lmms-eval')).toBe('\u180eyes\u180e');
  });

  it('sums the leave-one-out values in answer order (official)', () => {
    const blue = (n: number) => Array<string>(n).fill('blue');
    expect(vqaAccuracy('red', ['red', 'red', ...blue(8)]).acc).toBe(0.6);
    expect(vqaAccuracy('red', [...blue(8), 'red', 'red']).acc).toBe(0.5999999999999999);
    expect(vqaAccuracy('red', [...blue(8), 'red', 'red'], 'lmms-eval').acc).toBe(0.6);
  });

  it('takes an exactly rounded mean in lmms-eval (statistics.mean)', () => {
    const answers = ['red', 'red', 'red', 'blue', 'blue'];
    expect(vqaAccuracy('red', answers).acc).toBe(0.8);
    expect(vqaAccuracy('red', answers, 'lmms-eval').acc).toBe(0.7999999999999999);
    const nine = ['red', 'red', ...Array<string>(7).fill('blue')];
    expect(vqaAccuracy('red', nine, 'lmms-eval').acc).toBe(0.5925925925925926);
    const eleven = ['red', 'red', 'red', ...Array<string>(8).fill('blue')];
    expect(vqaAccuracy('red', eleven, 'lmms-eval').acc).toBe(0.9090909090909091);
  });

  it('scores 0 with a single answer (leave-one-out leaves nobody)', () => {
    expect(vqaAccuracy('x', ['x']).acc).toBe(0);
    expect(vqaAccuracy('x', ['x'], 'lmms-eval').acc).toBe(0);
  });

  it('takes the plain-words fast path without changing any result', () => {
    const words = ['the', 'a', 'an', 'two', 'ten', 'dont', "don't", 'red', '3', "'twas", 'yall', 'im', 'then'];
    const phrases = words.flatMap((w) => [w, `${w} car`, `red ${w}`, `the ${w} a`, `${w} ${w}`]);
    for (const variant of ['official', 'lmms-eval'] as VqaVariant[]) {
      for (const phrase of phrases) {
        const general = processDigitArticle(processPunctuation(phrase, variant), variant);
        expect(normalizeVqaAnswer(phrase, variant)).toBe(general);
      }
    }
    expect(normalizeVqaAnswer('the two dont', 'official')).toBe("2 don't");
    expect(normalizeVqaAnswer('red the a car', 'official')).toBe('red car');
  });
});

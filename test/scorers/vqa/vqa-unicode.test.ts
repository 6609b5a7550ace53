// Adversarial VQA cases scored by the reference code itself (test/fixtures/reference/vqa-unicode.json,
// scripts/reference/gen-vqa-cases.py): vqaEval.py under Python 2.7.18 (Unicode 5.2 case mappings and
// whitespace, U+180E included) and lmms-eval under Python 3.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { py27Lower, isPy27Whitespace } from '../../../src/scorers/vqa/py27-unicode.ts';
import { PY27_WHITESPACE } from '../../../src/scorers/vqa/py27-unicode-table.ts';
import { isPyWhitespace } from '../../../src/scorers/python.ts';
import { vqaAccuracy } from '../../../src/scorers/vqa/vqa-accuracy.ts';

interface Case {
  id: string;
  pred: string;
  gts: string[];
  answer_type: string;
  question_type: string;
  note: string;
  official: { acc: number; evalQA_rounded_pct: number; processed_gts: string[] };
  lmms_eval: { exact_match: number; processed_pred: string };
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/reference/vqa-unicode.json', import.meta.url), 'utf8')) as {
  cases: Case[];
  official_set: {
    overall_mean: number;
    per_answer_type_mean: Record<string, number>;
    accuracy_overall_pct: number;
    accuracy_per_answer_type_pct: Record<string, number>;
  };
};

describe('vqa-unicode.json: official (Python 2.7) and lmms-eval (Python 3) VQA on Unicode edge cases', () => {
  it.each(fixture.cases.map((c) => [`${c.id} ${c.note}`, c] as const))('%s', (_, c) => {
    const official = vqaAccuracy(c.pred, c.gts, 'official');
    expect(official.acc).toBe(c.official.acc);
    expect(official.processedAnswers).toEqual(c.official.processed_gts);
    const lmms = vqaAccuracy(c.pred, c.gts, 'lmms-eval');
    expect(lmms.acc).toBe(c.lmms_eval.exact_match);
    expect(lmms.processedPrediction).toBe(c.lmms_eval.processed_pred);
  });
});

describe('Python 2.7 unicode tables', () => {
  it('whitespace is Python 3 whitespace plus U+180E', () => {
    const extra = PY27_WHITESPACE.filter((cp) => !isPyWhitespace(cp));
    expect(extra).toEqual([0x180e]);
    const wrong: number[] = [];
    for (let cp = 0; cp < 0x10000; cp++) if (isPy27Whitespace(cp) !== PY27_WHITESPACE.includes(cp)) wrong.push(cp);
    expect(wrong).toEqual([]);
  });

  it('lower-cases by Unicode 5.2 simple mappings, not by the engine', () => {
    expect(py27Lower('\u1c90\u13a0\u{1e900}\u{104b0}\u2c2f')).toBe('\u1c90\u13a0\u{1e900}\u{104b0}\u2c2f');
    expect(py27Lower('\u10a0\u{10400}\u1e9e\u0130\u03a3\u01c5ABC')).toBe('\u2d00\u{10428}\xdfi\u03c3\u01c6abc');
  });

  it('differs from the running engine exactly where Unicode changed after 5.2 (or maps one-to-many)', () => {
    // The code points where this engine's per-character toLowerCase disagrees with Python 2.7: later
    // case pairs (Georgian Mtavruli, Cherokee, Osage, Adlam, …) and U+0130 (full mapping).
    const differ: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (py27Lower(ch) !== ch.toLowerCase()) differ.push(cp);
    }
    expect(differ).toContain(0x0130);
    expect(differ).toContain(0x1c90);
    expect(differ).toContain(0x13a0);
    expect(differ).toContain(0x1e900);
    expect(differ).toContain(0x104b0);
    expect(differ).not.toContain(0x0041);
    expect(differ).not.toContain(0x10a0);
  });
});

describe('per answer type (vqaEval.py setAccuracy over the same cases, in question order)', () => {
  it('accuracy_<type> equals float(sum(accAnsType[type]))/len(...) and accuracy the overall mean, bit for bit', async () => {
    const { vqaScorer } = await import('../../../src/scorers/vqa/vqa-accuracy.ts');
    const set = vqaScorer.scoreSet(
      fixture.cases.map((c) => ({ id: c.id, prediction: c.pred, references: c.gts, group: c.answer_type })),
    );
    const expected: Record<string, number> = { accuracy: fixture.official_set.overall_mean };
    for (const [type, value] of Object.entries(fixture.official_set.per_answer_type_mean)) expected[`accuracy_${type}`] = value;
    expect(set.aggregate).toEqual(expected);
    expect(Object.keys(set.aggregate).sort()).toEqual(['accuracy', 'accuracy_number', 'accuracy_other', 'accuracy_yes/no']);
    // what vqaEval.py prints: round(100·sum/len, 2)
    for (const [type, pct] of Object.entries(fixture.official_set.accuracy_per_answer_type_pct)) {
      expect((100 * set.aggregate[`accuracy_${type}`]).toFixed(2)).toBe(pct.toFixed(2));
    }
  });

  it('without answer types there is only the overall accuracy', async () => {
    const { vqaScorer } = await import('../../../src/scorers/vqa/vqa-accuracy.ts');
    const set = vqaScorer.scoreSet(fixture.cases.map((c) => ({ id: c.id, prediction: c.pred, references: c.gts })));
    expect(Object.keys(set.aggregate)).toEqual(['accuracy']);
  });
});

// MMMU per-subject and per-discipline accuracy (src/scorers/mmmu/mmmu-groups.ts): subjects are groups,
// disciplines are instance-weighted over the subjects evaluated, as the official script prints them.

import { describe, expect, it } from 'vitest';
import { groupKey, MMMU_DISCIPLINES, mmmuGroupAccuracies } from '../../../src/scorers/mmmu/mmmu-groups.ts';
import type { SampleScore, ScoreInput } from '../../../src/scorers/types.ts';
import { MMMU_SUBJECTS } from '../../../suites/mmmu.ts';

function set(entries: Array<[string, number]>): { inputs: ScoreInput[]; samples: SampleScore[] } {
  return {
    inputs: entries.map(([group], i) => ({ id: `s${i}`, prediction: '', references: ['A'], group })),
    samples: entries.map(([, score], i) => ({ id: `s${i}`, score, extracted: null, reason: '' })),
  };
}

describe('MMMU groups', () => {
  it('the six disciplines partition the 30 subjects', () => {
    const all = Object.values(MMMU_DISCIPLINES).flat();
    expect(all.sort()).toEqual([...MMMU_SUBJECTS].sort());
    expect(Object.keys(MMMU_DISCIPLINES).map(groupKey)).toEqual([
      'accuracy_Art_and_Design',
      'accuracy_Business',
      'accuracy_Science',
      'accuracy_Health_and_Medicine',
      'accuracy_Humanities_and_Social_Science',
      'accuracy_Tech_and_Engineering',
    ]);
    for (const subject of MMMU_SUBJECTS) expect(Object.keys(MMMU_DISCIPLINES)).not.toContain(subject.replace(/_/g, ' '));
  });

  it('subject accuracy is correct / n; a discipline weighs its subjects by their sizes', () => {
    const { inputs, samples } = set([
      ['Art', 1],
      ['Art', 0],
      ['Music', 1],
      ['Accounting', 0],
      ['Accounting', 0],
      ['Accounting', 1],
    ]);
    expect(mmmuGroupAccuracies(inputs, samples)).toEqual({
      accuracy_Art: 0.5,
      accuracy_Music: 1,
      accuracy_Accounting: 1 / 3,
      accuracy_Art_and_Design: 2 / 3,
      accuracy_Business: 1 / 3,
    });
  });

  it('reports nothing without groups', () => {
    const { samples } = set([['Art', 1]]);
    expect(mmmuGroupAccuracies([{ id: 's0', prediction: '', references: ['A'] }], samples)).toEqual({});
  });
});

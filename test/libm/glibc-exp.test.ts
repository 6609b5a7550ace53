import { describe, expect, it } from 'vitest';
import { glibcExp } from '../../src/libm/glibc-exp.ts';
import { readCases, sameDouble, toBits } from './hex-cases.ts';

describe('glibcExp', () => {
  const cases = readCases('exp.txt');

  it(`equals glibc's exp (math.exp) on all ${cases.length} fixture inputs`, () => {
    const wrong = cases.filter(([x, y]) => !sameDouble(glibcExp(x), y)).map(([x, y]) => `${x}: ${toBits(glibcExp(x))} != ${toBits(y)}`);
    expect(wrong).toEqual([]);
  });

  it('covers the BLEU brevity penalty, where V8 and glibc disagree in the last bit', () => {
    const differ = cases.filter(([x, y]) => Math.exp(x) !== y);
    expect(differ.length).toBeGreaterThan(0); // otherwise the fixture would not test anything
  });
});

import { describe, expect, it } from 'vitest';
import { glibcPow } from '../../src/libm/glibc-pow.ts';
import { readCases, sameDouble, toBits } from './hex-cases.ts';

describe('glibcPow', () => {
  const cases = readCases('pow.txt');

  it(`equals glibc's pow (Python float **) on all ${cases.length} fixture inputs`, () => {
    const wrong = cases
      .filter(([x, y, r]) => !sameDouble(glibcPow(x, y), r))
      .map(([x, y, r]) => `${x} ** ${y}: ${toBits(glibcPow(x, y))} != ${toBits(r)}`);
    expect(wrong).toEqual([]);
  });

  it('differs from V8 on some of them (BLEU roots, CIDEr-D penalties)', () => {
    expect(cases.filter(([x, y, r]) => !sameDouble(x ** y, r)).length).toBeGreaterThan(0);
  });

  it('reproduces glibc where it is not correctly rounded', () => {
    // 0.46666666656814826 = (7 + 1e-15)/(15 + 1e-9), a BLEU precision; sqrt rounds it down, glibc's pow up
    expect(glibcPow(0.46666666656814826, 0.5)).toBe(0.6831300509918652);
    expect(Math.sqrt(0.46666666656814826)).toBe(0.6831300509918651);
  });
});

describe('ROUGE-L beta squared', () => {
  it("is glibc's pow(1.2, 2)", async () => {
    const { ROUGE_BETA_SQUARED } = await import('../../src/scorers/caption/rouge.ts');
    expect(glibcPow(1.2, 2)).toBe(ROUGE_BETA_SQUARED);
  });
});

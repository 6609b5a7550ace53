import { describe, expect, it } from 'vitest';
import { crLog, exactLog } from '../../src/libm/cr-log.ts';
import { numpyLogOfCount } from '../../src/libm/numpy-log.ts';
import { NUMPY_LOG_EXCEPTIONS } from '../../src/libm/numpy-log-table.ts';
import { readCases, toBits } from './hex-cases.ts';

describe('crLog', () => {
  const cases = readCases('log.txt'); // x, correctly rounded log, glibc log, numpy log

  it(`is correctly rounded on all ${cases.length} fixture inputs (decimal module reference)`, () => {
    const wrong = cases.filter(([x, cr]) => crLog(x) !== cr).map(([x, cr]) => `${x}: ${toBits(crLog(x))} != ${toBits(cr)}`);
    expect(wrong).toEqual([]);
  });

  it('has an exact BigInt evaluation that agrees (the fallback of the rounding test)', () => {
    const wrong = cases.filter((_, i) => i % 7 === 0).filter(([x, cr]) => exactLog(x) !== cr);
    expect(wrong).toEqual([]);
  });

  it('differs from V8 and from glibc where those are not correctly rounded', () => {
    expect(Math.log(3)).toBe(1.0986122886681096);
    expect(crLog(3)).toBe(1.0986122886681098);
    expect(cases.filter(([x, cr]) => Math.log(x) !== cr).length).toBeGreaterThan(0);
    const glibcMisrounds = cases.filter(([, cr, glibc]) => glibc !== cr);
    expect(glibcMisrounds.map(([x]) => x)).toContain(9170); // glibc's log(9170) is one ulp off
  });

  it('handles the special values', () => {
    expect(crLog(0)).toBe(-Infinity);
    expect(crLog(-1)).toBeNaN();
    expect(crLog(Infinity)).toBe(Infinity);
    expect(crLog(NaN)).toBeNaN();
    expect(crLog(1)).toBe(0);
  });
});

describe('numpyLogOfCount', () => {
  const cases = readCases('log.txt');

  it("equals numpy's np.log on every integer of the fixture", () => {
    const integers = cases.filter(([x]) => Number.isInteger(x) && x >= 1 && x <= 2 ** 21);
    expect(integers.length).toBeGreaterThan(600);
    const wrong = integers.filter(([x, , , np]) => numpyLogOfCount(x) !== np).map(([x]) => x);
    expect(wrong).toEqual([]);
  });

  it('uses the generated exceptions, each one ulp from the correctly rounded log', () => {
    expect(NUMPY_LOG_EXCEPTIONS.size).toBeGreaterThan(0);
    for (const [n, value] of NUMPY_LOG_EXCEPTIONS) {
      expect(numpyLogOfCount(n)).toBe(value);
      expect(Math.abs(value - crLog(n))).toBeLessThanOrEqual(2 ** -52 * 16);
      expect(value).not.toBe(crLog(n));
    }
  });
});

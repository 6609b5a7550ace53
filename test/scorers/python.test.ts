import { describe, expect, it } from 'vitest';
import { pyRound, pyRound2, pySplit, pySplitCount, pyStrip, pyStripChars } from '../../src/scorers/python.ts';
import { seededUniform } from '../../src/run/stats.ts';

// Expected values printed by CPython 3.11 `round(x, 2)`.
describe('pyRound2', () => {
  it.each<[number, number]>([
    [0.125, 0.12],
    [2.675, 2.67],
    [0.375, 0.38],
    [-0.125, -0.12],
    [0.005, 0.01],
    [4.5, 4.5],
    // exact ties too large for x * 100 to be exact in floating point: Python rounds the exact value
    [724300072430002.625, 724300072430002.625],
    [562949953421311.875, 562949953421311.875],
    [-562949953421311.875, -562949953421311.875],
    [1e15 + 0.125, 1e15 + 0.125],
  ])('round(%s, 2) = %s', (x, expected) => {
    expect(pyRound2(x)).toBe(expected);
  });

  it('keeps the sign of a negative number rounding to zero', () => {
    expect(Object.is(pyRound2(-0.0025), -0)).toBe(true);
  });

  it("agrees with the exact pyRound(x, 2) (its toFixed fast path) on 50,000 seeded values and ties", () => {
    const rand = seededUniform(5);
    const wrong: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const scale = 10 ** Math.floor(rand() * 24 - 6);
      const x = i % 5 === 0 ? (Math.floor(rand() * 2 ** 20) * 2 + 1) / 8 : (rand() - 0.5) * scale;
      if (!Object.is(pyRound2(x), pyRound(x, 2))) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });
});

describe('whitespace helpers (code-unit scans)', () => {
  it('strip, split and count as Python does, surrogate pairs left whole', () => {
    expect(pyStrip('\u3000 a b\x1c')).toBe('a b');
    expect(pyStrip('\u200bx\u200b')).toBe('\u200bx\u200b');
    expect(pySplit(' a\u00a0b  \u{1F600}c ')).toEqual(['a', 'b', '\u{1F600}c']);
    expect(pySplitCount(' a\u00a0b  \u{1F600}c ')).toBe(3);
    expect(pyStripChars('..a.b..', '.')).toBe('a.b');
    expect(pyStripChars('\u{1F600}a\u{1F600}', '\u{1F600}')).toBe('a');
  });
});

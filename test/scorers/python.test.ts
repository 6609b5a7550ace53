import { describe, expect, it } from 'vitest';
import { pyRound2 } from '../../src/scorers/python.ts';

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
});

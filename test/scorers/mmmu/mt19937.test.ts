import { describe, expect, it } from 'vitest';
import { createPyRandom } from '../../../src/scorers/mmmu/mt19937.ts';

const draws = (seed: number, choices: string, count: number): string => {
  const rng = createPyRandom(seed);
  return Array.from({ length: count }, () => rng.choice([...choices])).join(' ');
};

describe('createPyRandom: checks from scoring.md §2.5', () => {
  it('seed 42, 4 choices', () => expect(draws(42, 'ABCD', 8)).toBe('A A C B B B A A'));
  it('seed 42, 9 choices', () => expect(draws(42, 'ABCDEFGHI', 8)).toBe('B A E D D C B I'));
  it('seed 0, 4 choices', () => expect(draws(0, 'ABCD', 4)).toBe('D D A C'));
});

// Expected values printed by CPython 3.11 (`random.Random(seed)`).
describe('createPyRandom matches CPython', () => {
  it('first 32-bit outputs after seed(42)', () => {
    const rng = createPyRandom(42);
    expect([rng.getrandbits(32), rng.getrandbits(32), rng.getrandbits(32)]).toEqual([
      2746317213, 478163327, 107420369,
    ]);
  });

  it('keeps going past the first 624-word block', () => {
    const rng = createPyRandom(42);
    for (let i = 0; i < 700; i++) rng.getrandbits(32);
    expect(rng.getrandbits(32)).toBe(4214005797);
  });

  it('seeds with |seed|', () => {
    const rng = createPyRandom(-42);
    expect([rng.getrandbits(32), rng.getrandbits(32)]).toEqual([2746317213, 478163327]);
  });

  it('seeds a seed over 32 bits with its little-endian 32-bit words', () => {
    const rng = createPyRandom(2 ** 40 + 5);
    expect([rng.getrandbits(32), rng.getrandbits(32)]).toEqual([2166296868, 2220160828]);
  });

  it('getrandbits(k) keeps the top k bits of one word', () => {
    const rng = createPyRandom(0);
    expect([1, 5, 17, 31, 32].map((k) => rng.getrandbits(k))).toEqual([1, 12, 99346, 1911784257, 1806341205]);
  });

  it('getrandbits(0) is 0 and consumes nothing', () => {
    const rng = createPyRandom(1);
    expect(rng.getrandbits(0)).toBe(0);
    expect(rng.getrandbits(32)).toBe(577090037);
  });

  it('randbelow(1) consumes a word per call (bit_length(1) = 1)', () => {
    const rng = createPyRandom(7);
    expect([rng.randbelow(1), rng.randbelow(1), rng.randbelow(1)]).toEqual([0, 0, 0]);
    expect(rng.getrandbits(32)).toBe(2795742288);
  });

  it('10 choices reject 10..15 and redraw', () => {
    expect(draws(42, 'ABCDEFGHIJ', 10)).toBe('B A E D D C B I B J');
  });

  it('separate generators do not share state', () => {
    const a = createPyRandom(42);
    const b = createPyRandom(42);
    a.getrandbits(32);
    expect(b.getrandbits(32)).toBe(2746317213);
  });
});

describe('createPyRandom rejects what CPython would not accept here', () => {
  it.each([1.5, Number.NaN, 2 ** 60])('seed %s', (seed) => {
    expect(() => createPyRandom(seed)).toThrow(/seed must be a safe integer/);
  });
  it('choice of an empty sequence', () => {
    expect(() => createPyRandom(42).choice([])).toThrow(/empty sequence/);
  });
  it.each([-1, 33, 2.5])('getrandbits(%s)', (k) => {
    expect(() => createPyRandom(42).getrandbits(k)).toThrow(/getrandbits/);
  });
  it.each([0, -3, 2 ** 32])('randbelow(%s)', (n) => {
    expect(() => createPyRandom(42).randbelow(n)).toThrow(/randbelow/);
  });
});

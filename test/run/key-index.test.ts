import { describe, expect, it } from 'vitest';
import { createKeyIndex } from '../../src/run/key-index.ts';

describe('createKeyIndex', () => {
  it('finds every key after growing, keeps first-insertion record numbers, and updates in place', () => {
    const index = createKeyIndex();
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(index.set(`vqav2/${5_000_000 + i}`, i * 100, i % 300, i % 4)).toBe(i);
    expect(index.size).toBe(n);
    for (let i = 0; i < n; i += 997) {
      const r = index.find(`vqav2/${5_000_000 + i}`);
      expect(r).toBe(i);
      expect([index.offset(r), index.length(r), index.tag(r)]).toEqual([i * 100, i % 300, i % 4]);
    }
    expect(index.find('vqav2/nope')).toBe(-1);
    expect(index.find('docvqa/5000000')).toBe(-1); // same id, other suite
    // a later line for the same key moves its record, not its number
    expect(index.set('vqav2/5000007', 1e12, 42, 2)).toBe(7);
    expect([index.offset(7), index.length(7), index.tag(7), index.size]).toEqual([1e12, 42, 2, n]);
  });

  it('tells apart keys that differ in one character or only in order', () => {
    const index = createKeyIndex();
    const keys = ['ab', 'ba', 'a', 'b', '', 'é', 'e\u0301', 'mmmu/validation_Math_1', 'mmmu/validation_Math_10'];
    keys.forEach((k, i) => index.set(k, i, 0, 0));
    keys.forEach((k, i) => expect(index.find(k)).toBe(i));
  });
});

import { describe, expect, it } from 'vitest';
import { exactFma, fma } from '../../src/libm/fma.ts';
import { fromBits, sameDouble, toBits } from './hex-cases.ts';

/** xorshift64 over BigInt-free 32-bit halves: a deterministic stream of raw doubles. */
function doubles(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const view = new DataView(new ArrayBuffer(8));
  return () => {
    view.setUint32(0, next());
    view.setUint32(4, next());
    if (next() % 4 !== 0) view.setUint16(0, (view.getUint16(0) & 0x800f) | ((1023 - 40 + (next() % 80)) << 4));
    return view.getFloat64(0);
  };
}

describe('fma', () => {
  it('matches the x86 FMA instruction on cases computed with C fma()', () => {
    // a, b, c, fma(a, b, c) from glibc's fma (the vfmadd instruction) on x86-64
    const cases = [
      ['3f790975fbde15b0', 'bf493df8432a8be5', '3ed3bfe0738d1935', '3bc5115177db0099'],
      ['c185105ed8c77cb7', 'fe5defe9c5610885', 'c2503fe4de4f1c43', '7ff0000000000000'],
      ['409debe6f4813504', 'bd7741bfc46048be', '3e25bf087c86f645', '3ac58d967f630e10'],
      ['407288212921ab7b', 'ff3ad229f80c732a', '7fbf10a13233f772', 'fc548d4445498cb8'],
      ['ffa7d2bb78476858', '4082fba5642f3f69', '7ff0000000000000', '7ff0000000000000'],
    ];
    for (const [a, b, c, r] of cases) {
      expect(toBits(fma(fromBits(a), fromBits(b), fromBits(c)))).toBe(r);
      expect(toBits(exactFma(fromBits(a), fromBits(b), fromBits(c)))).toBe(r);
    }
  });

  it('agrees with exact rational arithmetic on 20,000 seeded cases, near-cancellation included', () => {
    const next = doubles(12345);
    let mismatches = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = next();
      const b = next();
      // a third of the cases cancel the product almost exactly, where a plain a*b + c is furthest off
      const c = i % 3 === 0 ? -(a * b) * (1 + (i % 1000) * 1e-17) : next();
      if (!sameDouble(fma(a, b, c), exactFma(a, b, c))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('rounds once where a*b + c rounds twice', () => {
    const a = 1 + 2 ** -30;
    expect(fma(a, a, -1)).toBe(2 ** -29 + 2 ** -60);
    expect(a * a - 1).toBe(2 ** -29); // two roundings lose the 2^-60
    expect(fma(0.1, 10, -1)).toBe(5.551115123125783e-17);
  });

  it('keeps IEEE special values', () => {
    expect(fma(0, Infinity, 1)).toBeNaN();
    expect(fma(2, 3, Infinity)).toBe(Infinity);
    expect(fma(1e300, 1e300, -Infinity)).toBe(-Infinity);
    expect(Object.is(fma(-0, 1, -0), -0)).toBe(true);
    expect(Object.is(fma(1, 1, -1), 0)).toBe(true);
    expect(fma(2 ** -600, 2 ** -600, 0)).toBe(0);
    expect(fma(2 ** -537, 2 ** -537, 0)).toBe(2 ** -1074);
  });
});

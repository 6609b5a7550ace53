import { describe, expect, it } from 'vitest';
import { exactMcNemarP, isBinary, pairedBootstrap, pairedCorpusBootstrap, pairedScoreTest } from '../../../src/report/gate/paired-stats.ts';

/** 2 · P(X ≤ k), X ~ Binomial(n, 1/2), exactly with BigInt. */
function exactTwoSided(b: number, c: number): number {
  const n = b + c;
  const k = Math.min(b, c);
  let choose = 1n;
  let sum = 0n;
  for (let i = 0; i <= k; i++) {
    sum += choose;
    choose = (choose * BigInt(n - i)) / BigInt(i + 1);
  }
  // scale down before converting so huge numerators stay finite
  const shift = BigInt(Math.max(0, n - 1000));
  return Math.min(1, (2 * Number(sum >> shift)) / Number((1n << BigInt(n)) >> shift));
}

describe('exactMcNemarP', () => {
  it('is the two-sided exact binomial p on the discordant pairs (hand-computed values)', () => {
    // n = 24 discordant, min 4: C(24,0..4) = 1 + 24 + 276 + 2024 + 10626 = 12951
    expect(exactMcNemarP(20, 4)).toBeCloseTo((2 * 12951) / 2 ** 24, 14);
    // n = 7, min 2: (1 + 7 + 21) · 2 / 128
    expect(exactMcNemarP(5, 2)).toBeCloseTo(58 / 128, 14);
    expect(exactMcNemarP(4, 20)).toBe(exactMcNemarP(20, 4));
    expect(exactMcNemarP(0, 6)).toBeCloseTo(2 / 64, 14);
  });

  it('is 1 with no discordant pairs or a tie, and stays accurate for large n', () => {
    expect(exactMcNemarP(0, 0)).toBe(1);
    expect(exactMcNemarP(9, 9)).toBe(1);
    for (const [b, c] of [[600, 400], [1200, 1100], [30, 70]] as const) {
      expect(exactMcNemarP(b, c) / exactTwoSided(b, c)).toBeCloseTo(1, 9);
    }
    expect(exactMcNemarP(6000, 4000)).toBeGreaterThan(0); // no underflow to a false 0
  });
});

describe('pairedBootstrap', () => {
  it('gives the mean difference, a degenerate interval and the smallest p for a constant shift', () => {
    const r = pairedBootstrap(new Array(50).fill(-0.1), { resamples: 999 });
    expect(r.delta).toBeCloseTo(-0.1, 12);
    expect(r.ci![0]).toBeCloseTo(-0.1, 12);
    expect(r.ci![1]).toBeCloseTo(-0.1, 12);
    expect(r.pValue).toBeCloseTo(1 / 1000, 12);
  });

  it('gives p = 1 for no difference and a large p for symmetric noise', () => {
    expect(pairedBootstrap(new Array(30).fill(0)).pValue).toBe(1);
    const noise = Array.from({ length: 200 }, (_, i) => (i % 2 ? 0.3 : -0.3) + (i === 0 ? 0.01 : 0));
    const r = pairedBootstrap(noise, { resamples: 2000, seed: 7 });
    expect(r.pValue).toBeGreaterThan(0.5);
    expect(r.ci![0]).toBeLessThan(0);
    expect(r.ci![1]).toBeGreaterThan(0);
  });

  it('is deterministic for a seed', () => {
    const d = Array.from({ length: 80 }, (_, i) => Math.sin(i) * 0.2 - 0.03);
    expect(pairedBootstrap(d, { seed: 3, resamples: 500 })).toEqual(pairedBootstrap(d, { seed: 3, resamples: 500 }));
  });
});

describe('pairedCorpusBootstrap', () => {
  it('agrees with the paired bootstrap when the corpus statistic is a mean of differences', () => {
    // Index resampling here, multinomial resampling of tallied values there: the same bootstrap
    // distribution, different random draws, so they agree within Monte Carlo error.
    const d = Array.from({ length: 60 }, (_, i) => Math.cos(i * 1.7) * 0.3 - 0.05);
    const observed = d.reduce((a, b) => a + b, 0) / d.length;
    const corpus = pairedCorpusBootstrap({
      n: d.length,
      observed,
      statistic: (idx) => Array.from(idx, (i) => d[i]).reduce((a, b) => a + b, 0) / idx.length,
      resamples: 4000,
      seed: 11,
    });
    const plain = pairedBootstrap(d, { resamples: 4000, seed: 11 });
    const width = plain.ci![1] - plain.ci![0];
    expect(Math.abs(corpus.pValue - plain.pValue)).toBeLessThan(0.05);
    expect(Math.abs(corpus.ci![0] - plain.ci![0])).toBeLessThan(0.1 * width);
    expect(Math.abs(corpus.ci![1] - plain.ci![1])).toBeLessThan(0.1 * width);
  });
});

describe('pairedScoreTest', () => {
  it('uses exact McNemar for 0/1 scores and the bootstrap for continuous ones', () => {
    const base = [1, 1, 1, 1, 0, 0, 1, 0];
    const cand = [0, 0, 1, 1, 0, 1, 1, 0];
    const t = pairedScoreTest({ baseline: base, candidate: cand, resamples: 200 });
    expect(t.method).toBe('mcnemar-exact');
    expect(t.discordant).toEqual({ baselineOnly: 2, candidateOnly: 1 });
    expect(t.delta).toBeCloseTo(-1 / 8, 12);
    expect(t.pValue).toBeCloseTo(1, 12); // 2 · (1 + 3) / 8 capped at 1
    expect(isBinary([0.3, 1])).toBe(false);
    const c = pairedScoreTest({ baseline: [0.5, 0.9, 0.3, 1], candidate: [0.4, 0.9, 0.3, 0.6], resamples: 200 });
    expect(c.method).toBe('paired-bootstrap');
    expect(c.baseline).toBeCloseTo(0.675, 12);
    expect(c.candidate).toBeCloseTo(0.55, 12);
  });
});

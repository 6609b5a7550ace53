import { describe, expect, it } from 'vitest';
import { binomial } from '../../src/run/binomial.ts';
import { bootstrapMeanCi, resampledMeans } from '../../src/run/bootstrap.ts';
import { seededUniform } from '../../src/run/stats.ts';

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe('binomial', () => {
  it.each([
    [20, 0.3], // inversion
    [1000, 0.004], // inversion, small p
    [214_354, 0.6], // BTRD via the symmetric side
    [5000, 0.1], // BTRD
    [40, 0.5], // BTRD, small n
  ])('Binomial(%i, %f) has the right mean and variance', (n, p) => {
    const uniform = seededUniform(n);
    const draws = Array.from({ length: 20_000 }, () => binomial(n, p, uniform));
    expect(draws.every((k) => Number.isInteger(k) && k >= 0 && k <= n)).toBe(true);
    const { mean, variance } = moments(draws);
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(draws.length));
    expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.95);
    expect(variance / (n * p * (1 - p))).toBeLessThan(1.05);
  });

  it('matches the Binomial(30, 0.4) probabilities (chi-square)', () => {
    const n = 30;
    const p = 0.4;
    const uniform = seededUniform(99);
    const draws = 100_000;
    const counts = new Array(n + 1).fill(0);
    for (let i = 0; i < draws; i++) counts[binomial(n, p, uniform)]++;
    let pk = (1 - p) ** n;
    let chi2 = 0;
    let cells = 0;
    for (let k = 0; k <= n; k++) {
      const expected = draws * pk;
      if (expected >= 5) {
        chi2 += (counts[k] - expected) ** 2 / expected;
        cells++;
      }
      pk *= ((n - k) / (k + 1)) * (p / (1 - p));
    }
    // 99.9th percentile of chi-square with ~20 degrees of freedom is about 45
    expect(cells).toBeGreaterThan(15);
    expect(chi2).toBeLessThan(45);
  });

  it('handles the edges', () => {
    const u = seededUniform(1);
    expect(binomial(0, 0.5, u)).toBe(0);
    expect(binomial(10, 0, u)).toBe(0);
    expect(binomial(10, 1, u)).toBe(10);
  });
});

/** The classic bootstrap: n uniform index draws per resample. */
function indexBootstrapCi(values: number[], resamples: number, seed: number): [number, number] {
  const uniform = seededUniform(seed);
  const n = values.length;
  const means: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(uniform() * n)];
    means.push(s / n);
  }
  means.sort((a, b) => a - b);
  return [means[Math.floor(0.025 * resamples)], means[Math.floor(0.975 * resamples)]];
}

describe('bootstrapMeanCi (multinomial resampling of tallied values)', () => {
  const vqaLike = (n: number, seed: number) => {
    const u = seededUniform(seed);
    const levels = [0, 0.3, 0.6, 0.8999999999999999, 0.9, 1];
    return Array.from({ length: n }, () => levels[Math.floor(u() * u() * levels.length)]);
  };

  it('gives the interval the index bootstrap gives, within Monte Carlo error', () => {
    const values = vqaLike(3000, 5);
    const [lo, hi] = bootstrapMeanCi(values, { resamples: 4000, seed: 3 })!;
    const [lo2, hi2] = indexBootstrapCi(values, 4000, 8);
    const width = hi2 - lo2;
    expect(Math.abs(lo - lo2)).toBeLessThan(0.06 * width);
    expect(Math.abs(hi - hi2)).toBeLessThan(0.06 * width);
  });

  it('is seeded, deterministic and independent of the order of the scores', () => {
    const values = vqaLike(5000, 6);
    const a = bootstrapMeanCi(values, { seed: 11 });
    expect(bootstrapMeanCi(values, { seed: 11 })).toEqual(a);
    expect(bootstrapMeanCi([...values].reverse(), { seed: 11 })).toEqual(a);
    expect(bootstrapMeanCi(values, { seed: 12 })).not.toEqual(a);
  });

  it('resamples the full VQAv2 size (214k questions, 1,000 resamples) through the multinomial path', () => {
    const values = vqaLike(214_354, 7);
    const means = resampledMeans(values, { resamples: 1000, seed: 1 });
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const avg = means.reduce((a, b) => a + b, 0) / means.length;
    expect(Math.abs(avg - mean)).toBeLessThan(1e-3);
  });

  it('falls back to index draws when most values are distinct (continuous scores)', () => {
    const u = seededUniform(4);
    const values = Array.from({ length: 400 }, () => u());
    const [lo, hi] = bootstrapMeanCi(values, { resamples: 2000, seed: 2 })!;
    const [lo2, hi2] = indexBootstrapCi(values, 2000, 9);
    expect(Math.abs(lo - lo2)).toBeLessThan(0.1 * (hi2 - lo2));
    expect(bootstrapMeanCi([...values].reverse(), { resamples: 2000, seed: 2 })).toEqual([lo, hi]);
  });

  it('needs two values', () => {
    expect(bootstrapMeanCi([1])).toBeNull();
    expect(bootstrapMeanCi([1, 1])).toEqual([1, 1]);
  });
});

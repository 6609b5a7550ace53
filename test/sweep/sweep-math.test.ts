// The sweep's judgements on numbers given by hand: SLO parsing and goodput as vLLM's
// `calculate_metrics` computes it, the knee rule, the Pareto front, the accuracy flag, and
// `--profile auto` replayed against an analytic capacity-limited server (processor sharing: K streams
// at full speed, slower in proportion beyond), where the max-goodput point is known exactly.

import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { nextAutoStep, type MeasuredPoint } from '../../src/sweep/auto-profile.ts';
import { buildSweep, type SweepHeader } from '../../src/sweep/build-sweep.ts';
import { findKnee, findMaxGoodput, gainPerDoubling, paretoFront, saturatedBetween } from '../../src/sweep/knee.ts';
import { evaluateSlo, parseSlo, requestTimes, type RequestTimes } from '../../src/sweep/slo.ts';
import type { MeasuredSweepPoint } from '../../src/sweep/sweep-point.ts';
import { sweepSchema } from '../../src/sweep/sweep-schema.ts';

describe('parseSlo', () => {
  it('reads metric, percentile and threshold', () => {
    expect(parseSlo('ttft_p99_ms=500, tpot_p90_ms=50,e2el_p99.9_ms=8000')).toEqual([
      { key: 'ttft_p99_ms', metric: 'ttft', percentile: 99, thresholdMs: 500 },
      { key: 'tpot_p90_ms', metric: 'tpot', percentile: 90, thresholdMs: 50 },
      { key: 'e2el_p99.9_ms', metric: 'e2el', percentile: 99.9, thresholdMs: 8000 },
    ]);
  });

  it.each([
    ['itl_p99_ms=5', /'itl_p99_ms' is not an objective/],
    ['ttft_p99_ms', /ttft_p99_ms: expected a positive number of milliseconds/],
    ['ttft_p99_ms=-1', /expected a positive number/],
    ['ttft_p99_ms=1,ttft_p50_ms=2', /ttft is given twice/],
    ['', /no objective given/],
  ])('rejects %s with the fix', (text, message) => {
    expect(() => parseSlo(text)).toThrow(UserError);
    expect(() => parseSlo(text)).toThrow(message);
  });
});

describe('goodput and SLO attainment (vLLM --goodput semantics)', () => {
  it('per request: TTFT, TPOT = (E2EL − TTFT)/(n − 1), 0 for one token, E2EL', () => {
    expect(requestTimes({ startMs: 100, firstTokenMs: 150, endMs: 350 }, 5)).toEqual({ ttft: 50, tpot: 50, e2el: 250 });
    expect(requestTimes({ startMs: 0, firstTokenMs: 80, endMs: 80 }, 1)).toEqual({ ttft: 80, tpot: 0, e2el: 80 });
    expect(requestTimes({ startMs: 0, endMs: 80 }, 3)).toEqual({ ttft: null, tpot: null, e2el: 80 });
    expect(requestTimes(undefined, 3)).toEqual({ ttft: null, tpot: null, e2el: null });
  });

  it('counts requests within every threshold (equal is within), over the duration; errors miss', () => {
    const slos = parseSlo('ttft_p99_ms=100,tpot_p99_ms=20');
    const r = (ttft: number | null, tpot: number | null): RequestTimes => ({ ttft, tpot, e2el: 1 });
    const completed = [r(100, 20), r(99, 5), r(101, 5), r(50, 21), r(null, 1), r(10, 0)];
    const out = evaluateSlo({ slos, completed, errored: 2, durationSec: 4 });
    expect(out.goodput).toBe(3 / 4); // r(100,20), r(99,5), r(10,0)
    expect(out.attainment).toBe(3 / 8);
    // p99 of TTFT over 8 requests, 3 of them (a missing TTFT, 2 errors) as slow as it gets
    expect(out.observed.ttft_p99_ms).toBe(Infinity);
    expect(out.pass).toBe(false);
  });

  it('holds the SLO when each percentile is within its threshold', () => {
    const slos = parseSlo('ttft_p50_ms=10');
    const completed = [1, 2, 3, 100].map((t): RequestTimes => ({ ttft: t, tpot: 0, e2el: t }));
    const out = evaluateSlo({ slos, completed, errored: 0, durationSec: 1 });
    expect(out.observed.ttft_p50_ms).toBe(2.5);
    expect(out.pass).toBe(true);
    expect(evaluateSlo({ slos, completed: [], errored: 0, durationSec: 1 })).toMatchObject({ pass: false, attainment: null, goodput: 0 });
  });
});

describe('knee, max goodput, Pareto', () => {
  const curve = (tokps: number[], lat: number[], loads = [1, 2, 4, 8, 16, 32]) => loads.map((load, i) => ({ load, outputTokensPerSec: tokps[i], latencyMs: lat[i] }));

  it('the knee is the first point from which doubling gains under 10% while latency grows', () => {
    expect(findKnee(curve([100, 200, 400, 430, 440, 441], [10, 10, 11, 20, 40, 80]))).toBe(2); // 400 → 430: 7.5%
    expect(findKnee(curve([100, 200, 400, 460, 470, 471], [10, 10, 11, 20, 40, 80]))).toBe(3); // 400 → 460: 15%
    // flat throughput without latency growth is not saturation
    expect(findKnee(curve([100, 100, 100, 100, 100, 100], [10, 10, 10, 10, 10, 10]))).toBeNull();
    expect(findKnee(curve([100, 200, 400, 800, 1600, 3200], [1, 2, 3, 4, 5, 6]))).toBeNull();
  });

  it('scales the gain of uneven steps to a doubling', () => {
    const a = { load: 4, outputTokensPerSec: 100, latencyMs: 10 };
    // 4 → 6 is 0.585 doublings: +5% there is +8.7% per doubling
    expect(gainPerDoubling(a, { load: 6, outputTokensPerSec: 105, latencyMs: 12 })).toBeCloseTo(1.05 ** (1 / Math.log2(1.5)) - 1, 12);
    expect(saturatedBetween(a, { load: 6, outputTokensPerSec: 105, latencyMs: 12 })).toBe(true);
    expect(saturatedBetween(a, { load: 6, outputTokensPerSec: 107, latencyMs: 12 })).toBe(false);
  });

  it('max goodput takes the lighter point on a tie; the Pareto front keeps the undominated points', () => {
    expect(findMaxGoodput([1, 3, null, 3, 2])).toBe(1);
    expect(findMaxGoodput([null, null])).toBeNull();
    const front = paretoFront([
      { x: 100, y: 50 },
      { x: 200, y: 50 }, // dominates the first
      { x: 300, y: 30 },
      { x: 250, y: 20 }, // dominated by the third
      { x: null, y: 99 },
    ]);
    expect([...front].sort()).toEqual([1, 2]);
  });
});

function point(concurrency: number, over: Partial<MeasuredSweepPoint> = {}): MeasuredSweepPoint {
  const none = { p50: null, p99: null };
  return {
    concurrency,
    requestRate: null,
    runDir: `c${concurrency}`,
    runDirs: [`c${concurrency}`],
    phase: 'list',
    order: concurrency,
    completed: true,
    requests: 10,
    errored: 0,
    durationSec: 1,
    requestsPerSec: concurrency,
    outputTokensPerSec: 10 * concurrency,
    outputTokensPerSecPerGpu: 10 * concurrency,
    outputTokensPerSecPerUser: 100 / concurrency,
    ttftMs: none,
    tpotMs: none,
    e2elMs: { p50: 100 + concurrency, p99: 200 },
    goodput: null,
    sloAttainment: null,
    sloPass: null,
    accuracy: { metric: 'accuracy', value: 0.8, ci95: [0.75, 0.85] },
    energy: null,
    costUsdPerMillionOutputTokens: null,
    clientSaturated: null,
    valid: true,
    cacheReset: null,
    ...over,
  };
}

const HEADER: SweepHeader = {
  sweepId: 's',
  createdAt: '2025-01-01T00:00:00.000Z',
  completed: true,
  suite: 'chartqa',
  model: { id: 'm', backend: 'openai', dtype: null },
  hardware: { label: null, gpu: 'MI300X', gpuCount: 1 },
  load: 'concurrency',
  profile: 'list',
  slo: null,
  limit: null,
  durationSec: null,
  repeats: 1,
  gpuHourCostUsd: null,
  notes: [],
  serve: null,
};

describe('buildSweep', () => {
  it('sorts by load, flags accuracy outside the lightest point’s interval, and leaves saturated-client points out', () => {
    const sweep = buildSweep({ ...HEADER, slo: [{ key: 'ttft_p99_ms', metric: 'ttft', percentile: 99, thresholdMs: 1 }] }, [
      point(8, { outputTokensPerSec: 41, accuracy: { metric: 'accuracy', value: 0.6, ci95: [0.55, 0.65] }, goodput: 3 }),
      point(1, { goodput: 1 }),
      point(4, { outputTokensPerSec: 40, goodput: 3 }),
      // the client could not keep up: highest numbers, but they measured the client
      point(16, { outputTokensPerSec: 90, goodput: 9, clientSaturated: true, valid: false }),
      point(2, { accuracy: { metric: 'accuracy', value: 0.78, ci95: [0.7, 0.84] }, goodput: 2 }),
    ]);
    expect(sweepSchema.parse(sweep)).toEqual(sweep);
    expect(sweep.points.map((p) => p.concurrency)).toEqual([1, 2, 4, 8, 16]);
    expect(sweep.points.map((p) => p.accuracy.differsFromLightest)).toEqual([false, false, false, true, false]);
    expect(sweep.knee).toEqual({ concurrency: 4, requestRate: null });
    expect(sweep.maxGoodput).toEqual({ concurrency: 4, requestRate: null, goodput: 3 });
    expect(sweep.points.find((p) => p.concurrency === 16)!.pareto).toBe(false);
    expect(sweep.notes.join(' ')).toMatch(/The load generator saturated at c16/);
  });

  it('without --slo there is no max goodput', () => {
    expect(buildSweep(HEADER, [point(1), point(2)]).maxGoodput).toBeNull();
  });
});

/**
 * An analytic processor-sharing server: K streams at full speed, each of n > K at K/n of it.
 * Throughput ∝ min(c, K); TPOT = base × max(1, c/K); every request's TPOT is the same.
 */
function psPoint(c: number, K: number, tpotSlo: number): MeasuredPoint & { goodput: number } {
  const tpot = 10 * Math.max(1, c / K);
  const pass = tpot <= tpotSlo;
  const throughput = Math.min(c, K);
  return { load: c, outputTokensPerSec: 100 * throughput, latencyMs: 100 * Math.max(1, c / K), sloPass: pass, clientSaturated: false, goodput: pass ? throughput : 0 };
}

function runAuto(K: number, tpotSlo: number, budget = 12, maxLoad = 64) {
  const measured: Array<ReturnType<typeof psPoint>> = [];
  for (;;) {
    const step = nextAutoStep({ measured, budget, maxLoad });
    if (step.done) return { measured, step };
    expect(measured.some((m) => m.load === step.load)).toBe(false); // never measures a load twice
    measured.push(psPoint(step.load, K, tpotSlo));
  }
}

describe('--profile auto against an analytic capacity-limited server', () => {
  it.each([
    [5.5, 13.5],
    [6, 12.5],
    [3, 20],
    [12, 11],
    [20, 15],
    [2.5, 100],
  ])('K=%s, TPOT SLO %s ms: lands on the max-goodput point within one bisection step', (K, slo) => {
    const { measured, step } = runAuto(K, slo);
    expect(measured.length).toBeLessThanOrEqual(12);
    // the true max goodput over every concurrency 1..64
    const all = Array.from({ length: 64 }, (_, i) => psPoint(i + 1, K, slo));
    const best = Math.max(...all.map((p) => p.goodput));
    const bestLoads = all.filter((p) => p.goodput === best).map((p) => p.load);
    const found = measured[findMaxGoodput(measured.map((m) => m.goodput))!];
    const distance = Math.min(...bestLoads.map((l) => Math.abs(l - found.load)));
    expect(distance, `${JSON.stringify(step)} measured ${measured.map((m) => m.load).join(',')}`).toBeLessThanOrEqual(1);
    // ... and the goodput it found is the best within one step's worth of load
    expect(found.goodput).toBeGreaterThanOrEqual(best * (1 - 1 / Math.max(...bestLoads)));
    expect(step.done && step.reason).toBeTruthy();
  });

  it('doubles, then bisects between the last good and the first bad point', () => {
    const { measured, step } = runAuto(5.5, 13.5);
    expect(measured.map((m) => m.load)).toEqual([1, 2, 4, 8, 6, 7]);
    expect(step).toMatchObject({ done: true, lastGood: 6, firstBad: 7 });
  });

  it('stops at the point budget and at the largest useful concurrency', () => {
    expect(runAuto(1000, 1e9, 4).measured.map((m) => m.load)).toEqual([1, 2, 4, 8]);
    const capped = runAuto(1000, 1e9, 20, 12);
    expect(capped.measured.map((m) => m.load)).toEqual([1, 2, 4, 8, 12]);
    expect(capped.step).toMatchObject({ done: true, reason: 'concurrency 12 already has every sample of a point in flight' });
  });

  it('stops at once when concurrency 1 already breaks the SLO or saturates the client', () => {
    expect(runAuto(4, 5).step).toMatchObject({ done: true, reason: 'at concurrency 1 the SLO does not hold', lastGood: null });
    const step = nextAutoStep({ measured: [{ load: 1, outputTokensPerSec: 1, latencyMs: 1, sloPass: null, clientSaturated: true }], budget: 10, maxLoad: 100 });
    expect(step).toMatchObject({ done: true, reason: 'at concurrency 1 the load generator saturated' });
  });
});

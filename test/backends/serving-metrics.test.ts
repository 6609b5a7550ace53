// servingMetrics on hand-built records, checked against vLLM's formulas worked out by hand
// (spec/serving-metrics.md §1.1). Lives beside the backend tests that produce its input.

import { describe, expect, it } from 'vitest';
import { servingMetrics, type RequestRecord } from '../../src/run/serving-metrics.ts';

const records: RequestRecord[] = [
  // TTFT 100, E2EL 400, 4 tokens → TPOT (400-100)/3 = 100; chunk gaps 100, 100, 100.
  { timing: { startMs: 1000, firstTokenMs: 1100, chunkMs: [1100, 1200, 1300, 1400], endMs: 1400 }, outputTokens: 4, promptTokens: 10, images: 1 },
  // TTFT 50, E2EL 250, 9 tokens in 3 chunks → TPOT 200/8 = 25; gaps 50, 150.
  { timing: { startMs: 2000, firstTokenMs: 2050, chunkMs: [2050, 2100, 2250], endMs: 2250 }, outputTokens: 9, promptTokens: 20, images: 2 },
  // One token: in TTFT and E2EL, not in TPOT; no gaps.
  { timing: { startMs: 0, firstTokenMs: 300, chunkMs: [300], endMs: 300 }, outputTokens: 1, images: 0 },
];

describe('servingMetrics', () => {
  it('computes vLLM TTFT, TPOT, ITL and E2EL with numpy percentiles', () => {
    const m = servingMetrics(records, 2);
    expect(m.completed).toBe(3);
    // TTFT [100, 50, 300] → sorted [50, 100, 300]: p50 100, p90 100+0.8·200 = 260, p99 296.
    expect(m.ttftMs).toEqual({ mean: 150, p50: 100, p90: 260, p99: expect.closeTo(296, 9) });
    // TPOT [100, 25]: mean 62.5, p50 62.5, p90 25+0.9·75 = 92.5.
    expect(m.tpotMs).toEqual({ mean: 62.5, p50: 62.5, p90: 92.5, p99: expect.closeTo(99.25, 9) });
    // ITL pooled [100, 100, 100, 50, 150] → sorted [50, 100, 100, 100, 150].
    expect(m.itlMs).toEqual({ mean: 100, p50: 100, p90: 130, p99: expect.closeTo(148, 9) });
    // E2EL [400, 250, 300].
    expect(m.e2elMs).toEqual({ mean: expect.closeTo(316.6667, 3), p50: 300, p90: 380, p99: expect.closeTo(398, 9) });
  });

  it('divides totals by the run duration', () => {
    const m = servingMetrics(records, 2);
    expect(m.requestThroughput).toBe(1.5);
    expect(m.outputTokenThroughput).toBe(7); // 14 tokens / 2 s
    expect(m.totalTokenThroughput).toBe(22); // (30 prompt + 14 output) / 2 s
    expect(m.imagesPerSec).toBe(1.5);
    expect([m.totalInputTokens, m.totalOutputTokens, m.totalImages]).toEqual([30, 14, 3]);
  });

  it('handles no first-token time, no prompt counts, no records and a zero duration', () => {
    const m = servingMetrics([{ timing: { startMs: 0, chunkMs: [], endMs: 80 }, outputTokens: 5, images: 0 }], 1);
    expect(m.ttftMs).toBeNull();
    expect(m.tpotMs).toBeNull();
    expect(m.itlMs).toBeNull();
    expect(m.e2elMs?.mean).toBe(80);
    expect(m.totalTokenThroughput).toBeNull();
    const empty = servingMetrics([], 0);
    expect(empty).toMatchObject({ completed: 0, ttftMs: null, e2elMs: null, requestThroughput: null, outputTokenThroughput: null });
  });
});

import { describe, expect, it } from 'vitest';
import { checkClient, createDispatchLog, LOOP_DELAY_P99_LIMIT_MS } from '../../src/load/client-check.ts';

const delay = (p99Ms: number | null) => ({ p99Ms, maxMs: p99Ms, samples: p99Ms === null ? 0 : 1000 });

describe('checkClient', () => {
  it('takes the worst client thread, and flags a p99 over the limit with the fix', () => {
    const ok = checkClient({ workers: 2, loopDelays: [delay(1.2), delay(3.4)], dispatch: null });
    expect(ok).toEqual({ workers: 2, loopDelayP99Ms: 3.4, saturated: false, reason: null, requestRate: null });
    const bad = checkClient({ workers: 2, loopDelays: [delay(1.2), delay(LOOP_DELAY_P99_LIMIT_MS + 0.5)], dispatch: null });
    expect(bad.saturated).toBe(true);
    expect(bad.reason).toMatch(/event-loop delay p99 10\.5 ms .* over the 10 ms limit .*--client-workers/);
    expect(checkClient({ workers: 0, loopDelays: [delay(50)], dispatch: null }).reason).toMatch(/use --client-workers\)/);
    expect(checkClient({ workers: 1, loopDelays: [delay(null)], dispatch: null })).toMatchObject({ loopDelayP99Ms: null, saturated: false });
  });

  it('compares the achieved rate with the seeded schedule, not with the nominal --request-rate', () => {
    // 11 requests scheduled over 1 s (10 req/s) although --request-rate said 8: a short Poisson
    // sequence; sent on time, so not short
    const onTime = createDispatchLog({ requested: 8, concurrency: 16 });
    for (let i = 0; i <= 10; i++) onTime.record(i * 100, i * 100 + 0.3, false);
    const a = checkClient({ workers: 1, loopDelays: [delay(1)], dispatch: onTime.summary() });
    expect(a.saturated).toBe(false);
    expect(a.requestRate).toEqual({ requested: 8, achieved: expect.closeTo(10, 6), cappedByConcurrency: false });
    // the same schedule sent 10% slower, with free slots: the client fell behind
    const late = createDispatchLog({ requested: 8, concurrency: 16 });
    for (let i = 0; i <= 10; i++) late.record(i * 100, i * 111, false);
    const b = checkClient({ workers: 1, loopDelays: [delay(1)], dispatch: late.summary() });
    expect(b.saturated).toBe(true);
    expect(b.reason).toMatch(/requests went out at 9\.0 req\/s, 10% short of the 10\.0 req\/s scheduled \(--request-rate 8\)/);
  });

  it('reports, without flagging, a rate capped by --concurrency (requests waited for a slot)', () => {
    const capped = createDispatchLog({ requested: 50, concurrency: 4 });
    for (let i = 0; i <= 10; i++) capped.record(i * 20, i * 60, i > 3);
    const c = checkClient({ workers: 1, loopDelays: [delay(1)], dispatch: capped.summary() });
    expect(c.saturated).toBe(false);
    expect(c.reason).toMatch(/--concurrency 4 slots/);
    expect(c.requestRate).toMatchObject({ requested: 50, cappedByConcurrency: true });
  });

  it('with --conversation, speaks of conversations started, not requests', () => {
    const capped = createDispatchLog({ requested: 50, concurrency: 4, unit: 'conversations' });
    for (let i = 0; i <= 10; i++) capped.record(i * 20, i * 60, i > 3);
    const c = checkClient({ workers: 1, loopDelays: [delay(1)], dispatch: capped.summary() });
    expect(c.reason).toMatch(/^conversations went out at 16\.7 conversations\/s, 67% short of the 50\.0 conversations\/s scheduled \(--request-rate 50\): conversations waited for one of the --concurrency 4 slots/);
  });

  it('needs two requests to speak of a rate', () => {
    const one = createDispatchLog({ requested: 5, concurrency: 1 });
    one.record(0, 500, false);
    expect(checkClient({ workers: 1, loopDelays: [], dispatch: one.summary() })).toMatchObject({ saturated: false, requestRate: { achieved: null } });
  });
});

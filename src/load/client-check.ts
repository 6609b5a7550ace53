// The load generator checks itself (issue: load generation that does not distort what it
// measures). A client whose event loop runs late reads chunks late: TTFT grows, chunks bunch up and
// ITL collapses toward 0, and nothing else in the figures shows it. So each client thread measures
// its own event-loop delay, and the run is flagged when
// - the 99th-percentile delay of any client thread exceeds LOOP_DELAY_P99_LIMIT_MS, or
// - with --request-rate, requests went out more than 5% slower than the seeded arrival schedule
//   asked (compared with the schedule's own rate, so the randomness of a short Poisson sequence is
//   not mistaken for a shortfall) while no request was waiting for a --concurrency slot. When
//   requests did wait for a slot, the cap is the user's --concurrency, not the client: that is
//   reported, not flagged.

import type { PerfClient } from '../report/schema.ts';
import type { LoopDelayStats } from './loop-delay.ts';

export const SATURATION_MESSAGE = 'client saturated: latency figures are not trustworthy';

/**
 * 10 ms: a chunk read 10 ms late already moves a p99 by that much, and it is of the order of the
 * time between tokens of a fast server (10-30 ms), where late reads merge chunks and ITL reads 0.
 * Measured on 2 shared cores: an idle loop 1-3 ms, a client keeping up with 64 streams 2-5 ms.
 */
export const LOOP_DELAY_P99_LIMIT_MS = 10;

/** Requests may go out this much slower than scheduled before the client counts as saturated. */
export const RATE_SHORTFALL = 0.05;

export interface DispatchSummary {
  /** --request-rate. */
  requested: number;
  /** Requests per second of the seeded schedule over the requests sent; null for fewer than two. */
  scheduledPerSec: number | null;
  /** Requests per second at which they actually went out. */
  achievedPerSec: number | null;
  /** Some request waited for a free --concurrency slot. */
  cappedByConcurrency: boolean;
  concurrency: number;
  /** What each dispatch starts: a request, or (`--conversation`) a conversation, whose later turns follow their answers. */
  unit: 'requests' | 'conversations';
}

/** Records when each request was due and when it went out, in O(1) memory. */
export function createDispatchLog(p: { requested: number; concurrency: number; unit?: DispatchSummary['unit'] }) {
  let n = 0;
  let firstDue = 0;
  let lastDue = 0;
  let firstSent = 0;
  let lastSent = 0;
  let capped = false;
  return {
    record(dueMs: number, sentMs: number, waitedForSlot: boolean): void {
      if (n === 0) {
        firstDue = dueMs;
        firstSent = sentMs;
      }
      lastDue = dueMs;
      lastSent = sentMs;
      n++;
      if (waitedForSlot) capped = true;
    },
    summary(): DispatchSummary {
      const rate = (span: number) => (n >= 2 && span > 0 ? ((n - 1) * 1000) / span : null);
      return {
        requested: p.requested,
        scheduledPerSec: rate(lastDue - firstDue),
        achievedPerSec: rate(lastSent - firstSent),
        cappedByConcurrency: capped,
        concurrency: p.concurrency,
        unit: p.unit ?? 'requests',
      };
    },
  };
}

const fixed = (v: number, d = 1) => v.toFixed(d);

export function checkClient(p: { workers: number; loopDelays: readonly LoopDelayStats[]; dispatch: DispatchSummary | null }): PerfClient {
  const p99s = p.loopDelays.map((d) => d.p99Ms).filter((v): v is number => v !== null);
  const loopDelayP99Ms = p99s.length ? Math.max(...p99s) : null;
  const reasons: string[] = [];
  let saturated = false;
  if (loopDelayP99Ms !== null && loopDelayP99Ms > LOOP_DELAY_P99_LIMIT_MS) {
    saturated = true;
    const fix = p.workers === 0 ? 'use --client-workers' : 'use more --client-workers or a lower --concurrency';
    reasons.push(`event-loop delay p99 ${fixed(loopDelayP99Ms)} ms in a client thread, over the ${LOOP_DELAY_P99_LIMIT_MS} ms limit (${fix})`);
  }
  const d = p.dispatch;
  if (d && d.scheduledPerSec !== null && d.achievedPerSec !== null && d.achievedPerSec < (1 - RATE_SHORTFALL) * d.scheduledPerSec) {
    const per = d.unit === 'requests' ? 'req/s' : 'conversations/s';
    const short = `${d.unit} went out at ${fixed(d.achievedPerSec)} ${per}, ${fixed(100 * (1 - d.achievedPerSec / d.scheduledPerSec), 0)}% short of the ${fixed(d.scheduledPerSec)} ${per} scheduled (--request-rate ${d.requested})`;
    if (d.cappedByConcurrency) {
      reasons.push(`${short}: ${d.unit} waited for one of the --concurrency ${d.concurrency} slots, so the server's speed capped the rate`);
    } else {
      saturated = true;
      reasons.push(short);
    }
  }
  return {
    workers: p.workers,
    loopDelayP99Ms,
    saturated,
    reason: reasons.length ? reasons.join('; ') : null,
    requestRate: d ? { requested: d.requested, achieved: d.achievedPerSec, cappedByConcurrency: d.cappedByConcurrency } : null,
  };
}

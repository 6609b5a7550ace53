// Why samples errored, counted by reason, for the console summary, report.md and results.json: the
// reason text is in samples.jsonl, but a run whose every request got a 401 must say so where people
// look. A reason is the error's kind and message with what varies per sample taken out (the sample's
// own id, the attempt count), so one cause is counted once.

import type { ErrorKind, SampleResult } from '../types.ts';

export interface ErrorReason {
  kind: ErrorKind;
  reason: string;
  count: number;
}

export interface ErrorReasons {
  /** Most frequent first (ties by text), at most `keep`. */
  reasons: ErrorReason[];
  /** Reasons beyond `keep`, and the samples they account for (absent when none). */
  other?: { reasons: number; samples: number };
}

/** Reasons results.json keeps per suite. */
export const KEPT_REASONS = 20;

function errorReason(r: Extract<SampleResult, { state: 'errored' }>): string {
  return r.error.message
    .split(`'${r.id}'`)
    .join("'<id>'")
    .replace(/ \((attempt \d+|gave up after \d+ attempts)\)$/, '');
}

/** Reasons counted one result at a time (final scoring streams a suite's results from disk). */
export function createErrorReasonCounter(keep = KEPT_REASONS) {
  const counts = new Map<string, ErrorReason>();
  return {
    add(r: SampleResult): void {
      if (r.state !== 'errored') return;
      const reason = errorReason(r);
      const key = `${r.error.kind}\0${reason}`;
      const entry = counts.get(key) ?? { kind: r.error.kind, reason, count: 0 };
      entry.count++;
      counts.set(key, entry);
    },
    result(): ErrorReasons {
      const all = [...counts.values()].sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
      const rest = all.slice(keep);
      return {
        reasons: all.slice(0, keep),
        ...(rest.length ? { other: { reasons: rest.length, samples: rest.reduce((n, r) => n + r.count, 0) } } : {}),
      };
    },
  };
}

export function countErrorReasons(results: Iterable<SampleResult>, keep = KEPT_REASONS): ErrorReasons {
  const counter = createErrorReasonCounter(keep);
  for (const r of results) counter.add(r);
  return counter.result();
}

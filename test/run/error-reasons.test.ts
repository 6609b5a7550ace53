// Error reasons are counted once per cause: the sample's own id and the attempt count are not part
// of the reason; the most frequent come first and the rest are summed.

import { describe, expect, it } from 'vitest';
import { countErrorReasons } from '../../src/run/error-reasons.ts';
import type { SampleResult } from '../../src/types.ts';

const err = (id: string, kind: 'backend' | 'timeout' | 'input', message: string): SampleResult => ({
  suite: 'chartqa', id, state: 'errored', prediction: null, extracted: null, score: null, error: { kind, message },
});

describe('countErrorReasons', () => {
  it('groups messages that differ only by sample id or attempt count', () => {
    const r = countErrorReasons([
      err('a', 'input', "no prediction for sample 'a' in p.jsonl"),
      err('b', 'input', "no prediction for sample 'b' in p.jsonl"),
      err('c', 'timeout', 'no complete response within 5 s (attempt 1)'),
      err('d', 'timeout', 'no complete response within 5 s (attempt 4)'),
      err('e', 'backend', 'HTTP 503 from x (gave up after 4 attempts)'),
      err('f', 'timeout', 'no complete response within 5 s (attempt 2)'),
      { suite: 'chartqa', id: 'g', state: 'scored', prediction: 'x', extracted: 'x', score: 1 },
    ]);
    expect(r.reasons).toEqual([
      { kind: 'timeout', reason: 'no complete response within 5 s', count: 3 },
      { kind: 'input', reason: "no prediction for sample '<id>' in p.jsonl", count: 2 },
      { kind: 'backend', reason: 'HTTP 503 from x', count: 1 },
    ]);
    expect(r.other).toBeUndefined();
  });

  it('keeps the most frequent and sums the others', () => {
    const many = Array.from({ length: 30 }, (_, i) => err(`s${i}`, 'backend', `reason ${i % 25}`));
    const r = countErrorReasons(many, 20);
    expect(r.reasons).toHaveLength(20);
    expect(r.reasons[0].count).toBe(2);
    expect(r.other).toEqual({ reasons: 5, samples: 5 });
  });
});

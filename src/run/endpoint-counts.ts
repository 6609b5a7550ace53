// Per-endpoint request counts (the openai backend's --base-url list, src/backends/endpoint-pool.ts)
// as a suite's figures: an invocation's share is the difference of the backend's counters across
// the suite, and a run's (its resumes, or merged shards) the sum of its invocations' by URL.

import type { EndpointCount } from '../types.ts';

/** What the counters moved by between two readings of the same endpoint list. */
export function endpointDelta(before: readonly EndpointCount[], after: readonly EndpointCount[]): EndpointCount[] {
  return after.map((a, i) => ({ baseUrl: a.baseUrl, requests: a.requests - (before[i]?.requests ?? 0), errored: a.errored - (before[i]?.errored ?? 0) }));
}

/** Counts added up by URL, in order of first appearance; undefined when there are none. */
export function sumEndpoints(lists: ReadonlyArray<readonly EndpointCount[]>): EndpointCount[] | undefined {
  if (lists.length === 0) return undefined;
  const byUrl = new Map<string, EndpointCount>();
  for (const list of lists) {
    for (const e of list) {
      const sum = byUrl.get(e.baseUrl) ?? { baseUrl: e.baseUrl, requests: 0, errored: 0 };
      sum.requests += e.requests;
      sum.errored += e.errored;
      byUrl.set(e.baseUrl, sum);
    }
  }
  return [...byUrl.values()];
}

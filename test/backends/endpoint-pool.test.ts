// The endpoint pool behind `--base-url a,b,c`: least outstanding requests, an endpoint that keeps
// failing taken out and its requests sent elsewhere, a trial request after a cooldown, counters.

import { describe, expect, it } from 'vitest';
import { createEndpointPool, type Endpoint } from '../../src/backends/endpoint-pool.ts';

const display = (u: string) => u.replace(/\?.*$/, '');

describe('endpoint pool', () => {
  it('sends each request to the endpoint with the fewest in flight, ties to the one sent fewer', () => {
    const pool = createEndpointPool({ baseUrls: ['http://a/v1', 'http://b/v1', 'http://c/v1'], display });
    const taken: Endpoint[] = [];
    for (let i = 0; i < 6; i++) taken.push(pool.acquire()!);
    expect(taken.map((e) => e.index)).toEqual([0, 1, 2, 0, 1, 2]);
    // b finishes both: the next two go to b
    pool.release(taken[1], 'ok');
    pool.release(taken[4], 'ok');
    expect([pool.acquire()!.index, pool.acquire()!.index]).toEqual([1, 1]);
    expect(pool.stats()).toEqual([
      { baseUrl: 'http://a/v1', requests: 2, errored: 0 },
      { baseUrl: 'http://b/v1', requests: 4, errored: 0 },
      { baseUrl: 'http://c/v1', requests: 2, errored: 0 },
    ]);
  });

  it('takes out an endpoint after 3 faults in a row, skips endpoints a request already tried, and tries it again after a cooldown', () => {
    let t = 0;
    const pool = createEndpointPool({ baseUrls: ['http://a/v1', 'http://b/v1'], display, cooldownMs: 1000, now: () => t });
    const a = { index: 0, base: 'http://a/v1' };
    for (let i = 0; i < 3; i++) {
      expect(pool.acquire(new Set([1]))!.index).toBe(0);
      pool.release(a, 'fault');
    }
    // a is out: everything goes to b, and a request that already failed on b has nowhere left
    expect(pool.acquire()!.index).toBe(1);
    expect(pool.acquire()!.index).toBe(1);
    expect(pool.acquire(new Set([1]))).toBeNull();
    // after the cooldown, one trial request; while it is out, nothing else goes to a
    t = 1000;
    expect(pool.acquire(new Set([1]))!.index).toBe(0);
    expect(pool.acquire(new Set([1]))).toBeNull();
    pool.release(a, 'fault'); // the trial fails: out for twice as long
    t = 2500;
    expect(pool.acquire(new Set([1]))).toBeNull();
    t = 3000;
    expect(pool.acquire(new Set([1]))!.index).toBe(0);
    pool.release(a, 'ok'); // back
    expect(pool.acquire(new Set([1]))!.index).toBe(0);
    expect(pool.stats()[0]).toEqual({ baseUrl: 'http://a/v1', requests: 6, errored: 4 });
  });

  it('an error about the request itself (a 400) counts as errored but not against the endpoint', () => {
    const pool = createEndpointPool({ baseUrls: ['http://a/v1?key=secret'], display });
    for (let i = 0; i < 5; i++) pool.release(pool.acquire()!, 'error');
    expect(pool.acquire()).not.toBeNull();
    expect(pool.stats()).toEqual([{ baseUrl: 'http://a/v1', requests: 6, errored: 5 }]);
  });
});

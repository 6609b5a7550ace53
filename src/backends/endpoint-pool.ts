// Several replicas of one served model behind separate base URLs (`--base-url a,b,c`, e.g. vLLM
// data-parallel replicas): each request goes to the healthy endpoint with the fewest requests in
// flight (least outstanding requests; ties to the one sent fewer, then list order). An endpoint
// that fails `maxConsecutiveFailures` times in a row (connection refused, reset, a 5xx, a stream
// cut short) is taken out, and its requests go to the others; after a cooldown it gets one trial
// request (doubling the cooldown each time it fails again, up to `maxCooldownMs`), and a success
// puts it back. Per endpoint the pool counts the requests sent and those that failed there, for
// results.json `perf.endpoints`.

import type { EndpointCount } from '../types.ts';

/**
 * An endpoint's counters: `requests` sent to it (a request sent again elsewhere counts at each
 * endpoint it went to), `errored` those that failed there; `baseUrl` without credentials or query.
 */
export type EndpointStats = EndpointCount;

export interface Endpoint {
  /** Position in the --base-url list. */
  index: number;
  /** The API root as given (requests go here). */
  base: string;
}

interface State extends Endpoint {
  display: string;
  inFlight: number;
  requests: number;
  errored: number;
  failuresInRow: number;
  /** Taken out until this time (ms); 0 when healthy. */
  downUntil: number;
  cooldownMs: number;
  /** A trial request is out after a cooldown: no other request goes there until it ends. */
  probing: boolean;
}

/**
 * How a request to an endpoint ended: `fault` is the endpoint's (it counts toward taking it out),
 * `error` the request's own (the endpoint answered), `cancelled` the run stopped it (not counted).
 */
export type EndpointOutcome = 'ok' | 'fault' | 'error' | 'cancelled';

export interface EndpointPool {
  readonly size: number;
  /**
   * The endpoint for the next request: least outstanding among those not taken out and not in
   * `tried` (the request's earlier attempts); null when none is left.
   */
  acquire(tried?: ReadonlySet<number>): Endpoint | null;
  release(endpoint: Endpoint, outcome: EndpointOutcome): void;
  /** Counters per endpoint, in --base-url order. */
  stats(): EndpointStats[];
}

export interface EndpointPoolOptions {
  baseUrls: readonly string[];
  /** How a URL is shown in results.json and messages (credentials and query removed). */
  display: (url: string) => string;
  maxConsecutiveFailures?: number;
  cooldownMs?: number;
  maxCooldownMs?: number;
  now?: () => number;
}

export function createEndpointPool(o: EndpointPoolOptions): EndpointPool {
  const now = o.now ?? (() => performance.now());
  const limit = o.maxConsecutiveFailures ?? 3;
  const firstCooldown = o.cooldownMs ?? 30_000;
  const maxCooldown = o.maxCooldownMs ?? 300_000;
  const states: State[] = o.baseUrls.map((base, index) => ({
    index,
    base,
    display: o.display(base),
    inFlight: 0,
    requests: 0,
    errored: 0,
    failuresInRow: 0,
    downUntil: 0,
    cooldownMs: firstCooldown,
    probing: false,
  }));
  const usable = (s: State, t: number) => (s.downUntil === 0 ? true : t >= s.downUntil && !s.probing);
  return {
    size: states.length,
    acquire(tried) {
      const t = now();
      let best: State | null = null;
      for (const s of states) {
        if (tried?.has(s.index) || !usable(s, t)) continue;
        if (!best || s.inFlight < best.inFlight || (s.inFlight === best.inFlight && s.requests < best.requests)) best = s;
      }
      if (!best) return null;
      if (best.downUntil !== 0) best.probing = true; // its cooldown is over: this request is the trial
      best.inFlight++;
      best.requests++;
      return best;
    },
    release(endpoint, outcome) {
      const s = states[endpoint.index];
      s.inFlight--;
      if (outcome === 'cancelled') {
        s.probing = false;
        return;
      }
      if (outcome !== 'ok') s.errored++;
      if (outcome === 'fault') {
        s.failuresInRow++;
        if (s.probing || s.failuresInRow >= limit) {
          // taken out (again): a failed trial doubles the wait
          if (s.probing) s.cooldownMs = Math.min(maxCooldown, s.cooldownMs * 2);
          s.downUntil = now() + s.cooldownMs;
        }
      } else {
        // it answered (a success, or an error about the request itself): it is up
        s.failuresInRow = 0;
        s.downUntil = 0;
        s.cooldownMs = firstCooldown;
      }
      s.probing = false;
    },
    stats() {
      return states.map((s) => ({ baseUrl: s.display, requests: s.requests, errored: s.errored }));
    },
  };
}

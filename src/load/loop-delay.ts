// Event-loop delay of one thread, as the client's self-check reads it (perf_hooks
// monitorEventLoopDelay). The histogram records the interval between ticks of a timer armed every
// `resolutionMs`; what the loop added is that interval minus the resolution, which is what is
// reported here. A thread that reads stream chunks late shows it as delay: a chunk that arrived
// while the loop was busy waits for the loop like the timer does.

import { monitorEventLoopDelay } from 'node:perf_hooks';

/** 1 ms: fine enough to see delays of a few ms; the timer itself costs microseconds per tick. */
export const LOOP_DELAY_RESOLUTION_MS = 1;

export interface LoopDelayStats {
  /** 99th percentile of the delay in ms, or null before any tick. */
  p99Ms: number | null;
  maxMs: number | null;
  /** Ticks measured. */
  samples: number;
}

export interface LoopDelayMonitor {
  /** Starts a new window (the measured part of a run). */
  reset(): void;
  stats(): LoopDelayStats;
  stop(): void;
}

export function createLoopDelayMonitor(resolutionMs: number = LOOP_DELAY_RESOLUTION_MS): LoopDelayMonitor {
  const h = monitorEventLoopDelay({ resolution: resolutionMs });
  h.enable();
  const delay = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
  return {
    reset: () => h.reset(),
    stats() {
      const samples = h.count;
      if (samples === 0) return { p99Ms: null, maxMs: null, samples };
      return { p99Ms: delay(h.percentile(99)), maxMs: delay(h.max), samples };
    },
    stop: () => h.disable(),
  };
}

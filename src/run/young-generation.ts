// Caps the young generation of the process's main isolate while it runs (issue: flat memory for
// long runs). V8 starts the young generation small and doubles its semi-spaces, up to 16 MiB each
// on 64-bit, as objects keep surviving scavenges; a run of a few hundred samples is over before it
// has grown, a run of tens of thousands ends with 32 MiB of young generation, a large part of the
// growth of its peak RSS (measured with replay: new space 32 MiB at 50,000 samples). Node 20
// offers no way to cap it once the process runs: `--max-semi-space-size` set with
// v8.setFlagsFromString is read only when the heap is created (measured: no effect), and a
// re-spawned process or a flag every launcher must remember is not a fix. What V8 does read at every growth is
// `--semi-space-growth-factor`; set to 1 it stops the growth at the present size. So the young
// generation is allowed to grow to half the cap, and frozen once a collection shows it has reached
// that: the one growth that may slip in before the check (a doubling) still fits under the cap.

import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * 16 MiB of young generation (two 8 MiB semi-spaces): peak RSS with replay 96 MiB at 1,000 samples
 * and 114-118 at 50,000 (1.22x), against 109-112 and 140-141 uncapped (1.27x), at the same wall
 * time (`npm run bench -- memory`); a 2 MiB young generation keeps it flat too but doubles the
 * run's time (objects that live across a few samples get promoted).
 */
export const YOUNG_GENERATION_CAP_MB = 16;

export interface YoungGenerationDeps {
  /** The new space's current size in bytes (V8's heap space statistics by default). */
  newSpaceBytes?: () => number;
  /** Sets a V8 flag (v8.setFlagsFromString by default). */
  setFlag?: (flag: string) => void;
  /** Calls `check` after every garbage collection, for the rest of the process. */
  afterGc?: (check: () => void) => void;
}

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

function afterGc(check: () => void): void {
  new PerformanceObserver(check).observe({ entryTypes: ['gc'] });
}

/**
 * Freezes the young generation once it reaches half of `capMb` (see above), and keeps it frozen:
 * V8 resets `--semi-space-growth-factor` to 2 whenever it creates an isolate (heap.cc,
 * Heap::ConfigureHeap raises any factor under 2; measured: the flag set, a Worker started, the main
 * young generation then grows from 2 to 32 MiB), so the worker threads started later (the openai
 * backend's client workers) let the main thread's young generation grow again (32 MiB in every
 * openai run, 8 MiB with replay). So the flag is set again after every collection once the cap has
 * been reached; setting a flag costs microseconds, a collection far more.
 */
export function capYoungGeneration(capMb: number = YOUNG_GENERATION_CAP_MB, deps: YoungGenerationDeps = {}): void {
  const size = deps.newSpaceBytes ?? newSpaceBytes;
  const setFlag = deps.setFlag ?? setFlagsFromString;
  const freezeAt = (capMb / 2) * 2 ** 20;
  let frozen = false;
  const check = () => {
    if (!frozen && size() < freezeAt) return;
    frozen = true;
    setFlag('--semi-space-growth-factor=1');
  };
  check();
  (deps.afterGc ?? afterGc)(check);
}

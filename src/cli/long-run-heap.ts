// The heap setting of the long-running commands (`eval`, `sweep`).

import { setFlagsFromString } from 'node:v8';
import { capYoungGeneration } from '../run/young-generation.ts';

/**
 * A long run's heap: V8 lets the old generation fill with garbage up to 4x the live heap before it
 * collects it, and on a long run that garbage, not live data, is most of the growth in RSS. Growing
 * by 1.5x keeps peak RSS flat from 1k to 50k samples at no measurable CPU cost (README, "Memory on
 * long runs"). V8 reads the factor at every collection, so setting it here takes effect.
 */
export function longRunHeap(): void {
  setFlagsFromString('--heap-growing-percent=50');
  // and its young generation, which V8 would otherwise grow to 32 MiB on a long run (young-generation.ts)
  capYoungGeneration();
}

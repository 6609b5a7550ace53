// The time a run was generating: the length of the union of its generation intervals. Invocations
// of one run directory follow each other, so their union is their sum; the shards of a merged run
// (src/shard/) generate at the same time on several machines, so the union counts time when any of
// them was generating once, which is what throughput over a cluster has to divide by.

export interface ActiveInterval {
  /** Wall-clock milliseconds (Date.now()); shards on different machines need synchronised clocks (NTP). */
  startMs: number;
  /** The interval's length as measured (a monotonic clock), seconds. */
  durationSec: number;
}

/**
 * Seconds covered by at least one interval. An interval that overlaps no other counts by its own
 * measured duration, so disjoint intervals add up exactly (no wall-clock rounding).
 */
export function unionSeconds(intervals: readonly ActiveInterval[]): number {
  const sorted = intervals.filter((i) => i.durationSec > 0).sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i];
    let end = first.startMs + first.durationSec * 1000;
    let j = i + 1;
    while (j < sorted.length && sorted[j].startMs <= end) {
      end = Math.max(end, sorted[j].startMs + sorted[j].durationSec * 1000);
      j++;
    }
    total += j === i + 1 ? first.durationSec : (end - first.startMs) / 1000;
    i = j;
  }
  return total;
}
